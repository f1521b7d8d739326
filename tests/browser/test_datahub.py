"""An enterprise user runs the guided cross-border assessment end to end: the engine's missing facts become the
next questions (HTMX), the decision is shown with its citations and printed; the screenshot is an artifact."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(reference):
    from aiplus.core import services
    from aiplus.core.reference import sync_departments
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    admin = services.create_user(acting_user=None, username="root-admin", password="x-pass-123",
                                 is_superuser=True)
    return services.create_user(acting_user=admin, username="enterprise-browser", password="browser-pass-2026",
                                display_name="浏览器测试企业")


def test_guided_assessment_end_to_end(live_server, page, member, artifacts):
    page.goto(live_server.url + "/")
    page.get_by_test_id("login-link").click()
    page.fill("#id_username", "enterprise-browser")
    page.fill("#id_password", "browser-pass-2026")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")

    page.goto(live_server.url + "/data/assess/")
    assert page.get_by_test_id("assess-title").inner_text() == "数据出境自评"
    assert page.get_by_test_id("question-processor-is_ciio").count() == 0
    page.fill("#transfer-recipient", "Example GmbH")
    page.fill("#transfer-country_or_region", "DE")
    page.check("input[name='transfer.data_categories'][value='personal']")
    page.fill("#transfer-transfer_on", "2025-06-02")
    page.get_by_test_id("assess-next").click()

    # The engine asks only for what changes the answer.
    page.wait_for_selector("[data-testid=question-processor-is_ciio]")
    assert page.get_by_test_id("assessment-result").get_attribute("data-outcome") == "incomplete"
    page.select_option("#processor-is_ciio", "false")
    page.fill("#transfer-pi_people", "60000")
    page.fill("#cumulative-pi_people", "50000")
    page.get_by_test_id("assess-next").click()
    page.wait_for_selector("[data-testid=decision-outcome]")
    result = page.get_by_test_id("assessment-result")
    assert result.get_attribute("data-outcome") == "standard_contract_or_certification"
    assert "促进和规范数据跨境流动规定" in result.inner_text()

    # Once the pathway is known, the form offers the date that starts its clock (optional): the filing deadline is
    # counted in working days on the official calendar (National Day holiday and make-up days of 2025).
    page.fill("#milestones-contract_effective_on", "2025-09-26")
    page.get_by_test_id("assess-next").click()
    page.wait_for_selector("[data-deadline=standard_contract_filing]:has-text('2025-10-16')")

    page.get_by_test_id("assess-print").click()
    page.wait_for_selector("[data-testid=decision-page]")
    assert "订立标准合同或通过个人信息保护认证" in page.get_by_test_id("decision-outcome").inner_text()
    decision = page.get_by_test_id("decision-page").inner_text()
    assert "《促进和规范数据跨境流动规定》" in decision and "2025-10-16" in decision
    page.screenshot(path=str(artifacts / "datahub-assessment.png"), full_page=True)
    assert (artifacts / "datahub-assessment.png").stat().st_size > 10_000
    # Print it: the print stylesheet, as a PDF.
    page.emulate_media(media="print")
    page.pdf(path=str(artifacts / "datahub-decision.pdf"))
    pdf = (artifacts / "datahub-decision.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    print(decision)
