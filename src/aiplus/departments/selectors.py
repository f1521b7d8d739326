"""Reads of the departments app, always through `.restrict(user, "view")` (a work item: officials and auditors of
its jurisdiction and of the jurisdictions above it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from aiplus.core.access import get_for
from aiplus.core.models import Department, RoleAssignment
from aiplus.core.permissions import OFFICIAL
from aiplus.departments.models import (
    DepartmentHead,
    Duty,
    Handover,
    ScheduledHandover,
    ScheduleStatus,
    WorkItem,
    WorkStatus,
)


def departments() -> QuerySet[Department]:
    """Every department the packs name, with its duties as the pack words them and the work it holds now."""
    return Department.objects.select_related("jurisdiction").prefetch_related(
        "duties", Prefetch("held_duties", queryset=Duty.objects.order_by("code")))


def department(user: Any, department_id: Any) -> Department:
    return get_for(user, "view", departments(), pk=department_id)


def duties(user: Any) -> QuerySet[Duty]:
    return Duty.objects.restrict(user, "view").select_related("department", "jurisdiction")


def duty(user: Any, duty_id: Any) -> Duty:
    return get_for(user, "view", duties(user), pk=duty_id)


def work_items(user: Any) -> QuerySet[WorkItem]:
    return WorkItem.objects.restrict(user, "view").select_related("duty", "department", "jurisdiction", "assignee")


def open_counts(user: Any, department_id: int) -> dict[str, int]:
    """How much open work of each duty the department's queue holds (what the user may see)."""
    rows = work_items(user).filter(department_id=department_id, status=WorkStatus.OPEN).order_by()
    return dict(rows.values_list("duty__code").annotate(n=Count("id")).values_list("duty__code", "n"))


def handovers(duty_ids: list[int]) -> QuerySet[Handover]:
    return Handover.objects.filter(duty_id__in=duty_ids).select_related(
        "duty", "from_department", "to_department", "created_by")


def members(department_id: int) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(department_id=department_id, role=OFFICIAL, active=True).select_related(
        "user").order_by("user__username")


def head(department_id: int) -> DepartmentHead | None:
    return DepartmentHead.objects.filter(department_id=department_id).select_related("user").first()


def departments_of(user: Any) -> list[int]:
    """The departments the user works in (as an official)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(RoleAssignment.objects.filter(Q(user=user, role=OFFICIAL, active=True),
                                              department__isnull=False).values_list("department_id", flat=True))


def same_jurisdiction(department: Department) -> QuerySet[Department]:
    return Department.objects.filter(jurisdiction_id=department.jurisdiction_id).order_by("code")


def handovers_to(department_id: int) -> QuerySet[Handover]:
    """The duties handed over to or away from the department (its side of the holders' history)."""
    return Handover.objects.filter(Q(to_department_id=department_id) | Q(from_department_id=department_id)) \
        .select_related("duty", "from_department", "to_department", "created_by")


def scheduled_handovers(department_id: int) -> QuerySet[ScheduledHandover]:
    """The handovers scheduled and not yet applied that move a duty to or away from the department, soonest first."""
    return ScheduledHandover.objects.filter(
        Q(to_department_id=department_id) | Q(duty__department_id=department_id),
        status=ScheduleStatus.SCHEDULED).select_related("duty", "duty__department", "to_department").order_by(
        "effective_on", "id")


def officials_for(department: Department) -> QuerySet[Any]:
    """The active officials of the department's jurisdiction (or of one above it) not yet in the department: whom
    the administrator may place in it."""
    from aiplus.core.models import User

    places: list[int] = []
    node: Any = department.jurisdiction
    while node is not None and len(places) < 8:  # the jurisdiction and the ones above it
        places.append(node.pk)
        node = node.parent
    return User.objects.filter(
        is_active=True, role_assignments__role=OFFICIAL, role_assignments__active=True,
        role_assignments__jurisdiction_id__in=places).exclude(
        pk__in=members(department.pk).values("user_id")).distinct().order_by("username")


def member_users(department_id: int) -> QuerySet[Any]:
    from aiplus.core.models import User

    return User.objects.filter(pk__in=members(department_id).values("user_id")).order_by("username")


def scheduled_for(duty_id: int) -> QuerySet[ScheduledHandover]:
    return ScheduledHandover.objects.filter(duty_id=duty_id, status=ScheduleStatus.SCHEDULED).select_related(
        "to_department").order_by("effective_on", "id")
