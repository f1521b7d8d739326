"""Every service write leaves exactly one audit event; a write that fails halfway leaves nothing."""

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy

from aiplus.core import audit, audit_actions, credit_code, jobs, services
from aiplus.core.errors import ServiceError
from aiplus.core.models import AuditEvent, Jurisdiction, Organisation, RoleAssignment, TransitionRecord
from aiplus.core.models.audit import AuditAppendOnly
from aiplus.core.tasks import count_execution
from aiplus.core.workflow import TimerSpec, Transition, Workflow
from aiplus.participation import services as participation_services

VALID_CODE = credit_code.make("91320594MA1W8XN2Q")


def _one_event(action, before):
    events = list(AuditEvent.objects.exclude(pk__in=before))
    assert len(events) == 1, [e.action for e in events]
    assert events[0].action == action
    return events[0]


def _ids():
    return set(AuditEvent.objects.values_list("pk", flat=True))


SERVICE_CALLS = {
    "core.organisation.created": lambda w: services.create_organisation(
        acting_user=w.user("official"), jurisdiction="suzhou-sip", kind="opc", name="审计测试一人公司",
        credit_code=VALID_CODE),
    "core.organisation.updated": lambda w: services.update_organisation(
        acting_user=w.user("enterprise_member"), organisation_id=w.orgs["suzhou:enterprise"].pk, address="新地址1号"),
    "core.role.assigned": lambda w: services.assign_role(
        acting_user=w.user("official"), user=w.user("public"), role="official", jurisdiction="suzhou-wujiang"),
    "core.user.created": lambda w: services.create_user(acting_user=w.admin, username="new-user",
                                                        password="x-pass-123"),
    "core.api_token.created": lambda w: services.create_api_token(acting_user=w.user("official"), name="ci"),
    "participation.notice.published": lambda w: participation_services.create_notice(
        acting_user=w.user("official"), jurisdiction_id=Jurisdiction.objects.get(code="suzhou").pk, title="测试通知",
        is_published=True),
    "core.api_token.revoked": lambda w: services.revoke_api_token(
        acting_user=w.admin, token_id=services.create_api_token(acting_user=w.admin, name="t")[0].pk),
    "core.job.started": lambda w: jobs.start_job(acting_user=w.user("official"), name="t", task=count_execution),
}


@pytest.mark.parametrize("action", sorted(SERVICE_CALLS))
def test_every_service_write_leaves_exactly_one_audit_event(world, action):
    before = _ids()
    SERVICE_CALLS[action](world)
    if action == "core.api_token.revoked":
        # Its set-up creates a token first, which is a write of its own.
        before |= set(AuditEvent.objects.filter(action="core.api_token.created").values_list("pk", flat=True))
    event = _one_event(action, before)
    assert event.actor_name
    assert event.after is not None or event.before is not None


def test_notifications_read_is_audited_once(world):
    user = world.user("enterprise_member")
    with transaction.atomic():
        services.notify(recipient=user, verb="test", title=gettext_lazy("通知"))
        services.notify(recipient=user, verb="test", title=gettext_lazy("通知"))
    before = _ids()
    assert services.mark_notifications_read(acting_user=user) == 2
    _one_event("core.notifications.read", before)


def test_update_records_before_and_after(world):
    organisation = world.orgs["suzhou:enterprise"]
    before = _ids()
    services.update_organisation(acting_user=world.user("official"), organisation_id=organisation.pk,
                                 address="苏州市工业园区星湖街328号")
    event = _one_event("core.organisation.updated", before)
    assert event.before["address"] != event.after["address"] == "苏州市工业园区星湖街328号"
    assert event.jurisdiction_id == organisation.jurisdiction_id


def test_a_write_that_fails_after_its_row_is_saved_leaves_no_rows_and_no_event(world, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", explode)
    monkeypatch.setattr(services.audit, "record", explode)
    counts = (Organisation.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RuntimeError):
        SERVICE_CALLS["core.organisation.created"](world)
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == counts


def test_role_assignment_refused_halfway_leaves_nothing(world):
    counts = (RoleAssignment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError):
        # A Suzhou official cannot grant a Shenzhen role.
        services.assign_role(acting_user=world.user("official"), user=world.user("public"), role="official",
                             jurisdiction="shenzhen")
    assert (RoleAssignment.objects.count(), AuditEvent.objects.count()) == counts


def test_workflow_transition_that_fails_on_its_timer_rolls_back_state_history_and_audit(world):
    audit_actions.register("test.flow.convert", "测试流程", "test flow")
    flow = Workflow(
        name="test_flow", action_prefix="test.flow", state_field="kind",
        states={"enterprise": "企业", "opc": "一人公司"},
        transitions=[Transition("convert", sources=("enterprise",), target="opc", label="转换",
                                timer=TimerSpec("review", parameter="no.such.parameter"))],
    )
    organisation = world.orgs["suzhou:enterprise"]
    counts = (AuditEvent.objects.count(), TransitionRecord.objects.count())
    with pytest.raises(LookupError):
        flow.apply(organisation, "convert", acting_user=world.user("official"))
    organisation.refresh_from_db()
    assert organisation.kind == "enterprise"
    assert (AuditEvent.objects.count(), TransitionRecord.objects.count()) == counts


def test_audit_events_are_append_only(world):
    event = AuditEvent.objects.first()
    with pytest.raises(AuditAppendOnly):
        event.save()
    with pytest.raises(AuditAppendOnly):
        event.delete()
    with pytest.raises(AuditAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditAppendOnly):
        AuditEvent.objects.all().delete()


def test_audit_record_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="inside the service"):
        audit.record(actor=None, action="x", object_type="y")


def test_the_database_itself_refuses_to_rewrite_audit_rows(world):
    """Raw SQL bypasses the ORM guard; the trigger (PostgreSQL: UPDATE and DELETE, SQLite: UPDATE) still refuses."""
    from django.db import DatabaseError, connection, transaction

    event = AuditEvent.objects.first()
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["forged", event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == event.action
