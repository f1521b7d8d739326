"""The workflow helper: transitions, refusals, history, working-day timers, and overdue reporting."""

import datetime as dt

import pytest

from aiplus.core import audit_actions
from aiplus.core.deadlines import report_overdue_timers
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent, Notification, TimerStatus, WorkflowTimer
from aiplus.core.workflow import TimerSpec, Transition, Workflow
from aiplus.regulation.runtime import parameters

# Any working-day parameter of the packs will do: the helper reads the number and its citation from it.
DAYS_KEY = next(key for key in parameters().keys() if key.endswith("working_days"))  # noqa: SIM118 (iter yields versions)

# test-only audit codes of the test workflow's transitions
for _transition in ("to_opc", "to_park"):
    audit_actions.register(f"test.kind_flow.{_transition}", "测试流程", "test flow")

FLOW = Workflow(
    name="kind_flow", action_prefix="test.kind_flow", state_field="kind",
    states={"enterprise": "企业", "opc": "一人公司", "park": "园区"},
    transitions=[
        Transition("to_opc", sources=("enterprise",), target="opc", label="转为OPC",
                   roles=frozenset({"official"}), timer=TimerSpec("review", parameter=DAYS_KEY)),
        Transition("to_park", sources=("opc",), target="park", label="转为园区",
                   guard=lambda obj: None if obj.address else "需要地址"),
    ],
)


def test_transition_moves_state_records_history_starts_timer_and_audits_once(world):
    organisation = world.orgs["suzhou:enterprise"]
    before = AuditEvent.objects.count()
    FLOW.apply(organisation, "to_opc", acting_user=world.user("official"), on=dt.date(2026, 9, 30))
    organisation.refresh_from_db()
    assert organisation.kind == "opc"
    assert AuditEvent.objects.count() == before + 1
    assert [r.transition for r in FLOW.history(organisation)] == ["to_opc"]
    timer = WorkflowTimer.objects.get(object_id=str(organisation.pk))
    days = int(parameters().value(DAYS_KEY, dt.date(2026, 9, 30)))
    from aiplus.core.calendar import add_working_days

    assert timer.due_on == add_working_days(dt.date(2026, 9, 30), days)
    assert timer.citation and timer.parameter == DAYS_KEY


def test_refusals_are_clear_and_change_nothing(world):
    organisation = world.orgs["suzhou:enterprise"]
    with pytest.raises(ServiceError, match="当前状态"):
        FLOW.apply(organisation, "to_park", acting_user=world.user("official"))
    with pytest.raises(PermissionDeniedError):
        FLOW.apply(organisation, "to_opc", acting_user=world.user("official", "shenzhen"))
    with pytest.raises(ServiceError):
        # Members may change their organisation, but this transition is for officials only.
        FLOW.apply(organisation, "to_opc", acting_user=world.user("enterprise_member"))
    organisation.refresh_from_db()
    assert organisation.kind == "enterprise" and not FLOW.history(organisation).exists()
    assert [t.name for t in FLOW.available(organisation, world.user("official"))] == ["to_opc"]


def test_leaving_a_state_closes_its_timer_and_overdue_timers_are_reported_once(world):
    organisation = world.orgs["suzhou:enterprise"]
    FLOW.apply(organisation, "to_opc", acting_user=world.user("official"), on=dt.date(2026, 3, 2))
    timer = WorkflowTimer.objects.get(object_id=str(organisation.pk))
    assert report_overdue_timers(today=timer.due_on) == 0
    assert report_overdue_timers(today=timer.due_on + dt.timedelta(days=1)) == 1
    assert Notification.objects.filter(recipient=world.user("official"), verb="deadline.overdue").count() == 1
    assert not Notification.objects.filter(recipient=world.user("official", "shenzhen")).exists()
    assert report_overdue_timers(today=timer.due_on + dt.timedelta(days=2)) == 0
    organisation.address = "苏州"
    organisation.save()
    FLOW.apply(organisation, "to_park", acting_user=world.user("official"), on=timer.due_on + dt.timedelta(days=3))
    timer.refresh_from_db()
    assert timer.status == TimerStatus.OVERDUE and timer.closed_on == timer.due_on + dt.timedelta(days=3)
