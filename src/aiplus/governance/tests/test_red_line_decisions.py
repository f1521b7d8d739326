"""An official confirms or dismisses a red line flagged on an incident or an AI application (Guangdong art. 33), with
reasons and an audit event, through the page and the API; confirming can open a violation case tied to the provision
and the red line (Suzhou art. 49). Nobody of the flagged company decides, not even an official who is also one of its
members; every other role is refused; hostile input is refused naming the field, writing nothing; re-flagging a
changed record keeps the decision."""

from __future__ import annotations

from typing import Any

import pytest

from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance.models import AIApplication, Incident, Violation

pytestmark = pytest.mark.django_db

DEEPFAKE = "prohibited.deepfake_impersonation"
PROVISION = "datasec.penalty_range_cny"


@pytest.fixture
def departments(reference: None) -> None:
    from aiplus.core.reference import sync_departments
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())


def _incident(world: Any) -> int:
    member = signed_in(world.user("enterprise_member", "shenzhen"))
    made = member.post(operation("aiplus_governance_api_report_incident"), {
        "organisation_id": world.orgs["shenzhen:enterprise"].pk, "title": "直播间用AI换脸冒充名人",
        "description": "视频里的人脸被替换。", "discovered_at": "2026-03-02T10:00:00+08:00"},
        content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert [r["code"] for r in body["red_lines"]] == [DEEPFAKE] and body["red_lines"][0]["decision"] == ""
    return body["id"]  # type: ignore[no-any-return]


def _decide(client: Any, incident_id: int, **payload: Any) -> Any:
    return client.post(operation("aiplus_governance_api_decide_incident_red_line", incident_id=incident_id),
                       {"code": DEEPFAKE, "decision": "confirmed", "reasons": "视频确系换脸冒充。", **payload},
                       content_type="application/json")


def test_an_official_confirms_a_red_line_and_opens_a_case(world: Any) -> None:
    from aiplus.core.models import AuditEvent

    incident_id = _incident(world)
    official = signed_in(world.user("official", "shenzhen"))
    answer = _decide(official, incident_id, open_case=True, provision=PROVISION)
    assert answer.status_code == 200, answer.content
    flag = answer.json()["red_lines"][0]
    assert flag["decision"] == "confirmed" and flag["reasons"] == "视频确系换脸冒充。" and flag["violation_id"]
    case = Violation.objects.get(pk=flag["violation_id"])
    assert case.red_line == DEEPFAKE and case.incident_id == incident_id and case.provision == PROVISION
    assert case.organisation_id == world.orgs["shenzhen:enterprise"].pk
    assert AuditEvent.objects.filter(action="governance.red_line.confirmed", object_id=str(incident_id)).exists()
    assert AuditEvent.objects.filter(action="governance.violation.opened", object_id=str(case.pk)).exists()
    # the company is told, and sees the decision and the case on the page; decided once only
    page = signed_in(world.user("enterprise_member", "shenzhen")).get(
        f"/governance/incidents/{incident_id}/").content.decode()
    assert 'data-decision="confirmed"' in page and 'data-testid="red-line-case"' in page
    assert 'data-testid="red-line-form"' not in page
    again = _decide(official, incident_id, decision="dismissed")
    assert again.status_code == 409 and again.json()["field"] == "code"
    # re-flagging at triage keeps the decision
    triaged = official.post(operation("aiplus_governance_api_triage_incident", incident_id=incident_id),
                            {"severity": "general", "harms": ["label_tamper"]}, content_type="application/json")
    flags = {r["code"]: r for r in triaged.json()["red_lines"]}
    assert flags[DEEPFAKE]["decision"] == "confirmed" and flags["prohibited.label_removal"]["decision"] == ""


def test_an_official_dismisses_a_red_line_on_the_page(world: Any) -> None:
    incident_id = _incident(world)
    official = signed_in(world.user("official", "shenzhen"))
    page = official.get(f"/governance/incidents/{incident_id}/").content.decode()
    assert 'data-testid="red-line-form"' in page and 'data-decision=""' in page
    before = Violation.objects.count()
    answer = official.post(f"/governance/incidents/{incident_id}/", {
        "action": "red_line", "code": DEEPFAKE, "decision": "dismissed", "reasons": "系授权的影视特效。"})
    assert answer.status_code == 302, answer.content[:500]
    flag = Incident.objects.get(pk=incident_id).red_lines[0]
    assert flag["decision"] == "dismissed" and flag["reasons"] == "系授权的影视特效。"
    assert Violation.objects.count() == before
    page = official.get(f"/governance/incidents/{incident_id}/").content.decode()
    assert 'data-decision="dismissed"' in page and 'data-testid="red-line-form"' not in page


@pytest.mark.parametrize("role", ["enterprise_member", "auditor", "provider", "expert", "public"])
def test_no_other_role_decides(world: Any, role: str) -> None:
    incident_id = _incident(world)
    user = world.user(role, "shenzhen")
    counts = written(Incident)
    assert _decide(signed_in(user), incident_id).status_code in (403, 404)
    page = signed_in(user).get(f"/governance/incidents/{incident_id}/")
    assert page.status_code in (403, 404) or 'data-testid="red-line-form"' not in page.content.decode()
    assert written(Incident) == counts
    assert Incident.objects.get(pk=incident_id).red_lines[0].get("decision") is None


def test_an_official_of_elsewhere_or_of_the_company_does_not_decide(world: Any) -> None:
    from aiplus.core import services

    incident_id = _incident(world)
    assert _decide(signed_in(world.user("official", "suzhou")), incident_id).status_code == 404
    insider = world.user("official", "shenzhen")
    services.assign_role(acting_user=world.admin, user=insider, role="enterprise_member",
                         organisation_id=world.orgs["shenzhen:enterprise"].pk)
    assert _decide(signed_in(insider), incident_id).status_code == 403
    page = signed_in(insider).get(f"/governance/incidents/{incident_id}/").content.decode()
    assert 'data-testid="red-line-form"' not in page
    # nor a superuser who is a member of it
    services.assign_role(acting_user=world.admin, user=world.admin, role="enterprise_member",
                         organisation_id=world.orgs["shenzhen:enterprise"].pk)
    assert _decide(signed_in(world.admin), incident_id).status_code == 403


@pytest.mark.parametrize(("payload", "field"), [
    ({"code": "prohibited.nope"}, "code"),
    ({"code": ["x"]}, "code"),
    ({"decision": "maybe"}, "decision"),
    ({"reasons": ""}, "reasons"),
    ({"reasons": "x" * 2001}, "reasons"),
    ({"reasons": "a\x00b"}, "reasons"),
    ({"decision": "dismissed", "open_case": True, "provision": PROVISION}, "open_case"),
    ({"open_case": True}, "provision"),
    ({"open_case": True, "provision": "no.such.penalty_range_cny"}, "provision"),
    ({"provision": PROVISION}, "provision"),
    ({"open_case": "perhaps"}, "open_case"),
])
def test_hostile_input_is_refused_naming_the_field(world: Any, payload: dict[str, Any], field: str) -> None:
    from aiplus.core.models import AuditEvent

    incident_id = _incident(world)
    counts = written(Violation), AuditEvent.objects.count()
    assert_refused_naming(_decide(signed_in(world.user("official", "shenzhen")), incident_id, **payload), field)
    assert (written(Violation), AuditEvent.objects.count()) == counts
    assert Incident.objects.get(pk=incident_id).red_lines[0].get("decision") is None


def test_a_public_report_naming_no_registered_company_opens_no_case(world: Any) -> None:
    from django.test import Client

    from aiplus.core.models import Jurisdiction

    made = Client().post(operation("aiplus_governance_api_report_public"), {
        "title": "直播间用AI换脸冒充名人", "description": "视频里的人脸被替换。",
        "jurisdiction_id": Jurisdiction.objects.get(code="shenzhen").pk}, content_type="application/json",
        REMOTE_ADDR="192.0.2.9")
    incident_id = made.json()["id"]
    official = signed_in(world.user("official", "shenzhen"))
    assert_refused_naming(_decide(official, incident_id, open_case=True, provision=PROVISION), "open_case")
    assert _decide(official, incident_id).status_code == 200


def test_a_red_line_on_an_ai_application_is_decided_and_kept_across_changes(world: Any, departments: None) -> None:
    from aiplus.governance import risk_selectors

    member = signed_in(world.user("enterprise_member", "shenzhen"))
    place = world.orgs["shenzhen:enterprise"]
    department = risk_selectors.departments_for(place.jurisdiction_id).first()
    made = member.post(operation("aiplus_governance_api_register_application"), {
        "organisation_id": place.pk, "department_id": department.pk, "name": "虚拟主播",
        "purpose": "用AI换脸生成名人形象进行直播带货。", "limits": "仅限直播。", "data_used": "公开视频。",
        "contact": "ai@example.com"}, content_type="application/json")
    assert made.status_code == 201, made.content
    app_id = made.json()["id"]
    assert DEEPFAKE in {r["code"] for r in made.json()["red_lines"]}
    # the company's own member may not decide; the official of the place may, on the page
    refused = member.post(operation("aiplus_governance_api_decide_application_red_line", application_id=app_id),
                          {"code": DEEPFAKE, "decision": "dismissed", "reasons": "我们自己说没问题。"},
                          content_type="application/json")
    assert refused.status_code == 403
    official = signed_in(world.user("official", "shenzhen"))
    page = official.get(f"/governance/ai-applications/{app_id}/").content.decode()
    assert 'data-testid="red-line-form"' in page
    answer = official.post(f"/governance/ai-applications/{app_id}/", {
        "action": "red_line", "code": DEEPFAKE, "decision": "confirmed", "reasons": "冒充名人带货。",
        "open_case": "on", "provision": PROVISION})
    assert answer.status_code == 302, answer.content[:800]
    flag = next(f for f in AIApplication.objects.get(pk=app_id).red_lines if f["code"] == DEEPFAKE)
    case = Violation.objects.get(pk=flag["violation_id"])
    assert flag["decision"] == "confirmed" and case.red_line == DEEPFAKE
    assert case.ai_application_id == app_id and case.ethics_application_id is None
    # the case page leads back to the application, for the official and for the company
    for viewer in (official, member):
        source = viewer.get(f"/governance/violations/{case.pk}/").content.decode()
        assert 'data-kind="ai_application"' in source and f'href="/governance/ai-applications/{app_id}/"' in source
    # the company changes its text: the confirmed flag stays, with its decision
    changed = member.post(operation("aiplus_governance_api_change_application", application_id=app_id),
                          {"name": "虚拟主播", "purpose": "虚拟形象直播带货。", "limits": "仅限直播。",
                           "data_used": "公开视频。", "contact": "ai@example.com"}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    flags = {r["code"]: r for r in changed.json()["red_lines"]}
    assert flags[DEEPFAKE]["decision"] == "confirmed" and flags[DEEPFAKE]["violation_id"] == flag["violation_id"]
