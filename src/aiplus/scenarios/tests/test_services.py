"""Scenario needs, lists, profiles, pool, open calls, pilots, cases: good paths, bad input, permissions, audit."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent, TransitionRecord, WorkflowTimer
from aiplus.scenarios import pack_rules, services
from aiplus.scenarios.models import (
    Application,
    Case,
    Kpi,
    Need,
    NeedStatus,
    Objection,
    OpenCall,
    Pilot,
    ScenarioList,
    Score,
)
from aiplus.scenarios.testing import KPIS, need_data, published_need, score_all

pytestmark = pytest.mark.django_db


def _events() -> int:
    return AuditEvent.objects.count()


def _refused(code: str, field: str, fn, **kw):
    """Call fn, expect a ServiceError with this code and field, and nothing written (no audit event)."""
    before = (_events(), Need.objects.count(), Kpi.objects.count(), Application.objects.count(),
              Score.objects.count(), Objection.objects.count())
    with pytest.raises(ServiceError) as info:
        fn(**kw)
    assert info.value.code == code, info.value.as_dict()
    assert info.value.field == field, info.value.as_dict()
    assert str(info.value.message)
    assert before == (_events(), Need.objects.count(), Kpi.objects.count(), Application.objects.count(),
                      Score.objects.count(), Objection.objects.count())
    return info.value


def test_need_workflow_to_published_list_with_timer_and_department(world, django_capture_on_commit_callbacks):
    member, official = world.user("enterprise_member"), world.user("official")
    org = world.orgs["suzhou:enterprise"]
    start = _events()
    need = services.create_need(acting_user=member, organisation_id=org.pk, jurisdiction="suzhou", **need_data())
    assert _events() == start + 1
    assert need.responsible_department == "苏州市发展和改革委员会"
    assert [str(k) for k in need.kpis.all()] == ["缺陷检出率 ≥ 99 %", "单件检测时间 ≤ 2 秒"]
    services.transition_need(acting_user=member, need_id=need.pk, transition="submit")
    assert _events() == start + 2
    timer = WorkflowTimer.objects.get(object_id=str(need.pk), name="review")
    assert timer.parameter == "scenarios.suzhou.review_working_days" and timer.working_days == 10
    with pytest.raises(ServiceError):  # the member cannot review their own need
        services.transition_need(acting_user=member, need_id=need.pk, transition="review")
    services.transition_need(acting_user=official, need_id=need.pk, transition="review")
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.publish_list(acting_user=official, jurisdiction="suzhou", need_ids=[need.pk],
                                      co_publishers=["shenzhen"])
    year = dt.date.today().year
    assert batch.title == f"苏州市{year}年第1批"
    assert [j.code for j in batch.co_publishers.all()] == ["shenzhen"]
    need.refresh_from_db()
    assert need.status == NeedStatus.PUBLISHED and need.is_published and need.scenario_list == batch
    assert list(TransitionRecord.objects.filter(object_id=str(need.pk)).values_list("transition", flat=True)
                ) == ["submit", "review", "publish"]
    # the next batch is numbered 2; the public sees the published need
    second = published_need(world, title="第二个场景")
    assert second.scenario_list.title == f"苏州市{year}年第2批"
    assert Need.objects.restrict(world.user("public"), "view").count() == 2


def test_guangdong_category_maps_onto_scenario_domains(world):
    need = services.create_need(acting_user=world.user("enterprise_member", "shenzhen"),
                                organisation_id=world.orgs["shenzhen:enterprise"].pk, jurisdiction="shenzhen",
                                **need_data(domain="social_governance"))
    assert need.domain == "governance"
    assert need.responsible_department == "广东省发展和改革委员会"
    assert pack_rules.pack_of(need.jurisdiction) == "guangdong"


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"kpis": [{"name": "检出率", "target_value": "99", "unit": ""}]}, "kpi_unit_required", "kpis[0].unit"),
    ({"kpis": [{"name": "检出率", "target_value": "99"}]}, "kpi_unit_required", "kpis[0].unit"),
    ({"kpis": [{"name": "检出率", "target_value": "很多", "unit": "%"}]}, "invalid_number",
     "kpis[0].target_value"),
    ({"kpis": []}, "kpis_required", "kpis"),
    ({"budget_min_cny": "900000", "budget_max_cny": "800000"}, "budget_range", "budget_min_cny"),
    ({"budget_min_cny": "-1"}, "out_of_range", "budget_min_cny"),
    ({"budget_min_cny": "10.005"}, "too_many_decimals", "budget_min_cny"),
    ({"budget_max_cny": "1E+20"}, "out_of_range", "budget_max_cny"),
    ({"budget_max_cny": "abc"}, "invalid_number", "budget_max_cny"),
    ({"title": " "}, "required", "title"),
    ({"domain": "astrology"}, "unknown_domain", "domain"),
    ({"deadline": "2020-01-01"}, "deadline_past", "deadline"),
    ({"deadline": "tomorrow"}, "invalid_date", "deadline"),
    ({"visibility": "secret"}, "invalid_choice", "visibility"),
])
def test_bad_need_input_is_refused_naming_the_field(world, change, code, field):
    _refused(code, field, services.create_need, acting_user=world.user("enterprise_member"),
             organisation_id=world.orgs["suzhou:enterprise"].pk, jurisdiction="suzhou", **need_data(**change))


def test_need_permissions_across_jurisdictions(world):
    need = services.create_need(acting_user=world.user("enterprise_member"),
                                organisation_id=world.orgs["suzhou:enterprise"].pk, jurisdiction="suzhou",
                                **need_data())
    with pytest.raises(PermissionDeniedError):
        services.create_need(acting_user=world.user("enterprise_member", "shenzhen"),
                             organisation_id=world.orgs["suzhou:enterprise"].pk, jurisdiction="suzhou", **need_data())
    services.transition_need(acting_user=world.user("enterprise_member"), need_id=need.pk, transition="submit")
    with pytest.raises(ServiceError) as info:  # Shenzhen's official cannot see a Suzhou draft
        services.transition_need(acting_user=world.user("official", "shenzhen"), need_id=need.pk,
                                 transition="review")
    assert info.value.code == "not_found"
    assert not Need.objects.restrict(world.user("official", "shenzhen")).filter(pk=need.pk).exists()
    assert not Need.objects.restrict(world.user("public")).filter(pk=need.pk).exists()
    with pytest.raises(PermissionDeniedError):
        services.publish_list(acting_user=world.user("official", "shenzhen"), jurisdiction="suzhou",
                              need_ids=[need.pk])
    _refused("not_reviewed", "need_ids", services.publish_list, acting_user=world.user("official"),
             jurisdiction="suzhou", need_ids=[need.pk])
    _refused("publish_by_list", "transition", services.transition_need, acting_user=world.user("official"),
             need_id=need.pk, transition="publish")


def test_profile_and_pool_admission(world):
    provider = world.user("provider")
    org = world.orgs["suzhou:provider"]
    _refused("profile_required", "organisation", services.apply_to_pool, acting_user=provider,
             organisation_id=org.pk, jurisdiction="suzhou")
    _refused("price_range", "price_min_cny", services.save_profile, acting_user=provider, organisation_id=org.pk,
             products="质检一体机", description="工业视觉", domains=["industry.manufacturing"],
             price_min_cny="10", price_max_cny="5")
    _refused("required", "domains", services.save_profile, acting_user=provider, organisation_id=org.pk,
             products="质检一体机", description="工业视觉", domains=[])
    start = _events()
    profile = services.save_profile(acting_user=provider, organisation_id=org.pk, products="质检一体机",
                                    description="工业视觉缺陷检测", domains="industry.manufacturing",
                                    regions_served="suzhou")
    membership = services.apply_to_pool(acting_user=provider, organisation_id=org.pk, jurisdiction="suzhou")
    assert _events() == start + 2 and profile.domains == ["industry.manufacturing"]
    with pytest.raises(PermissionDeniedError):
        services.decide_pool(acting_user=world.user("official", "shenzhen"), membership_id=membership.pk, admit=True)
    _refused("required", "note", services.decide_pool, acting_user=world.user("official"),
             membership_id=membership.pk, admit=False)
    membership = services.decide_pool(acting_user=world.user("official"), membership_id=membership.pk, admit=True)
    assert membership.is_admitted and _events() == start + 3


def test_call_rules_come_from_parameters(call_world):
    call = call_world[2]
    assert (call.max_applications_per_applicant, call.max_selected_per_need, call.max_successful_per_need,
            call.trim_min_reviewers, call.reviewers) == (3, 5, 3, 5, 5)
    assert call.rules["parameters"]["max_applications_per_applicant"] == \
        "opencalls.suzhou.max_applications_per_applicant"


def test_applying_beyond_the_limit_and_other_bad_applications(call_world, make_org):
    world, need, call, _pool, supplier_list = call_world
    org, user = supplier_list[0]
    _refused("duplicate_application", "need", services.apply_to_call, acting_user=user, call_id=call.pk,
             need_id=need.pk, organisation_id=org.pk, proposal="再次申报")
    extra = [published_need(world, title=f"第{i}个场景") for i in range(3)]
    call.needs.add(*extra)
    services.apply_to_call(acting_user=user, call_id=call.pk, need_id=extra[0].pk, organisation_id=org.pk,
                           proposal="方案二")
    services.apply_to_call(acting_user=user, call_id=call.pk, need_id=extra[1].pk, organisation_id=org.pk,
                           proposal="方案三")
    error = _refused("application_limit", "applicant", services.apply_to_call, acting_user=user, call_id=call.pk,
                     need_id=extra[2].pk, organisation_id=org.pk, proposal="方案四")
    assert "3" in str(error.message)
    _refused("required", "proposal", services.apply_to_call, acting_user=supplier_list[1][1], call_id=call.pk,
             need_id=extra[0].pk, organisation_id=supplier_list[1][0].pk, proposal="")
    _refused("own_need", "need", services.apply_to_call, acting_user=world.user("enterprise_member"),
             call_id=call.pk, need_id=need.pk, organisation_id=world.orgs["suzhou:enterprise"].pk, proposal="x")
    branch = make_org("suzhou", "enterprise")
    branch.is_independent_legal_person = False
    branch.save()
    _refused("not_legal_person", "applicant", services.apply_to_call, acting_user=world.admin, call_id=call.pk,
             need_id=need.pk, organisation_id=branch.pk, proposal="分公司申报")


def test_full_call_scoring_notice_objection_award_pilot_case_replication(call_world):
    world, need, call, _pool, _suppliers = call_world
    official = world.user("official")
    # reviews happen only after applications close
    _refused("not_reviewing", "status", services.draw_reviewers, acting_user=official, call_id=call.pk)
    services.transition_call(acting_user=official, call_id=call.pk, transition="close_applications")
    call = services.draw_reviewers(acting_user=official, call_id=call.pk)
    from aiplus.experts.selectors import drawn_users

    drawn = drawn_users(call.draw_id)
    assert len(drawn) == 5
    outsider = next(u for u in _pool if u not in drawn)
    application = call.applications.order_by("id").first()
    error = _refused("not_drawn", "expert", services.submit_score, acting_user=outsider,
                     application_id=application.pk, criteria={"technical": 90, "feasibility": 90, "kpi": 90,
                                                              "cost": 90})
    assert error.status == 403
    _refused("score_range", "criteria.cost", services.submit_score, acting_user=drawn[0],
             application_id=application.pk, criteria={"technical": 90, "feasibility": 90, "kpi": 90, "cost": 101})
    _refused("score_missing", "criteria.kpi", services.submit_score, acting_user=drawn[0],
             application_id=application.pk, criteria={"technical": 90, "feasibility": 90, "cost": 90})
    _refused("scores_missing", "scores", services.start_notice, acting_user=official, call_id=call.pk)
    start = _events()
    score_all(call, drawn)
    assert _events() == start + 10  # one audit event per score
    call = services.start_notice(acting_user=official, call_id=call.pk)
    first, second = call.applications.order_by("rank")
    # five reviewers: 80..84 -> drop 80 and 84 -> mean 82
    assert first.score == Decimal("82.000") and first.aggregation["trimmed"] and first.rank == 1
    assert second.score == Decimal("72.000")
    assert first.status == second.status == "proposed"  # at most 3 successful per need
    assert call.notice_ends_on > call.notice_starts_on
    timer = WorkflowTimer.objects.get(object_type="scenarios.opencall", object_id=str(call.pk), name="public_notice")
    assert timer.parameter == "scenarios.suzhou.public_notice_days"
    # objections during the notice are filed and answered; award waits for the end of the notice
    objection = services.file_objection(acting_user=world.user("public"), call_id=call.pk, text="质疑排名",
                                        application_id=first.pk)
    _refused("notice_running", "notice_ends_on", services.award_call, acting_user=official, call_id=call.pk)
    OpenCall.objects.filter(pk=call.pk).update(notice_ends_on=dt.date.today() - dt.timedelta(days=1))
    _refused("notice_ended", "notice_ends_on", services.file_objection, acting_user=world.user("public"),
             call_id=call.pk, text="太晚了")
    _refused("objections_open", "objections", services.award_call, acting_user=official, call_id=call.pk)
    with pytest.raises(PermissionDeniedError):
        services.answer_objection(acting_user=world.user("official", "shenzhen"), objection_id=objection.pk,
                                  answer="x")
    services.answer_objection(acting_user=official, objection_id=objection.pk, answer="评分依规，维持结果")
    start = _events()
    call = services.award_call(acting_user=official, call_id=call.pk)
    assert _events() == start + 1 and call.status == "awarded"
    pilot = Pilot.objects.get(application=first)
    # pilot: KPIs must be met before acceptance
    member = world.user("enterprise_member")
    services.add_milestone(acting_user=member, pilot_id=pilot.pk, title="产线部署", due_on="2026-12-31")
    _refused("kpi_not_met", "kpis", services.decide_acceptance, acting_user=member, pilot_id=pilot.pk, accept=True)
    kpis = list(need.kpis.all())
    services.record_measurement(acting_user=member, pilot_id=pilot.pk, kpi_id=kpis[0].pk, value="99.3")
    _refused("invalid_number", "value", services.record_measurement, acting_user=member, pilot_id=pilot.pk,
             kpi_id=kpis[1].pk, value="fast")
    services.record_measurement(acting_user=member, pilot_id=pilot.pk, kpi_id=kpis[1].pk, value="1.5")
    _refused("not_accepted", "pilot", services.publish_case, acting_user=official, pilot_id=pilot.pk,
             title="案例", summary="简介")
    services.decide_acceptance(acting_user=member, pilot_id=pilot.pk, accept=True)
    pilot = services.decide_acceptance(acting_user=official, pilot_id=pilot.pk, accept=True)
    assert pilot.status == "accepted"
    case = services.publish_case(acting_user=official, pilot_id=pilot.pk, title="工业视觉质检典型案例",
                                 summary="检出率99.3%")
    assert Case.objects.restrict(world.user("public")).filter(pk=case.pk).exists()
    # a Shenzhen organisation replicates it; the same owner in the same place may not
    _refused("same_owner", "organisation", services.replicate_case, acting_user=member, case_id=case.pk,
             organisation_id=world.orgs["suzhou:enterprise"].pk, jurisdiction="suzhou")
    copy = services.replicate_case(acting_user=world.user("enterprise_member", "shenzhen"), case_id=case.pk,
                                   organisation_id=world.orgs["shenzhen:enterprise"].pk, jurisdiction="shenzhen")
    assert copy.replicated_from == case and copy.status == "draft" and copy.kpis.count() == len(KPIS)
    assert services.replication_counts()[case.pk] == 1
    assert AuditEvent.objects.filter(action="scenarios.need.replicated", object_id=str(copy.pk)).count() == 1
    # the case list: Chinese search (质检 finds 质量检测 too) and facets by domain and place
    from aiplus.scenarios import selectors

    public = world.user("public")
    assert list(selectors.cases(public, search="质检")) == [case]
    assert list(selectors.cases(public, search="养老")) == []
    assert selectors.cases(public, domain="industry").get() == case
    assert not selectors.cases(public, domain="livelihood").exists()
    facets = selectors.case_facets(selectors.cases(public))
    assert facets["domain"] == [("industry", 1)] and facets["jurisdiction"][0][0] == case.jurisdiction.code


def test_aggregation_rule():
    values = [Decimal(v) for v in ("60", "70", "80", "90", "100")]
    assert pack_rules.aggregate(values, trim=True, min_reviewers=5)[0] == Decimal("80.000")
    assert pack_rules.aggregate(values[:4], trim=True, min_reviewers=5)[0] == Decimal("75.000")
    assert pack_rules.aggregate([Decimal(1), Decimal(2), Decimal(9), Decimal(9), Decimal(9)], trim=False,
                           min_reviewers=5)[0] == Decimal("6.000")


def test_scenario_list_numbering_is_per_jurisdiction(world):
    published_need(world)
    assert ScenarioList.objects.get().number == 1


def test_dashboard_lists_open_clocks_by_object_name_with_their_rule(world, client):
    from django.utils import translation

    member, official = world.user("enterprise_member"), world.user("official")
    need = services.create_need(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                jurisdiction="suzhou", **need_data())
    services.transition_need(acting_user=member, need_id=need.pk, transition="submit")
    client.force_login(official)
    with translation.override(translation.get_language()):
        zh = client.get("/dashboard/").content.decode()
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        en = client.get("/dashboard/").content.decode()
    row = zh.split('data-testid="timer"')[1].split("</tr>")[0]
    assert f'href="/scenarios/needs/{need.pk}/"' in row and need.title in row and "部门审核" in row
    # the review period is the operator's (local-setting): it reads as a platform setting, never as an article
    assert "10 个工作日" in row and 'data-basis="setting">平台设置' in row and "第11-30条" not in row
    assert "scenario_need" not in row
    row = en.split('data-testid="timer"')[1].split("</tr>")[0]
    text = re.sub(r"<[^>]+>", " ", row)  # the parameter key stays in a title attribute, not in the text
    assert "Department review" in text and "10 working days" in text and "scenarios.suzhou" not in text
    assert "Platform setting" in text and "art." not in text


@pytest.mark.django_db
def test_a_need_is_located_where_its_owner_may_act(world):
    """Regression (hardening issue): a Suzhou enterprise put a need into Shenzhen's review queue."""
    member = world.user("enterprise_member", "suzhou")
    org = world.orgs["suzhou:enterprise"]
    with pytest.raises(ServiceError) as refused:
        services.create_need(acting_user=member, organisation_id=org.pk, jurisdiction="shenzhen", **need_data())
    assert refused.value.field == "jurisdiction" and refused.value.status == 403
    assert not Need.objects.filter(jurisdiction__code="shenzhen").exists()
    below = services.create_need(acting_user=member, organisation_id=org.pk, jurisdiction="suzhou-sip", **need_data())
    assert below.jurisdiction.code == "suzhou-sip"
