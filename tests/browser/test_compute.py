"""A company member submits a compute job request and sees its placement and voucher effect."""

import pytest

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
    page.fill("#id_residency_region", "jiangsu")
    page.select_option("#id_quota_id", str(network.quota.pk))
    page.get_by_test_id("request-submit").click()
    page.wait_for_url("**/compute/requests/*/")

    assert page.get_by_test_id("request-status").inner_text() == "已分配"
    assert page.get_by_test_id("placement-centre").inner_text() == "苏州智算中心"
    assert page.get_by_test_id("placement-cost").inner_text() == "640.00"
    assert page.get_by_test_id("placement-subsidy").inner_text() == "160.00"
    page.screenshot(path=str(artifacts / "compute-placement.png"), full_page=True)
    assert (artifacts / "compute-placement.png").stat().st_size > 10_000

    page.get_by_test_id("job-link").click()
    page.wait_for_url("**/jobs/*/")
    assert "100" in page.content()
