"""The measures through the API (and the services it calls): register records verified by an official and read by
the programme engine as facts, financing requests matched to offers with reasons, indicators and cultivation tiers,
permissions for every role, hostile inputs and one audit row per write."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_hostile_numbers_refused, assert_refused_naming, json_with, operation, signed_in
from aiplus.measures.models import FinancingRequest, Indicators, Record
from aiplus.measures.testing import bank_with_member, publish_offers

pytestmark = pytest.mark.django_db


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _record(world: Any, place: str = "suzhou", **extra: Any) -> Any:
    payload = {"organisation_id": world.orgs[f"{place}:enterprise"].pk, "registry": "ip",
               "category": "invention_patent", "title": "一种大模型推理加速方法", "number": "ZL202410000001.X",
               "granted_on": "2026-01-05", "evidence": "专利证书ZL202410000001.X.pdf", **extra}
    return _post(signed_in(world.user("enterprise_member", place)), "aiplus_measures_api_submit_record", payload)


def _finder(world: Any, **answers: Any) -> dict[str, str]:
    answer = _post(signed_in(world.user("enterprise_member")), "aiplus_support_api_find_programmes",
                   {"organisation_id": world.orgs["suzhou:enterprise"].pk, **answers})
    assert answer.status_code == 200, answer.content
    return {r["programme"]: r["outcome"] for r in answer.json()}


def _verify(world: Any, record_id: int, approve: bool = True, who: str = "official", note: str = "") -> Any:
    return _post(signed_in(world.user(who)), "aiplus_measures_api_verify_record", {"approve": approve, "note": note},
                 record_id=record_id)


def test_a_verified_patent_and_standard_make_the_ip_and_standards_programmes_eligible(world: Any) -> None:
    assert _finder(world)["suzhou.ip_award"] == "ineligible"
    patent = _record(world)
    assert patent.status_code == 201, patent.content
    standard = _record(world, registry="standard", category="national", role="led", title="人工智能 大模型 评测规范",
                       number="GB/T 00000-2026", evidence="标准发布公告")
    assert standard.status_code == 201, standard.content
    assert _finder(world)["suzhou.ip_award"] == "ineligible"  # submitted is not verified
    events = AuditEvent.objects.count()
    for answer in (patent, standard):
        verified = _verify(world, answer.json()["id"])
        assert verified.status_code == 200, verified.content
        assert verified.json()["status"] == "verified"
    assert AuditEvent.objects.count() == events + 2
    outcomes = _finder(world)
    assert outcomes["suzhou.ip_award"] == "eligible"
    assert outcomes["suzhou.standards_award"] == "eligible"  # the level led comes from the register


def test_a_verified_talent_award_makes_the_talent_award_eligible(world: Any) -> None:
    assert _finder(world)["suzhou.talent_award"] == "ineligible"
    talent = _record(world, registry="talent", category="talent_provincial", title="张三入选省级人才计划",
                     number="苏人才〔2026〕1号", evidence="入选文件")
    assert _verify(world, talent.json()["id"]).status_code == 200
    assert _finder(world)["suzhou.talent_award"] == "eligible"


def test_nobody_verifies_their_own_record_and_every_role_is_tried(world: Any, make_org: Any) -> None:
    record_id = _record(world).json()["id"]
    assert _verify(world, record_id, who="enterprise_member").status_code == 403  # its own organisation's
    assert _verify(world, record_id, who="auditor").status_code == 403  # sees, does not decide
    for role in ("provider", "expert", "public"):
        assert _verify(world, record_id, who=role).status_code == 404, role
    shenzhen = signed_in(world.user("official", "shenzhen"))
    assert _post(shenzhen, "aiplus_measures_api_verify_record", {"approve": True}, record_id=record_id
                 ).status_code == 404
    # an official who is also a member of the organisation does not verify it either
    from aiplus.core import services as core

    core.assign_role(acting_user=make_org.admin, user=world.user("official"), role="enterprise_member",
                     organisation_id=world.orgs["suzhou:enterprise"].pk)
    assert _verify(world, record_id).status_code == 403
    assert Record.objects.get().status == "submitted"
    # a rejection says why
    core.assign_role(acting_user=make_org.admin, user=world.user("official", "shenzhen"), role="official",
                     jurisdiction="suzhou")
    refused = _post(shenzhen, "aiplus_measures_api_verify_record", {"approve": False}, record_id=record_id)
    assert_refused_naming(refused, "note")
    rejected = _post(shenzhen, "aiplus_measures_api_verify_record", {"approve": False, "note": "证书号不符"},
                     record_id=record_id)
    assert rejected.json()["status"] == "rejected"
    assert _verify(world, record_id, who="official").status_code in (403, 409)


def test_a_member_of_another_organisation_cannot_register_for_it(world: Any) -> None:
    other = _post(signed_in(world.user("enterprise_member", "shenzhen")), "aiplus_measures_api_submit_record", {
        "organisation_id": world.orgs["suzhou:enterprise"].pk, "registry": "ip", "category": "invention_patent",
        "title": "x", "number": "ZL1", "granted_on": "2026-01-05", "evidence": "x"})
    assert other.status_code == 403
    assert Record.objects.count() == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"registry": "weapons"}, "registry"),
    ({"category": "national"}, "category"),
    ({"registry": "standard", "category": "national"}, "role"),
    ({"granted_on": "2999-01-01"}, "granted_on"),
    ({"title": "x" * 201}, "title"),
    ({"evidence": ""}, "evidence"),
    ({"organisation_id": 10**12}, "organisation_id"),
])
def test_a_bad_record_is_a_4xx_naming_the_field_and_writes_nothing(world: Any, changes: dict[str, Any],
                                                                   field: str) -> None:
    events = AuditEvent.objects.count()
    answer = _record(world, **changes)
    assert 400 <= answer.status_code < 500 and (answer.json().get("field") or "").endswith(field), answer.content
    assert Record.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_financing_request_is_matched_with_reasons_and_a_loan_makes_the_interest_subsidy_eligible(
        world: Any, make_org: Any) -> None:
    bank, banker = bank_with_member(make_org)
    fund, loan = publish_offers(banker, bank)
    member = signed_in(world.user("enterprise_member"))
    answer = _post(member, "aiplus_measures_api_create_request", {
        "organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "大模型应用研发融资",
        "purpose": "大模型应用研发和人工智能产品推广", "sector": "industry.manufacturing", "stage": "early",
        "amount_cny": "5000000"})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert [m["offer_id"] for m in body["matched"]] == [fund.pk]
    reasons = " ".join(body["matched"][0]["reasons"])
    assert "苏州" in reasons and "5,000,000" in reasons
    # the loan takes growth-stage firms only: never matched to this request
    assert loan.pk not in [m["offer_id"] for m in body["matched"]]
    # another firm's member does not see the request
    assert signed_in(world.user("enterprise_member", "shenzhen")).get(
        operation("aiplus_measures_api_get_request", request_id=body["id"])).status_code == 404
    # a growth-stage request for a loan gets the loan; recording it makes the interest subsidy eligible
    growth = _post(member, "aiplus_measures_api_create_request", {
        "organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "流动资金贷款", "purpose": "大模型企业流动资金",
        "sector": "industry", "stage": "growth", "kinds": ["bank_loan"], "amount_cny": "3000000"}).json()
    assert [m["offer_id"] for m in growth["matched"]] == [loan.pk]
    assert _finder(world, declared_cny="100000")["suzhou.loan_interest"] == "ineligible"
    assert _post(signed_in(world.user("official")), "aiplus_measures_api_record_financing", {"offer_id": loan.pk},
                 request_id=growth["id"]).status_code == 403
    financed = _post(member, "aiplus_measures_api_record_financing", {"offer_id": loan.pk}, request_id=growth["id"])
    assert financed.json()["status"] == "financed"
    assert _finder(world, declared_cny="100000")["suzhou.loan_interest"] == "eligible"
    again = _post(member, "aiplus_measures_api_record_financing", {"offer_id": loan.pk}, request_id=growth["id"])
    assert again.status_code == 409


def test_only_a_financial_institution_publishes_offers_and_bad_offers_name_the_field(world: Any,
                                                                                     make_org: Any) -> None:
    bank, banker = bank_with_member(make_org)
    payload = {"organisation_id": bank.pk, "title": "科技贷", "kind": "bank_loan", "terms": "流动资金贷款",
               "sectors": ["industry"], "stages": ["growth"], "amount_min_cny": "100000", "amount_max_cny": "1000000"}
    refused = _post(signed_in(world.user("enterprise_member")), "aiplus_measures_api_publish_offer",
                    {**payload, "organisation_id": world.orgs["suzhou:enterprise"].pk})
    assert refused.status_code == 400 and refused.json()["field"] == "organisation_id"
    client = signed_in(banker)
    assert_refused_naming(_post(client, "aiplus_measures_api_publish_offer", {**payload, "amount_max_cny": "10"}),
                          "amount_max_cny")
    assert_refused_naming(_post(client, "aiplus_measures_api_publish_offer", {**payload, "sectors": ["nope"]}),
                          "sectors")
    assert_refused_naming(_post(client, "aiplus_measures_api_publish_offer", {**payload, "kind": "loan_shark"}),
                          "kind")
    assert _post(client, "aiplus_measures_api_publish_offer", payload).status_code == 201


def test_hostile_amounts_are_refused_naming_the_field(world: Any) -> None:
    member = signed_in(world.user("enterprise_member"))
    payload = {"organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "融资", "purpose": "研发",
               "sector": "industry", "stage": "early", "amount_cny": 1}
    url = operation("aiplus_measures_api_create_request")
    assert_hostile_numbers_refused(
        lambda text: member.post(url, json_with(payload, ("amount_cny",), text), content_type="application/json"),
        FinancingRequest, "amount_cny", FinancingRequest)


def test_an_official_records_a_parks_indicators_and_a_shenzhen_firm_is_tiered_with_reasons(
        world: Any, make_org: Any) -> None:
    park = make_org("suzhou", "park")
    official = signed_in(world.user("official"))
    year = timezone.localdate().year - 1
    payload = {"organisation_id": park.pk, "year": year, "source": "园区管委会年报", "area_m2": 100000,
               "occupied_m2": 85000, "firms": 120, "output_cny": "3000000000"}
    assert _post(signed_in(world.user("enterprise_member")), "aiplus_measures_api_record_indicators",
                 payload).status_code == 403
    assert _post(signed_in(world.user("official", "shenzhen")), "aiplus_measures_api_record_indicators",
                 payload).status_code == 403
    assert_refused_naming(_post(official, "aiplus_measures_api_record_indicators",
                                {**payload, "occupied_m2": 200000}), "occupied_m2")
    assert_refused_naming(_post(official, "aiplus_measures_api_record_indicators", {**payload, "year": 2099}),
                          "year")
    assert _post(official, "aiplus_measures_api_record_indicators", payload).status_code == 201
    assert _post(official, "aiplus_measures_api_record_indicators", {**payload, "firms": 130}).status_code == 201
    assert Indicators.objects.get().firms == 130  # corrected, not repeated

    firm = world.orgs["shenzhen:enterprise"]
    sz_official = signed_in(world.user("official", "shenzhen"))
    assert _post(sz_official, "aiplus_measures_api_record_indicators", {
        "organisation_id": firm.pk, "year": year, "source": "企业年报", "output_cny": "20000000",
        "revenue_growth_pct": "35", "valuation_cny": "1000000000"}).status_code == 201
    tiers = sz_official.get(operation("aiplus_measures_api_list_cultivation")).json()
    row = next(r for r in tiers if r["organisation_id"] == firm.pk)
    assert row["top"] == "guangdong.high_growth"
    outcomes = {t["code"]: t for t in row["tiers"]}
    assert outcomes["guangdong.unicorn"]["outcome"] == "not_listed"
    assert outcomes["guangdong.specialised"]["outcome"] == "not_listed"  # no verified patent
    reasons = outcomes["guangdong.high_growth"]["decision"]["reasons"]
    assert all(r["citation_label"].startswith("平台设置") for r in reasons), reasons
    only = sz_official.get(operation("aiplus_measures_api_list_cultivation") + "?tier=guangdong.unicorn").json()
    assert only == []
    assert_refused_naming(sz_official.get(operation("aiplus_measures_api_list_cultivation") + "?tier=nope"), "tier")
    # a Suzhou firm has no tier of Guangdong's lists
    suzhou = signed_in(world.user("enterprise_member")).get(operation("aiplus_measures_api_list_cultivation")).json()
    assert suzhou[0]["tiers"] == [] and suzhou[0]["top"] is None


def test_the_lists_follow_who_may_see_what(world: Any) -> None:
    _record(world)
    _record(world, "shenzhen", number="ZL2")
    for role, place, count in (("enterprise_member", "suzhou", 1), ("official", "suzhou", 1),
                               ("auditor", "shenzhen", 1), ("public", "suzhou", 0), ("provider", "suzhou", 0)):
        rows = signed_in(world.user(role, place)).get(operation("aiplus_measures_api_list_records")).json()
        assert rows["count"] == count, (role, place, rows)


def test_a_record_waits_in_the_queue_of_the_verifying_department_until_it_is_verified(world: Any) -> None:
    from aiplus.departments.models import WorkItem
    from aiplus.departments.tests.conftest import load_duties

    load_duties()
    made = _record(world)
    assert made.status_code == 201, made.content
    item = WorkItem.objects.select_related("department").get(object_id=made.json()["id"],
                                                              duty__code="measures.verification")
    assert item.department.code == "sz_scjgj" and item.status == "open"
    assert item.link == f"/measures/records/{made.json()['id']}/"
    assert _verify(world, made.json()["id"]).status_code == 200
    item.refresh_from_db()
    assert item.status == "done" and item.closed_at is not None
