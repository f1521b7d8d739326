"""A reviewed programme through the pages only: a company finds the major R&D programme it qualifies for, applies,
uploads a proposal that is not really a PDF (flagged on the page, then named in the formal check's one notice with
the budget plan it left out), uploads the real files; the official accepts it and draws the expert panel; each
drawn expert scores on their page, seeing the application and its documents; the official approves (five days of
public notice, passed by moving the test's clock), makes the award final and pays the first tranche; the ledger
balances and the official sees the budget move. The three experts are registered in the pool beforehand (set-up)."""

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
_n = itertools.count(1)


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def _upload(page, url, code, name, mime, data):
    page.select_option("#id_code", code)
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.get_by_test_id("document-save").click()
    page.wait_for_url(url)


def test_a_company_is_reviewed_by_experts_on_their_pages_approved_and_paid(live_server, page, world, artifacts,
                                                                          monkeypatch):
    from aiplus.compute import ledger
    from aiplus.core import services as core_services
    from aiplus.experts import services as expert_services
    from aiplus.support.models import Application, Budget

    company = world.orgs["suzhou:enterprise"]
    base = live_server.url
    for _ in range(3):  # the expert pool (set-up): three experts of no organisation
        user = core_services.create_user(acting_user=world.admin, username=f"rd-expert-{next(_n)}",
                                         password="x-password-123")
        expert_services.register_expert(acting_user=world.admin, user=user, fields=["industry.manufacturing"],
                                        jurisdiction="suzhou", organisation_id=None)

    # the official opens this year's budget of the major R&D programme (the pack's budget parameter)
    sign_in(page, base, "suzhou-official")
    page.goto(base + "/support/budgets/")
    page.select_option("#id_programme_code", "suzhou.major_rd")
    page.fill("#id_year", str(timezone.localdate().year))
    page.get_by_test_id("budget-open").click()
    page.wait_for_selector("#list-rows tr[data-pk]")
    budget = Budget.objects.get()

    # the company finds the programme it qualifies for and applies
    sign_in(page, base, "suzhou-enterprise_member")
    page.goto(base + "/support/finder/")
    page.select_option("#id_organisation", str(company.pk))
    page.fill("#id_declared_cny", "30000000")
    page.get_by_test_id("finder-go").click()
    page.wait_for_selector("[data-testid=finder-results]")
    row = page.locator("[data-testid=finder-results] tr[data-code='suzhou.major_rd']")
    assert row.get_attribute("data-outcome") == "eligible"
    row.get_by_test_id("programme-link").click()
    page.wait_for_url("**/support/programmes/suzhou.major_rd/")
    page.select_option("#id_organisation", str(company.pk))
    page.fill("#id_title", "工业大模型研发")
    page.fill("#id_declared_cny", "30000000")
    page.get_by_test_id("apply-save").click()
    page.wait_for_url("**/support/applications/*/")
    url = page.url

    # a "PDF" that is not one: flagged beside the document at once; the budget plan is left out
    _upload(page, url, "proposal", "申报书.pdf", "application/pdf", b"just text pretending to be a PDF")
    assert page.locator("[data-testid=documents] tr[data-code='proposal']").get_attribute("data-given") == "no"
    assert "PDF" in page.get_by_test_id("document-problem").inner_text()
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(url)

    # the formal check names both, once, with the reason
    sign_in(page, base, "suzhou-official")
    page.goto(url)
    page.get_by_test_id("examine-go").click()
    page.wait_for_url(url)
    notice = page.get_by_test_id("missing-notice").inner_text()
    assert "项目申报书（" in notice and "研发预算表" in notice
    assert page.get_by_test_id("status").get_attribute("data-status") == "incomplete"

    # the company uploads the real files and submits again
    sign_in(page, base, "suzhou-enterprise_member")
    page.goto(url)
    _upload(page, url, "proposal", "申报书.pdf", "application/pdf", _pdf())
    _upload(page, url, "budget_plan", "预算表.png", "image/png", _png())
    assert page.get_by_test_id("document-problem").count() == 0
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(url)

    # the official accepts it and draws the panel; the decision is not offered before the scores
    sign_in(page, base, "suzhou-official")
    page.goto(url)
    page.get_by_test_id("examine-go").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "accepted"
    assert page.get_by_test_id("decide-form").count() == 0
    page.get_by_test_id("draw-panel-go").click()
    page.wait_for_url(url)
    application = Application.objects.select_related("panel").get()
    drawn = application.panel.selected
    assert len(drawn) == 3

    # each drawn expert finds it in their reviews, reads the documents and scores on the page
    from aiplus.experts.models import ExpertProfile

    for marks, expert in zip(((80, 70, 60), (90, 60, 70), (70, 80, 90)),
                             ExpertProfile.objects.filter(pk__in=drawn).select_related("user"), strict=True):
        sign_in(page, base, expert.user.username)
        page.goto(base + "/support/reviews/")
        page.locator(f"#list-rows a[href='/support/applications/{application.pk}/']").click()
        page.wait_for_url(url)
        assert page.locator("[data-testid=documents] [data-testid=document-file]").count() == 2
        for field, mark in zip(("innovation", "feasibility", "impact"), marks, strict=True):
            page.fill(f"#id_score_{field}", str(mark))
        page.fill("#id_comment", "同意支持")
        page.get_by_test_id("score-save").click()
        page.wait_for_url(url)
        assert page.get_by_test_id("score-form").count() == 0

    # the official sees the mean, approves into public notice, and makes it final after the period
    sign_in(page, base, "suzhou-official")
    page.goto(url)
    assert page.get_by_test_id("review-mean").inner_text() == "75.00"
    page.select_option("#id_approve", "yes")
    page.get_by_test_id("decide-save").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "notice"
    page.goto(base + "/support/notices/")
    assert "工业大模型研发" in page.locator("#list-rows").inner_text()
    application.refresh_from_db()
    later = application.notice_until + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a: later)  # the notice period passes, no objection
    page.goto(url)
    page.get_by_test_id("finalise-go").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "approved"
    page.get_by_test_id("pay-go").click()
    page.wait_for_url(url)
    assert page.locator("[data-testid=tranches] tr[data-number='1']").get_attribute("data-state") == "paid"
    assert page.get_by_test_id("milestone-form").count() == 1  # the second waits for its milestone
    page.screenshot(path=str(artifacts / "support-review-first-tranche.png"), full_page=True)

    # the budget moved and the ledger balances
    application.refresh_from_db()
    first = application.tranches.get(number=1).amount_cny
    page.goto(base + "/support/budgets/")
    rows = page.locator("#list-rows").inner_text()
    assert f"{first / 10000:,.2f} 万元" in rows and f"{application.amount_cny / 10000:,.2f} 万元" in rows
    assert ledger.balance(f"budget:support:{budget.pk}") == budget.amount_cny - application.amount_cny
    assert ledger.balance(f"payable:support:{budget.pk}:{company.pk}") == first > Decimal(0)
    assert ledger.unbalanced_transactions() == []
