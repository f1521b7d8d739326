"""Duties and department work through the API: the duties with their source and holders, a department's queue,
the handover that takes the open work along, and refusals (roles, hostile input) that change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_refused_naming, bearer, operation, signed_in
from aiplus.departments.models import Duty, WorkItem

pytestmark = pytest.mark.django_db

HAND_OVER = "aiplus_departments_api_hand_over"


def _as_it_was() -> tuple[Any, ...]:
    """Who holds each duty, where each work item is, and the audit log's length."""
    return (sorted(Duty.objects.values_list("pk", "department_id")),
            sorted(WorkItem.objects.values_list("pk", "department_id")), AuditEvent.objects.count())


def _queue(client: Any, department: Any) -> list[dict[str, Any]]:
    answer = client.get(operation("aiplus_departments_api_list_work"), {"department": department.pk,
                                                                       "status": "open"})
    assert answer.status_code == 200, answer.content
    return answer.json()["items"]  # type: ignore[no-any-return]


def _hand_over(client: Any, duty: Duty, payload: dict[str, Any]) -> Any:
    return client.post(operation(HAND_OVER, duty_id=duty.pk), payload, content_type="application/json")


def test_a_duty_handed_over_through_the_api_takes_its_open_work(staff, incident):
    official = bearer(staff.world.user("official"))
    cac, market = staff.dept("sz_cac"), staff.dept("sz_scjgj")
    items = _queue(official, cac)
    assert [i["title"] for i in items] == ["模型输出泄露用户信息"]
    assert items[0]["duty"] == "incidents.handle" and items[0]["link"] == f"/governance/incidents/{incident.pk}/"
    assert _queue(official, market) == []

    duties = official.get(operation("aiplus_departments_api_list_duties")).json()
    duty_out = next(d for d in duties if d["code"] == "incidents.handle" and d["department_id"] == cac.pk)
    assert duty_out["source"].startswith("平台分工") and "苏州条例" in duty_out["related"]
    duty = Duty.objects.get(pk=duty_out["id"])

    answer = _hand_over(bearer(staff.head["sz_fgw"]), duty, {
        "department_id": market.pk, "reason": "执法职能调整", "effective_on": timezone.localdate().isoformat()})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["department_id"] == market.pk and body["handovers"][0]["items_moved"] == 1
    assert _queue(official, cac) == []
    assert [i["title"] for i in _queue(official, market)] == ["模型输出泄露用户信息"]
    detail = official.get(operation("aiplus_departments_api_get_duty", duty_id=duty.pk)).json()
    assert detail["handovers"][0]["reason"] == "执法职能调整"


@pytest.mark.parametrize("role", ["official", "auditor", "enterprise_member", "provider", "expert", "public"])
def test_only_the_administrator_and_the_lead_head_hand_over_through_the_api(staff, incident, role):
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    before = _as_it_was()
    answer = _hand_over(signed_in(staff.world.user(role)), duty, {
        "department_id": staff.dept("sz_scjgj").pk, "reason": "x", "effective_on": timezone.localdate().isoformat()})
    assert answer.status_code == 403
    assert _as_it_was() == before


def test_an_anonymous_caller_is_refused(client, staff):
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    assert _hand_over(client, duty, {"department_id": 1, "reason": "x", "effective_on": "2026-01-01"}
                      ).status_code == 401
    assert client.get(operation("aiplus_departments_api_list_work")).status_code == 401


@pytest.mark.parametrize(("payload", "field"), [
    ({"reason": ""}, "reason"), ({"reason": "长" * 501}, "reason"), ({"effective_on": "2026-02-30"}, "effective_on"),
    ({"effective_on": "2999-01-01"}, "effective_on"), ({"department_id": "abc"}, "department_id"),
    ({"department_id": 10**12}, "department_id"), ({"extra": 1}, "extra"),
])
def test_hostile_handovers_name_the_field_and_change_nothing(staff, incident, payload, field):
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    before = _as_it_was()
    answer = _hand_over(signed_in(staff.world.admin), duty, {
        "department_id": staff.dept("sz_scjgj").pk, "reason": "调整",
        "effective_on": timezone.localdate().isoformat(), **payload})
    assert_refused_naming(answer, field)
    assert _as_it_was() == before


