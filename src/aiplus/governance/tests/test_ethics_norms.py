"""The ethics self-check of an AI application against 《新一代人工智能伦理规范》 (Suzhou art. 48, Guangdong art. 32):
the pure rule (which norms apply to which activities, measures required when a norm is said to be met), the API and
the page for the organisation, who else reads it, and hostile input refused naming the answer, nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance import norms_rules as rules
from aiplus.governance.tests.test_risk_supervision import _post, _register

NORMS = [rules.Norm("basic.a", "basic", "甲", "A"), rules.Norm("basic.b", "basic", "乙", "B"),
         rules.Norm("research.x", "research", "研", "R"), rules.Norm("use.y", "use", "用", "U")]
MET = {"status": "met", "measures": "已建立复核流程"}


# -- the pure rule ----------------------------------------------------------------------------------------------

def test_the_basic_norms_always_apply_and_a_group_only_with_its_activity() -> None:
    result = rules.check(NORMS, ["use"], {"basic.a": MET, "basic.b": {"status": "not_met"}, "use.y": {
        "status": "partly", "measures": "  培训中  "}})
    assert result.activities == ("use",)
    assert [row.code for row in result.rows] == ["basic.a", "basic.b", "use.y"]
    assert (result.count("met"), result.count("partly"), result.count("not_met")) == (1, 1, 1)
    assert result.to_improve == ("basic.b", "use.y")
    assert result.rows[2].measures == "培训中"  # trimmed


def test_activities_come_back_in_the_taxonomy_order_without_duplicates() -> None:
    answers = {"basic.a": MET, "basic.b": MET, "research.x": MET, "use.y": MET}
    assert rules.check(NORMS, ["use", "research", "use"], answers).activities == ("research", "use")
    assert rules.activities_of(NORMS) == ("research", "use")


@pytest.mark.parametrize(("activities", "answers", "code", "field"), [
    ([], {}, "no_activity", "activities"),
    ("use", {}, "no_activity", "activities"),
    (["basic"], {}, "unknown_activity", "activities"),
    (["space"], {}, "unknown_activity", "activities"),
    (["use"], {"basic.a": MET, "use.y": MET}, "unanswered", "answers.basic.b"),
    (["use"], {"basic.a": MET, "basic.b": MET, "use.y": MET, "research.x": MET}, "not_applicable",
     "answers.research.x"),
    (["use"], {"basic.a": MET, "basic.b": MET, "use.y": MET, "other.z": MET}, "unknown_norm", "answers.other.z"),
    (["use"], {"basic.a": {"status": "met", "measures": "   "}, "basic.b": MET, "use.y": MET}, "measures_required",
     "answers.basic.a"),
    (["use"], {"basic.a": {"status": "partly"}, "basic.b": MET, "use.y": MET}, "measures_required",
     "answers.basic.a"),
    (["use"], {"basic.a": {"status": "done", "measures": "x"}, "basic.b": MET, "use.y": MET}, "unknown_status",
     "answers.basic.a"),
    (["use"], {"basic.a": {"status": ""}, "basic.b": MET, "use.y": MET}, "unanswered", "answers.basic.a"),
    (["use"], {"basic.a": "met", "basic.b": MET, "use.y": MET}, "unanswered", "answers.basic.a"),
    (["use"], {"basic.a": {"status": "met", "measures": 5}, "basic.b": MET, "use.y": MET}, "invalid_measures",
     "answers.basic.a"),
    (["use"], {"basic.a": {"status": "met", "measures": "x" * 1001}, "basic.b": MET, "use.y": MET},
     "measures_too_long", "answers.basic.a"),
])
def test_a_bad_self_check_is_refused_naming_the_answer(activities: Any, answers: Any, code: str,
                                                        field: str) -> None:
    with pytest.raises(rules.CheckError) as refused:
        rules.check(NORMS, activities, answers)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_measures_of_exactly_the_limit_pass_and_a_norm_not_met_needs_none() -> None:
    answers = {"basic.a": {"status": "met", "measures": "x" * rules.MAX_MEASURES}, "basic.b": {"status": "not_met"},
               "use.y": {"status": "not_met", "measures": ""}}
    assert rules.check(NORMS, ["use"], answers).count("not_met") == 2


# -- the pack's norms -------------------------------------------------------------------------------------------

def test_the_pack_holds_the_six_basic_norms_and_eighteen_specific_requirements() -> None:
    from aiplus.governance import risk

    norms = risk.norms()
    groups = {g: [n for n in norms if n.group == g] for g in ("basic", "management", "research", "supply", "use")}
    assert [len(v) for v in groups.values()] == [6, 5, 4, 4, 5]
    assert len(norms) == 24 and rules.activities_of(norms) == ("management", "research", "supply", "use")
    assert risk.norms_taxonomy().citation.instrument == "新一代人工智能伦理规范"


# -- through the API and the page -------------------------------------------------------------------------------

def _answers(*groups: str, status: str = "met") -> dict[str, Any]:
    from aiplus.governance import risk

    return {n.code: {"status": status, "measures": f"{n.name_zh}：已制定制度并落实"}
            for n in risk.norms() if n.group in ("basic", *groups)}


def test_the_self_check_goes_through_the_api(world: Any, sectors: Any, client: Any) -> None:
    from aiplus.core.models import AuditEvent

    norms = client.get(operation("aiplus_governance_api_get_ethics_norms")).json()
    assert [g["code"] for g in norms["groups"]] == ["basic", "management", "research", "supply", "use"]
    assert norms["groups"][0]["always"] and norms["citation_label"] == "《新一代人工智能伦理规范》"
    member = signed_in(world.user("enterprise_member"))
    app = _register(world, member, sectors["gxj"]).json()
    answers = _answers("supply")
    answers["supply.emergency_readiness"] = {"status": "not_met", "measures": "应急预案编制中"}
    answers["basic.privacy"] = {"status": "partly", "measures": "已脱敏，未做影响评估"}
    done = _post(member, "aiplus_governance_api_check_ethics_norms", {"activities": ["supply"], "answers": answers},
                 application_id=app["id"])
    assert done.status_code == 201, done.content
    check = done.json()["ethics_self_checks"][0]
    assert check["activities"] == ["supply"] and len(check["answers"]) == 10
    assert (check["met"], check["partly"], check["not_met"]) == (8, 1, 1)
    assert check["to_improve"] == ["basic.privacy", "supply.emergency_readiness"]
    assert check["basis"]["citation_label"] == "《新一代人工智能伦理规范》"
    event = AuditEvent.objects.filter(action="governance.ai_application.ethics_checked").get()
    assert event.after["to_improve"] == check["to_improve"]
    # the city official reads it on the application; another company does not see the application at all
    seen = client_get = signed_in(world.user("official")).get(
        operation("aiplus_governance_api_get_ai_application", application_id=app["id"]))
    assert client_get.status_code == 200 and seen.json()["ethics_self_checks"][0]["id"] == check["id"]
    other = signed_in(world.user("enterprise_member", "shenzhen"))
    assert other.get(operation("aiplus_governance_api_get_ai_application",
                               application_id=app["id"])).status_code == 404
    # nobody but the organisation's members fills it in
    for role in ("official", "auditor"):
        refused = _post(signed_in(world.user(role)), "aiplus_governance_api_check_ethics_norms",
                        {"activities": ["supply"], "answers": answers}, application_id=app["id"])
        assert refused.status_code == 403, (role, refused.content)
    assert _post(other, "aiplus_governance_api_check_ethics_norms", {"activities": ["supply"], "answers": answers},
                 application_id=app["id"]).status_code == 404
    assert client.post(operation("aiplus_governance_api_check_ethics_norms", application_id=app["id"]), {},
                       content_type="application/json").status_code == 401


@pytest.mark.parametrize(("payload", "field"), [
    ({"activities": []}, "activities"),
    ({"activities": ["space"]}, "activities"),
    ({"activities": ["x" * 41]}, "activities"),
    ({"answers": {"basic.wellbeing": {"status": "met", "measures": "x" * 1001}}}, "measures"),
    ({"answers": {"basic.wellbeing": {"status": "met", "measures": ""}}}, "basic.wellbeing"),
    ({"answers": {"basic.wellbeing": {"status": "=cmd|' /C calc'!A0"}}}, "basic.wellbeing"),
    ({"answers": {"use.good_faith": MET}}, "use.good_faith"),
    ({"answers": {"<script>": MET}}, "<script>"),
    ({"answers": {"basic.wellbeing": "met"}}, "basic.wellbeing"),
    ({"answers": "all met"}, "answers"),
])
def test_hostile_self_checks_are_refused_naming_the_field_and_write_nothing(world: Any, sectors: Any,
                                                                          payload: dict[str, Any],
                                                                          field: str) -> None:
    from aiplus.governance.models import EthicsSelfCheck

    member = signed_in(world.user("enterprise_member"))
    app = _register(world, member, sectors["gxj"]).json()
    body = {"activities": ["supply"], "answers": _answers("supply")}
    if "answers" in payload and isinstance(payload["answers"], dict):
        body["answers"] = {**body["answers"], **payload["answers"]}
    elif "answers" in payload:
        body["answers"] = payload["answers"]
    if "activities" in payload:
        body["activities"] = payload["activities"]
    before = written(EthicsSelfCheck)
    assert_refused_naming(_post(member, "aiplus_governance_api_check_ethics_norms", body, application_id=app["id"]),
                          field)
    assert written(EthicsSelfCheck) == before


def test_the_page_shows_every_missing_answer_beside_its_norm_and_writes_nothing(world: Any, sectors: Any) -> None:
    from aiplus.governance.models import EthicsSelfCheck

    member = signed_in(world.user("enterprise_member"))
    app = _register(world, member, sectors["gxj"]).json()
    url = f"/governance/ai-applications/{app['id']}/"
    page = member.get(url)
    assert page.status_code == 200 and 'data-testid="self-check-form"' in page.content.decode()
    before = written(EthicsSelfCheck)
    refused = member.post(url, {"action": "ethics", "activities": ["use"], "answers_basic_wellbeing": "met",
                                "measures_basic_wellbeing": ""})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'data-field="measures_basic_wellbeing"' in html and 'data-field="answers_basic_fairness"' in html
    assert 'data-field="answers_use_good_faith"' in html and 'data-field="answers_research_avoid_bias"' not in html
    assert written(EthicsSelfCheck) == before
    form = {"action": "ethics", "activities": ["use"]}
    for code, answer in _answers("use").items():
        name = code.replace(".", "_")
        form[f"answers_{name}"] = answer["status"]
        form[f"measures_{name}"] = "<b>措施</b>"
    assert member.post(url, form).status_code == 302
    shown = member.get(url).content.decode()
    assert "&lt;b&gt;措施&lt;/b&gt;" in shown and "<b>措施</b>" not in shown
    assert EthicsSelfCheck.objects.get().met == 11
    # an official reads the self-check but is offered no form
    official_page = signed_in(world.user("official")).get(url).content.decode()
    assert 'data-testid="self-check-rows"' in official_page and 'data-testid="self-check-form"' not in official_page
