"""Targets and indicators through the pages: an official enters a statistic with its source, sees the target
dashboard move (the value rolled up from the district to the city, the gap to the target), and drills down from a
computed indicator to the records behind its value (with the query that counts them)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_enters_a_statistic_and_drills_down(live_server, page, world, make_org, artifacts):
    from aiplus.core.models import Jurisdiction

    opc = make_org("suzhou-sip", "opc", name="园区智算一人公司")
    sip = Jurisdiction.objects.get(code="suzhou-sip")
    today = timezone.localdate()
    sign_in(page, live_server.url, "suzhou-official")

    page.goto(live_server.url + "/insights/suzhou/")
    row = page.locator("[data-testid=target-row][data-indicator=ai_enterprises]")
    assert row.get_attribute("data-latest") == ""
    assert "苏州市加快建设" in row.inner_text()

    # the statistic, with its source and date
    page.goto(live_server.url + "/insights/statistics/")
    page.select_option("#id_entry-indicator", "ai_enterprises")
    page.select_option("#id_entry-jurisdiction", str(sip.pk))
    page.fill("#id_entry-as_of", str(today - dt.timedelta(days=20)))
    page.fill("#id_entry-value", "1200")
    page.fill("#id_entry-source", "苏州工业园区统计局统计快报")
    page.fill("#id_entry-source_date", str(today - dt.timedelta(days=2)))
    page.get_by_test_id("enter-save").click()
    page.wait_for_load_state("networkidle")
    assert "苏州工业园区统计局统计快报" in page.locator("#list-rows").inner_text()

    # the dashboard moved: the district's value rolls up to the city, against the city's target of 3000
    page.goto(live_server.url + "/insights/suzhou/")
    row = page.locator("[data-testid=target-row][data-indicator=ai_enterprises]")
    assert row.get_attribute("data-latest").startswith("1200")
    assert row.get_attribute("data-gap").startswith("1800")
    page.wait_for_selector("#targets-chart canvas")
    page.screenshot(path=str(artifacts / "insights-dashboard.png"), full_page=True)

    # drill down from a computed indicator to the records behind it
    page.locator("[data-testid=indicator-row][data-indicator=opc_enterprises] a").click()
    page.wait_for_url("**/insights/suzhou/indicators/opc_enterprises/")
    assert page.get_by_test_id("indicator-latest").get_attribute("data-value") == "1"
    assert "SELECT" in page.get_by_test_id("query").inner_text()
    records = page.get_by_test_id("records")
    assert records.locator(f"tr[data-pk='{opc.pk}']").count() == 1
    assert "园区智算一人公司" in records.inner_text()
    page.screenshot(path=str(artifacts / "insights-drilldown.png"), full_page=True)
