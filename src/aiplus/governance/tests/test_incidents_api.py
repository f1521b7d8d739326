"""Incidents through the API (and the pages for the public report): a public report, anonymous, triaged, assigned,
handled and closed with its review and a redacted public record; a company's own report and its reporting clock;
platform signals; the clocks running out and notifying once; the abuse limits of the public form; bad input
refused naming its field with nothing written; and who reported hidden from everybody but the handling officials
and the reporter, tried for every role, on the API, the pages and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aiplus.core.models import AuditEvent, Notification
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance.models import Incident, IncidentClock, IncidentReporter

pytestmark = pytest.mark.django_db

SECRET_NAME = "李秘密"
SECRET_CONTACT = "13912345678"


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


@pytest.fixture
def departments(reference: None) -> None:
    from aiplus.core.reference import sync_departments
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())


def _public_report(world: Any, client: Client | None = None, **extra: Any) -> Any:
    from aiplus.core.models import Jurisdiction

    ip = extra.pop("ip", "198.51.100.7")
    payload = {"title": "某APP用AI换脸冒充明星带货", "description": f"举报人{SECRET_NAME}，电话{SECRET_CONTACT}。",
               "jurisdiction_id": Jurisdiction.objects.get(code="suzhou").pk,
               "organisation_id": world.orgs["suzhou:enterprise"].pk, "harms": ["reputation"],
               "anonymous": False, "name": SECRET_NAME, "contact": SECRET_CONTACT, **extra}
    return (client or Client()).post(operation("aiplus_governance_api_report_public"), payload,
                                     content_type="application/json", REMOTE_ADDR=ip)


def test_a_public_report_is_triaged_assigned_handled_and_closed(world: Any, departments: None) -> None:
    official = world.user("official")
    answer = _public_report(world)
    assert answer.status_code == 201, answer.content
    receipt = answer.json()
    assert set(receipt) == {"id", "status", "received_at"} and receipt["status"] == "reported"
    incident_id = receipt["id"]
    # the officials of Suzhou (and of Jiangsu above it) are told; the triage clock runs (a platform setting)
    assert Notification.objects.filter(recipient=official, verb="governance.incident").exists()
    client = signed_in(official)
    body = client.get(operation("aiplus_governance_api_get_incident", incident_id=incident_id)).json()
    assert body["reporter"] == {"anonymous": False, "name": SECRET_NAME, "contact": SECRET_CONTACT}
    triage = next(c for c in body["clocks"] if c["name"] == "triage")
    assert triage["unit"] == "working_days" and triage["basis"]["status"] == "local-setting"
    assert triage["basis"]["citation_label"] == "平台设置"

    # graded below what the triggers give: refused naming the severity, nothing written
    before = written(IncidentClock)
    low = _post(client, "aiplus_governance_api_triage_incident",
                {"severity": "general", "pi_persons": 1_000_000}, incident_id=incident_id)
    assert_refused_naming(low, "severity")
    assert written(IncidentClock) == before
    triaged = _post(client, "aiplus_governance_api_triage_incident",
                    {"severity": "large", "operator_kind": "other", "pi_persons": 1_000_000,
                     "harms": ["reputation", "privacy"], "note": "涉及个人信息"}, incident_id=incident_id)
    assert triaged.status_code == 200, triaged.content
    body = triaged.json()
    assert body["status"] == "triaged" and body["severity"] == "large"
    assert body["grading"][0]["ok"] and "1,000,000" in body["grading"][0]["text_zh"]
    clocks = {c["name"]: c for c in body["clocks"]}
    assert clocks["triage"]["state"] == "met"
    report = clocks["operator_report"]
    assert report["amount"] == 4 and report["unit"] == "hours" and report["basis"]["status"] == "official"
    assert "国家网络安全事件报告管理办法" in report["basis"]["citation_label"]
    due = dt.datetime.fromisoformat(report["due_at"]) - dt.datetime.fromisoformat(report["started_at"])
    assert due == dt.timedelta(hours=4)
    # the company is told to report within 4 hours, without a word of who reported it
    told = Notification.objects.filter(recipient=world.user("enterprise_member"), verb="governance.incident")
    assert told.exists() and all(SECRET_NAME not in n.title + n.body for n in told)

    # assignment: a department covering Suzhou and an official of it; a Shenzhen official is refused
    from aiplus.core.models import Department

    department = Department.objects.filter(pack="suzhou").first()
    wrong = _post(client, "aiplus_governance_api_assign_incident",
                  {"department_id": department.pk, "handler_id": world.user("official", "shenzhen").pk},
                  incident_id=incident_id)
    assert_refused_naming(wrong, "handler_id")
    assigned = _post(client, "aiplus_governance_api_assign_incident",
                     {"department_id": department.pk, "handler_id": official.pk}, incident_id=incident_id)
    assert assigned.status_code == 200 and assigned.json()["status"] == "responding"
    # the company records its report to the cyberspace administration; an action; the end of handling
    member = signed_in(world.user("enterprise_member"))
    reported = _post(member, "aiplus_governance_api_record_operator_report",
                     {"reported_at": timezone.now().isoformat()}, incident_id=incident_id)
    assert reported.status_code == 200, reported.content
    assert {c["name"]: c["state"] for c in reported.json()["clocks"]}["operator_report"] == "met"
    acted = _post(member, "aiplus_governance_api_add_response_action",
                  {"kind": "containment", "text": "下架涉事视频并封禁账号"}, incident_id=incident_id)
    assert acted.status_code == 201 and acted.json()["actions"][0]["kind"] == "containment"
    refused = _post(member, "aiplus_governance_api_end_handling", {}, incident_id=incident_id)
    assert refused.status_code == 403
    ended = _post(client, "aiplus_governance_api_end_handling", {}, incident_id=incident_id)
    assert ended.status_code == 200 and ended.json()["status"] == "handled"
    final = {c["name"]: c for c in ended.json()["clocks"]}["final_report"]
    assert final["amount"] == 30 and final["unit"] == "days" and final["state"] == "open"
    # closed with its review and a public record with personal data redacted
    closed = _post(client, "aiplus_governance_api_close_incident", {
        "causes": "审核缺失", "measures": "上线换脸检测", "lessons": "加强内容审核", "publish": True,
        "public_title": "换脸冒充带货事件",
        "public_summary": f"经{SECRET_NAME}（{SECRET_CONTACT}）举报，平台处置了利用换脸技术冒充他人的带货视频。"},
        incident_id=incident_id)
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert {c["name"]: c["state"] for c in closed.json()["clocks"]}["final_report"] == "met"
    record = Client().get(operation("aiplus_governance_api_get_incident_record", incident_id=incident_id)).json()
    assert set(record) == {"id", "title", "summary", "jurisdiction", "severity", "harms", "published_at"}
    assert SECRET_NAME not in record["summary"] and SECRET_CONTACT not in record["summary"]
    assert "冒充他人" in record["summary"] and record["harms"] == ["reputation", "privacy"]
    listed = Client().get(operation("aiplus_governance_api_list_incident_records")).json()
    assert [r["id"] for r in listed["items"]] == [incident_id]
    page = Client().get(f"/governance/incidents/records/{incident_id}/").content.decode()
    assert "换脸冒充带货事件" in page and SECRET_NAME not in page and SECRET_CONTACT not in page
    # one audit event per write
    codes = list(AuditEvent.objects.filter(object_type="governance.incident", object_id=str(incident_id))
                 .values_list("action", flat=True))
    assert sorted(set(codes)) == sorted({"governance.incident.reported_publicly", "governance.incident.triaged",
                                         "governance.incident.assigned", "governance.incident.operator_reported",
                                         "governance.incident.handled", "governance.incident.closed"})


@pytest.mark.parametrize(("place", "role", "sees_incident"), [
    ("suzhou", "auditor", True), ("suzhou", "enterprise_member", True), ("suzhou", "provider", False),
    ("suzhou", "expert", False), ("suzhou", "public", False), ("shenzhen", "official", False),
    ("shenzhen", "enterprise_member", False), ("anonymous", "", False),
])
def test_who_reported_is_hidden_from_everybody_else(world: Any, place: str, role: str, sees_incident: bool) -> None:
    incident_id = _public_report(world).json()["id"]
    client = Client() if place == "anonymous" else signed_in(world.user(role, place))
    detail = client.get(operation("aiplus_governance_api_get_incident", incident_id=incident_id))
    if sees_incident:
        assert detail.status_code == 200
        assert detail.json()["reporter"] is None
        assert SECRET_NAME not in detail.content.decode() and SECRET_CONTACT not in detail.content.decode()
        page = client.get(f"/governance/incidents/{incident_id}/")
        assert page.status_code == 200
        assert SECRET_NAME not in page.content.decode() and SECRET_CONTACT not in page.content.decode()
    else:
        assert detail.status_code in (401, 404)
    # nor from the audit log: the public report's event names no actor and is not the company's to read
    if place != "anonymous":
        audit = client.get(operation("aiplus_core_api_list_audit_events"))
        assert SECRET_NAME not in audit.content.decode()
    event = AuditEvent.objects.get(action="governance.incident.reported_publicly")
    assert event.actor_id is None and event.organisation_id is None
    assert SECRET_NAME not in str(event.after) and SECRET_CONTACT not in str(event.after)


def test_the_official_and_the_reporter_see_who_reported(world: Any) -> None:
    reporter = world.user("public")
    incident_id = _public_report(world, signed_in(reporter)).json()["id"]
    official = signed_in(world.user("official"))
    assert SECRET_NAME in official.get(f"/governance/incidents/{incident_id}/").content.decode()
    mine = signed_in(reporter).get("/governance/incidents/report/").content.decode()
    assert "某APP用AI换脸冒充明星带货" in mine
    assert IncidentReporter.objects.get(incident_id=incident_id).user == reporter


def test_anonymous_reports_keep_no_name(world: Any) -> None:
    incident_id = _public_report(world, anonymous=True).json()["id"]
    stored = IncidentReporter.objects.get(incident_id=incident_id)
    assert stored.anonymous and stored.name == "" and stored.contact == ""
    assert stored.source_key and "198.51.100.7" not in stored.source_key


def test_abuse_limits_of_the_public_form(world: Any) -> None:
    before = written(Incident)
    trapped = _public_report(world, website="http://spam.example")
    assert trapped.status_code == 400 and written(Incident) == before
    for _ in range(5):
        assert _public_report(world, ip="203.0.113.9").status_code == 201
    limited = _public_report(world, ip="203.0.113.9")
    assert limited.status_code == 429 and limited.json()["code"] == "too_many_reports"
    assert _public_report(world, ip="203.0.113.10").status_code == 201  # another address is not limited
    # the page: the honeypot is drawn out of sight and a filled one is refused
    page = Client().get("/governance/incidents/report/").content.decode()
    assert 'name="website"' in page and 'class="visually-hidden"' in page


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"), ({"description": "x" * 5001}, "description"),
    ({"jurisdiction_id": 999999}, "jurisdiction_id"), ({"harms": ["not-a-harm"]}, "harms"),
    ({"organisation_id": 999999}, "organisation_id"), ({"occurred_at": "2999-01-01T00:00:00+08:00"}, "occurred_at"),
    ({"description": "含\x00字符"}, "description"), ({"unknown": 1}, "unknown"),
])
def test_bad_public_reports_are_refused_naming_the_field(world: Any, change: dict[str, Any], field: str) -> None:
    before = written(Incident)
    answer = _public_report(world, **change)
    assert 400 <= answer.status_code < 500
    if answer.status_code != 404:
        assert_refused_naming(answer, field)
    assert written(Incident) == before


def test_a_company_reports_its_own_incident_and_its_clock(world: Any) -> None:
    member = signed_in(world.user("enterprise_member"))
    company = world.orgs["suzhou:enterprise"]
    discovered = timezone.now() - dt.timedelta(hours=5)
    answer = _post(member, "aiplus_governance_api_report_incident", {
        "organisation_id": company.pk, "title": "客服大模型泄露用户订单", "description": "日志接口未鉴权",
        "discovered_at": discovered.isoformat(), "operator_kind": "other", "pi_persons": 20_000_000})
    assert answer.status_code == 201, answer.content
    incident_id = answer.json()["id"]
    official = signed_in(world.user("official"))
    triaged = _post(official, "aiplus_governance_api_triage_incident", {"severity": "major"},
                    incident_id=incident_id)
    assert triaged.status_code == 200, triaged.content
    clock = {c["name"]: c for c in triaged.json()["clocks"]}["operator_report"]
    assert clock["state"] == "late"  # reported five hours after its discovery: past the four hours
    # another company's member may not report for it
    other = signed_in(world.user("enterprise_member", "shenzhen"))
    refused = _post(other, "aiplus_governance_api_report_incident", {
        "organisation_id": company.pk, "title": "x", "description": "y", "discovered_at": discovered.isoformat()})
    assert refused.status_code == 403


def test_a_platform_signal_opens_one_incident(world: Any) -> None:
    from aiplus.governance.incident_services import report_signal

    company = world.orgs["suzhou:enterprise"]
    first = report_signal(acting_user=None, signal="label_tamper", title="AIGC标识被篡改",
                          description="校验失败", organisation_id=company.pk, reference="aigc-check:7",
                          harms=["label_tamper"])
    again = report_signal(acting_user=None, signal="label_tamper", title="AIGC标识被篡改",
                          description="校验失败", organisation_id=company.pk, reference="aigc-check:7")
    assert first.pk == again.pk and first.source == "platform" and first.jurisdiction_id == company.jurisdiction_id
    assert AuditEvent.objects.filter(action="governance.incident.signalled").count() == 1


def test_an_overdue_clock_notifies_once(world: Any) -> None:
    from aiplus.governance.incident_services import report_overdue_clocks

    incident_id = _public_report(world).json()["id"]
    official = world.user("official")
    triaged = _post(signed_in(official), "aiplus_governance_api_triage_incident",
                    {"severity": "large"}, incident_id=incident_id)
    assert triaged.status_code == 200
    assert report_overdue_clocks(now=timezone.now() + dt.timedelta(hours=3)) == 0
    later = timezone.now() + dt.timedelta(hours=5)
    assert report_overdue_clocks(now=later) == 1
    assert report_overdue_clocks(now=later) == 0  # told once
    overdue = Notification.objects.filter(verb="governance.incident.overdue")
    assert {n.recipient for n in overdue} >= {official, world.user("enterprise_member")}
    assert AuditEvent.objects.filter(action="governance.incident.clocks_overdue").count() == 1


def test_only_officials_of_the_place_triage(world: Any) -> None:
    incident_id = _public_report(world).json()["id"]
    for role, place in (("enterprise_member", "suzhou"), ("auditor", "suzhou")):
        answer = _post(signed_in(world.user(role, place)), "aiplus_governance_api_triage_incident",
                       {"severity": "large"}, incident_id=incident_id)
        assert answer.status_code == 403, (role, answer.content)
    elsewhere = _post(signed_in(world.user("official", "shenzhen")), "aiplus_governance_api_triage_incident",
                      {"severity": "large"}, incident_id=incident_id)
    assert elsewhere.status_code == 404


def test_the_public_page_refuses_bad_input_beside_its_field(world: Any) -> None:
    from aiplus.core.models import Jurisdiction
    from aiplus.core.testing import assert_page_refused_naming

    suzhou = Jurisdiction.objects.get(code="suzhou").pk
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    before = written(Incident)
    empty = client.post("/governance/incidents/report/", {"title": "", "description": "经过",
                                                          "jurisdiction": suzhou, "anonymous": "on"})
    assert_page_refused_naming(empty, "title")
    bot = client.post("/governance/incidents/report/", {"title": "t", "description": "d", "jurisdiction": suzhou,
                                                        "website": "http://spam.example"})
    assert bot.status_code == 400 and "无法提交该举报" in bot.content.decode()
    assert written(Incident) == before
    sent = client.post("/governance/incidents/report/", {"title": "t", "description": "d", "jurisdiction": suzhou,
                                                         "anonymous": "on", "harms": ["privacy"]})
    assert sent.status_code == 302 and Incident.objects.get().harms == ["privacy"]


def test_the_command_reports_overdue_clocks_as_of_a_moment(world: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    incident_id = _public_report(world).json()["id"]
    triaged = _post(signed_in(world.user("official")), "aiplus_governance_api_triage_incident",
                    {"severity": "large"}, incident_id=incident_id)
    assert triaged.status_code == 200
    out = StringIO()
    later = timezone.localtime(timezone.now() + dt.timedelta(hours=5)).replace(tzinfo=None)
    call_command("check_incident_clocks", now=later, stdout=out)
    assert "1 overdue incident clock(s) reported" in out.getvalue()
