"""A job page updates live: the request page shows its progress, then its placement, without a reload."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network(world):
    from aiplus.compute.tests.conftest import build_net

    return build_net(world)  # the database task backend: nothing runs until the test runs the task


def test_the_request_page_shows_the_placement_without_reload(live_server, page, network, artifacts):
    from aiplus.compute.models import JobRequest
    from aiplus.compute.tasks import place_request

    page.goto(live_server.url + "/")
    page.get_by_test_id("login-link").click()
    page.fill("#id_username", "suzhou-enterprise_member")
    page.fill("#id_password", "x-password-123")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")
    page.goto(live_server.url + "/compute/requests/")
    page.fill("#id_title", "实时调度演示")
    page.check("input[name=accepted_models][value=ascend-910b]")
    page.fill("#id_cards", "8")
    page.fill("#id_hours", "10")
    page.select_option("#id_residency_level", "city")
    page.select_option("#id_residency_region", "suzhou")
    page.get_by_test_id("request-submit").click()
    page.wait_for_url("**/compute/requests/*/")
    assert page.get_by_test_id("request-status").inner_text() == "调度中"
    assert page.get_by_test_id("request-progress").is_visible()
    page.evaluate("window.__noReload = true")  # lost if the page reloads
    page.screenshot(path=str(artifacts / "job-live-placing.png"), full_page=True)

    request = JobRequest.objects.get(title="实时调度演示")
    place_request.call(job_id=request.job_id, request_id=request.pk)  # the worker does its work meanwhile

    page.get_by_test_id("placement").wait_for(timeout=10_000)
    assert page.get_by_test_id("request-status").inner_text() == "已分配"
    assert page.get_by_test_id("request-progress").count() == 0
    assert page.evaluate("window.__noReload") is True
    page.screenshot(path=str(artifacts / "job-live-placed.png"), full_page=True)
