"""Writes of the departments app: routing work to the department that holds its duty (called by other apps'
services inside their own action), closing it, handing a duty over with its open work, appointing a head and
members, and escalating overdue work to the head.

`open_work` and `close_work` are part of the caller's action (audited by it, not alone); every other function is
one atomic action with one audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.access import get_for
from aiplus.core.calendar import add_working_days
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import Department, Jurisdiction, RoleAssignment, User
from aiplus.core.services import notify
from aiplus.departments import catalogue
from aiplus.departments.models import (
    DepartmentHead,
    Duty,
    Handover,
    ScheduledHandover,
    ScheduleStatus,
    WorkItem,
    WorkStatus,
)
from aiplus.regulation.runtime import parameters

REASON_MAX = 500
HANDOVER_BACKDATE_DAYS = 366  # a handover may record a move already made, within a year
HANDOVER_AHEAD_DAYS = 366  # or be scheduled for a day within the coming year


def _places_upwards(jurisdiction: Jurisdiction) -> list[int]:
    """The jurisdiction and the ones above it, nearest first (a district's work goes to its city's department
    when the district has none holding the duty)."""
    ids: list[int] = []
    node: Jurisdiction | None = jurisdiction
    while node is not None and len(ids) < 8:
        ids.append(node.pk)
        node = node.parent
    return ids


def holder(code: str, jurisdiction: Jurisdiction) -> Duty | None:
    """The duty `code` as held for `jurisdiction`: its own, or the nearest jurisdiction above it that has one."""
    places = _places_upwards(jurisdiction)
    duties = {d.jurisdiction_id: d for d in Duty.objects.select_related("department", "jurisdiction").filter(
        code=code, jurisdiction_id__in=places)}
    return next((duties[p] for p in places if p in duties), None)


def _due_on(duty: Duty, today: dt.date) -> dt.date:
    days = int(parameters().value(f"departments.{duty.pack}.work_working_days", today))
    return add_working_days(today, days)


def open_work(*, code: str, subject: Model, jurisdiction: Jurisdiction, title: str, link: str,
              assignee: User | None = None) -> WorkItem | None:
    """Put a piece of work in the queue of the department that holds duty `code` for `jurisdiction` (None when no
    department there holds it). Called inside the caller's action; the same open work is not opened twice."""
    if code not in catalogue.WORK:
        raise ValueError(f"unknown duty {code!r}")
    duty = holder(code, jurisdiction)
    if duty is None:
        return None
    object_type = ContentType.objects.get_for_model(subject)
    existing = WorkItem.objects.filter(object_type=object_type, object_id=subject.pk, duty=duty,
                                       status=WorkStatus.OPEN).first()
    if existing is not None:
        return existing
    return WorkItem.objects.create(
        title=str(title)[:200], duty=duty, department=duty.department, jurisdiction=jurisdiction,
        object_type=object_type, object_id=subject.pk, link=link[:200], assignee=assignee,
        due_on=_due_on(duty, timezone.localdate()), is_demo=bool(getattr(subject, "is_demo", False)))


def close_work(*, subject: Model, code: str | None = None) -> int:
    """Close the open work about `subject` (of duty `code`, or all of it): the step it stood for is done. Part of
    the caller's action."""
    items = WorkItem.objects.filter(object_type=ContentType.objects.get_for_model(subject), object_id=subject.pk,
                                    status=WorkStatus.OPEN)
    if code is not None:
        items = items.filter(duty__code=code)
    return items.update(status=WorkStatus.DONE, closed_at=timezone.now(), updated_at=timezone.now())


def assign_work(*, subject: Model, code: str, assignee: User) -> int:
    """Name the official who handles the open work of duty `code` about `subject`. Part of the caller's action."""
    return WorkItem.objects.filter(object_type=ContentType.objects.get_for_model(subject), object_id=subject.pk,
                                   duty__code=code, status=WorkStatus.OPEN).update(assignee=assignee,
                                                                                   updated_at=timezone.now())


