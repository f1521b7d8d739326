"""Job progress: a step is stored as a code with its parameters and read in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from aiplus.core import jobs
from aiplus.core.models import JobProgress

pytestmark = pytest.mark.django_db


def test_a_step_is_stored_as_a_code_and_rendered_when_read() -> None:
    job = JobProgress.objects.create(name="t", total=6)
    jobs.begin(job.pk, total=6, message="loading_trace")
    jobs.advance(job.pk, done=2, message="simulating", params={"policy": "broker"})
    job.refresh_from_db()
    assert (job.message, job.message_params) == ("simulating", {"policy": "broker"})
    with translation.override("zh-hans"):
        assert job.message_text == "正在模拟调度策略：broker"


def test_an_error_text_is_shown_as_stored() -> None:
    job = JobProgress.objects.create(name="t", total=1)
    jobs.advance(job.pk, done=1, message="counting", params={"model": "core.user"})
    jobs.finish(job.pk, failed=True, message="RuntimeError: solver crashed")
    job.refresh_from_db()
    assert job.message_params == {}
    assert job.message_text == "RuntimeError: solver crashed"


def test_the_job_page_shows_the_step_in_the_page_language(client, django_user_model) -> None:
    owner = django_user_model.objects.create_user(username="job-owner", password="x-password-123")
    job = JobProgress.objects.create(name="t", total=3, owner=owner)
    jobs.begin(job.pk, total=3, message="loading_register")
    client.force_login(owner)
    page = client.get(reverse("core:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "正在读取算力资源登记" in page and "loading_register" not in page
