"""Nothing user-written becomes markup: centres named as script payloads, drawn on every chart, shown as text.

A provider registers a compute centre through the page with a hostile name (another comes in through the services,
in Shenzhen), an enterprise publishes a need with one; then every page with an ECharts chart is opened and each
data point's tooltip shown through ECharts itself (`showTip`, what hovering does). No payload may run
(`window.__xss` stays undefined), no tooltip may hold an element a name brought in, and the centre's name must read
as the literal text. The scenario list's Excel export, downloaded through its link, holds the hostile title as a
neutralised text cell."""

from __future__ import annotations

import io

import pytest

from tests.browser.steps import add_pool, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = '"><script>window.__xss=1</script>'
FORMULA = "=HYPERLINK(\"http://x.invalid\",\"x\")"

# Shows the tooltip of every data point of every chart on the page, as hovering would, and reports what each shows.
SHOW_EVERY_TOOLTIP = """() => {
  const shown = [];
  for (const el of document.querySelectorAll("[_echarts_instance_]")) {
    const chart = echarts.getInstanceByDom(el);
    (chart.getOption().series || []).forEach((series, seriesIndex) => {
      (series.data || []).forEach((_, dataIndex) => {
        chart.dispatchAction({type: "showTip", seriesIndex: seriesIndex, dataIndex: dataIndex});
        const tip = Array.from(el.children).find((child) => !child.querySelector("canvas"));
        shown.push({chart: el.id, seriesIndex: seriesIndex, dataIndex: dataIndex,
                    text: tip ? tip.textContent : null,
                    elements: tip ? Array.from(tip.querySelectorAll("*"), (e) => e.tagName.toLowerCase()) : []});
      });
      chart.dispatchAction({type: "hideTip"});
    });
  }
  return shown;
}"""


@pytest.fixture
def hostile(world, settings, tmp_path, monkeypatch):
    from aiplus.compute import services as compute
    from aiplus.compute.tests.conftest import build_net
    from aiplus.compute.tests.test_officials import tiny_trace
    from aiplus.scenarios.testing import published_need

    settings.TASKS = IMMEDIATE  # the savings study runs in the request's on-commit hook instead of a db_worker
    monkeypatch.setenv("AIPLUS_TRACES_DIR", str(tiny_trace(tmp_path)))
    net = build_net(world)
    provider = world.user("provider", "shenzhen")
    centre = compute.register_centre(acting_user=provider, operator_id=world.orgs["shenzhen:provider"].pk,
                                     name=SCRIPT, jurisdiction="shenzhen", pue="1.3", green_power_share="0.3",
                                     grid_carbon_kg_per_kwh="0.5")
    compute.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model="nvidia-a800", cards=8,
                     memory_gb=80, price_cny_per_card_hour="9.00")
    need = published_need(world, title=FORMULA)
    return net, need


def tooltips(page):
    """Every tooltip on the page, after giving a payload the time an image error takes to fire."""
    page.wait_for_selector("[_echarts_instance_] canvas")
    shown = page.evaluate(SHOW_EVERY_TOOLTIP)
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined", page.url
    assert shown and all(tip["text"] for tip in shown), (page.url, shown)
    for tip in shown:
        assert set(tip["elements"]) <= {"div", "span", "br"}, (page.url, tip)  # ECharts' own markup only
    return shown


def test_hostile_names_on_charts_are_text_and_exports_are_not_formulas(live_server, page, hostile, artifacts):
    from openpyxl import load_workbook

    _net, need = hostile
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.dismiss())  # an alert() would otherwise stall the page

    # the provider registers a centre through the page, with a name that is an image tag, and gives it a pool
    sign_in(page, base, "suzhou-provider")
    page.goto(base + "/compute/provider/")
    page.fill("#id_centre-name", IMG)
    page.select_option("#id_centre-jurisdiction", "suzhou")
    page.fill("#id_centre-pue", "1.2")
    page.fill("#id_centre-green_power_share", "0.5")
    page.fill("#id_centre-grid_carbon_kg_per_kwh", "0.58")
    page.get_by_test_id("centre-submit").click()
    page.wait_for_selector("[data-testid=registered]")
    assert IMG in page.get_by_test_id("own-centres").inner_text()
    add_pool(page, IMG)

    # the public capacity page: map and bar chart name both hostile centres, as text
    page.context.clear_cookies()
    page.goto(base + "/compute/")
    texts = " ".join(tip["text"] for tip in tooltips(page))
    assert IMG in texts and SCRIPT in texts
    assert IMG in page.get_by_test_id("capacity-table").inner_text()
    page.screenshot(path=str(artifacts / "hostile-capacity.png"), full_page=True)

    # the home page's coverage chart and, for the official, the scenario dashboard and a savings study
    page.goto(base + "/")
    tooltips(page)
    sign_in(page, base, "suzhou-official")
    page.goto(base + "/scenarios/dashboard/")
    tooltips(page)
    page.goto(base + "/compute/savings/")
    page.select_option("#id_region", "suzhou")
    page.fill("#id_max_jobs", "200")
    page.get_by_test_id("savings-submit").click()
    page.wait_for_url("**/compute/savings/*/")
    assert page.get_by_test_id("study-status").inner_text() == "已完成"
    tooltips(page)

    # the scenario list's Excel export, through its link: the formula arrives as text, with its quote prefix
    page.goto(base + f"/scenarios/lists/{need.scenario_list_id}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出Excel").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    titles = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert titles == ["'" + FORMULA]
    assert all(row[0].data_type == "s" for row in sheet.iter_rows(min_row=2))
    assert page.evaluate("typeof window.__xss") == "undefined"
