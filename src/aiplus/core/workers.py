"""Worker leases: a job survives the death of the worker that ran it.

Each `manage.py aiplus_worker` registers a WorkerHeartbeat row when it starts and renews it from a thread every
AIPLUS_WORKER_HEARTBEAT_SECONDS. django-tasks-db records on each task row the ids of the workers that claimed it
(`worker_ids`; the last one runs it now). A task still RUNNING whose worker has not been seen for
AIPLUS_WORKER_LEASE_SECONDS (or that has no heartbeat row at all and started longer ago than that) was lost with its
worker: killed, out of memory, its machine gone. Every worker looks for such tasks when it starts and at each
heartbeat, and

- queues it again (READY) while it has been started fewer than AIPLUS_JOB_MAX_ATTEMPTS times (one start per entry
  of `worker_ids`); its JobProgress goes back to "queued" with the step `worker_lost_requeued`;
- otherwise marks it FAILED (exception `WorkerLost`) and its JobProgress FAILED with the step `worker_lost`, and
  calls the handler its app registered with `jobs.when_lost`, so that the record the job worked on does not stay
  "in progress" forever.

Each recovery is one conditional UPDATE (the row is still RUNNING with the `started_at` that was read), so of two
workers that find the same lost task only one recovers it, and only that one writes the audit event
(`core.job.recovered` or `core.job.lost`). A recovered job runs again from its start: tasks must be safe to rerun.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from aiplus.core import audit, jobs
from aiplus.core.models import JobProgress, WorkerHeartbeat

logger = logging.getLogger("aiplus.workers")

TASK_OBJECT_TYPE = "django_tasks_database.dbtaskresult"


class WorkerLost(Exception):
    """Stored as the failure of a task whose worker was lost (its lease ran out) on the task's last attempt."""


@dataclass(frozen=True)
class Recovery:
    task_id: str
    task_path: str
    worker_id: str
    attempts: int
    requeued: bool
    job_id: int | None


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.AIPLUS_WORKER_LEASE_SECONDS)


def register(worker_id: str, *, queues: list[str]) -> WorkerHeartbeat:
    """Record a starting worker (after `recover_lost_tasks(restarted=worker_id)`)."""
    now = timezone.now()
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={
        "host": socket.gethostname()[:255], "pid": os.getpid(), "queues": ",".join(queues)[:200],
        "started_at": now, "last_seen": now})
    return heartbeat


def beat(worker_id: str) -> bool:
    """Renew a worker's lease. False when its row is gone: another worker found it silent past its lease and
    recovered its tasks, so it must stop (the supervisor starts a fresh one)."""
    return WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=timezone.now()) == 1


def retire(worker_id: str) -> None:
    """A worker that stops cleanly (its tasks finished) removes its row."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def lost_tasks(*, now: dt.datetime, restarted: str = "") -> list[DBTaskResult]:
    """The RUNNING tasks whose worker is gone: silent past its lease, or without a heartbeat row and started longer
    ago than the lease (a worker that stopped without retiring, or one that never kept a lease)."""
    cutoff = now - lease()
    seen = dict(WorkerHeartbeat.objects.values_list("worker_id", "last_seen"))
    lost = []
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at"):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        last_seen = seen.get(worker)
        if (restarted and worker == restarted) or (last_seen is not None and last_seen < cutoff) or (
                last_seen is None and (row.started_at is None or row.started_at < cutoff)):
            lost.append(row)
    return lost


def recover_lost_tasks(*, now: dt.datetime | None = None, restarted: str = "") -> list[Recovery]:
    """Recover every lost task (see the module's docstring), then forget the heartbeats of workers silent past their
    lease (one that was only slow finds its row gone at its next beat and stops). A starting worker names itself as
    `restarted`: tasks still RUNNING under its id are from an earlier process that used the same `--worker-id`."""
    now = now or timezone.now()
    recovered = [done for row in lost_tasks(now=now, restarted=restarted) if (done := recover(row, now=now))]
    WorkerHeartbeat.objects.filter(last_seen__lt=now - lease()).delete()
    for done in recovered:
        logger.warning("Task %s (%s) was lost with worker %s after %d start(s): %s.", done.task_id, done.task_path,
                       done.worker_id, done.attempts, "queued again" if done.requeued else "failed (worker_lost)")
    return recovered


@transaction.atomic
def recover(row: DBTaskResult, *, now: dt.datetime) -> Recovery | None:
    """Queue one lost task again, or fail it when its attempts are used up; None when another worker was first."""
    attempts, limit = len(row.worker_ids), settings.AIPLUS_JOB_MAX_ATTEMPTS
    worker = row.worker_ids[-1] if row.worker_ids else ""
    requeue = attempts < limit
    changes: dict[str, Any] = {"status": TaskResultStatus.READY}
    if not requeue:
        changes = {"status": TaskResultStatus.FAILED, "finished_at": now, "return_value": None,
                   "exception_class_path": f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                   "traceback": f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: worker_lost: worker {worker} "
                                f"stopped renewing its lease; the task was started {attempts} time(s) of at most "
                                f"{limit}\n"}
    # The claim: only the worker whose UPDATE finds the row as it read it recovers the task.
    claimed = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING,
                                          started_at=row.started_at).update(**changes)
    if not claimed:
        return None
    job = JobProgress.objects.filter(task_id=str(row.pk)).first()
    if job is not None and job.status in {JobProgress.Status.QUEUED, JobProgress.Status.RUNNING}:
        JobProgress.objects.filter(pk=job.pk).update(
            status=JobProgress.Status.QUEUED if requeue else JobProgress.Status.FAILED,
            message="worker_lost_requeued" if requeue else "worker_lost",
            message_params={"attempts": attempts, "max_attempts": limit}, updated_at=now)
    if not requeue:
        _give_up(row)
    after = {"task": row.task_path, "task_id": str(row.pk), "worker": worker, "attempts": attempts,
             "max_attempts": limit, "outcome": "requeued" if requeue else "failed"}
    action = "core.job.recovered" if requeue else "core.job.lost"
    if job is not None:
        audit.record(actor=None, action=action, instance=job, after=after)
    else:
        audit.record(actor=None, action=action, object_type=TASK_OBJECT_TYPE, object_id=str(row.pk),
                     object_repr=row.task_path.rsplit(".", 1)[-1], after=after)
    return Recovery(task_id=str(row.pk), task_path=row.task_path, worker_id=worker, attempts=attempts,
                    requeued=requeue, job_id=job.pk if job is not None else None)


def _give_up(row: DBTaskResult) -> None:
    """Call the task's `jobs.when_lost` handler (importing the task's module registers it). A handler that fails is
    logged and rolled back alone: the task stays failed."""
    try:
        import_string(row.task_path)
    except ImportError:
        return
    handler = jobs.LOST_HANDLERS.get(row.task_path)
    if handler is None:
        return
    arguments = row.args_kwargs or {}
    try:
        with transaction.atomic():
            handler(*arguments.get("args", []), **arguments.get("kwargs", {}))
    except Exception:
        logger.exception("The lost-worker handler of %s failed for task %s", row.task_path, row.pk)
