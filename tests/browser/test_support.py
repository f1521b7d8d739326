"""Support programmes through the pages: an official opens the year's budget; a company finds a programme it
qualifies for, applies, is told once what is missing, completes it, is approved by an official outside the company
and receives its first tranche; the official sees the budget move and the shared ledger balances."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _row(page, code):
    return page.locator(f"[data-testid=finder-results] tr[data-code='{code}']")


def test_a_company_applies_is_approved_and_receives_its_first_tranche(live_server, page, world, artifacts):
    from aiplus.compute import ledger
    from aiplus.support.models import Application, Budget

    company = world.orgs["suzhou:enterprise"]
    base = live_server.url

    # the official opens this year's budget of the dataset-purchase subsidy (the pack's budget parameter)
    sign_in(page, base, "suzhou-official")
    page.goto(base + "/support/budgets/")
    page.select_option("#id_programme_code", "suzhou.dataset_purchase")
    page.fill("#id_year", str(timezone.localdate().year))
    page.get_by_test_id("budget-open").click()
    page.wait_for_selector("#list-rows tr[data-pk]")
    assert "2,000.00" in page.locator("#list-rows").inner_text()
    budget = Budget.objects.get()

    # the company asks what it can get
    sign_in(page, base, "suzhou-enterprise_member")
    page.goto(base + "/support/finder/")
    page.select_option("#id_organisation", str(company.pk))
    page.get_by_test_id("finder-go").click()
    page.wait_for_selector("[data-testid=finder-results]")
    assert _row(page, "suzhou.dataset_purchase").get_attribute("data-outcome") == "incomplete"
    assert _row(page, "shenzhen.demonstration_project").get_attribute("data-outcome") == "ineligible"
    page.fill("#id_declared_cny", "1000000")
    page.select_option("#id_counterparty_affiliated", "no")
    page.get_by_test_id("finder-go").click()
    page.wait_for_selector("[data-testid=finder-results]")
    row = _row(page, "suzhou.dataset_purchase")
    assert row.get_attribute("data-outcome") == "eligible"
    assert "200,000.00" in row.get_by_test_id("estimate").inner_text()

    # it applies with the contract only
    row.get_by_test_id("programme-link").click()
    page.wait_for_url("**/support/programmes/suzhou.dataset_purchase/")
    page.select_option("#id_organisation", str(company.pk))
    page.fill("#id_title", "城市交通数据集采购")
    page.fill("#id_declared_cny", "1000000")
    page.select_option("#id_counterparty_affiliated", "no")
    page.fill("#id_cost_ref", "HT-2026-001")
    page.get_by_test_id("apply-save").click()
    page.wait_for_url("**/support/applications/*/")
    application_url = page.url
    page.select_option("#id_code", "contract")
    page.set_input_files("#id_file", files=[{"name": "数据集采购合同HT-2026-001.pdf", "mimeType": "application/pdf",
                                             "buffer": _pdf()}])
    page.get_by_test_id("document-save").click()
    page.wait_for_url(application_url)
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "submitted"

    # the official's formal check names everything missing, once
    sign_in(page, base, "suzhou-official")
    page.goto(application_url)
    page.get_by_test_id("examine-go").click()
    page.wait_for_url(application_url)
    notice = page.get_by_test_id("missing-notice").inner_text()
    assert "发票" in notice and "非关联关系承诺书" in notice and "采购合同" not in notice
    assert page.get_by_test_id("status").get_attribute("data-status") == "incomplete"

    # the company completes it and submits again
    sign_in(page, base, "suzhou-enterprise_member")
    page.goto(application_url)
    for code, name in (("invoice", "发票32050001.pdf"), ("non_affiliation", "非关联承诺书.pdf")):
        page.select_option("#id_code", code)
        page.set_input_files("#id_file", files=[{"name": name, "mimeType": "application/pdf", "buffer": _pdf()}])
        page.get_by_test_id("document-save").click()
        page.wait_for_url(application_url)
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("decide-form").count() == 0  # nobody decides their own request

    # the official accepts, approves and pays the first tranche
    sign_in(page, base, "suzhou-official")
    page.goto(application_url)
    page.get_by_test_id("examine-go").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "accepted"
    page.select_option("#id_approve", "yes")
    page.get_by_test_id("decide-save").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "approved"
    assert "200,000.00" in page.get_by_test_id("amount").inner_text()
    page.get_by_test_id("pay-go").click()
    page.wait_for_url(application_url)
    first = page.locator("[data-testid=tranches] tr[data-number='1']")
    assert first.get_attribute("data-state") == "paid"
    assert page.locator("[data-testid=tranches] tr[data-number='2']").get_attribute("data-state") == "planned"
    page.screenshot(path=str(artifacts / "support-first-tranche.png"), full_page=True)

    # the budget moved: 200,000 committed, 100,000 paid, 19.8 m left; the ledger balances
    page.goto(base + "/support/budgets/")
    rows = page.locator("#list-rows").inner_text()
    assert "100,000.00" in rows and "1,980.00" in rows
    application = Application.objects.get()
    assert application.amount_cny == Decimal("200000.00")
    assert ledger.balance(f"budget:support:{budget.pk}") == Decimal("19800000.00")
    assert ledger.balance(f"payable:support:{budget.pk}:{company.pk}") == Decimal("100000.00")
    assert ledger.unbalanced_transactions() == []
