"""A placement job whose worker was lost: run again after a partial run it keeps the first answer; given up after its
last attempt, the request does not stay "placing" forever (aiplus.core.workers, jobs.when_lost)."""

from __future__ import annotations

import datetime as dt

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aiplus.compute import services
from aiplus.compute.models import JobRequest, Placement, ResourcePool
from aiplus.compute.tasks import place_request
from aiplus.core import workers
from aiplus.core.models import AuditEvent, JobProgress


def submit(net):
    return services.submit_request(acting_user=net.world.user("enterprise_member"), title="大模型微调",
                                   accepted_models=["nvidia-a800", "ascend-910b"], cards=8, hours="10",
                                   residency_level="province", residency_region="jiangsu", quota_id=net.quota.pk)


def test_a_placement_run_again_after_its_worker_was_lost_keeps_the_first_answer(
        net, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(net)
    request.refresh_from_db()
    assert request.status == JobRequest.Status.PLACED
    free = {pool.pk: pool.available_cards for pool in ResourcePool.objects.all()}
    # The worker stored the answer and was lost before the task was marked done: the task runs again.
    settled = place_request.call(job_id=request.job_id, request_id=request.pk)
    assert settled == {"request_id": request.pk, "status": JobRequest.Status.PLACED}
    request.refresh_from_db()
    assert request.status == JobRequest.Status.PLACED and Placement.objects.filter(request=request).count() == 1
    assert {pool.pk: pool.available_cards for pool in ResourcePool.objects.all()} == free
    job = JobProgress.objects.get(pk=request.job_id)
    assert job.status == JobProgress.Status.DONE and job.executions == 2 and job.result == settled
    assert AuditEvent.objects.filter(action="compute.request.placed", object_id=str(request.pk)).count() == 1


def test_a_placement_given_up_after_lost_workers_fails_the_request(net, django_capture_on_commit_callbacks, settings):
    settings.AIPLUS_JOB_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(net)  # queued for a worker (the database backend), not run
    request.refresh_from_db()
    job = JobProgress.objects.get(pk=request.job_id)
    DBTaskResult.objects.filter(pk=job.task_id).update(status=TaskResultStatus.RUNNING, worker_ids=["a", "b", "c"],
                                                       started_at=timezone.now() - dt.timedelta(hours=1))
    (done,) = workers.recover_lost_tasks()
    assert not done.requeued and done.job_id == job.pk
    request.refresh_from_db()
    assert request.status == JobRequest.Status.FAILED
    assert request.unplaced_message == "后台工作进程多次中断，任务未能完成。"
    assert JobProgress.objects.get(pk=job.pk).status == JobProgress.Status.FAILED
    assert AuditEvent.objects.filter(action="compute.request.failed", object_id=str(request.pk)).count() == 1
    assert AuditEvent.objects.filter(action="core.job.lost", object_id=str(job.pk)).count() == 1
