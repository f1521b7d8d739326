"""Duties as data, routing by duty, handover with the open work, escalation, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.departments import services
from aiplus.departments.models import Duty, Handover, WorkItem, WorkStatus

pytestmark = pytest.mark.django_db

ROLES = ["official", "auditor", "enterprise_member", "provider", "expert", "public"]


def _duty(code: str, place: str = "suzhou") -> Duty:
    return Duty.objects.select_related("department").get(code=code, jurisdiction__code=place)


def test_the_packs_assign_each_duty_to_one_department_with_its_source(staff):
    assert _duty("incidents.handle").department.code == "sz_cac"
    assert _duty("support.applications").department.code == "sz_czj"
    assert _duty("coordination", "guangdong").department.code == "gd_fgw"
    duty = _duty("incidents.handle")
    assert duty.source_kind == "platform-assignment" and duty.citation["pack"] == "suzhou"
    from aiplus.regulation.provenance import describe

    assert describe(duty).startswith("平台分工")


def test_loading_again_keeps_a_handed_over_duty_with_its_new_holder(staff):
    from aiplus.departments.tests.conftest import load_duties

    duty = _duty("incidents.handle")
    services.hand_over(acting_user=staff.world.admin, duty_id=duty.pk, department_id=staff.dept("sz_scjgj").pk,
                       reason="机构调整", effective_on=timezone.localdate())
    load_duties()
    assert Duty.objects.filter(code="incidents.handle", jurisdiction__code="suzhou").count() == 1
    assert _duty("incidents.handle").department.code == "sz_scjgj"


def test_an_incident_lands_in_the_queue_of_the_department_holding_the_duty(staff, incident):
    item = WorkItem.objects.get()
    assert item.department.code == "sz_cac" and item.duty.code == "incidents.handle"
    assert item.status == WorkStatus.OPEN and item.link == f"/governance/incidents/{incident.pk}/"
    assert item.due_on > timezone.localdate()


def test_a_district_record_goes_to_the_city_department(staff, make_org):
    from aiplus.core.models import Jurisdiction

    district = Jurisdiction.objects.filter(parent__code="suzhou").first()
    assert district is not None
    item = services.open_work(code="incidents.handle", subject=district, jurisdiction=district, title="x",
                              link="/")
    assert item is not None and item.department.code == "sz_cac"
    again = services.open_work(code="incidents.handle", subject=district, jurisdiction=district, title="x",
                               link="/")
    assert again == item and WorkItem.objects.count() == 1


def test_a_handover_moves_the_open_work_only_with_one_audit_row_and_tells_the_new_head(staff, incident):
    from aiplus.core.models import AuditEvent, Notification

    done = services.open_work(code="incidents.handle", subject=staff.dept("sz_cac"),
                              jurisdiction=incident.jurisdiction, title="已办", link="/")
    services.close_work(subject=staff.dept("sz_cac"))
    duty = _duty("incidents.handle")
    before = AuditEvent.objects.count()
    handover = services.hand_over(acting_user=staff.head["sz_fgw"], duty_id=duty.pk,
                                  department_id=staff.dept("sz_scjgj").pk, reason="执法职能调整",
                                  effective_on=timezone.localdate())
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-id").first().action == "departments.duty.handed_over"
    assert handover.items_moved == 1 and handover.from_department.code == "sz_cac"
    assert WorkItem.objects.get(object_id=incident.pk, status="open").department.code == "sz_scjgj"
    done.refresh_from_db()
    assert done.department.code == "sz_cac"
    assert _duty("incidents.handle").department.code == "sz_scjgj"
    assert Notification.objects.filter(recipient=staff.head["sz_scjgj"], verb="departments.duty.received").exists()
    # new work follows the duty, too
    from aiplus.governance.incident_services import report_incident

    world = staff.world
    report_incident(acting_user=world.user("enterprise_member"), organisation_id=world.orgs["suzhou:enterprise"].pk,
                    title="第二起", description="又一起。", discovered_at=timezone.now())
    assert WorkItem.objects.filter(department__code="sz_scjgj", status="open").count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_the_administrator_and_the_lead_head_hands_over(staff, role):
    duty = _duty("incidents.handle")
    user = staff.world.user(role) if role != "public" else staff.world.user("public")
    with pytest.raises(PermissionDeniedError):
        services.hand_over(acting_user=user, duty_id=duty.pk, department_id=staff.dept("sz_scjgj").pk,
                           reason="x", effective_on=timezone.localdate())
    assert _duty("incidents.handle").department.code == "sz_cac"


def test_a_department_head_who_does_not_lead_and_another_provinces_lead_cannot_hand_over(staff):
    duty = _duty("incidents.handle")
    for user in (staff.head["sz_cac"], staff.head["gd_fgw"]):
        with pytest.raises(PermissionDeniedError):
            services.hand_over(acting_user=user, duty_id=duty.pk, department_id=staff.dept("sz_scjgj").pk,
                               reason="x", effective_on=timezone.localdate())


@pytest.mark.parametrize(("change", "field"), [
    ({"reason": ""}, "reason"), ({"reason": "  "}, "reason"), ({"reason": "长" * 501}, "reason"),
    ({"effective_on": "2026-13-01"}, "effective_on"), ({"effective_on": "tomorrow"}, "effective_on"),
    ({"effective_on": dt.timedelta(days=367)}, "effective_on"),
    ({"effective_on": dt.timedelta(days=-400)}, "effective_on"),
    ({"department_id": 10**12}, "department_id"), ({"department_id": "1"}, "department_id"),
    ({"department": "gd_cac"}, "department_id"), ({"department": "sz_cac"}, "department_id"),
])
def test_bad_handovers_name_the_field_and_change_nothing(staff, incident, change, field):
    duty = _duty("incidents.handle")
    if isinstance(change.get("effective_on"), dt.timedelta):
        # an offset from today taken when the test runs, not when it is collected (a run across midnight moved
        # the bound by a day)
        change = {**change, "effective_on": timezone.localdate() + change["effective_on"]}
    arguments = {"duty_id": duty.pk, "department_id": staff.dept("sz_scjgj").pk, "reason": "调整",
                 "effective_on": timezone.localdate()}
    if "department" in change:
        arguments["department_id"] = staff.dept(change.pop("department")).pk
    arguments.update(change)
    with pytest.raises(ServiceError) as refused:
        services.hand_over(acting_user=staff.world.admin, **arguments)
    assert refused.value.field == field and refused.value.status == 400
    assert _duty("incidents.handle").department.code == "sz_cac" and not Handover.objects.exists()
    assert WorkItem.objects.get().department.code == "sz_cac"


def test_an_unknown_duty_is_not_found(staff):
    with pytest.raises(NotFoundError):
        services.hand_over(acting_user=staff.world.admin, duty_id=10**9, department_id=staff.dept("sz_cac").pk,
                           reason="x", effective_on=timezone.localdate())


def test_overdue_work_escalates_to_the_head_once_in_their_language(staff, incident):
    from django.utils import translation

    from aiplus.core.models import Notification

    head = staff.head["sz_cac"]
    head.language = "en"
    head.save(update_fields=["language"])
    item = WorkItem.objects.get()
    assert services.escalate_overdue(today=item.due_on) == 0
    assert services.escalate_overdue(today=item.due_on + dt.timedelta(days=1)) == 1
    assert services.escalate_overdue(today=item.due_on + dt.timedelta(days=2)) == 0
    note = Notification.objects.get(recipient=head, verb="departments.work.overdue")
    assert note.title.startswith("Overdue work of your department")
    with translation.override("zh-hans"):
        assert "本部门待办已逾期" in note.title_msgid
    item.refresh_from_db()
    assert item.escalated_at is not None


def test_closing_the_incident_closes_its_work(staff, incident):
    from aiplus.governance.incident_services import dismiss_incident

    dismiss_incident(acting_user=staff.world.user("official"), incident_id=incident.pk, note="不属于安全事件")
    assert WorkItem.objects.get().status == WorkStatus.DONE


def test_the_queue_is_seen_by_officials_of_the_jurisdiction_only(staff, incident):
    from aiplus.departments.listings import WORK

    world = staff.world
    assert WORK.rows(world.user("official"), {}).count() == 1
    assert WORK.rows(world.user("auditor"), {}).count() == 1  # oversight reads it
    assert WORK.rows(world.user("official", "shenzhen"), {}).count() == 0
    for role in ("enterprise_member", "provider", "expert", "public"):
        with pytest.raises(PermissionDeniedError):
            WORK.rows(world.user(role), {})


def test_only_the_administrator_places_officials_and_heads(staff):
    world = staff.world
    with pytest.raises(PermissionDeniedError):
        services.add_member(acting_user=staff.head["sz_fgw"], department_id=staff.dept("sz_fgw").pk,
                            user_id=world.user("official").pk)
    with pytest.raises(ServiceError) as refused:
        services.add_member(acting_user=world.admin, department_id=staff.dept("sz_fgw").pk,
                            user_id=world.user("official", "shenzhen").pk)
    assert refused.value.field == "user_id"
    with pytest.raises(ServiceError) as refused:
        services.appoint_head(acting_user=world.admin, department_id=staff.dept("sz_fgw").pk,
                              user_id=world.user("official").pk)  # a member of the cyberspace office
    assert refused.value.field == "user_id"


def test_a_need_goes_to_the_review_department_and_to_the_data_and_compute_departments_it_concerns(staff):
    from aiplus.scenarios import services as scenarios
    from aiplus.scenarios.testing import need_data

    world = staff.world
    member = world.user("enterprise_member")
    org = world.orgs["suzhou:enterprise"]
    need = scenarios.create_need(acting_user=member, organisation_id=org.pk, jurisdiction="suzhou", **need_data())
    scenarios.transition_need(acting_user=member, need_id=need.pk, transition="submit")
    items = {i.duty.code: i for i in WorkItem.objects.filter(object_id=need.pk)}
    assert {code: i.department.code for code, i in items.items()} == {"scenarios.review": "sz_fgw",
                                                                     "data.supply": "sz_sjj"}
    scenarios.transition_need(acting_user=world.user("official"), need_id=need.pk, transition="review")
    assert dict(WorkItem.objects.filter(object_id=need.pk).values_list("duty__code", "status")) == {
        "scenarios.review": "done", "data.supply": "open"}
    plain = scenarios.create_need(acting_user=member, organisation_id=org.pk, jurisdiction="suzhou",
                                  **need_data(title="无数据场景", data_offered=""))
    scenarios.transition_need(acting_user=member, need_id=plain.pk, transition="submit")
    assert list(WorkItem.objects.filter(object_id=plain.pk).values_list("duty__code", flat=True)) == [
        "scenarios.review"]
    both = scenarios.create_need(acting_user=member, organisation_id=org.pk, jurisdiction="suzhou",
                                 **need_data(title="数据与算力场景", compute_needed="训练约2000卡时"))
    scenarios.transition_need(acting_user=member, need_id=both.pk, transition="submit")
    routed = dict(WorkItem.objects.filter(object_id=both.pk).values_list("duty__code", "department__code"))
    assert routed == {"scenarios.review": "sz_fgw", "data.supply": "sz_sjj", "compute.allocation": "sz_gxj"}


def test_a_future_handover_is_scheduled_then_applied_by_the_daily_command_on_its_day(staff, incident):
    from io import StringIO

    from django.core.management import call_command

    from aiplus.core.models import AuditEvent, Notification
    from aiplus.departments.models import ScheduledHandover

    duty = _duty("incidents.handle")
    day = timezone.localdate() + dt.timedelta(days=3)
    scheduled = services.hand_over(acting_user=staff.head["sz_fgw"], duty_id=duty.pk,
                                   department_id=staff.dept("sz_scjgj").pk, reason="机构改革", effective_on=day)
    assert isinstance(scheduled, ScheduledHandover) and scheduled.status == "scheduled"
    assert AuditEvent.objects.order_by("-id").first().action == "departments.handover.scheduled"
    assert _duty("incidents.handle").department.code == "sz_cac" and not Handover.objects.exists()
    with pytest.raises(ServiceError) as twice:  # one pending per duty
        services.hand_over(acting_user=staff.head["sz_fgw"], duty_id=duty.pk,
                           department_id=staff.dept("sz_fgw").pk, reason="x", effective_on=day)
    assert twice.value.status == 409
    out = StringIO()
    call_command("escalate_department_work", today=day - dt.timedelta(days=1), stdout=out)
    assert "0 scheduled handover(s) applied" in out.getvalue()
    assert _duty("incidents.handle").department.code == "sz_cac"
    call_command("escalate_department_work", today=day, stdout=out)  # the due day
    assert "1 scheduled handover(s) applied" in out.getvalue()
    moved = _duty("incidents.handle")
    assert moved.department.code == "sz_scjgj" and moved.held_since == day
    handover = Handover.objects.get()
    assert handover.effective_on == day and handover.items_moved == 1 and handover.created_by == staff.head["sz_fgw"]
    assert WorkItem.objects.get(object_id=incident.pk).department.code == "sz_scjgj"
    scheduled.refresh_from_db()
    assert scheduled.status == "applied" and scheduled.handover == handover
    assert Notification.objects.filter(recipient=staff.head["sz_scjgj"], verb="departments.duty.received").exists()
    call_command("escalate_department_work", today=day, stdout=out)  # rerun: nothing more
    assert Handover.objects.count() == 1


def test_a_scheduled_handover_cancelled_before_its_day_never_applies(staff, incident):
    duty = _duty("incidents.handle")
    day = timezone.localdate() + dt.timedelta(days=3)
    scheduled = services.hand_over(acting_user=staff.head["sz_fgw"], duty_id=duty.pk,
                                   department_id=staff.dept("sz_scjgj").pk, reason="机构改革", effective_on=day)
    for user in (staff.head["sz_cac"], staff.world.user("official"), staff.head["gd_fgw"]):
        with pytest.raises((PermissionDeniedError, NotFoundError)):
            services.cancel_handover(acting_user=user, scheduled_id=scheduled.pk)
    services.cancel_handover(acting_user=staff.head["sz_fgw"], scheduled_id=scheduled.pk)
    assert services.apply_due_handovers(today=day + dt.timedelta(days=1)) == 0
    assert _duty("incidents.handle").department.code == "sz_cac"
    with pytest.raises(ServiceError):
        services.cancel_handover(acting_user=staff.head["sz_fgw"], scheduled_id=scheduled.pk)
