"""Reads of sandbox cases, reports, incidents, exit decisions and fault-tolerance cases, always through the rows'
Scope (`restrict(user, "view")`): the applying organisation's members and the officials and auditors of the
jurisdiction (and above it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from aiplus.core import permissions
from aiplus.core.errors import NotFoundError
from aiplus.core.models import Organisation
from aiplus.sandbox.models import ExitDecision, SandboxApplication, SandboxIncident, SandboxReport, ToleranceCase


def applications(user: Any) -> QuerySet[SandboxApplication]:
    """By their Scope, and the applications whose admission panel the user was drawn for (to read and vote)."""
    allowed = Q(pk__in=SandboxApplication.objects.restrict(user, "view").values("pk"))
    if getattr(user, "pk", None):
        allowed |= Q(pk__in=SandboxApplication.panel_users.through.objects.filter(user_id=user.pk)
                     .values("sandboxapplication_id"))
    return SandboxApplication.objects.filter(allowed).select_related("organisation", "jurisdiction")


def application(user: Any, application_id: int) -> SandboxApplication:
    found = applications(user).select_related("draw").filter(pk=application_id).first()
    if found is None:
        raise NotFoundError()
    return found


def reports(user: Any) -> QuerySet[SandboxReport]:
    return SandboxReport.objects.restrict(user, "view").select_related("application__organisation",
                                                                       "application__jurisdiction")


def incidents(user: Any) -> QuerySet[SandboxIncident]:
    return SandboxIncident.objects.restrict(user, "view").select_related("incident")


def exits(user: Any) -> QuerySet[ExitDecision]:
    return ExitDecision.objects.restrict(user, "view")


def tolerance_cases(user: Any) -> QuerySet[ToleranceCase]:
    return ToleranceCase.objects.restrict(user, "view").select_related("organisation", "jurisdiction", "violation",
                                                                       "application")


def tolerance_case(user: Any, case_id: int) -> ToleranceCase:
    found = tolerance_cases(user).filter(pk=case_id).first()
    if found is None:
        raise NotFoundError()
    return found


def organisations_acting_for(user: Any) -> QuerySet[Organisation]:
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add"))


def is_official_of(user: Any, jurisdiction_id: int) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool(getattr(user, "is_authenticated", False)) and jurisdiction_id in permissions.user_jurisdiction_ids(
        user, "change")


def is_member_of(user: Any, organisation_id: int) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and organisation_id in permissions.user_organisation_ids(
        user, "view")
