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
    page.select_option("#transfer-country_or_region", "DE")
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


def _login(page, live_server, username, password):
    page.goto(live_server.url + "/")
    page.get_by_test_id("login-link").click()
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")


def test_provider_publishes_and_edits_a_dataset_through_the_page(live_server, page, world):
    from aiplus.datahub.models import Dataset

    _login(page, live_server, "suzhou-provider", "x-password-123")
    page.goto(live_server.url + "/data/")
    page.get_by_test_id("dataset-create").click()
    page.wait_for_selector("[data-testid=dataset-form]")
    page.fill("#f-identifier", "browser-ocr")
    page.fill("#f-title", "浏览器登记的票据训练集")
    page.fill("#f-theme", "人工智能")
    page.select_option("#f-open_attribute", "conditional")
    page.select_option("#f-modality", "image")
    page.check("#f-high_quality")
    page.fill("#f-annotation_method", "人工转写")
    page.fill("#f-record_count", "-5")
    page.fill("#f-temporal_start", "2025-06-30")
    page.fill("#f-temporal_end", "2024-01-01")
    page.fill("#dist-0-format", "ZIP")
    page.get_by_test_id("dataset-save").click()
    # The first problem is shown beside its field; nothing is written.
    error = page.get_by_test_id("error-record_count")
    error.wait_for()
    assert error.inner_text()
    assert not Dataset.objects.filter(identifier="browser-ocr").exists()
    assert page.input_value("#f-title") == "浏览器登记的票据训练集"
    page.fill("#f-record_count", "120000")
    page.get_by_test_id("dataset-save").click()
    page.get_by_test_id("error-temporal_end").wait_for()
    assert "时间范围止" in page.get_by_test_id("error-temporal_end").inner_text()
    assert not Dataset.objects.filter(identifier="browser-ocr").exists()
    page.fill("#f-temporal_end", "2025-12-31")
    page.get_by_test_id("dataset-save").click()
    page.get_by_test_id("dataset-edit").wait_for()
    dataset = Dataset.objects.get(identifier="browser-ocr")
    assert (dataset.record_count, dataset.high_quality, dataset.modality, dataset.open_attribute) == (
        120_000, True, "image", "conditional")
    assert list(dataset.distributions.values_list("format", flat=True)) == ["ZIP"]

    page.get_by_test_id("dataset-edit").click()
    page.wait_for_selector("[data-testid=dataset-form]")
    assert page.input_value("#dist-0-format") == "ZIP"
    page.fill("#f-title", "票据训练集（第二版）")
    page.fill("#dist-1-format", "JSONL")
    page.get_by_test_id("dataset-save").click()
    page.get_by_test_id("dataset-edit").wait_for()
    dataset.refresh_from_db()
    assert dataset.title == "票据训练集（第二版）"
    assert sorted(dataset.distributions.values_list("format", flat=True)) == ["JSONL", "ZIP"]

    # A member of another organisation cannot open the edit page.
    page.context.clear_cookies()
    _login(page, live_server, "suzhou-enterprise_member", "x-password-123")
    response = page.goto(live_server.url + f"/data/datasets/{dataset.pk}/edit/")
    assert response.status in (403, 404)
