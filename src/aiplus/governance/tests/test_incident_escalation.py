"""The escalation of a major incident through the API: triage as major starts the receiving department's clock up
the chain (half an hour for a CII operator, official; one hour for any other operator, a platform setting), shown
with the chain of departments from the departments data; the report up the chain stops it and starts the follow-up
clock (working days, a platform setting); the worker's check is queued for each due time, tells once (not at the
boundary, one minute after), in the recipient's language; and who may record, tried for each role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aiplus.core.models import AuditEvent, Notification
from aiplus.core.testing import operation, signed_in, written
from aiplus.governance.models import IncidentAction, IncidentClock

pytestmark = pytest.mark.django_db


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


@pytest.fixture
def departments(reference: None) -> None:
    from aiplus.core.reference import sync_departments
    from aiplus.departments.reference import sync
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    sync(packset=active_packs())


def _major(world: Any, *, severity: str = "major", operator_kind: str = "other") -> int:
    from aiplus.core.models import Jurisdiction

    answer = Client().post(operation("aiplus_governance_api_report_public"), {
        "title": "大模型客服泄露上千万用户订单", "description": "接口未鉴权", "anonymous": True,
        "jurisdiction_id": Jurisdiction.objects.get(code="suzhou").pk,
        "organisation_id": world.orgs["suzhou:enterprise"].pk}, content_type="application/json",
        REMOTE_ADDR="198.51.100.9")
    assert answer.status_code == 201, answer.content
    incident_id = answer.json()["id"]
    triaged = _post(signed_in(world.user("official")), "aiplus_governance_api_triage_incident",
                    {"severity": severity, "operator_kind": operator_kind}, incident_id=incident_id)
    assert triaged.status_code == 200, triaged.content
    return int(incident_id)


def _clocks(client: Any, incident_id: int) -> dict[str, Any]:
    body = client.get(operation("aiplus_governance_api_get_incident", incident_id=incident_id)).json()
    return {c["name"]: c for c in body["clocks"]}


@pytest.mark.parametrize(("operator_kind", "minutes", "status"), [
    ("cii", 30, "official"), ("state_organ", 60, "official"), ("other", 60, "local-setting")])
def test_a_major_incident_starts_the_clock_up_the_chain(world: Any, departments: None, operator_kind: str,
                                                        minutes: int, status: str) -> None:
    incident_id = _major(world, operator_kind=operator_kind)
    client = signed_in(world.user("official"))
    body = client.get(operation("aiplus_governance_api_get_incident", incident_id=incident_id)).json()
    clock = {c["name"]: c for c in body["clocks"]}["escalation"]
    assert (clock["amount"], clock["unit"], clock["state"]) == (minutes, "minutes", "open")
    assert clock["basis"]["parameter"] == f"incidents.escalation_minutes.{operator_kind}"
    assert clock["basis"]["status"] == status
    due = dt.datetime.fromisoformat(clock["due_at"]) - dt.datetime.fromisoformat(clock["started_at"])
    assert due == dt.timedelta(minutes=minutes)
    # the chain from the departments data: Suzhou's incident department, then the national CAC; at a critical
    # information infrastructure operator the public security organs too (Art. 4)
    assert [d["code"] for d in body["escalation_chain"]] == (
        ["sz_cac", "sz_gaj", "cac", "mps"] if operator_kind == "cii" else ["sz_cac", "cac"])
    page = client.get(f"/governance/incidents/{incident_id}/").content.decode()
    assert 'data-clock="escalation"' in page and 'data-testid="escalation-chain"' in page
    assert "平台设置" in page if status == "local-setting" else "国家网络安全事件报告管理办法" in page


def test_the_clock_up_the_chain_runs_from_the_operators_report_not_from_the_grading(world: Any,
                                                                                      departments: None) -> None:
    """Art. 4: the receiving department reports a major incident on within the half hour of receiving the operator's
    report; grading it later does not move the start. A Guangdong CII operator's chain: the province's incident
    department and public security department, then the national CAC and the Ministry of Public Security."""
    from aiplus.governance import incident_services

    incident = incident_services.report_incident(
        acting_user=world.user("enterprise_member", "shenzhen"), organisation_id=world.orgs["shenzhen:enterprise"].pk,
        title="工控系统遭勒索软件攻击", description="生产线停摆。",
        discovered_at=timezone.now() - dt.timedelta(minutes=50), operator_kind="cii")
    assert incident.operator_reported_at is not None
    # the report reached the department twenty minutes before the official graded it
    received = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=20)
    type(incident).objects.filter(pk=incident.pk).update(operator_reported_at=received)
    official = signed_in(world.user("official", "shenzhen"))
    graded = _post(official, "aiplus_governance_api_triage_incident", {"severity": "major", "operator_kind": "cii"},
                   incident_id=incident.pk)
    assert graded.status_code == 200, graded.content
    body = official.get(operation("aiplus_governance_api_get_incident", incident_id=incident.pk)).json()
    clock = {c["name"]: c for c in body["clocks"]}["escalation"]
    started = dt.datetime.fromisoformat(clock["started_at"])
    assert started == received
    assert dt.datetime.fromisoformat(clock["due_at"]) - started == dt.timedelta(minutes=30)
    assert [d["code"] for d in body["escalation_chain"]] == ["gd_cac", "gd_gat", "cac", "mps"]


def test_a_large_incident_has_no_escalation_and_a_regrade_drops_it(world: Any, departments: None) -> None:
    incident_id = _major(world, severity="large")
    official = signed_in(world.user("official"))
    assert "escalation" not in _clocks(official, incident_id)
    refused = _post(official, "aiplus_governance_api_record_escalation", {"stage": "escalation", "text": "已报"},
                    incident_id=incident_id)
    assert refused.status_code == 409 and refused.json()["code"] == "not_escalated"
    _post(official, "aiplus_governance_api_triage_incident", {"severity": "especially_major"},
          incident_id=incident_id)
    assert "escalation" in _clocks(official, incident_id)
    _post(official, "aiplus_governance_api_triage_incident", {"severity": "large"}, incident_id=incident_id)
    assert "escalation" not in _clocks(official, incident_id)


def test_the_report_up_the_chain_then_follow_ups(world: Any, departments: None) -> None:
    incident_id = _major(world, operator_kind="cii")
    official = signed_in(world.user("official"))
    early = _post(official, "aiplus_governance_api_record_escalation", {"stage": "follow_up", "text": "续报"},
                  incident_id=incident_id)
    assert early.status_code == 409 and early.json()["code"] == "not_yet_escalated"
    sent = _post(official, "aiplus_governance_api_record_escalation",
                 {"stage": "escalation", "text": "已向国家网信办、公安部报告"}, incident_id=incident_id)
    assert sent.status_code == 201, sent.content
    clocks = {c["name"]: c for c in sent.json()["clocks"]}
    assert clocks["escalation"]["state"] == "met"
    follow = clocks["follow_up"]
    assert (follow["amount"], follow["unit"], follow["basis"]["status"]) == (5, "working_days", "local-setting")
    again = _post(official, "aiplus_governance_api_record_escalation", {"stage": "escalation", "text": "再报"},
                  incident_id=incident_id)
    assert again.status_code == 409 and again.json()["code"] == "already_escalated"
    first_due = follow["due_at"]
    later = timezone.now() + dt.timedelta(minutes=1)
    nxt = _post(official, "aiplus_governance_api_record_escalation",
                {"stage": "follow_up", "text": "调查取得阶段性进展", "reported_at": later.isoformat()},
                incident_id=incident_id)
    assert nxt.status_code == 201, nxt.content
    assert {c["name"]: c for c in nxt.json()["clocks"]}["follow_up"]["due_at"] >= first_due
    kinds = [a["kind"] for a in nxt.json()["actions"]]
    assert kinds == ["escalation", "follow_up"]
    assert AuditEvent.objects.filter(action="governance.incident.escalated").count() == 1
    assert AuditEvent.objects.filter(action="governance.incident.follow_up_reported").count() == 1


def test_bad_escalations_are_refused_naming_the_field(world: Any, departments: None) -> None:
    incident_id = _major(world)
    official = signed_in(world.user("official"))
    before = written(IncidentAction)
    for payload, field in (({"stage": "bogus", "text": "x"}, "stage"), ({"stage": "escalation", "text": " "}, "text"),
                           ({"stage": "escalation", "text": "x", "reported_at": "2099-01-01T00:00:00+08:00"},
                            "reported_at"),
                           ({"stage": "escalation", "text": "x", "reported_at": "2000-01-01T00:00:00+08:00"},
                            "reported_at")):
        answer = _post(official, "aiplus_governance_api_record_escalation", payload, incident_id=incident_id)
        assert answer.status_code in (400, 422), (payload, answer.content)
        assert field in answer.content.decode(), (payload, answer.content)
    # a response action may not pose as a report up the chain (it would stop no clock)
    posing = _post(official, "aiplus_governance_api_add_response_action", {"kind": "escalation", "text": "x"},
                   incident_id=incident_id)
    assert posing.status_code == 400 and posing.json()["field"] == "kind"
    assert written(IncidentAction) == before
    assert IncidentClock.objects.get(incident_id=incident_id, name="escalation").met_at is None


@pytest.mark.parametrize(("role", "place", "status"), [
    ("official", "suzhou", 201), ("enterprise_member", "suzhou", 403), ("auditor", "suzhou", 403),
    ("provider", "suzhou", 404), ("official", "shenzhen", 404), ("enterprise_member", "shenzhen", 404),
    ("auditor", "shenzhen", 404)])
def test_who_may_record_the_report_up_the_chain(world: Any, departments: None, role: str, place: str,
                                                status: int) -> None:
    incident_id = _major(world)
    answer = _post(signed_in(world.user(role, place)), "aiplus_governance_api_record_escalation",
                   {"stage": "escalation", "text": "已报告"}, incident_id=incident_id)
    assert answer.status_code == status, (role, place, answer.content)


def test_the_overdue_check_is_queued_at_the_due_time_and_tells_once(world: Any, departments: None,
                                                                     django_capture_on_commit_callbacks: Any) -> None:
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from aiplus.governance.incident_services import report_overdue_clocks
    from aiplus.governance.tasks import check_incident_clocks_task

    official = world.user("official")
    official.language = "en"
    official.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        incident_id = _major(world, operator_kind="cii")
    clock = IncidentClock.objects.get(incident_id=incident_id, name="escalation")
    queued = DBTaskResult.objects.filter(task_path=check_incident_clocks_task.module_path,
                                         status=TaskResultStatus.READY)
    assert clock.due_at + dt.timedelta(seconds=1) in {q.run_after for q in queued}
    others = IncidentClock.objects.filter(incident_id=incident_id).exclude(name="escalation")
    for other in others:  # the other clocks of the incident run out later; keep them out of this count
        other.met_at = timezone.now()
        other.save(update_fields=["met_at"])
    assert report_overdue_clocks(now=clock.due_at) == 0                            # exactly at the boundary
    assert report_overdue_clocks(now=clock.due_at + dt.timedelta(minutes=1)) == 1  # one minute late
    assert report_overdue_clocks(now=clock.due_at + dt.timedelta(minutes=2)) == 0  # told once
    notice = Notification.objects.get(recipient=official, verb="governance.incident.overdue")
    assert notice.rendered_body().startswith("The “") and "up the chain" in notice.rendered_body()
    assert "重大以上事件向上级部门报告" not in notice.rendered_body()
    assert "重大以上事件向上级部门报告" in notice.rendered_body("zh-hans")