def coordinators(jurisdiction_id: int) -> set[int]:
    """The users who may hand duties over in a jurisdiction: the head of the department holding its coordination
    duty (the lead department; a platform setting of the pack)."""
    duty = Duty.objects.filter(jurisdiction_id=jurisdiction_id, code=catalogue.COORDINATION).first()
    if duty is None:
        return set()
    return set(DepartmentHead.objects.filter(department_id=duty.department_id).values_list("user_id", flat=True))


def may_hand_over(user: Any, duty: Duty) -> bool:
    """The platform's administrator, or an official of the duty's jurisdiction who heads its lead department."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    official = RoleAssignment.objects.filter(user=user, role=permissions.OFFICIAL, active=True,
                                             jurisdiction_id=duty.jurisdiction_id).exists()
    return official and user.pk in coordinators(duty.jurisdiction_id)


def _reason(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ServiceError("required", _("请填写移交理由。"), "reason")
    if len(text) > REASON_MAX:
        raise ServiceError("too_long", _("移交理由不能超过%(n)s个字。") % {"n": REASON_MAX}, "reason")
    return text


def _effective_on(value: Any, duty: Duty) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ServiceError("invalid", _("请填写有效的生效日期。"), "effective_on") from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ServiceError("invalid", _("请填写有效的生效日期。"), "effective_on")
    today = timezone.localdate()
    if value > today + dt.timedelta(days=HANDOVER_AHEAD_DAYS):
        raise ServiceError("too_late", _("预约移交的生效日期不能晚于一年之后。"), "effective_on")
    if value < duty.held_since or value < today - dt.timedelta(days=HANDOVER_BACKDATE_DAYS):
        raise ServiceError("too_early", _("生效日期不能早于现承担部门开始承担该职责之日（且不超过一年）。"),
                           "effective_on")
    return value


def _department(value: Any, field: str) -> Department:
    found = Department.objects.filter(pk=value).first() if isinstance(value, int) else None
    if found is None:
        raise ServiceError("unknown_department", _("请选择部门。"), field)
    return found


def _move(duty: Duty, target: Department, text: str, day: dt.date, acting_user: User | None,
          scheduled: ScheduledHandover | None = None) -> Handover:
    """The move itself: the duty's open work to the new department's queue, the history row, the duty's new holder,
    its head told, one audit row."""
    before = {"department": duty.department_id, "held_since": duty.held_since.isoformat()}
    source = duty.department
    moved = WorkItem.objects.filter(duty=duty, status=WorkStatus.OPEN).update(
        department=target, updated_at=timezone.now())
    handover = Handover.objects.create(duty=duty, from_department=source, to_department=target, reason=text,
                                       effective_on=day, items_moved=moved,
                                       created_by=scheduled.created_by if scheduled else acting_user)
    duty.department = target
    duty.held_since = day
    duty.save(update_fields=["department", "held_since", "updated_at"])
    head = DepartmentHead.objects.filter(department=target).select_related("user").first()
    if head is not None:
        notify(recipient=head.user, verb="departments.duty.received",
               title=_("本部门接收职责：%(duty)s"),
               body=_("由%(from)s移交，随之移交待办%(n)s件。"),
               params={"duty": catalogue.WORK[duty.code], "from": source.name_zh, "n": moved},
               link=f"/departments/{target.pk}/", target=duty)
    after = {"department": target.pk, "held_since": day.isoformat(), "reason": text, "items_moved": moved,
             "handover": handover.pk, **({"scheduled": scheduled.pk} if scheduled else {})}
    audit.record(actor=acting_user, action="departments.duty.handed_over", instance=duty, before=before,
                 after=after)
    return handover


@transaction.atomic
def hand_over(*, acting_user: User, duty_id: int, department_id: int, reason: str,
              effective_on: dt.date | str) -> Handover | ScheduledHandover:
    """Move a duty to another department of its jurisdiction: its open work moves to the new department's queue in
    the same action, the move is kept in the duty's history, and the new department's head is told. A handover
    dated after today is scheduled instead: the daily command applies it on that day; it can be cancelled until
    then (one pending per duty)."""
    duty = get_for(acting_user, "view", Duty.objects.select_for_update(), pk=duty_id)
    if not may_hand_over(acting_user, duty):
        raise PermissionDeniedError(_("只有平台管理员或牵头部门负责人可以移交职责。"))
    target = _department(department_id, "department_id")
    if target.jurisdiction_id != duty.jurisdiction_id:
        raise ServiceError("wrong_department", _("只能移交给同一辖区的部门。"), "department_id")
    if target.pk == duty.department_id:
        raise ServiceError("same_department", _("该部门已承担此职责。"), "department_id")
    text = _reason(reason)
    day = _effective_on(effective_on, duty)
    if day <= timezone.localdate():
        return _move(duty, target, text, day, acting_user)
    if ScheduledHandover.objects.filter(duty=duty, status=ScheduleStatus.SCHEDULED).exists():
        raise ServiceError("already_scheduled", _("该职责已有待生效的预约移交，请先取消。"), "duty_id", status=409)
    scheduled = ScheduledHandover.objects.create(duty=duty, to_department=target, reason=text, effective_on=day,
                                                 created_by=acting_user)
    audit.record(actor=acting_user, action="departments.handover.scheduled", instance=scheduled,
                 after={"duty": duty.pk, "department": target.pk, "effective_on": day.isoformat(), "reason": text})
    return scheduled


@transaction.atomic
def cancel_handover(*, acting_user: User, scheduled_id: int) -> ScheduledHandover:
    """Cancel a scheduled handover before it takes effect (whoever may hand the duty over)."""
    found = get_for(acting_user, "view", ScheduledHandover.objects.select_related("duty"), pk=scheduled_id)
    if not may_hand_over(acting_user, found.duty):
        raise PermissionDeniedError(_("只有平台管理员或牵头部门负责人可以取消预约移交。"))
    scheduled = ScheduledHandover.objects.select_for_update().get(pk=found.pk)
    if scheduled.status != ScheduleStatus.SCHEDULED:
        raise ServiceError("not_scheduled", _("该预约移交已生效或已取消。"), "scheduled_id", status=409)
    before = audit.snapshot(scheduled)
    scheduled.status = ScheduleStatus.CANCELLED
    scheduled.cancelled_by = acting_user
    scheduled.save(update_fields=["status", "cancelled_by", "updated_at"])
    audit.record(actor=acting_user, action="departments.handover.cancelled", instance=scheduled, before=before)
    return scheduled


@transaction.atomic
def apply_due_handovers(*, acting_user: User | None = None, today: dt.date | None = None) -> int:
    """Apply every scheduled handover whose day has come (run daily; each is marked applied in the same
    transaction, so safe to rerun). One the duty's holder already is (moved meanwhile) is marked applied with no
    move."""
    today = today or timezone.localdate()
    due = list(ScheduledHandover.objects.select_for_update(of=("self",)).select_related("created_by").filter(
        status=ScheduleStatus.SCHEDULED, effective_on__lte=today).order_by("effective_on", "id"))
    applied = 0
    for scheduled in due:
        duty = Duty.objects.select_for_update(of=("self",)).select_related("department").get(pk=scheduled.duty_id)
        target = Department.objects.get(pk=scheduled.to_department_id)
        if target.pk != duty.department_id:
            scheduled.handover = _move(duty, target, scheduled.reason, scheduled.effective_on, acting_user,
                                       scheduled)
            applied += 1
        scheduled.status = ScheduleStatus.APPLIED
        scheduled.save(update_fields=["status", "handover", "updated_at"])
    return applied


def _as_administrator(acting_user: User) -> None:
    if not (getattr(acting_user, "is_superuser", False) and acting_user.is_active):
        raise PermissionDeniedError(_("只有平台管理员可以配置部门人员。"))


def _official_of(user_id: Any, department: Department) -> RoleAssignment:
    assignment = RoleAssignment.objects.filter(
        user_id=user_id, role=permissions.OFFICIAL, active=True,
        jurisdiction_id__in=_places_upwards(department.jurisdiction), user__is_active=True,
    ).first() if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if assignment is None:
        raise ServiceError("not_an_official", _("所选用户不是该部门所在辖区的主管部门工作人员。"), "user_id")
    return assignment


@transaction.atomic
def add_member(*, acting_user: User, department_id: int, user_id: int) -> RoleAssignment:
    """The administrator places an official of the department's jurisdiction in the department."""
    _as_administrator(acting_user)
    department = _department(department_id, "department_id")
    assignment = _official_of(user_id, department)
    before = {"department": assignment.department_id}
    assignment.department = department
    assignment.save(update_fields=["department"])
    permissions.forget(assignment.user)
    audit.record(actor=acting_user, action="departments.member.added", object_type="core.roleassignment",
                 object_id=str(assignment.pk), object_repr=str(assignment), before=before,
                 after={"department": department.pk})
    return assignment


