"""AI applications, risk tiers and sector supervision (Suzhou art. 47, Guangdong art. 6) through the API: a company
registers an application, answers the questionnaire and gets a tier with reasons; a sector official draws an
inspection reproducibly, records findings and orders rectification; the company reports, another official closes.
Who sees what for every role, re-assessment on a schedule and on a triggering event, the overdue order as a
platform-signal incident, red lines flagged with the rule cited, hostile input refused naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance.models import AIApplication, Incident, RectificationOrder

pytestmark = pytest.mark.django_db

HIGH = {"reach": "large", "autonomy": "automatic", "rights": "significant", "reversibility": "irreversible",
        "data": ["personal", "sensitive"], "sector": "critical", "generative": "yes", "oversight": "no",
        "measures": [], "data_assessment": "no"}                        # 27 of 33, no mitigation: high
MEDIUM = {**HIGH, "reach": "medium", "autonomy": "overseen", "rights": "minor", "reversibility": "effort",
          "data": ["personal"], "sector": "general"}                     # 12 of 33: medium
LOW = {**MEDIUM, "reach": "small", "autonomy": "assist", "rights": "none", "reversibility": "easy", "data": [],
       "generative": "no"}                                               # 0: low


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _get(client: Any, op: str, **ids: Any) -> Any:
    return client.get(operation(op, **ids))


def _register(world: Any, client: Any, department: Any, place: str = "suzhou", **extra: Any) -> Any:
    return _post(client, "aiplus_governance_api_register_application", {
        "organisation_id": world.orgs[f"{place}:enterprise"].pk, "department_id": department.pk,
        "name": "智能质检助手", "purpose": "产线缺陷检测，辅助质检员判定。",
        "limits": "仅用于外观缺陷，不判定材料强度。",
        "data_used": "产线图像，不含个人信息。", "contact": "ai@example.com", **extra})


def _registered(world: Any, sectors: Any, answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    member = signed_in(world.user("enterprise_member"))
    made = _register(world, member, sectors["gxj"], **extra)
    assert made.status_code == 201, made.content
    assessed = _post(member, "aiplus_governance_api_assess_application", {"answers": answers},
                     application_id=made.json()["id"])
    assert assessed.status_code == 201, assessed.content
    return assessed.json()  # type: ignore[no-any-return]


def test_a_company_registers_is_tiered_inspected_ordered_and_closed(world: Any, sectors: Any) -> None:
    member = signed_in(world.user("enterprise_member"))
    made = _register(world, member, sectors["gxj"])
    assert made.status_code == 201, made.content
    app = made.json()
    assert app["status"] == "registered" and app["tier"] == "" and not app["is_disclosed"]
    questionnaire = _get(member, "aiplus_governance_api_get_questionnaire").json()
    assert questionnaire["max_raw"] == 33 and "平台设置" in questionnaire["settings"][0]["citation_label"]
    assessed = _post(member, "aiplus_governance_api_assess_application", {"answers": HIGH}, application_id=app["id"])
    assert assessed.status_code == 201, assessed.content
    body = assessed.json()
    latest = body["assessments"][0]
    assert body["tier"] == "high" and body["status"] == "assessed" and not body["is_disclosed"]
    assert (latest["raw_score"], latest["mitigation_score"], latest["final_score"]) == (27, 0, 27)
    assert latest["trigger"] == "initial" and latest["reasons"][-1]["code"] == "tier"
    assert "高风险" in latest["reasons"][-1]["text_zh"]
    assert all("平台设置" in row["citation_label"] for row in latest["basis"])
    assert body["reassess_on"] == str(__import__("aiplus.governance.risk_rules", fromlist=["x"]).add_months(
        timezone.localdate(), 6))

    official = signed_in(sectors["sz_gxj"])
    planned = _post(official, "aiplus_governance_api_plan_inspections",
                    {"department_id": sectors["gxj"].pk, "title": "2026年第四季度高风险应用抽查", "size": 3,
                     "tier": "high"})
    assert planned.status_code == 201, planned.content
    plan = planned.json()
    assert plan["size"] == 1 and plan["selected_ids"] == [app["id"]]
    assert plan["seed_matches"] and plan["selection_matches"]
    inspection_id = plan["inspection_ids"][0]
    found = _post(official, "aiplus_governance_api_record_findings", {"findings": "未建立人工复核机制。"},
                  inspection_id=inspection_id)
    assert found.status_code == 200 and found.json()["status"] == "done"
    due = timezone.localdate() + dt.timedelta(days=30)
    ordered = _post(official, "aiplus_governance_api_order_rectification",
                    {"requirement": "建立人工复核机制并报告。", "due_on": str(due)}, inspection_id=inspection_id)
    assert ordered.status_code == 201, ordered.content
    order = ordered.json()["orders"][0]
    assert order["status"] == "open" and not order["overdue"]
    # the company sees the inspection and its order; it cannot close its own order
    seen = _get(member, "aiplus_governance_api_get_inspection", inspection_id=inspection_id)
    assert seen.status_code == 200 and seen.json()["orders"][0]["id"] == order["id"]
    reported = _post(member, "aiplus_governance_api_report_rectification", {"response": "已上线人工复核。"},
                     order_id=order["id"])
    assert reported.status_code == 200 and reported.json()["orders"][0]["status"] == "reported"
    assert _post(member, "aiplus_governance_api_close_rectification", {"note": "自行销号"},
                 order_id=order["id"]).status_code == 403
    closed = _post(official, "aiplus_governance_api_close_rectification", {"note": "现场核验，已整改。"},
                   order_id=order["id"])
    assert closed.status_code == 200 and closed.json()["orders"][0]["status"] == "closed"
    listed = _get(member, "aiplus_governance_api_list_rectifications").json()
    assert [row["status"] for row in listed["items"]] == ["closed"]


def test_who_sees_what(world: Any, sectors: Any, client: Any) -> None:
    high = _registered(world, sectors, HIGH)
    low = _registered(world, sectors, LOW, name="园区导览问答")
    assert low["tier"] == "low" and low["is_disclosed"]
    # another company, another place: nothing
    other = signed_in(world.user("enterprise_member", "shenzhen"))
    assert _get(other, "aiplus_governance_api_get_ai_application", application_id=high["id"]).status_code == 404
    assert _get(other, "aiplus_governance_api_list_ai_applications").json()["items"] == []
    # the science bureau official does not see the industry bureau's applications, nor plans for it
    science = signed_in(sectors["sz_kjj"])
    assert _get(science, "aiplus_governance_api_get_ai_application", application_id=high["id"]).status_code == 404
    assert _get(science, "aiplus_governance_api_list_ai_applications").json()["items"] == []
    assert_refused_naming(_post(science, "aiplus_governance_api_plan_inspections",
                                {"department_id": sectors["gxj"].pk, "title": "越权", "size": 1}), "department_id")
    # the official of the whole city and the auditor see both; the auditor acts on nothing
    city = signed_in(world.user("official"))
    assert len(_get(city, "aiplus_governance_api_list_ai_applications").json()["items"]) == 2
    auditor = signed_in(world.user("auditor"))
    assert len(_get(auditor, "aiplus_governance_api_list_ai_applications").json()["items"]) == 2
    assert _post(auditor, "aiplus_governance_api_plan_inspections",
                 {"department_id": sectors["gxj"].pk, "title": "审计", "size": 1}).status_code == 403
    # the Shenzhen official sees nothing of Suzhou
    assert _get(signed_in(world.user("official", "shenzhen")),
                "aiplus_governance_api_list_ai_applications").json()["items"] == []
    # the public: only the low-risk disclosure, only its public fields; the register itself is closed
    public = client.get(operation("aiplus_governance_api_list_disclosures")).json()["items"]
    assert [row["id"] for row in public] == [low["id"]]
    assert set(public[0]) == {"id", "name", "organisation", "jurisdiction_id", "department", "tier", "assessed_on",
                              "purpose", "limits", "data_used", "contact"}
    assert client.get(operation("aiplus_governance_api_get_disclosure", application_id=high["id"])).status_code \
        == 404
    assert client.get(operation("aiplus_governance_api_list_ai_applications")).status_code == 401
    assert client.get(f"/governance/ai-disclosures/{low['id']}/").status_code == 200
    assert client.get(f"/governance/ai-disclosures/{high['id']}/").status_code == 404


def test_nobody_decides_their_own_case(world: Any, sectors: Any) -> None:
    """An official who is also a member of the company is neither drawn for nor handles its inspection."""
    from aiplus.core import services

    app = _registered(world, sectors, HIGH)
    official = sectors["sz_gxj"]
    services.assign_role(acting_user=world.admin, user=official, role="enterprise_member",
                         organisation_id=world.orgs["suzhou:enterprise"].pk)
    assert_refused_naming(_post(signed_in(official), "aiplus_governance_api_plan_inspections",
                                {"department_id": sectors["gxj"].pk, "title": "本单位", "size": 1}),
                          "department_id")
    plan = _post(signed_in(world.user("official")), "aiplus_governance_api_plan_inspections",
                 {"department_id": sectors["gxj"].pk, "title": "市级抽查", "size": 1}).json()
    assert plan["selected_ids"] == [app["id"]]
    assert _post(signed_in(official), "aiplus_governance_api_record_findings", {"findings": "无问题"},
                 inspection_id=plan["inspection_ids"][0]).status_code == 403
    assert _post(signed_in(world.user("enterprise_member")), "aiplus_governance_api_record_findings",
                 {"findings": "无问题"}, inspection_id=plan["inspection_ids"][0]).status_code == 403


def test_reassessment_on_schedule_and_on_a_triggering_event(world: Any, sectors: Any) -> None:
    from aiplus.governance import risk_services

    member = signed_in(world.user("enterprise_member"))
    app = _registered(world, sectors, MEDIUM)
    assert app["tier"] == "medium" and app["is_disclosed"]
    due_on = dt.date.fromisoformat(app["reassess_on"])
    assert risk_services.mark_due_reassessments(today=due_on - dt.timedelta(days=1)) == 0
    assert risk_services.mark_due_reassessments(today=due_on) == 1
    assert risk_services.mark_due_reassessments(today=due_on) == 0  # once
    row = AIApplication.objects.get(pk=app["id"])
    assert row.status == "due" and row.due_reason
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *a: due_on)
        again = _post(member, "aiplus_governance_api_assess_application", {"answers": LOW},
                      application_id=app["id"]).json()
    assert again["status"] == "assessed" and again["assessments"][0]["trigger"] == "scheduled"
    # a model from the register changes: a triggering event
    from aiplus.algorithms.models import AIModel

    model = AIModel.objects.create(name="质检视觉模型", kind="vision", organisation=world.orgs["suzhou:enterprise"],
                                   jurisdiction=world.orgs["suzhou:enterprise"].jurisdiction)
    changed = _post(member, "aiplus_governance_api_change_application", {
        "name": again["name"], "purpose": again["purpose"], "limits": again["limits"],
        "data_used": again["data_used"], "contact": again["contact"], "model_ids": [model.pk]},
        application_id=app["id"])
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "due" and changed.json()["model_ids"] == [model.pk]
    third = _post(member, "aiplus_governance_api_assess_application", {"answers": LOW}, application_id=app["id"])
    assert third.json()["assessments"][0]["trigger"] == "event"


def test_an_overdue_order_opens_a_platform_signal_incident_once(world: Any, sectors: Any,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    from aiplus.governance import risk_services

    app = _registered(world, sectors, HIGH)
    official = signed_in(sectors["sz_gxj"])
    plan = _post(official, "aiplus_governance_api_plan_inspections",
                 {"department_id": sectors["gxj"].pk, "title": "抽查", "size": 1}).json()
    inspection_id = plan["inspection_ids"][0]
    _post(official, "aiplus_governance_api_record_findings", {"findings": "日志缺失。"}, inspection_id=inspection_id)
    due = timezone.localdate() + dt.timedelta(days=1)
    _post(official, "aiplus_governance_api_order_rectification", {"requirement": "补齐日志。", "due_on": str(due)},
          inspection_id=inspection_id)
    assert risk_services.report_overdue_rectifications(today=due) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert risk_services.report_overdue_rectifications(today=due + dt.timedelta(days=1)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert risk_services.report_overdue_rectifications(today=due + dt.timedelta(days=2)) == 0
    incidents = Incident.objects.filter(signal="rectification_overdue")
    assert incidents.count() == 1
    incident = incidents.get()
    assert incident.organisation_id == world.orgs["suzhou:enterprise"].pk and app["name"] in incident.title
    order = RectificationOrder.objects.get()
    assert incident.signal_reference == f"governance.rectification:{order.pk}"


def test_a_red_line_is_flagged_with_the_rule_cited_in_guangdong_only(world: Any, sectors: Any) -> None:
    from aiplus.core.models import Department

    text = {"purpose": "为直播用户提供换脸特效。"}
    shenzhen = signed_in(world.user("enterprise_member", "shenzhen"))
    gd = Department.objects.get(code="gd_cac")
    flagged = _register(world, shenzhen, gd, place="shenzhen", **text)
    assert flagged.status_code == 201, flagged.content
    lines = flagged.json()["red_lines"]
    assert lines and lines[0]["code"] == "prohibited.deepfake_impersonation" and "广东" in lines[0]["article"]
    suzhou = _register(world, signed_in(world.user("enterprise_member")), sectors["gxj"], **text)
    assert suzhou.json()["red_lines"] == []


@pytest.mark.parametrize(("op", "payload", "field"), [
    ("register", {"department_id": -1}, "department_id"),
    ("register", {"name": "x" * 201}, "name"),
    ("register", {"model_ids": [999999]}, "model_ids"),
    ("register", {"model_ids": list(range(30))}, "model_ids"),
    ("register", {"purpose": "用途\x00"}, "purpose"),
    ("assess", {"answers": {k: v for k, v in HIGH.items() if k != "reach"}}, "reach"),
    ("assess", {"answers": {**HIGH, "reach": "huge"}}, "reach"),
    ("assess", {"answers": {**HIGH, "data": "personal"}}, "data"),
    ("assess", {"answers": {**HIGH, "extra": "x"}}, "extra"),
    ("assess", {"answers": "high"}, "answers"),
])
def test_hostile_input_is_refused_naming_the_field_and_writes_nothing(world: Any, sectors: Any, op: str,
                                                                      payload: dict[str, Any], field: str) -> None:
    from aiplus.governance.models import RiskAssessment

    member = signed_in(world.user("enterprise_member"))
    if op == "register":
        before = written(AIApplication)
        assert_refused_naming(_register(world, member, sectors["gxj"], **payload), field)
        assert written(AIApplication) == before
        return
    app = _register(world, member, sectors["gxj"]).json()
    before = written(RiskAssessment)
    assert_refused_naming(_post(member, "aiplus_governance_api_assess_application", payload,
                                application_id=app["id"]), field)
    assert written(RiskAssessment) == before


@pytest.mark.parametrize(("payload", "field"), [
    ({"size": 0}, "size"), ({"size": 51}, "size"), ({"tier": "extreme"}, "tier"), ({"title": ""}, "title"),
])
def test_a_bad_plan_is_refused(world: Any, sectors: Any, payload: dict[str, Any], field: str) -> None:
    _registered(world, sectors, HIGH)
    official = signed_in(sectors["sz_gxj"])
    assert_refused_naming(_post(official, "aiplus_governance_api_plan_inspections",
                                {"department_id": sectors["gxj"].pk, "title": "抽查", "size": 1, **payload}), field)


def test_a_deadline_in_the_past_or_beyond_a_year_is_refused(world: Any, sectors: Any) -> None:
    _registered(world, sectors, HIGH)
    official = signed_in(sectors["sz_gxj"])
    plan = _post(official, "aiplus_governance_api_plan_inspections",
                 {"department_id": sectors["gxj"].pk, "title": "抽查", "size": 1}).json()
    inspection_id = plan["inspection_ids"][0]
    # no order before findings
    assert _post(official, "aiplus_governance_api_order_rectification",
                 {"requirement": "r", "due_on": str(timezone.localdate() + dt.timedelta(days=3))},
                 inspection_id=inspection_id).status_code == 409
    _post(official, "aiplus_governance_api_record_findings", {"findings": "f"}, inspection_id=inspection_id)
    for days in (0, -1, 366):
        assert_refused_naming(_post(official, "aiplus_governance_api_order_rectification",
                                    {"requirement": "r", "due_on": str(timezone.localdate() + dt.timedelta(days=days))},
                                    inspection_id=inspection_id), "due_on")


def test_the_daily_command_marks_due_applications_and_reports_overdue_orders(world: Any, sectors: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    app = _registered(world, sectors, LOW)
    out = StringIO()
    call_command("check_risk_supervision", "--today", app["reassess_on"], stdout=out)
    assert out.getvalue().startswith("1 application(s) due")
    assert AIApplication.objects.get(pk=app["id"]).status == "due"


def test_the_pages_for_every_role(world: Any, sectors: Any, client: Any) -> None:
    """The register and the application page for the company and the officials; the plans page only for officials
    and auditors; another company and the public get nothing; the public disclosure page shows no confidential
    field (answers, scores, red lines, inspections)."""
    low = _registered(world, sectors, LOW)
    page = f"/governance/ai-applications/{low['id']}/"
    member = signed_in(world.user("enterprise_member"))
    body = member.get(page).content.decode()
    assert 'data-testid="questionnaire-form"' in body and 'data-tier="low"' in body
    city = signed_in(world.user("official")).get(page).content.decode()
    assert 'data-testid="questionnaire-form"' not in city and 'data-testid="tier-reasons"' in city
    assert signed_in(world.user("enterprise_member", "shenzhen")).get(page).status_code == 404
    assert signed_in(sectors["sz_kjj"]).get(page).status_code == 404
    assert member.get("/governance/inspection-plans/").status_code == 403
    assert signed_in(world.user("auditor")).get("/governance/inspection-plans/").status_code == 200
    assert client.get(page).status_code == 302  # to sign in
    public = client.get(f"/governance/ai-disclosures/{low['id']}/").content.decode()
    assert low["purpose"] in public and low["contact"] in public
    assert "tier-reasons" not in public and "questionnaire" not in public and "最终得分" not in public
    # a member posting an official's form is refused, nothing written
    assert member.post("/governance/inspection-plans/", {"action": "plan", "title": "x", "size": "1",
                                                         "department": sectors["gxj"].pk}).status_code in (400, 403)


def test_inspections_and_rectification_orders_wait_in_the_supervising_departments_queue(world: Any,
                                                                                        sectors: Any) -> None:
    from aiplus.departments.models import WorkItem
    from aiplus.departments.tests.conftest import load_duties

    load_duties()
    app = _registered(world, sectors, HIGH)
    official = signed_in(sectors["sz_gxj"])
    plan = _post(official, "aiplus_governance_api_plan_inspections",
                 {"department_id": sectors["gxj"].pk, "title": "抽查", "size": 1}).json()
    inspection_id = plan["inspection_ids"][0]
    inspection_work = WorkItem.objects.select_related("department").get(
        object_id=inspection_id, object_type__model="inspection")
    assert inspection_work.duty.code == "risk.supervision" and inspection_work.department.code == "sz_scjgj"
    assert inspection_work.link == f"/governance/inspections/{inspection_id}/" and inspection_work.status == "open"
    assert _post(official, "aiplus_governance_api_record_findings", {"findings": "缺少人工复核。"},
                 inspection_id=inspection_id).status_code == 200
    inspection_work.refresh_from_db()
    assert inspection_work.status == "done"
    due = timezone.localdate() + dt.timedelta(days=30)
    order = _post(official, "aiplus_governance_api_order_rectification",
                  {"requirement": "建立人工复核机制。", "due_on": str(due)}, inspection_id=inspection_id).json()
    order_id = order["orders"][0]["id"]
    order_work = WorkItem.objects.get(object_id=order_id, object_type__model="rectificationorder")
    assert order_work.status == "open" and order_work.title == app["name"]
    member = signed_in(world.user("enterprise_member"))
    assert _post(member, "aiplus_governance_api_report_rectification", {"response": "已整改。"},
                 order_id=order_id).status_code == 200
    assert _post(official, "aiplus_governance_api_close_rectification", {"note": "已核验。"},
                 order_id=order_id).status_code == 200
    order_work.refresh_from_db()
    assert order_work.status == "done"
