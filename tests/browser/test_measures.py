"""The measures through the pages: a company registers a patent and a standard it led, an official outside the company
verifies them, and the company's finder now shows the IP and standards awards as eligible; a financing request is
matched to a fund with the reasons."""

import pytest

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register(page, base, company, **fields):
    page.goto(base + "/measures/records/")
    form = page.get_by_test_id("record-form")
    form.locator("[name=organisation]").select_option(str(company.pk))
    for name in ("registry", "category", "role"):
        if name in fields:
            form.locator(f"[name={name}]").select_option(fields.pop(name))
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    page.get_by_test_id("record-save").click()
    page.wait_for_url("**/measures/records/*/")
    assert page.get_by_test_id("status").get_attribute("data-status") == "submitted"
    return page.url


def _outcome(page, code):
    return page.locator(f"[data-testid=finder-results] tr[data-code='{code}']").get_attribute("data-outcome")


def test_registered_results_make_a_company_eligible_and_a_request_is_matched(live_server, page, world, make_org,
                                                                             artifacts):
    from aiplus.measures.testing import bank_with_member, publish_offers

    company = world.orgs["suzhou:enterprise"]
    base = live_server.url

    # the company registers an invention patent and a national standard it led
    sign_in(page, base, "suzhou-enterprise_member")
    patent = _register(page, base, company, registry="ip", category="invention_patent", title="一种大模型推理加速方法",
                       number="ZL202410000001.X", granted_on="2026-01-05", evidence="专利证书ZL202410000001.X.pdf")
    assert page.get_by_test_id("verify-form").count() == 0  # nobody verifies their own record
    standard = _register(page, base, company, registry="standard", category="national", role="led",
                         title="人工智能 大模型服务能力评估规范", number="GB/T 99999-2026", granted_on="2026-02-01",
                         evidence="国家标准发布公告")
    page.goto(base + "/support/finder/")
    page.select_option("#id_organisation", str(company.pk))
    page.get_by_test_id("finder-go").click()
    page.wait_for_selector("[data-testid=finder-results]")
    assert _outcome(page, "suzhou.ip_award") == "ineligible"  # registered, not yet verified

    # an official of Suzhou verifies both against their evidence
    sign_in(page, base, "suzhou-official")
    for url in (patent, standard):
        page.goto(url)
        page.select_option("#id_approve", "yes")
        page.get_by_test_id("verify-save").click()
        page.wait_for_url(url)
        assert page.get_by_test_id("status").get_attribute("data-status") == "verified"

    # the company's finder now shows the IP award and the standards award as eligible
    sign_in(page, base, "suzhou-enterprise_member")
    page.goto(base + "/support/finder/")
    page.select_option("#id_organisation", str(company.pk))
    page.get_by_test_id("finder-go").click()
    page.wait_for_selector("[data-testid=finder-results]")
    assert _outcome(page, "suzhou.ip_award") == "eligible"
    assert _outcome(page, "suzhou.standards_award") == "eligible"
    page.screenshot(path=str(artifacts / "measures-finder.png"), full_page=True)

    # a bank publishes its offers; the company's financing request is matched to the early-stage fund, with reasons
    bank, banker = bank_with_member(make_org)
    fund, loan = publish_offers(banker, bank)
    page.goto(base + "/measures/requests/")
    form = page.get_by_test_id("request-form")
    form.locator("[name=organisation]").select_option(str(company.pk))
    form.locator("[name=title]").fill("大模型应用研发融资")
    form.locator("[name=purpose]").fill("大模型应用研发和产品推广")
    form.locator("[name=sector]").select_option("industry.manufacturing")
    form.locator("[name=stage]").select_option("early")
    form.locator("[name=amount_cny]").fill("5000000")
    page.get_by_test_id("request-save").click()
    page.wait_for_url("**/measures/requests/*/")
    fund_row = page.locator(f"[data-testid=matches] tr[data-offer='{fund.pk}']")
    reasons = fund_row.inner_text()
    assert "人工智能早期股权投资基金" in reasons and "苏州" in reasons and "5,000,000" in reasons
    assert page.locator(f"[data-testid=matches] tr[data-offer='{loan.pk}']").count() == 0
    page.screenshot(path=str(artifacts / "measures-financing-matches.png"), full_page=True)