@transaction.atomic
def remove_member(*, acting_user: User, department_id: int, user_id: int) -> RoleAssignment:
    """The administrator takes an official out of the department. The head is not taken out: appoint another head
    first (overdue work must always have someone to escalate to)."""
    _as_administrator(acting_user)
    department = _department(department_id, "department_id")
    assignment = RoleAssignment.objects.filter(
        user_id=user_id, role=permissions.OFFICIAL, active=True, department=department,
    ).first() if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if assignment is None:
        raise ServiceError("not_a_member", _("所选用户不是本部门工作人员。"), "user_id")
    if DepartmentHead.objects.filter(department=department, user_id=assignment.user_id).exists():
        raise ServiceError("is_head", _("部门负责人不能移出部门，请先指定新的负责人。"), "user_id", status=409)
    before = {"department": assignment.department_id}
    assignment.department = None
    assignment.save(update_fields=["department"])
    permissions.forget(assignment.user)
    audit.record(actor=acting_user, action="departments.member.removed", object_type="core.roleassignment",
                 object_id=str(assignment.pk), object_repr=str(assignment), before=before,
                 after={"department": None})
    return assignment


@transaction.atomic
def appoint_head(*, acting_user: User, department_id: int, user_id: int) -> DepartmentHead:
    """The administrator names a member of the department its head (overdue work escalates to them)."""
    _as_administrator(acting_user)
    department = _department(department_id, "department_id")
    assignment = _official_of(user_id, department)
    if assignment.department_id != department.pk:
        raise ServiceError("not_a_member", _("部门负责人须为本部门工作人员。"), "user_id")
    existing = DepartmentHead.objects.filter(department=department).first()
    before = {"user": existing.user_id} if existing else None
    head, _created = DepartmentHead.objects.update_or_create(department=department,
                                                             defaults={"user_id": assignment.user_id})
    audit.record(actor=acting_user, action="departments.head.appointed", instance=head, before=before,
                 after={"user": head.user_id})
    return head


