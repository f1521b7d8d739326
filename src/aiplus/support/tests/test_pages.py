"""The support pages: the public catalogue with every number's source, the finder's answers and refusals, the apply
form refused beside its field, who may open what, and the English pages (no Chinese left in the engine's reasons)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone, translation

from aiplus.core.testing import CJK, assert_page_refused_naming, section, signed_in, written
from aiplus.support import services
from aiplus.support.models import Application

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_public_and_cites_its_numbers(client: Any, world: Any) -> None:
    html = client.get("/support/programmes/").content.decode()
    assert 'data-code="suzhou.dataset_purchase"' in html
    page = client.get("/support/programmes/suzhou.major_rd/")
    assert page.status_code == 200
    table = section(page.content.decode(), "programme-parameters")
    assert "subsidies.suzhou.major_rd.cap_cny" in table and "平台设置" in table  # tier amounts: local settings
    assert client.get("/support/programmes/no.such/").status_code == 404


def test_the_finder_evaluates_and_refuses_bad_answers(world: Any) -> None:
    client = signed_in(world.user("enterprise_member"))
    company = world.orgs["suzhou:enterprise"]
    html = client.get("/support/finder/", {"organisation": company.pk, "declared_cny": "30000000"}).content.decode()
    results = section(html, "finder-results")
    assert 'data-code="suzhou.major_rd" data-outcome="eligible"' in results
    assert "600.00 万元" in results  # 20 % of 30 m in the second tier
    assert_page_refused_naming(client.get("/support/finder/", {"organisation": company.pk,
                                                               "declared_cny": "-5"}), "declared_cny")
    refused = client.get("/support/finder/", {"organisation": world.orgs["shenzhen:enterprise"].pk})
    assert_page_refused_naming(refused, "organisation")


def test_the_apply_form_is_refused_beside_its_field(world: Any) -> None:
    client = signed_in(world.user("enterprise_member"))
    before = written(Application)
    answer = client.post("/support/programmes/suzhou.dataset_purchase/", {
        "action": "apply", "organisation": world.orgs["suzhou:enterprise"].pk, "title": "采购",
        "declared_cny": "1e30"})
    assert_page_refused_naming(answer, "declared_cny")
    assert written(Application) == before


def test_who_may_open_what(world: Any, client: Any) -> None:
    member = world.user("enterprise_member")
    application = services.create_application(
        acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
        programme_code="suzhou.dataset_purchase", title="采购", declared_cny="1000", counterparty_affiliated=False)
    url = f"/support/applications/{application.pk}/"
    assert signed_in(member).get(url).status_code == 200
    assert signed_in(world.user("official")).get(url).status_code == 200
    assert signed_in(world.user("enterprise_member", "shenzhen")).get(url).status_code == 404
    assert signed_in(world.user("official", "shenzhen")).get(url).status_code == 404
    assert signed_in(member).get("/support/budgets/").status_code == 403
    assert signed_in(world.user("official")).get("/support/budgets/").status_code == 200
    # a button the page does not offer the member (the formal check) is refused
    assert signed_in(member).post(url, {"action": "examine"}).status_code in (400, 403)
    assert client.get("/support/finder/").status_code == 302  # sign in first


def test_the_application_page_reads_in_english(world: Any, client: Any) -> None:
    member = world.user("enterprise_member")
    services.open_budget(acting_user=world.user("official"), programme_code="suzhou.dataset_purchase",
                         year=timezone.localdate().year)
    application = services.create_application(
        acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
        programme_code="suzhou.dataset_purchase", title="Dataset purchase", declared_cny="1000000",
        counterparty_affiliated=False)
    client.force_login(member)
    with translation.override(translation.get_language()):
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = client.get(f"/support/applications/{application.pk}/").content.decode()
        catalogue = client.get("/support/programmes/").content.decode()
    reasons = section(html, "reasons")
    assert "By rate" in reasons and "按比例计算" not in reasons and "满足条件" not in reasons
    assert not CJK.search(reasons.split("<a")[0]), reasons  # the reasons' own text (sources may name a title)
    assert "Draft" in html or "draft" in html
    assert "Subsidy for buying datasets from non-affiliated parties" in catalogue


def test_the_compute_voucher_is_a_programme_of_the_engine_claimed_on_the_voucher_pages(world: Any) -> None:
    client = signed_in(world.user("enterprise_member"))
    html = client.get("/support/programmes/vouchers.suzhou_compute/").content.decode()
    assert 'data-testid="voucher-channel"' in html and 'href="/compute/vouchers/"' in html
    assert 'data-testid="apply-form"' not in html
    assert "vouchers.suzhou_compute.annual_cap_cny" in section(html, "programme-parameters")
    refused = client.post("/api/v1/support/applications", {
        "organisation_id": world.orgs["suzhou:enterprise"].pk, "programme_code": "vouchers.suzhou_compute",
        "title": "券"}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["field"] == "programme_code"
    finder = client.get("/support/finder/", {"organisation": world.orgs["suzhou:enterprise"].pk}).content.decode()
    assert "vouchers.suzhou_compute" not in section(finder, "finder-results")
