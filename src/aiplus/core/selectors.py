"""Every read of the kernel, restricted to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from aiplus.core import audit_actions, permissions
from aiplus.core.errors import NotFoundError
from aiplus.core.models import (
    ApiToken,
    AuditEvent,
    Department,
    JobProgress,
    Jurisdiction,
    Notification,
    Organisation,
    WorkflowTimer,
)


def jurisdictions() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.select_related("parent").order_by("level", "code")


def jurisdictions_to_add_in(user: Any) -> QuerySet[Jurisdiction]:
    """The jurisdictions where the user may create records: an official's own and those below (all for a
    superuser); none for anyone else."""
    places = jurisdictions()
    return places if user.is_superuser else places.filter(pk__in=permissions.user_jurisdiction_ids(user, "add"))


def organisations(user: Any, *, search: str = "", kind: str = "", jurisdiction: str = "") -> QuerySet[Organisation]:
    queryset = Organisation.objects.restrict(user, "view").select_related("jurisdiction")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(name_en__icontains=search)
                                   | Q(credit_code__iexact=search.strip()))
    if kind:
        queryset = queryset.filter(kind=kind)
    if jurisdiction:
        queryset = queryset.filter(jurisdiction__code=jurisdiction)
    return queryset.order_by("name")


def organisation(user: Any, organisation_id: int) -> Organisation:
    found = organisations(user).filter(pk=organisation_id).first()
    if found is None:
        raise NotFoundError()
    return found


def audit_events(
    user: Any,
    *,
    action: str = "",
    object_type: str = "",
    actor: str = "",
    jurisdiction: str = "",
    request_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    queryset = AuditEvent.objects.restrict(user, "view").select_related("jurisdiction")
    if action:
        # events stored under an old code (kept as written: the chain forbids rewriting) are found by the new one
        queryset = queryset.filter(Q(action__startswith=action) | Q(action__in=audit_actions.stored_codes(action)))
    lookups = {"object_type": object_type, "actor_name__icontains": actor, "jurisdiction__code": jurisdiction,
               "request_id": request_id, "occurred_at__date__gte": since, "occurred_at__date__lte": until}
    # An empty criterion does not narrow the list.
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value})


def notifications(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    # the recipient's language decides how each one reads
    queryset = Notification.objects.restrict(user, "view").select_related("recipient")
    return queryset.filter(read_at__isnull=True) if unread_only else queryset


def job(user: Any, job_id: int) -> JobProgress:
    found = JobProgress.objects.restrict(user, "view").filter(pk=job_id).first()
    if found is None:
        raise NotFoundError()
    return found


def departments() -> QuerySet[Department]:
    """The departments the packs name, with their duties (public reference data)."""
    return Department.objects.select_related("jurisdiction").prefetch_related("duties")


def open_timers(user: Any) -> QuerySet[WorkflowTimer]:
    """Running workflow clocks of the user's jurisdictions (all of them for the superuser), soonest first."""
    timers = WorkflowTimer.objects.filter(status="open").order_by("due_on")
    if getattr(user, "is_superuser", False):
        return timers
    return timers.filter(jurisdiction_id__in=permissions.user_jurisdiction_ids(user))


def api_tokens(user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first."""
    if not getattr(user, "pk", None):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at")


def active_user(*, pk: Any = None, username: str | None = None) -> Any:
    """The active user with this id or username, or None (signing in, choosing a person by a name they gave)."""
    from django.contrib.auth import get_user_model

    people = get_user_model()._default_manager.filter(is_active=True)
    if pk is not None:
        return people.filter(pk=pk).first()
    return people.filter(username=username).first() if username else None


def active_users() -> QuerySet[Any]:
    """Everyone who can be chosen for a role (the person picker's choices)."""
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.filter(is_active=True).order_by("username")


def all_organisations() -> QuerySet[Organisation]:
    """Every registered organisation, for pickers where any of them may be named (a conflict of interest)."""
    return Organisation.objects.select_related("jurisdiction").order_by("name")
