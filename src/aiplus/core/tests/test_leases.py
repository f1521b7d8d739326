"""Worker leases (aiplus.core.workers) with real `aiplus_worker` processes: a job whose worker is killed is run again
by the next worker once the lease has run out, a job lost on its last attempt fails with `worker_lost`, two workers
that find the same lost job recover it once, and a worker whose loop dies exits non-zero even under --reload."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from aiplus.core import jobs, workers
from aiplus.core.models import AuditEvent, JobProgress, WorkerHeartbeat
from aiplus.core.tasks import count_execution, wait_for_file
from aiplus.core.tests.test_workers import PROJECT, _database_url

# Short leases so that the tests wait seconds, not half a minute.
LEASE = {"AIPLUS_WORKER_HEARTBEAT_SECONDS": "0.2", "AIPLUS_WORKER_LEASE_SECONDS": "2"}
LONG_AGO = dt.timedelta(hours=1)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start an `aiplus_worker` on the test database (output in tmp_path/NAME.log); any left running is killed."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, *options: str, database_url: str = "", **env: str) -> subprocess.Popen[bytes]:
        environment = {**os.environ, "DATABASE_URL": database_url or _database_url(),
                       "DJANGO_SETTINGS_MODULE": "aiplus.settings", "PYTHONPATH": str(PROJECT / "src"), **LEASE,
                       **env}
        command = [sys.executable, str(PROJECT / "manage.py"), "aiplus_worker", "--interval", "0.05",
                   "--no-startup-delay", *(options or ("--no-reload",))]
        with (tmp_path / f"{name}.log").open("wb") as log:
            worker = subprocess.Popen(command, env=environment, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
            worker.wait(30)


def logs(tmp_path: Path) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')}" for log in sorted(tmp_path.glob("*.log")))


def wait_until(condition: Callable[[], bool], what: str, tmp_path: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{logs(tmp_path)}")


def job_row(job: JobProgress) -> JobProgress:
    return JobProgress.objects.get(pk=job.pk)


def task_row(job: JobProgress) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=job_row(job).task_id)


def running_under_a_dead_worker(job: JobProgress, *, attempts: int = 1) -> DBTaskResult:
    """Leave `job` as a worker killed mid-run leaves it: its task RUNNING under a worker silent for an hour."""
    long_ago = timezone.now() - LONG_AGO
    WorkerHeartbeat.objects.create(worker_id="ghost", host="gone", pid=1, started_at=long_ago, last_seen=long_ago)
    DBTaskResult.objects.filter(pk=job_row(job).task_id).update(
        status=TaskResultStatus.RUNNING, worker_ids=[f"earlier-{n}" for n in range(attempts - 1)] + ["ghost"],
        started_at=long_ago)
    JobProgress.objects.filter(pk=job.pk).update(status=JobProgress.Status.RUNNING, executions=attempts)
    return task_row(job)


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_was_killed_is_run_again_by_the_next_worker(spawn, tmp_path):
    flag = tmp_path / "go"
    job = jobs.start_job(acting_user=None, name="blocking", task=wait_for_file, path=str(flag))
    first = spawn("first")
    wait_until(lambda: job_row(job).status == JobProgress.Status.RUNNING, "the first worker to start the job",
               tmp_path)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    assert task_row(job).status == TaskResultStatus.RUNNING  # what a dead worker leaves behind

    flag.touch()
    second = spawn("second", "--no-reload", "--max-tasks", "1")
    assert second.wait(timeout=120) == 0, logs(tmp_path)

    row, task = job_row(job), task_row(job)
    assert row.status == JobProgress.Status.DONE and row.executions == 2, logs(tmp_path)
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2
    event = AuditEvent.objects.get(action="core.job.recovered", object_id=str(job.pk))
    assert event.actor_name == "system"
    assert event.after["outcome"] == "requeued" and event.after["attempts"] == 1
    assert event.after["worker"] == task.worker_ids[0]
    # The killed worker's heartbeat was forgotten; the second one removed its own when it stopped.
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_job_lost_on_its_last_attempt_fails_with_worker_lost(spawn, tmp_path):
    job = jobs.start_job(acting_user=None, name="blocking", task=wait_for_file, path=str(tmp_path / "never"))
    first = spawn("first", AIPLUS_JOB_MAX_ATTEMPTS="1")
    wait_until(lambda: job_row(job).status == JobProgress.Status.RUNNING, "the first worker to start the job",
               tmp_path)
    first.send_signal(signal.SIGKILL)
    first.wait(30)

    second = spawn("second", AIPLUS_JOB_MAX_ATTEMPTS="1")
    wait_until(lambda: task_row(job).status == TaskResultStatus.FAILED, "the second worker to give the job up",
               tmp_path)
    second.terminate()  # a worker with nothing to do stops at once, and cleanly
    assert second.wait(timeout=60) == 0, logs(tmp_path)

    row, task = job_row(job), task_row(job)
    assert row.status == JobProgress.Status.FAILED and row.executions == 1
    assert (row.message, row.message_params) == ("worker_lost", {"attempts": 1, "max_attempts": 1})
    with translation.override("en"):
        assert "worker" in row.message_text and "1" in row.message_text
    assert task.exception_class_path == "aiplus.core.workers.WorkerLost" and "worker_lost" in task.traceback
    assert len(task.worker_ids) == 1
    event = AuditEvent.objects.get(action="core.job.lost", object_id=str(job.pk))
    assert event.after["outcome"] == "failed"
    assert not AuditEvent.objects.filter(action="core.job.recovered").exists()
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_that_find_the_same_lost_job_recover_it_once(spawn, tmp_path):
    job = jobs.start_job(acting_user=None, name="count", task=count_execution)
    running_under_a_dead_worker(job)
    pair = [spawn(f"worker-{n}", "--no-reload", "--batch") for n in range(2)]
    assert [worker.wait(timeout=120) for worker in pair] == [0, 0], logs(tmp_path)

    assert AuditEvent.objects.filter(action="core.job.recovered").count() == 1, logs(tmp_path)
    row, task = job_row(job), task_row(job)
    assert row.status == JobProgress.Status.DONE and row.executions == 2  # the ghost's start, then one more
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids[0] == "ghost" and len(task.worker_ids) == 2


def test_a_worker_whose_loop_dies_exits_non_zero_even_under_the_reloader(spawn, tmp_path):
    # A database without tables: the worker's loop fails at once. Under --reload, Django's reloader would keep the
    # process alive without a worker; the command ends it with exit code 1 so that run.sh starts it again.
    worker = spawn("reloading", "--reload", database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert worker.wait(timeout=120) == 1, logs(tmp_path)


@pytest.mark.django_db
def test_of_two_recoveries_of_one_lost_task_only_the_first_changes_anything(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(acting_user=None, name="count", task=count_execution)
    running_under_a_dead_worker(job)
    now = timezone.now()
    (seen_by_one,), (seen_by_other,) = workers.lost_tasks(now=now), workers.lost_tasks(now=now)

    done = workers.recover(seen_by_one, now=now)
    assert done is not None and done.requeued and done.job_id == job.pk and done.attempts == 1
    assert workers.recover(seen_by_other, now=now) is None
    assert task_row(job).status == TaskResultStatus.READY
    row = job_row(job)
    assert (row.status, row.message) == (JobProgress.Status.QUEUED, "worker_lost_requeued")
    assert AuditEvent.objects.filter(action="core.job.recovered").count() == 1


@pytest.mark.django_db
def test_who_counts_as_lost(django_capture_on_commit_callbacks, settings):
    settings.AIPLUS_WORKER_LEASE_SECONDS = 30
    with django_capture_on_commit_callbacks(execute=True):
        made = [jobs.start_job(acting_user=None, name=f"job {n}", task=count_execution) for n in range(4)]
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", started_at=now, last_seen=now - dt.timedelta(seconds=10))
    WorkerHeartbeat.objects.create(worker_id="silent", started_at=now, last_seen=now - dt.timedelta(seconds=31))

    def run(job: JobProgress, worker: str, started: dt.timedelta) -> str:
        DBTaskResult.objects.filter(pk=job_row(job).task_id).update(
            status=TaskResultStatus.RUNNING, worker_ids=[worker], started_at=now - started)
        return job_row(job).task_id

    alive = run(made[0], "alive", LONG_AGO)  # a long job of a live worker
    silent = run(made[1], "silent", dt.timedelta(seconds=1))
    unknown_old = run(made[2], "never-registered", dt.timedelta(seconds=31))
    run(made[3], "never-registered", dt.timedelta(seconds=5))  # may still be starting: not yet
    assert {str(row.pk) for row in workers.lost_tasks(now=now)} == {silent, unknown_old}
    # A worker restarted with the same --worker-id: what ran under that id before is lost.
    assert alive in {str(row.pk) for row in workers.lost_tasks(now=now, restarted="alive")}


@pytest.mark.django_db
def test_a_task_without_a_job_row_is_recovered_and_audited_by_its_task_id(settings):
    settings.AIPLUS_JOB_MAX_ATTEMPTS = 2
    result = count_execution.enqueue(job_id=0)
    long_ago = timezone.now() - LONG_AGO
    DBTaskResult.objects.filter(pk=result.id).update(status=TaskResultStatus.RUNNING, worker_ids=["a", "b"],
                                                     started_at=long_ago)
    (done,) = workers.recover_lost_tasks()
    assert not done.requeued and done.job_id is None
    event = AuditEvent.objects.get(action="core.job.lost")
    assert (event.object_type, event.object_id, event.object_repr) == (
        "django_tasks_database.dbtaskresult", str(result.id), "count_execution")


@pytest.mark.django_db
def test_the_handler_of_a_given_up_task_runs_with_its_arguments(django_capture_on_commit_callbacks, settings,
                                                                  monkeypatch):
    settings.AIPLUS_JOB_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(acting_user=None, name="count", task=count_execution, seconds=0.5)
    calls: list[Any] = []
    monkeypatch.setitem(jobs.LOST_HANDLERS, count_execution.module_path, lambda **kw: calls.append(kw))
    running_under_a_dead_worker(job, attempts=2)
    (done,) = workers.recover_lost_tasks()
    assert done.requeued and calls == []  # two starts of three: queued again
    running_under_a_dead_worker_again = DBTaskResult.objects.filter(pk=job_row(job).task_id)
    running_under_a_dead_worker_again.update(status=TaskResultStatus.RUNNING, worker_ids=["a", "b", "c"],
                                             started_at=timezone.now() - LONG_AGO)
    (done,) = workers.recover_lost_tasks()
    assert not done.requeued and calls == [{"job_id": job.pk, "seconds": 0.5}]
    assert job_row(job).status == JobProgress.Status.FAILED