@transaction.atomic
def escalate_overdue(*, acting_user: User | None = None, today: dt.date | None = None) -> int:
    """Tell each department's head of its open work past its due date, once per item (marked in the same
    transaction, so safe to rerun). Work of a department with no head stays unmarked until one is named."""
    today = today or timezone.localdate()
    heads = dict(DepartmentHead.objects.values_list("department_id", "user_id"))
    overdue = list(WorkItem.objects.select_for_update(of=("self",)).select_related("duty").filter(
        status=WorkStatus.OPEN, escalated_at__isnull=True, due_on__lt=today,
        department_id__in=list(heads)).order_by("due_on", "id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=set(heads.values()))}
    now = timezone.now()
    for item in overdue:
        notify(recipient=users[heads[item.department_id]], verb="departments.work.overdue",
               title=_("本部门待办已逾期：%(t)s"), body=_("“%(duty)s”事项的办理期限为%(d)s。"),
               params={"t": item.title, "duty": catalogue.WORK[item.duty.code], "d": item.due_on.isoformat()},
               link=item.link, target=item)
        item.escalated_at = now
        item.save(update_fields=["escalated_at", "updated_at"])
    if overdue:
        audit.record(actor=acting_user, action="departments.work.escalated", instance=None,
                     object_type="departments.workitem", object_id=",".join(str(i.pk) for i in overdue[:20]),
                     object_repr=str(len(overdue)), after={"items": [i.pk for i in overdue],
                                                           "today": today.isoformat()})
    return len(overdue)
