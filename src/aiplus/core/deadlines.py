"""Watching legal deadlines: open workflow timers whose due date has passed are reported to the officials of
their jurisdiction, once. Run daily (`manage.py check_deadlines`, or the `check_deadlines_task` in a worker)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.models import RoleAssignment, TimerStatus, User, WorkflowTimer
from aiplus.core.services import in_each_language, notify
from aiplus.regulation.runtime import citation_of, cite, parameter_status


@transaction.atomic
def report_overdue_timers(*, acting_user: User | None = None, today: dt.date) -> int:
    overdue = list(WorkflowTimer.objects.select_for_update()
                   .filter(status=TimerStatus.OPEN, due_on__lt=today, overdue_notified_on__isnull=True))
    if not overdue:
        return 0
    officials: dict[int | None, list[Any]] = {}
    for timer in overdue:
        if timer.jurisdiction_id not in officials:
            # Officials of the timer's jurisdiction and of every jurisdiction above it (province over city).
            officials[timer.jurisdiction_id] = [
                assignment.user for assignment in RoleAssignment.objects.select_related("user")
                .filter(role=permissions.OFFICIAL, active=True)
                if timer.jurisdiction_id is not None and assignment.jurisdiction_id is not None
                and timer.jurisdiction_id in permissions.jurisdiction_ids_in_scope(assignment.jurisdiction_id)
            ]
        # the rule's citation, or "platform setting" for an operator's value, never a bare key; in each language
        status = parameter_status(timer.parameter, timer.due_on)
        source = in_each_language(
            lambda: cite(citation_of({"citation": timer.citation, "status": status})) or timer.parameter)  # noqa: B023
        for user in officials[timer.jurisdiction_id]:
            notify(recipient=user, verb="deadline.overdue", title=_("流程时限已过：%(name)s（%(due)s 到期）"),
                   body=_("%(type)s #%(id)s 的“%(name)s”时限（%(days)s 个工作日，依据 %(param)s）已过期。"),
                   params={"type": timer.object_type, "id": timer.object_id, "name": timer.name,
                           "due": timer.due_on, "days": timer.working_days, "param": source}, target=timer)
        timer.overdue_notified_on = today
        timer.save(update_fields=["overdue_notified_on"])
    audit.record(actor=acting_user, action="core.overdue_timers.reported", object_type="core.workflowtimer",
                 after={"timers": [t.pk for t in overdue], "on": today.isoformat()}, object_repr=f"{len(overdue)}")
    return len(overdue)
