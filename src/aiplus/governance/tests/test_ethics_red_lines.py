"""An official of the applying unit's place confirms or dismisses a red line flagged on an ethics review application
(Guangdong art. 33), with reasons and an audit event, through the officials' queue and flag page and through the API;
confirming can open a violation case (Suzhou art. 49) and tells the applicant. The official sees the flag, the rule
and its citation, who applied to which committee and the status, never the materials nor the votes. Nobody of the
applying unit decides (not an official who is also one of its members, nor a superuser who is); committee members,
auditors, providers, experts, the public and officials of elsewhere are refused; hostile input is refused naming the
field, writing nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance.models import ApplicationStatus, EthicsApplication, Violation

pytestmark = pytest.mark.django_db

DEEPFAKE = "prohibited.deepfake_impersonation"
PROVISION = "datasec.penalty_range_cny"
OVERVIEW = "研究用AI换脸技术在直播中冒充主持人的可行性（概况原文，仅委员会可见）"
PLAN = "采集志愿者人脸视频三百段并训练模型（方案原文，仅委员会可见）"
QUEUE = "/governance/red-lines/ethics/"


@pytest.fixture
def flagged(world: Any, make_user: Any) -> dict[str, Any]:
    """A Shenzhen company's ethics application touching a red line, submitted to its committee (one outside
    member, who holds no other role)."""
    from aiplus.governance import services

    member = world.user("enterprise_member", "shenzhen")
    company = world.orgs["shenzhen:enterprise"]
    today = timezone.localdate()
    committee = services.create_committee(acting_user=member, organisation_id=company.pk, name="深圳伦理委员会",
                                          established_on=today - dt.timedelta(days=30))
    outsider = make_user("committee")
    services.add_member(acting_user=member, committee_id=committee.pk, user_id=outsider.pk, role="chair",
                        discipline="ethics", gender="female", external=True, term_start=today - dt.timedelta(days=20),
                        term_end=today + dt.timedelta(days=365))
    application = services.create_application(acting_user=member, committee_id=committee.pk, title="数字人直播研究",
                                               overview=OVERVIEW, plan=PLAN)
    services.submit_application(acting_user=member, application_id=application.pk)
    application.refresh_from_db()
    assert [f["code"] for f in application.red_lines] == [DEEPFAKE]
    return {"id": application.pk, "committee": committee, "committee_member": outsider, "applicant": member}


def _decide(client: Any, application_id: int, **payload: Any) -> Any:
    return client.post(operation("aiplus_governance_api_decide_ethics_red_line", application_id=application_id),
                       {"code": DEEPFAKE, "decision": "confirmed", "reasons": "研究内容为换脸冒充他人。", **payload},
                       content_type="application/json")


def _flag(application_id: int) -> dict[str, Any]:
    return EthicsApplication.objects.get(pk=application_id).red_lines[0]  # type: ignore[no-any-return]


def _province_official(world: Any) -> Any:
    from aiplus.core import services

    user = services.create_user(acting_user=world.admin, username="guangdong-official", password="x-password-123")
    services.assign_role(acting_user=world.admin, user=user, role="official", jurisdiction="guangdong")
    return user


def test_an_official_confirms_a_flag_and_opens_a_case_through_the_api(world: Any, flagged: dict[str, Any]) -> None:
    from aiplus.core.models import AuditEvent, Notification

    app_id = flagged["id"]
    official = world.user("official", "shenzhen")
    client = signed_in(official)
    listed = client.get(operation("aiplus_governance_api_list_ethics_red_lines")).json()
    assert [row["id"] for row in listed["items"]] == [app_id]
    assert listed["items"][0]["red_lines"][0]["decision"] == ""
    answer = _decide(client, app_id, open_case=True, provision=PROVISION)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["id"] == app_id and body["committee"] == "深圳伦理委员会" and body["status"] == "submitted"
    flag = body["red_lines"][0]
    assert flag["decision"] == "confirmed" and flag["reasons"] == "研究内容为换脸冒充他人。"
    assert flag["decided_by_id"] == official.pk and "广东" in flag["article"] and flag["matched"]["keywords"]
    case = Violation.objects.get(pk=flag["violation_id"])
    assert _flag(app_id)["violation_id"] == case.pk and _flag(app_id)["decided_by_id"] == official.pk
    assert case.red_line == DEEPFAKE and case.provision == PROVISION and case.incident_id is None
    assert case.ethics_application_id == app_id and case.ai_application_id is None
    # the case leads the official back to the flag (never to the materials), the applicant to its application
    got = client.get(operation("aiplus_governance_api_get_violation", violation_id=case.pk)).json()
    assert got["ethics_application_id"] == app_id
    source = client.get(f"/governance/violations/{case.pk}/").content.decode()
    assert 'data-kind="ethics_application"' in source and f'href="{QUEUE}{app_id}/"' in source
    assert case.organisation_id == world.orgs["shenzhen:enterprise"].pk
    events = AuditEvent.objects.filter(action="governance.red_line.confirmed", object_id=str(app_id))
    assert events.count() == 1 and events.get().message == DEEPFAKE
    assert Notification.objects.filter(recipient=flagged["applicant"], verb="governance.red_line",
                                       link=f"/governance/ethics/applications/{app_id}/").exists()
    # the applicant sees the decision on its application, in the API and on the page
    applicant = signed_in(flagged["applicant"])
    mine = applicant.get(operation("aiplus_governance_api_get_application", application_id=app_id)).json()
    assert mine["red_lines"][0]["decision"] == "confirmed" and mine["red_lines"][0]["violation_id"] == case.pk
    page = applicant.get(f"/governance/ethics/applications/{app_id}/").content.decode()
    assert 'data-decision="confirmed"' in page and 'data-testid="red-line-case"' in page
    case_page = applicant.get(f"/governance/violations/{case.pk}/").content.decode()
    assert f'href="/governance/ethics/applications/{app_id}/"' in case_page
    # decided once only
    again = _decide(client, app_id, decision="dismissed")
    assert again.status_code == 409 and again.json()["field"] == "code"
    assert AuditEvent.objects.filter(object_id=str(app_id), action__startswith="governance.red_line").count() == 1


def test_an_official_of_the_province_dismisses_a_flag_from_the_queue_page(world: Any,
                                                                         flagged: dict[str, Any]) -> None:
    from aiplus.core.models import AuditEvent

    app_id = flagged["id"]
    official = _province_official(world)  # the place's parent jurisdiction: Guangdong province
    client = signed_in(official)
    queue = client.get(QUEUE).content.decode()
    assert f'href="{QUEUE}"' in queue  # in the officials' menu
    assert f'href="{QUEUE}{app_id}/"' in queue and "数字人直播研究" in queue
    page = client.get(f"{QUEUE}{app_id}/").content.decode()
    assert 'data-testid="red-line-form"' in page and 'data-decision=""' in page
    assert "深圳伦理委员会" in page and world.orgs["shenzhen:enterprise"].name in page
    assert "广东" in page and "（征求意见稿）" in page  # the rule's citation, its draft status named
    before = Violation.objects.count()
    answer = client.post(f"{QUEUE}{app_id}/", {"action": "red_line", "code": DEEPFAKE, "decision": "dismissed",
                                                "reasons": "仅为检测换脸的防御性研究。"})
    assert answer.status_code == 302, answer.content[:800]
    flag = _flag(app_id)
    assert flag["decision"] == "dismissed" and flag["reasons"] == "仅为检测换脸的防御性研究。"
    assert flag["decided_by_id"] == official.pk and "violation_id" not in flag
    assert Violation.objects.count() == before
    assert AuditEvent.objects.filter(action="governance.red_line.dismissed", object_id=str(app_id)).count() == 1
    page = client.get(f"{QUEUE}{app_id}/").content.decode()
    assert 'data-decision="dismissed"' in page and 'data-testid="red-line-form"' not in page
    assert 'data-testid="red-line-decider"' in page and "仅为检测换脸的防御性研究。" in page


def test_the_official_sees_the_flag_but_never_the_materials(world: Any, flagged: dict[str, Any]) -> None:
    app_id = flagged["id"]
    client = signed_in(world.user("official", "shenzhen"))
    answers = [client.get(QUEUE), client.get(f"{QUEUE}{app_id}/"),
               client.get(f"{QUEUE}?export=csv"),
               client.get(operation("aiplus_governance_api_list_ethics_red_lines")),
               client.get(operation("aiplus_governance_api_get_ethics_red_line", application_id=app_id)),
               _decide(client, app_id, decision="dismissed")]
    for answer in answers:
        assert answer.status_code == 200, answer.content[:500]
        text = answer.content.decode()
        if answer["Content-Type"].startswith("application/json"):
            text = json.dumps(answer.json(), ensure_ascii=False)
        assert "数字人直播研究" in text
        for secret in (OVERVIEW, PLAN, "仅委员会可见", "志愿者"):
            assert secret not in text
    # the application's own page and API stay the committee's and the applicant's
    assert client.get(f"/governance/ethics/applications/{app_id}/").status_code == 404
    assert client.get(operation("aiplus_governance_api_get_application", application_id=app_id)).status_code == 404


def _refused(world: Any, flagged: dict[str, Any], role: str) -> Any:
    from aiplus.core import services

    if role == "committee_member":
        return flagged["committee_member"]
    if role == "elsewhere_official":
        return world.user("official", "suzhou")
    if role == "insider_official":
        insider = world.user("official", "shenzhen")
        services.assign_role(acting_user=world.admin, user=insider, role="enterprise_member",
                             organisation_id=world.orgs["shenzhen:enterprise"].pk)
        return insider
    if role == "insider_superuser":
        services.assign_role(acting_user=world.admin, user=world.admin, role="enterprise_member",
                             organisation_id=world.orgs["shenzhen:enterprise"].pk)
        return world.admin
    return world.user(role, "shenzhen")


@pytest.mark.parametrize("role", ["enterprise_member", "committee_member", "auditor", "provider", "expert", "public",
                                  "elsewhere_official", "insider_official", "insider_superuser"])
def test_no_one_else_decides(world: Any, flagged: dict[str, Any], role: str) -> None:
    app_id = flagged["id"]
    user = _refused(world, flagged, role)
    counts = written(Violation)
    client = signed_in(user)
    assert _decide(client, app_id).status_code in (403, 404)
    page = client.get(f"{QUEUE}{app_id}/")
    assert page.status_code in (403, 404) or 'data-testid="red-line-form"' not in page.content.decode()
    posted = client.post(f"{QUEUE}{app_id}/", {"action": "red_line", "code": DEEPFAKE, "decision": "dismissed",
                                                "reasons": "没有问题。"})
    assert posted.status_code in (403, 404)
    listed = client.get(operation("aiplus_governance_api_list_ethics_red_lines"))
    assert listed.status_code == 403 or app_id not in [row["id"] for row in listed.json()["items"]]
    assert client.get(QUEUE).status_code in (200, 403)
    assert written(Violation) == counts
    assert _flag(app_id).get("decision") is None


def test_nobody_signed_out_decides(flagged: dict[str, Any]) -> None:
    from django.test import Client

    anonymous = Client()
    assert _decide(anonymous, flagged["id"]).status_code == 401
    assert anonymous.get(f"{QUEUE}{flagged['id']}/").status_code == 302  # to sign in
    assert _flag(flagged["id"]).get("decision") is None


@pytest.mark.parametrize(("payload", "field"), [
    ({"code": "prohibited.nope"}, "code"),
    ({"code": "prohibited.label_removal"}, "code"),  # a red line, but not one flagged on this application
    ({"code": ["x"]}, "code"),
    ({"decision": "maybe"}, "decision"),
    ({"decision": ""}, "decision"),
    ({"reasons": ""}, "reasons"),
    ({"reasons": "   "}, "reasons"),
    ({"reasons": "x" * 2001}, "reasons"),
    ({"reasons": "a\x00b"}, "reasons"),
    ({"decision": "dismissed", "open_case": True, "provision": PROVISION}, "open_case"),
    ({"open_case": True}, "provision"),
    ({"open_case": True, "provision": "no.such.penalty_range_cny"}, "provision"),
    ({"provision": PROVISION}, "provision"),
    ({"open_case": "perhaps"}, "open_case"),
    ({"open_case": 2}, "open_case"),
])
def test_hostile_input_is_refused_naming_the_field(world: Any, flagged: dict[str, Any], payload: dict[str, Any],
                                                   field: str) -> None:
    app_id = flagged["id"]
    counts = written(Violation)
    assert_refused_naming(_decide(signed_in(world.user("official", "shenzhen")), app_id, **payload), field)
    assert written(Violation) == counts
    assert _flag(app_id).get("decision") is None


def test_markup_in_the_reasons_is_kept_as_text_and_shown_escaped(world: Any, flagged: dict[str, Any]) -> None:
    app_id = flagged["id"]
    client = signed_in(world.user("official", "shenzhen"))
    markup = '<script>alert(1)</script><img src=x onerror="x()">'
    assert _decide(client, app_id, decision="dismissed", reasons=markup).status_code == 200
    assert _flag(app_id)["reasons"] == markup
    page = client.get(f"{QUEUE}{app_id}/").content.decode()
    assert markup not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_hostile_input_on_the_page_is_drawn_again_beside_its_field(world: Any, flagged: dict[str, Any]) -> None:
    app_id = flagged["id"]
    client = signed_in(world.user("official", "shenzhen"))
    counts = written(Violation)
    answer = client.post(f"{QUEUE}{app_id}/", {"action": "red_line", "code": DEEPFAKE, "decision": "dismissed",
                                                "reasons": "排除。", "open_case": "on", "provision": PROVISION})
    assert answer.status_code == 400
    assert 'data-testid="red-line-form"' in answer.content.decode()
    assert written(Violation) == counts and _flag(app_id).get("decision") is None


def test_resubmitting_keeps_the_decision(world: Any, flagged: dict[str, Any]) -> None:
    from aiplus.governance import services

    app_id = flagged["id"]
    assert _decide(signed_in(world.user("official", "shenzhen")), app_id, decision="dismissed").status_code == 200
    EthicsApplication.objects.filter(pk=app_id).update(status=ApplicationStatus.REVISE)
    services.submit_application(acting_user=flagged["applicant"], application_id=app_id)
    flag = _flag(app_id)
    assert flag["decision"] == "dismissed" and flag["code"] == DEEPFAKE


def test_the_queue_does_not_grow_its_queries_with_its_rows(world: Any, flagged: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aiplus.governance import services

    client = signed_in(world.user("official", "shenzhen"))
    assert _decide(client, flagged["id"], decision="dismissed").status_code == 200

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get(QUEUE).status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get(operation("aiplus_governance_api_list_ethics_red_lines")).status_code == 200
        return len(page), len(api)

    few = counted()
    for index in range(6):
        made = services.create_application(acting_user=flagged["applicant"], committee_id=flagged["committee"].pk,
                                           title=f"换脸研究{index}", overview=OVERVIEW)
        services.submit_application(acting_user=flagged["applicant"], application_id=made.pk)
    assert counted() == few
