"""The measures pages: a record submitted and verified through its pages, a financing request with its matches, the
indicators and cultivation pages, refusals beside their fields, exports and who sees which form."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.testing import assert_page_refused_naming, section, signed_in
from aiplus.measures.models import FinancingRequest, Indicators, Record
from aiplus.measures.testing import bank_with_member, publish_offers

pytestmark = pytest.mark.django_db


def _record_form(world: Any, **changes: Any) -> dict[str, Any]:
    return {"action": "submit", "organisation": world.orgs["suzhou:enterprise"].pk, "registry": "ip",
            "category": "invention_patent", "title": "一种大模型推理加速方法", "number": "ZL202410000001.X",
            "granted_on": "2026-01-05", "evidence": "专利证书.pdf", **changes}


def test_a_record_is_submitted_and_verified_through_the_pages(world: Any) -> None:
    member = signed_in(world.user("enterprise_member"))
    assert 'data-testid="record-form"' in member.get("/measures/records/").content.decode()
    answer = member.post("/measures/records/", _record_form(world))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    record = Record.objects.get()
    page = member.get(answer["Location"]).content.decode()
    assert 'data-status="submitted"' in page and 'data-testid="verify-form"' not in page
    official = signed_in(world.user("official"))
    assert 'data-testid="verify-form"' in official.get(f"/measures/records/{record.pk}/").content.decode()
    assert member.post(f"/measures/records/{record.pk}/", {"action": "verify", "approve": "yes"}).status_code == 403
    done = official.post(f"/measures/records/{record.pk}/", {"action": "verify", "approve": "yes"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.status == "verified" and record.verified_by == world.user("official")
    assert signed_in(world.user("official", "shenzhen")).get(f"/measures/records/{record.pk}/").status_code == 404
    export = official.get("/measures/records/?export=csv")
    assert export.status_code == 200 and "ZL202410000001.X" in export.content.decode("utf-8-sig")


@pytest.mark.parametrize(("changes", "field"), [
    ({"granted_on": "2999-01-01"}, "granted_on"), ({"category": "national"}, "category"),
    ({"registry": "standard", "category": "national", "role": ""}, "role"), ({"number": ""}, "number"),
])
def test_a_bad_record_is_refused_beside_its_field(world: Any, changes: dict[str, Any], field: str) -> None:
    answer = signed_in(world.user("enterprise_member")).post("/measures/records/", _record_form(world, **changes))
    assert_page_refused_naming(answer, field)
    assert Record.objects.count() == 0


def test_a_financing_request_shows_its_matches_with_reasons(world: Any, make_org: Any) -> None:
    bank, banker = bank_with_member(make_org)
    fund, _loan = publish_offers(banker, bank)
    assert 'data-testid="offer-form"' in signed_in(banker).get("/measures/offers/").content.decode()
    member = signed_in(world.user("enterprise_member"))
    assert 'data-testid="offer-form"' not in member.get("/measures/offers/").content.decode()
    answer = member.post("/measures/requests/", {
        "action": "request", "organisation": world.orgs["suzhou:enterprise"].pk, "title": "大模型应用研发融资",
        "purpose": "大模型应用研发", "sector": "industry", "stage": "early", "amount_cny": "5000000"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    page = member.get(answer["Location"]).content.decode()
    matches = section(page, "matches")
    assert f'data-offer="{fund.pk}"' in matches and "领域匹配" in matches
    refused = member.post("/measures/requests/", {
        "action": "request", "organisation": world.orgs["suzhou:enterprise"].pk, "title": "x", "purpose": "x",
        "sector": "industry", "stage": "early", "amount_cny": "-1"})
    assert_page_refused_naming(refused, "amount_cny")
    assert FinancingRequest.objects.count() == 1


def test_indicators_and_cultivation_pages(world: Any, make_org: Any) -> None:
    park = make_org("suzhou", "park")
    official = signed_in(world.user("official"))
    form = {"action": "record", "organisation": park.pk, "year": timezone.localdate().year - 1, "source": "年报",
            "area_m2": "1000", "occupied_m2": "2000"}
    assert_page_refused_naming(official.post("/measures/indicators/", form), "occupied_m2")
    assert official.post("/measures/indicators/", {**form, "occupied_m2": "800"}).status_code == 302
    assert Indicators.objects.get().occupied_m2 == 800
    assert "80%" in official.get("/measures/indicators/").content.decode()
    member = signed_in(world.user("enterprise_member"))
    assert 'data-testid="indicators-form"' not in member.get("/measures/indicators/").content.decode()
    page = signed_in(world.user("official", "shenzhen")).get("/measures/cultivation/").content.decode()
    assert "独角兽企业" in page and 'data-testid="tiered-firms"' in page
    assert signed_in(world.user("official")).get("/measures/cultivation/?tier=nope").status_code == 400


def test_the_pages_read_in_english(world: Any, english: Any) -> None:
    english.force_login(world.user("enterprise_member"))
    page = english.get("/measures/records/").content.decode()
    assert "Talent, IP and standards register" in page
