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


def test_a_deferred_task_waits_in_the_database_and_is_skipped_where_the_backend_cannot_defer() -> None:
    import datetime as dt

    from django.tasks import TaskResultStatus
    from django.test import override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from aiplus.core.tasks import count_execution

    when = timezone.now() + dt.timedelta(hours=3)
    assert jobs.enqueue_at(count_execution, when, 7) is True
    waiting = DBTaskResult.objects.get(task_path=count_execution.module_path)
    assert waiting.status == TaskResultStatus.READY and waiting.run_after == when and waiting.args_kwargs["args"] == [7]

    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=immediate):
        assert jobs.enqueue_at(count_execution, when, 8) is False  # nothing ran, nothing was refused
    assert DBTaskResult.objects.count() == 1