def test_a_bad_queue_filter_names_the_field(staff):
    answer = signed_in(staff.world.user("official")).get(operation("aiplus_departments_api_list_work"),
                                                          {"duty": "nonsense"})
    assert_refused_naming(answer, "duty")


def test_the_administrator_places_officials_and_heads_through_the_api(staff):
    world = staff.world
    fgw = staff.dept("sz_fgw")
    from aiplus.departments.tests.conftest import make_official

    newcomer = make_official(world, "newcomer")
    url = operation("aiplus_departments_api_add_member", department_id=fgw.pk)
    assert signed_in(staff.head["sz_fgw"]).post(url, {"user_id": newcomer.pk},
                                                content_type="application/json").status_code == 403
    answer = signed_in(world.admin).post(url, {"user_id": newcomer.pk}, content_type="application/json")
    assert answer.status_code == 200 and "newcomer" in answer.json()["members"]
    answer = signed_in(world.admin).post(operation("aiplus_departments_api_appoint_head", department_id=fgw.pk),
                                         {"user_id": newcomer.pk}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["head"] == "newcomer"
    assert_refused_naming(signed_in(world.admin).post(url, {"user_id": world.user("public").pk},
                                                      content_type="application/json"), "user_id")


def test_the_administrator_removes_a_member_through_the_api_but_not_the_head(staff):
    world = staff.world
    fgw = staff.dept("sz_fgw")
    from aiplus.departments.tests.conftest import make_official

    newcomer = make_official(world, "leaver")
    signed_in(world.admin).post(operation("aiplus_departments_api_add_member", department_id=fgw.pk),
                                {"user_id": newcomer.pk}, content_type="application/json")
    url = operation("aiplus_departments_api_remove_member", department_id=fgw.pk)
    assert signed_in(staff.head["sz_fgw"]).post(url, {"user_id": newcomer.pk},
                                                content_type="application/json").status_code == 403
    before = AuditEvent.objects.count()
    answer = signed_in(world.admin).post(url, {"user_id": newcomer.pk}, content_type="application/json")
    assert answer.status_code == 200 and "leaver" not in answer.json()["members"]
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-id").first().action == "departments.member.removed"
    head = signed_in(world.admin).post(url, {"user_id": staff.head["sz_fgw"].pk}, content_type="application/json")
    assert head.status_code == 409 and head.json()["field"] == "user_id"
    assert_refused_naming(signed_in(world.admin).post(url, {"user_id": newcomer.pk},
                                                      content_type="application/json"), "user_id")


def test_a_handover_scheduled_through_the_api_is_listed_and_cancelled(staff, incident):
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    later = timezone.localdate() + dt.timedelta(days=10)
    answer = _hand_over(bearer(staff.head["sz_fgw"]), duty, {
        "department_id": staff.dept("sz_scjgj").pk, "reason": "明年机构改革", "effective_on": str(later)})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["department_id"] == staff.dept("sz_cac").pk  # not yet moved
    assert [s["effective_on"] for s in body["scheduled"]] == [str(later)]
    assert WorkItem.objects.get().department.code == "sz_cac"
    cancel = operation("aiplus_departments_api_cancel_handover", scheduled_id=body["scheduled"][0]["id"])
    assert bearer(staff.head["sz_cac"]).post(cancel).status_code == 403
    cancelled = bearer(staff.head["sz_fgw"]).post(cancel)
    assert cancelled.status_code == 200 and cancelled.json()["scheduled"] == []
    assert bearer(staff.head["sz_fgw"]).post(cancel).status_code == 409
