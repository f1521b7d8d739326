"""Policy simulation through the pages (issue 16 §5): an official changes the dataset-purchase subsidy's rate and cap,
starts the simulation, watches its progress bar while the job is queued and then run by the background task, and
reads the totals against the budget and who gains or loses, with the engine's reasons; the published programme is
unchanged."""

from decimal import Decimal

import pytest

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_changes_the_rate_and_cap_and_reads_who_gains_and_loses(live_server, page, world, make_org,
                                                                             artifacts):
    from django_tasks_db.models import DBTaskResult

    from aiplus.core.models import JobProgress
    from aiplus.support import programmes, services

    admin = world.admin
    company = world.orgs["suzhou:enterprise"]
    big = make_org("suzhou", "enterprise", name="大数据采购有限公司")
    university = make_org("suzhou", "university", name="苏州测试大学")
    for org, cost in ((company, "1000000"), (big, "9000000"), (university, "500000")):
        services.create_application(acting_user=admin, organisation_id=org.pk, programme_code="suzhou.dataset_purchase",
                                    title="数据集采购", declared_cny=Decimal(cost), counterparty_affiliated=False)
    base = live_server.url

    sign_in(page, base, "suzhou-official")
    page.goto(base + "/support/simulations/")
    page.locator("[data-testid=simulation-programmes] a[data-code='suzhou.dataset_purchase']").click()
    page.wait_for_url("**/support/programmes/suzhou.dataset_purchase/simulate/")
    assert page.input_value("#id_rate") == "0.20"
    # a rate above 1 is refused beside the field, nothing queued
    page.fill("#id_rate", "3")
    page.get_by_test_id("simulation-start").click()
    page.wait_for_selector("[data-field=rate]")
    assert not JobProgress.objects.exists()
    # the official raises the rate to 30% and lowers the cap to 1,000,000 and opens universities to the subsidy
    page.fill("#id_rate", "0.3")
    page.fill("#id_cap_per_award", "1000000")
    page.check("input[name=condition1_values][value=university]")
    page.get_by_test_id("simulation-start").click()
    page.wait_for_url("**/support/simulations/*/")

    # the job is queued: the progress bar is drawn and polls
    progress = page.get_by_test_id("simulation-progress")
    assert progress.locator("progress").get_attribute("value") == "0"
    assert page.get_by_test_id("simulation-status").inner_text() == "排队中"
    # the worker runs the queued task (here, in the test's process); the bar's poll sees it finish and the page
    # redraws with the figures
    queued = DBTaskResult.objects.get()
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    page.wait_for_selector("[data-testid=simulation-totals]", timeout=15000)
    job = JobProgress.objects.get()
    assert job.status == "done" and job.percent == 100

    totals = page.get_by_test_id("simulation-totals")
    assert totals.locator("[data-testid=qualifying] [data-testid=before]").inner_text() == "2"
    assert totals.locator("[data-testid=qualifying] [data-testid=after]").inner_text() == "3"
    # 200,000 + 1,800,000 as is; 300,000 + 1,000,000 (capped) + 150,000 as changed
    assert "200.00" in totals.locator("[data-testid=total] [data-testid=before]").inner_text()
    assert "145.00" in totals.locator("[data-testid=total] [data-testid=after]").inner_text()
    assert totals.locator("[data-testid=overrun] [data-testid=after]").get_attribute("data-overrun") == "no"

    changes = page.get_by_test_id("simulation-changes")
    gained = changes.locator(f"tr[data-org='{university.pk}']")
    assert gained.get_attribute("data-category") == "gains"
    assert "30%" in gained.inner_text()  # the engine's reason: by rate, 500000 × 30%
    lost = changes.locator(f"tr[data-org='{big.pk}']")
    assert lost.get_attribute("data-category") == "less" and "上限" in lost.inner_text()
    assert "-800,000.00" in lost.get_by_test_id("delta").inner_text()
    page.locator("[data-testid=simulation-categories] a[data-category=gains]").click()
    page.wait_for_url("**show=gains")
    assert page.locator("[data-testid=simulation-changes] tbody tr").count() == 1
    page.screenshot(path=str(artifacts / "support-policy-simulation.png"), full_page=True)

    # the published programme is as it was
    page.goto(base + "/support/programmes/suzhou.dataset_purchase/")
    assert "0.20" in page.get_by_test_id("programme-parameters").inner_text()
    assert len(programmes.programme("suzhou.dataset_purchase").eligibility) == 3
