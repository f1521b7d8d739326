"""Reads of the support programmes, always through the rows' Scope (`restrict(user, "view")`): the applying
organisation's members and the officials and auditors of the programme's jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from aiplus.core import permissions
from aiplus.core.errors import NotFoundError
from aiplus.core.models import Organisation
from aiplus.support.models import Application, Budget, Document, Objection, Status, Tranche


def budgets(user: Any) -> QuerySet[Budget]:
    return Budget.objects.restrict(user, "view").select_related("jurisdiction")


def applications(user: Any) -> QuerySet[Application]:
    """What the user may see: their organisation's applications, their jurisdiction's, and those whose review panel
    they were drawn onto (an expert scores what they can read)."""
    visible = Application.objects.restrict(user, "view")
    if getattr(user, "is_authenticated", False):
        visible = visible | Application.objects.filter(panel__members__expert__user=user)
    return visible.select_related("organisation", "jurisdiction", "budget")


def under_notice() -> QuerySet[Application]:
    """Awards under public notice (公示): public, to anyone, with the applicant, the programme and the amount."""
    return Application.objects.filter(status=Status.NOTICE).select_related("organisation").order_by("notice_until")


def reviews(user: Any) -> QuerySet[Application]:
    """The applications whose review panel the user was drawn onto as an expert (what they score)."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return (Application.objects.filter(panel__members__expert__user=user).distinct()
            .select_related("organisation", "jurisdiction", "budget"))


def notices(user: Any) -> QuerySet[Application]:
    """The public list of awards under notice: the same rows for anyone, signed in or not."""
    return under_notice()


def objections(user: Any) -> QuerySet[Objection]:
    return Objection.objects.restrict(user, "view").select_related("application")


def application(user: Any, application_id: int) -> Application:
    found = applications(user).filter(pk=application_id).first()
    if found is None:
        raise NotFoundError()
    return found


def documents(user: Any) -> QuerySet[Document]:
    return Document.objects.restrict(user, "view")


def tranches(user: Any) -> QuerySet[Tranche]:
    return Tranche.objects.restrict(user, "view").select_related("application")


def organisations_acting_for(user: Any) -> QuerySet[Organisation]:
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add"))


def panel_expert(user: Any, application: Application) -> Any:
    """The user's expert profile when they were drawn onto the application's panel (else None)."""
    from aiplus.experts.selectors import drawn_expert

    if application.panel is None:
        return None
    return drawn_expert(application.panel, user)
