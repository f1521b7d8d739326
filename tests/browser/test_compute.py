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


def test_official_uploads_a_job_log_fixes_a_row_and_reads_the_savings(live_server, page, network, artifacts,
                                                                      tmp_path):
    """Issue 19 §3: the savings study on a fresh machine, from the region's own job log."""
    from aiplus.compute import services

    provider, org = network.world.user("provider", "suzhou"), network.world.orgs["suzhou:provider"].pk
    for name, place, cards in (("园区", "suzhou-sip", 16), ("吴江", "suzhou-wujiang", 64)):
        centre = services.register_centre(acting_user=provider, operator_id=org, name=name, jurisdiction=place,
                                          pue="1.3", green_power_share="0.3", grid_carbon_kg_per_kwh="0.58")
        services.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model="nvidia-a800", cards=cards,
                          memory_gb=80, price_cny_per_card_hour="9")
    rows = ["submit_time,gpus,duration_s,tenant"] + [
        f"2026-03-02T{9 + k // 6:02d}:{(k % 6) * 10:02d}:00,{(1, 2, 4, 8)[k % 4]},{1800 + 300 * k},组{k % 3}"
        for k in range(36)]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([*rows[:5], "2026-03-02T10:00:00,八,600,组1", *rows[5:]]) + "\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("\n".join(rows) + "\n", encoding="utf-8")

    page.goto(live_server.url + "/")
    page.get_by_test_id("login-link").click()
    page.fill("#id_username", "suzhou-official")
    page.fill("#id_password", "x-password-123")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")
    page.goto(live_server.url + "/compute/savings/")
    page.select_option("#id_region", "suzhou")
    page.check("input[name=source][value=uploaded]")
    page.set_input_files("#id_file", str(bad))
    page.get_by_test_id("savings-submit").click()
    error = page.locator("[data-field=file]").inner_text()
    assert "第 6 行 gpus" in error and "八" in error  # the row and the value that is wrong

    page.check("input[name=source][value=uploaded]")
    page.set_input_files("#id_file", str(good))
    page.fill("#id_broker_patience_s", "300")  # the broker's weighting, set for this study (§2)
    page.get_by_test_id("savings-submit").click()
    page.wait_for_url("**/compute/savings/*/")
    assert page.get_by_test_id("study-status").inner_text() == "已完成"
    assert "36 行" in page.get_by_test_id("study-source").inner_text()
    headline = page.get_by_test_id("study-headline")
    assert headline.locator("[data-metric=avg_jct_s]").count() == 1 and "-" not in headline.inner_text()
    assert "平台调度" in page.get_by_test_id("study-table").inner_text()
    weighting = page.get_by_test_id("study-weighting").inner_text()
    assert "300" in weighting and "本次模拟设定" in weighting and "平台设置" in weighting  # carbon: the platform's
    page.screenshot(path=str(artifacts / "compute-savings-upload.png"), full_page=True)
