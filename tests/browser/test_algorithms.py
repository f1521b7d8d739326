"""A company member registers a model and an algorithm running on it through the pages, finds both in the lists
(a facet and a Chinese search), and sees the model's secret endpoint on its own page only."""

import pytest

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_registers_a_model_and_an_algorithm_and_finds_them(live_server, page, world, artifacts):
    company = world.orgs["suzhou:enterprise"]
    sign_in(page, live_server.url, "suzhou-enterprise_member")

    page.goto(live_server.url + "/algorithms/")
    page.get_by_test_id("register-new").click()
    page.wait_for_url("**/algorithms/models/new/")
    page.get_by_test_id("picker-organisation").fill(company.name[:6])
    page.select_option("#id_organisation", str(company.pk))
    page.fill("#id_name", "姑苏城市治理大模型")
    page.select_option("#id_kind", "vertical")
    page.check("input[name=modalities][value=text]")
    page.check("input[name=modalities][value=image]")
    page.fill("#id_parameters_billion", "13.5")
    page.fill("#id_licence", "Apache-2.0")
    page.fill("#id_summary", "面向城市治理与政务服务的行业模型")
    page.fill("#id_endpoint_url", "https://gusu.example.org/v1")
    page.get_by_test_id("register-save").click()
    page.wait_for_url("**/algorithms/models/*/")
    assert page.get_by_test_id("register-name").inner_text() == "姑苏城市治理大模型"
    assert page.get_by_test_id("endpoint").inner_text() == "https://gusu.example.org/v1"
    assert "行业模型" in page.get_by_test_id("register-fields").inner_text()

    page.goto(live_server.url + "/algorithms/algorithms/")
    page.get_by_test_id("register-new").click()
    page.wait_for_url("**/algorithms/algorithms/new/")
    page.select_option("#id_organisation", str(company.pk))
    page.fill("#id_name", "城市事件智能分拨算法")
    page.select_option("#id_algorithm_type", "scheduling_decision")
    page.fill("#id_application_field", "城市治理")
    page.fill("#id_service_name", "一网统管事件分拨")
    page.fill("#id_mechanism_summary", "根据事件描述与历史处置记录推荐处置部门，人工确认后派发。")
    page.select_option("#id_model", label="姑苏城市治理大模型（" + company.name + "）")
    page.get_by_test_id("register-save").click()
    page.wait_for_url("**/algorithms/algorithms/*/")
    fields = page.get_by_test_id("register-fields").inner_text()
    assert "调度决策类" in fields and "姑苏城市治理大模型" in fields

    # both are in their lists, found by a facet and by a Chinese search; no list shows the endpoint
    page.goto(live_server.url + "/algorithms/?modality=image")
    assert page.locator("#list-rows").get_by_text("姑苏城市治理大模型").count() == 1
    assert "gusu.example.org" not in page.content()
    page.goto(live_server.url + "/algorithms/algorithms/")
    page.fill("#id_q", "分拨")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**q=*")
    rows = page.locator("#list-rows")
    assert rows.get_by_text("城市事件智能分拨算法").count() == 1
    assert "调度决策类" in rows.inner_text()
    page.screenshot(path=str(artifacts / "algorithms-list.png"), full_page=True)
