"""Long jobs: a JobProgress row the job updates as it goes, and the UI draws as a progress bar.

Jobs run in `manage.py aiplus_worker` processes (django.tasks with the django-tasks-db backend). The backend claims
each task row under a lock (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, an exclusive transaction on SQLite),
so two workers on the same queue never run the same job; `executions` counts starts so a test can prove it.

A job whose worker dies mid-way is run again from its start by another worker once the dead one's lease has run out
(aiplus.core.workers), so a task must be safe to rerun after a partial run: check at its start whether an earlier
attempt already finished the work. When the attempts are used up, the handler registered with `when_lost` marks the
record the job worked on as failed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F

from aiplus.core import audit, formatting
from aiplus.core.models import JobProgress, User
from aiplus.core.models.jobs import RESULT_LABELS

Handler = TypeVar("Handler", bound=Callable[..., None])

# task module path → what to do when that task is given up because its workers were lost (see `when_lost`)
LOST_HANDLERS: dict[str, Callable[..., None]] = {}


def when_lost(task: Any) -> Callable[[Handler], Handler]:
    """Register the handler to call when `task` is given up because the worker running it was lost on its last
    attempt (aiplus.core.workers). It receives the task's arguments and runs inside the recovery's transaction; it
    should move the record the job worked on out of its "in progress" state through that record's service."""

    def register(handler: Handler) -> Handler:
        LOST_HANDLERS[task.module_path] = handler
        return handler

    return register


def enqueue_at(task: Any, when: Any, *args: Any, **kwargs: Any) -> bool:
    """Queue `task` to run no earlier than `when` (an aware datetime); False, queueing nothing, when the task's
    backend cannot hold a task until a time (the immediate backend of a synchronous set-up or the test suite runs
    tasks at once and refuses `run_after`). Every deferred task has a periodic management command beside it, which is
    the only check there, so a write that schedules a later check never fails for want of a deferring backend."""
    if not task.get_backend().supports_defer:
        return False
    task.using(run_after=when).enqueue(*args, **kwargs)
    return True


@transaction.atomic
def start_job(*, acting_user: User, name: str, task: Any, total: int = 0, **task_kwargs: Any) -> JobProgress:
    """Record a job and enqueue its task once the transaction commits (a rolled-back start queues nothing)."""
    job = JobProgress.objects.create(name=name, owner=acting_user if getattr(acting_user, "pk", None) else None,
                                     total=total)
    audit.record(actor=acting_user, action="core.job.started", instance=job, after={"name": name})

    def enqueue() -> None:
        result = task.enqueue(job_id=job.pk, **task_kwargs)
        JobProgress.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


# `message` is a step code of aiplus.core.models.jobs.PROGRESS_STEPS (with its `params`), rendered in the reader's
# language at display time; only an error's own text is stored as it is.


def begin(job_id: int, *, total: int | None = None, message: str = "", params: dict[str, Any] | None = None) -> None:
    # A job run again after its worker was lost starts counting from zero.
    updates: dict[str, Any] = {"status": JobProgress.Status.RUNNING, "executions": F("executions") + 1, "done": 0,
                               "message": message, "message_params": params or {}}
    if total is not None:
        updates["total"] = total
    JobProgress.objects.filter(pk=job_id).update(**updates)


def advance(job_id: int, *, done: int, message: str = "", params: dict[str, Any] | None = None) -> None:
    JobProgress.objects.filter(pk=job_id).update(done=done, message=message[:300], message_params=params or {})


def finish(job_id: int, *, result: Any = None, failed: bool = False, message: str = "",
           params: dict[str, Any] | None = None) -> None:
    status = JobProgress.Status.FAILED if failed else JobProgress.Status.DONE
    JobProgress.objects.filter(pk=job_id).update(status=status, result=result, message=message[:300],
                                                 message_params=params or {})


def settled_earlier(job_id: int, key: str, record: Any, *, running: str, failure: str) -> dict[str, Any] | None:
    """The start of a rerun task (see the module's note) on `record`, a row whose `status` is one of its model's
    `Status` (FAILED among them): None while it still says `running`; otherwise an earlier attempt stored the
    outcome and its worker was lost, so the job finishes with what the record says (`failure` its message when it
    failed) and the task returns `{key: record.pk, "status": record.status}`."""
    if record.status == running:
        return None
    summary = {key: record.pk, "status": record.status}
    failed = record.status == type(record).Status.FAILED
    finish(job_id, failed=failed, message=failure if failed else "stored", result=dict(summary))
    return summary


def result_lines(job: JobProgress) -> list[tuple[str, str]]:
    """A finished job's result as a person reads it: (label, formatted value) for every key `RESULT_LABELS` names
    (money, percentages and figures through the one formatter); nested structures and internal ids are left out (the
    record's own page shows them)."""

    result = job.result if isinstance(job.result, dict) else {}
    lines: list[tuple[str, str]] = []
    for key, value in result.items():
        if key not in RESULT_LABELS or isinstance(value, dict | list):
            continue
        if key.endswith("_cny"):
            text = formatting.money(value)
        elif key.endswith("_pct"):
            text = formatting.percent(value, ratio=False)
        elif formatting.is_number(value):
            text = formatting.figure(value)
        else:
            text = formatting.text(value)
        lines.append((str(RESULT_LABELS[key]), text))
    return lines


def shown_to(user: Any, job: JobProgress | None) -> JobProgress | None:
    """A record's job as its page shows it: only to the user who started it (others see the record, not the run)."""
    return job if job is not None and job.owner_id == getattr(user, "pk", None) else None
