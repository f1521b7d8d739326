"""A company member submits a compute job request and sees its placement and voucher effect."""

import pytest

from tests.browser.steps import add_pool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def network(world, settings):
    from aiplus.compute.tests.conftest import build_net

    settings.TASKS = IMMEDIATE  # placement runs in the request's on-commit hook instead of a db_worker
    return build_net(world)


def test_member_submits_a_request_and_sees_its_placement(live_server, page, network, artifacts):
    page.goto(live_server.url + "/")
    page.get_by_test_id("login-link").click()
    page.fill("#id_username", "suzhou-enterprise_member")
    page.fill("#id_password", "x-password-123")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")

    page.goto(live_server.url + "/compute/requests/")
    page.fill("#id_title", "客服大模型微调")
    page.check("input[name=accepted_models][value=nvidia-a800]")
    page.check("input[name=accepted_models][value=ascend-910b]")
    page.fill("#id_cards", "8")
    page.fill("#id_hours", "10")
    page.select_option("#id_residency_level", "province")
    page.select_option("#id_residency_region", "jiangsu")
    page.select_option("#id_quota_id", str(network.quota.pk))
    page.get_by_test_id("request-submit").click()
    page.wait_for_url("**/compute/requests/*/")

    assert page.get_by_test_id("request-status").inner_text() == "已分配"
    assert page.get_by_test_id("placement-centre").inner_text() == "苏州智算中心"
    assert page.get_by_test_id("placement-cost").inner_text() == "640.00 元"
    assert page.get_by_test_id("placement-subsidy").inner_text() == "160.00 元"
    page.screenshot(path=str(artifacts / "compute-placement.png"), full_page=True)
    assert (artifacts / "compute-placement.png").stat().st_size > 10_000

    page.get_by_test_id("job-link").click()
    page.wait_for_url("**/jobs/*/")
    assert "100" in page.content()


def test_official_uses_the_map_voucher_forms_and_savings_simulation(live_server, page, network, artifacts,
                                                                   tmp_path, monkeypatch):
    from aiplus.compute.tests.test_officials import tiny_trace

    monkeypatch.setenv("AIPLUS_TRACES_DIR", str(tiny_trace(tmp_path)))
    page.goto(live_server.url + "/")
    page.get_by_test_id("login-link").click()
    page.fill("#id_username", "suzhou-official")
    page.fill("#id_password", "x-password-123")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")

    page.goto(live_server.url + "/compute/")
    page.wait_for_selector("[data-testid=capacity-map] canvas")
    page.screenshot(path=str(artifacts / "compute-capacity-map.png"), full_page=True)

    page.goto(live_server.url + "/compute/vouchers/")
    page.fill("#id_name", "园区算力券（测试）")
    page.select_option("#id_jurisdiction", "suzhou")
    page.select_option("#id_parameter_prefix", "vouchers.suzhou_compute")
    page.fill("#id_budget_cny", "100000")
    page.fill("#id_valid_from", "2026-01-01")
    page.fill("#id_valid_until", "2026-12-31")
    page.get_by_test_id("programme-submit").click()
    page.wait_for_selector("[data-testid=created]")
    assert "园区算力券（测试）" in page.get_by_test_id("programmes").inner_text()
    page.select_option("#id_programme_id", label="园区算力券（测试）")
    page.fill("#id_amount_cny", "2000")
    page.get_by_test_id("quota-submit").click()
    page.wait_for_selector("[data-testid=created]")
    assert "2,000.00 元" in page.get_by_test_id("quotas").inner_text()

    page.goto(live_server.url + "/compute/savings/")
    page.select_option("#id_region", "suzhou")
    page.fill("#id_max_jobs", "200")
    page.get_by_test_id("savings-submit").click()
    page.wait_for_url("**/compute/savings/*/")
    assert page.get_by_test_id("study-status").inner_text() == "已完成"
    table = page.get_by_test_id("study-table").inner_text()
    assert "平台调度" in table and "费用" in table
    page.wait_for_selector("#study-chart canvas")
    page.screenshot(path=str(artifacts / "compute-savings.png"), full_page=True)


def test_provider_registers_a_centre_and_adds_a_pool_through_the_page(live_server, page, network, artifacts):
    page.goto(live_server.url + "/")
    page.get_by_test_id("login-link").click()
    page.fill("#id_username", "suzhou-provider")
    page.fill("#id_password", "x-password-123")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")

    page.goto(live_server.url + "/compute/provider/")
    page.fill("#id_centre-name", "相城智算中心")
    page.select_option("#id_centre-jurisdiction", "suzhou")
    page.fill("#id_centre-pue", "0.9")
    page.fill("#id_centre-green_power_share", "0.5")
    page.fill("#id_centre-grid_carbon_kg_per_kwh", "0.58")
    page.get_by_test_id("centre-submit").click()
    assert page.locator("[data-field=pue]").is_visible()  # PUE below 1 is refused beside the field
    page.fill("#id_centre-pue", "1.2")
    page.get_by_test_id("centre-submit").click()
    page.wait_for_selector("[data-testid=registered]")
    assert "相城智算中心" in page.get_by_test_id("own-centres").inner_text()

    add_pool(page, "相城智算中心")
    assert "相城智算中心" in page.locator("table").first.inner_text()
    page.screenshot(path=str(artifacts / "compute-provider-forms.png"), full_page=True)
