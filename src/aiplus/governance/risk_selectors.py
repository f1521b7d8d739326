"""Reads of AI applications, assessments, inspection plans, inspections and rectification orders, always through the
rows' Scope (the organisation's members; officials and auditors of the jurisdiction), narrowed for an official of a
sector department to the applications of that department (`sector_department_ids`). The public reads only the
disclosure of a medium- or low-risk application, through `disclosures` (its public fields, nothing else)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from aiplus.core import permissions
from aiplus.core.errors import NotFoundError
from aiplus.governance.models import (
    AIApplication,
    EthicsSelfCheck,
    Inspection,
    InspectionPlan,
    RectificationOrder,
    RiskAssessment,
    RiskTier,
)

# The fields of a public disclosure: nothing else of an application is ever read for the public.
DISCLOSURE_FIELDS = ("id", "name", "organisation__name", "jurisdiction__code", "jurisdiction__name_zh",
                     "jurisdiction__name_en", "department__code",
                     "department__name_zh", "department__name_en", "purpose", "limits", "data_used", "contact",
                     "tier", "assessed_on", "is_disclosed")
DISCLOSED_TIERS = (RiskTier.MEDIUM, RiskTier.LOW)


def sector_department_ids(user: Any) -> set[int] | None:
    """The departments an official acts for, when every official role of theirs names one (a sector official);
    None when they hold an official role for the whole jurisdiction, or none (no narrowing)."""
    from aiplus.core.models import RoleAssignment

    if not getattr(user, "is_authenticated", False) or getattr(user, "is_superuser", False):
        return None
    rows = list(RoleAssignment.objects.filter(user=user, role=permissions.OFFICIAL, active=True)
                .values_list("department_id", flat=True))
    if not rows or any(d is None for d in rows):
        return None
    return {d for d in rows if d is not None}


def _sector(queryset: QuerySet[Any], user: Any, path: str) -> QuerySet[Any]:
    departments = sector_department_ids(user)
    if departments is None:
        return queryset
    own = permissions.user_organisation_ids(user, "view")
    organisation_path = path.replace("department", "organisation")
    return queryset.filter(Q(**{f"{path}__in": departments}) | Q(**{f"{organisation_path}__in": own}))


def _one(queryset: QuerySet[Any], pk: Any) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFoundError()
    return found


def applications(user: Any) -> QuerySet[AIApplication]:
    rows = AIApplication.objects.restrict(user, "view")  # type: ignore[attr-defined]
    return _sector(rows, user, "department").select_related(  # type: ignore[no-any-return]
        "organisation", "jurisdiction", "department", "scenario")


def application(user: Any, application_id: int) -> AIApplication:
    return _one(applications(user), application_id)  # type: ignore[no-any-return]


def assessments_of(item: AIApplication) -> list[RiskAssessment]:
    return list(RiskAssessment.objects.filter(application=item).select_related("assessed_by"))


def self_checks_of(item: AIApplication, limit: int = 10) -> list[EthicsSelfCheck]:
    """The application's newest ethics self-checks, newest first (whoever may read the application reads them)."""
    return list(EthicsSelfCheck.objects.filter(application=item).select_related("checked_by")[:limit])


def plans(user: Any) -> QuerySet[InspectionPlan]:
    rows = InspectionPlan.objects.restrict(user, "view")  # type: ignore[attr-defined]
    departments = sector_department_ids(user)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    return rows.select_related("jurisdiction", "department")  # type: ignore[no-any-return]


def plan(user: Any, plan_id: int) -> InspectionPlan:
    return _one(plans(user), plan_id)  # type: ignore[no-any-return]


def inspections(user: Any) -> QuerySet[Inspection]:
    rows = Inspection.objects.restrict(user, "view")  # type: ignore[attr-defined]
    return _sector(rows, user, "application__department").select_related(  # type: ignore[no-any-return]
        "plan", "application", "application__organisation", "application__department")


def inspection(user: Any, inspection_id: int) -> Inspection:
    return _one(inspections(user), inspection_id)  # type: ignore[no-any-return]


def inspections_of(user: Any, item: AIApplication) -> list[Inspection]:
    return list(inspections(user).filter(application=item))


def orders(user: Any) -> QuerySet[RectificationOrder]:
    rows = RectificationOrder.objects.restrict(user, "view")  # type: ignore[attr-defined]
    return _sector(rows, user, "application__department").select_related(  # type: ignore[no-any-return]
        "inspection", "application", "application__organisation")


def order(user: Any, order_id: int) -> RectificationOrder:
    return _one(orders(user), order_id)  # type: ignore[no-any-return]


def orders_of(user: Any, item: Inspection) -> list[RectificationOrder]:
    return list(orders(user).filter(inspection=item))


def disclosures(user: Any = None) -> QuerySet[AIApplication]:
    """The public register: applications disclosed while medium or low risk, only their public fields."""
    return AIApplication.objects.filter(is_disclosed=True, tier__in=DISCLOSED_TIERS).select_related(
        "organisation", "jurisdiction", "department").only(*DISCLOSURE_FIELDS)


def disclosure(user: Any, application_id: int) -> AIApplication:
    return _one(disclosures(), application_id)  # type: ignore[no-any-return]


def departments_for(jurisdiction_id: int) -> QuerySet[Any]:
    """The departments that may supervise an application located here: those of the place and of the places
    above it."""
    from aiplus.core.models import Department

    places = set(Department.objects.values_list("jurisdiction_id", flat=True))
    above = [place for place in places if jurisdiction_id in permissions.jurisdiction_ids_in_scope(place)]
    return Department.objects.filter(jurisdiction_id__in=above).order_by("pack", "code")


def planning_departments(user: Any) -> QuerySet[Any]:
    """The departments an official may plan inspections for: their sector departments, or every department of
    the places they act for."""
    from aiplus.core.models import Department

    if getattr(user, "is_superuser", False):
        return Department.objects.all()
    departments = sector_department_ids(user)
    if departments is not None:
        return Department.objects.filter(pk__in=departments)
    return Department.objects.filter(jurisdiction_id__in=permissions.user_jurisdiction_ids(user, "change"))


def models_for(user: Any) -> QuerySet[Any]:
    from aiplus.algorithms.models import AIModel

    return AIModel.objects.restrict(user, "view").order_by("name")  # type: ignore[attr-defined, no-any-return]


def algorithms_for(user: Any) -> QuerySet[Any]:
    from aiplus.algorithms.models import Algorithm

    return Algorithm.objects.restrict(user, "view").order_by("name")  # type: ignore[attr-defined, no-any-return]


def scenarios_for(user: Any) -> QuerySet[Any]:
    from aiplus.scenarios.models import Need

    return Need.objects.restrict(user, "view").order_by("-id")  # type: ignore[attr-defined, no-any-return]
