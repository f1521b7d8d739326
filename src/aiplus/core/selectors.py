"""Every read of the kernel, restricted to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from aiplus.core import audit_actions
from aiplus.core.errors import NotFoundError
from aiplus.core.models import AuditEvent, JobProgress, Jurisdiction, Notification, Organisation


def jurisdictions() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.select_related("parent").order_by("level", "code")


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
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if actor:
        queryset = queryset.filter(actor_name__icontains=actor)
    if jurisdiction:
        queryset = queryset.filter(jurisdiction__code=jurisdiction)
    if request_id:
        queryset = queryset.filter(request_id=request_id)
    if since:
        queryset = queryset.filter(occurred_at__date__gte=since)
    if until:
        queryset = queryset.filter(occurred_at__date__lte=until)
    return queryset


def notifications(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    # the recipient's language decides how each one reads
    queryset = Notification.objects.restrict(user, "view").select_related("recipient")
    return queryset.filter(read_at__isnull=True) if unread_only else queryset


def job(user: Any, job_id: int) -> JobProgress:
    found = JobProgress.objects.restrict(user, "view").filter(pk=job_id).first()
    if found is None:
        raise NotFoundError()
    return found
