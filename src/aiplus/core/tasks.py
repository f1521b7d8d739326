"""Background tasks of the kernel."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.tasks import task

from aiplus.core import jobs


@task()
def platform_self_check(job_id: int) -> dict[str, Any]:
    """Validate the packs and count the records of every domain model, step by step with progress."""
    from aiplus.regulation.runtime import reload

    models = [m for m in apps.get_models() if m._meta.app_label in {"core"}]
    jobs.begin(job_id, total=len(models) + 1, message="checking_packs")
    packset = reload()
    counts: dict[str, int] = {"packs": len(packset.packs), "parameters": len(packset.parameters.keys())}
    jobs.advance(job_id, done=1, message="checking_packs")
    for index, model in enumerate(models, start=2):
        counts[model._meta.label_lower] = model._default_manager.count()
        jobs.advance(job_id, done=index, message="counting", params={"model": model._meta.label_lower})
    jobs.finish(job_id, result=counts)
    return counts


@task()
def count_execution(job_id: int, seconds: float = 0.05) -> int:
    """A job that only records that it ran: used to prove that each job runs exactly once."""
    jobs.begin(job_id, total=1)
    time.sleep(seconds)
    jobs.advance(job_id, done=1)
    jobs.finish(job_id)
    return job_id


@task()
def wait_for_file(job_id: int, path: str, timeout: float = 120) -> int:
    """A job that waits until `path` exists: the crash tests kill its worker while it waits (test_leases.py)."""
    jobs.begin(job_id, total=1)
    deadline = time.monotonic() + timeout
    while not Path(path).exists():
        if time.monotonic() > deadline:
            jobs.finish(job_id, failed=True, message=f"{path} did not appear within {timeout} s")
            raise TimeoutError(path)
        time.sleep(0.05)
    jobs.finish(job_id, result={"path": path})
    return job_id


@task()
def check_deadlines_task() -> int:
    """Report overdue workflow timers (enqueue daily, e.g. from cron: `manage.py check_deadlines --enqueue`)."""
    from django.utils import timezone

    from aiplus.core.deadlines import report_overdue_timers

    return report_overdue_timers(today=timezone.localdate())
