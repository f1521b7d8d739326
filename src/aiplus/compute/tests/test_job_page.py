"""The request page while its placement runs: one status, the progress inside the record's live section, the job's
link only for whom may open it, and the job page's result formatted (no JSON)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiplus.compute import services
from aiplus.compute.tasks import place_request
from aiplus.core import jobs
from aiplus.core.models import JobProgress

pytestmark = pytest.mark.django_db


def _placing(net, django_capture_on_commit_callbacks):
    member = net.world.user("enterprise_member")
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not picked it up yet
        request = services.submit_request(
            acting_user=member, title="微调", accepted_models=["ascend-910b"], cards=8, hours="10",
            residency_level="city", residency_region="suzhou", quota_id=net.quota.pk)
    request.refresh_from_db()
    return member, request


def test_a_placing_request_polls_its_own_section_and_shows_one_status(net, client, django_capture_on_commit_callbacks):
    member, request = _placing(net, django_capture_on_commit_callbacks)
    client.force_login(member)
    page = client.get(f"/compute/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'hx-select="#live-record"' in page and 'data-testid="request-progress"' in page
    assert "调度中" in page and "排队中" not in page and "运行中" not in page  # the request's status, once

    place_request.call(job_id=request.job_id, request_id=request.pk)
    page = client.get(f"/compute/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'hx-get=' not in page.split('id="live-record"')[1].split(">")[0]  # placed: polling stops
    assert 'data-testid="placement"' in page and 'data-testid="request-progress"' not in page
    assert "已分配" in page and "调度中" not in page


def test_the_job_link_is_shown_only_to_whom_may_open_it(net, client, django_capture_on_commit_callbacks):
    member, request = _placing(net, django_capture_on_commit_callbacks)
    official = net.world.user("official", "suzhou")
    client.force_login(official)
    page = client.get(f"/compute/requests/{request.pk}/").content.decode()
    assert 'data-testid="job-link"' not in page and "查看后台任务进度" not in page
    assert client.get(reverse("core:job", args=[request.job_id])).status_code == 404
    client.force_login(member)
    page = client.get(f"/compute/requests/{request.pk}/").content.decode()
    assert 'data-testid="job-link"' in page
    assert client.get(reverse("core:job", args=[request.job_id])).status_code == 200


def test_the_job_page_shows_the_result_formatted_not_as_json(net, client, django_capture_on_commit_callbacks):
    member, request = _placing(net, django_capture_on_commit_callbacks)
    place_request.call(job_id=request.job_id, request_id=request.pk)
    client.force_login(member)
    page = client.get(reverse("core:job", args=[request.job_id]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="job-result"' in page and "<pre>" not in page
    assert "费用" in page and "640.00 元" in page
    assert "pool_id" not in page and "cost_cny" not in page and "{" not in page.split('data-testid="job-result"')[1]


def test_result_lines_format_money_percentages_and_leave_out_internal_keys() -> None:
    job = JobProgress.objects.create(name="t", total=1)
    jobs.finish(job.pk, result={"request_id": 7, "cost_cny": "1500000.00", "saving_pct": "12.5", "pool_id": 3,
                                "reason_facts": {"code": "x"}, "carbon_kg": "1E+1"})
    job.refresh_from_db()
    from django.utils import translation

    with translation.override("zh-hans"):
        lines = dict(jobs.result_lines(job))
    assert lines == {"费用": "150.00 万元", "节省比例": "12.5%", "碳排放（kg）": "10"}
