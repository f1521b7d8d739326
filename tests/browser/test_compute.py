"""A company member submits a compute job request and sees its placement and voucher effect."""

import pytest

from tests.browser.steps import add_pool, sign_in

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


def test_provider_publishes_availability_sees_its_bookings_and_imports_usage(live_server, page, network, artifacts,
                                                                             tmp_path):
    """Issue 18: the compute provider's journey through the pages alone. From the menu it opens its centre, edits the
    free cards of a pool, reads the requests placed on its centre (each with the number the member sees), downloads
    the usage template listing them, uploads a file with one bad row (refused, the row and column named, nothing
    imported), fixes it, imports it and sees the usage recorded and reconciled against the booking."""
    import csv

    from aiplus.compute.tests.test_usage_import import placed
    from tests.browser.test_roles import shot, via_menu_to

    own = placed(network, network.sz_pool, "质检模型微调")
    other = placed(network, network.gd_pool, "深圳中心的作业")
    out = artifacts / "roles" / "provider"
    sign_in(page, live_server.url, "suzhou-provider")

    # its centre, from the menu; the free cards of a pool published
    via_menu_to(page, "compute", "/compute/provider/")
    assert "苏州智算中心" in page.get_by_test_id("own-centres").inner_text()
    pool = page.locator("[data-testid=pool][data-model=ascend-910b]")
    pool.locator("input[name=available_cards]").fill("100")
    with page.expect_navigation():
        pool.get_by_test_id("availability-submit").click()
    assert page.locator("[data-testid=pool][data-model=ascend-910b] [data-testid=available]").inner_text() == "100"
    shot(page, out, "1-centre-availability")

    # the bookings: the requests placed on its centre, each with its reference, never another provider's
    via_menu_to(page, "compute", "/compute/provider/bookings/")
    booking = page.get_by_test_id("bookings").locator("tr", has_text=own.title)
    reference = booking.get_by_test_id("reference").inner_text()
    organisation = booking.locator("td").nth(2).inner_text()
    assert reference.startswith("CR-") and other.title not in page.locator("main").inner_text()
    shot(page, out, "2-bookings")

    # the template lists the booking; one more row, for the centre's other pool, with an amount mistyped
    with page.expect_download() as download:
        page.get_by_test_id("usage-template").click()
    rows = list(csv.reader(download.value.path().read_text(encoding="utf-8-sig").splitlines()))
    assert [row[1] for row in rows[1:]] == [reference]
    assert rows[1][4:8] == ["", "", "", ""]  # the metered figures are the provider's to fill in
    own.refresh_from_db()
    rows[1][0], rows[1][8] = "SZ-2026-0001", "FP-0001"
    rows[1][5:8] = [str(own.cards * own.hours), str(own.placement.cost_cny), "2026-06-30"]
    extra = ["SZ-2026-0002", "", "苏州智算中心", "华为昇腾 910B", organisation, "16", "一百二十八", "2026-06-30", ""]

    def upload(name, lines):
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(lines)
        page.set_input_files("#id_file", str(path))
        with page.expect_navigation():
            page.get_by_test_id("usage-submit").click()

    page.get_by_test_id("to-usage-import").click()
    page.wait_for_url("**/compute/provider/")
    upload("bad.csv", [*rows, extra])
    refused = page.locator("[data-testid=import-rejected] tr[data-row='3']").inner_text()
    assert "金额" in refused and "amount_cny" in refused
    assert "第 3 行" in page.get_by_role("alert").first.inner_text()
    assert "SZ-2026-0001" not in page.get_by_test_id("usage").inner_text()  # nothing of the file was imported
    shot(page, out, "3-usage-refused")

    extra[6] = "128"
    upload("fixed.csv", [*rows, extra])
    page.wait_for_url("**/compute/provider/")
    usage = page.get_by_test_id("usage").inner_text()
    assert "SZ-2026-0001" in usage and "与分配一致" in usage and "SZ-2026-0002" in usage
    shot(page, out, "4-usage-imported")

    via_menu_to(page, "compute", "/compute/provider/bookings/")
    metered = page.get_by_test_id("bookings").locator("tr", has_text=own.title).get_by_test_id("metered")
    assert metered.inner_text().startswith("80")
    shot(page, out, "5-bookings-metered")
