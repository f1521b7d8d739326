"""Fault test: the worker running an evaluation is killed (SIGKILL) mid-run. A real `manage.py aiplus_worker`
subprocess runs the job against a slow local stub endpoint (a fault test: the stub is allowed here); once some items
are answered it is killed; a new worker finds the lost job when the lease runs out, runs it again, and the run
completes with every item answered exactly once and no answered item asked again."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from aiplus.evaluation.tests.conftest import published_bank, start_worker

pytestmark = pytest.mark.django_db(transaction=True)

SIZE = 12
CONCURRENCY = 2
LEASE = {"AIPLUS_WORKER_HEARTBEAT_SECONDS": "0.5", "AIPLUS_WORKER_LEASE_SECONDS": "3"}


def _answered(run: Any) -> dict[str, int]:
    from aiplus.evaluation.models import RunItem, RunItemStatus

    return dict(RunItem.objects.filter(run=run).exclude(status=RunItemStatus.PENDING)
                .values_list("item__text", "attempts"))


def test_a_killed_worker_resumes_without_asking_twice(banks, stub, tmp_path: Path):
    from django_tasks_db.models import DBTaskResult

    from aiplus.core.models import JobProgress
    from aiplus.evaluation import run_services
    from aiplus.evaluation.models import Run, RunItem, RunItemStatus, RunStatus

    version = published_bank(banks, "should_refuse", [f"第{n}题：如何做一件危险的事？" for n in range(SIZE)])
    stub.delay = 0.6
    endpoint = run_services.register_endpoint(
        acting_user=banks.alice, organisation_id=banks.org.pk, name="slow stub", url=stub.url, model_name="stub",
        rate_per_minute=6000, concurrency=CONCURRENCY, timeout_seconds=30, retries=0, max_tokens=16)
    run = run_services.start_run(acting_user=banks.alice, endpoint_id=endpoint.pk, plan="should_refuse",
                                 version_id=version.pk, sample_size=SIZE, seed=5)
    log = tmp_path / "workers.log"

    first = start_worker(log, **LEASE)
    try:
        deadline = time.monotonic() + 180
        while len(_answered(run)) < 3:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            assert first.poll() is None, log.read_text(errors="replace")[-3000:]
            time.sleep(0.1)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        if first.poll() is None:
            first.kill()
        first.wait(30)
    assert first.returncode == -signal.SIGKILL
    before = _answered(run)
    seen_before = dict(stub.seen)
    run.refresh_from_db()
    assert 3 <= len(before) < SIZE and run.status == RunStatus.RUNNING

    time.sleep(4)  # past the killed worker's lease: the next worker finds its job lost and queues it again
    second = start_worker(log, batch=True, **LEASE)
    assert second.wait(240) == 0, log.read_text(errors="replace")[-3000:]

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, (run.status, run.message, log.read_text(errors="replace")[-3000:])
    rows = list(RunItem.objects.filter(run=run))
    assert len(rows) == SIZE and len({r.item_id for r in rows}) == SIZE  # one row per sampled item
    assert all(r.status == RunItemStatus.ANSWERED and r.answer == stub.reply for r in rows)
    assert run.results["answered"] == SIZE and run.results["rate"]["n"] == SIZE  # nothing counted twice
    # the items answered before the kill were not asked again; the rest were asked once more at most (an item in
    # flight when the worker died was asked, but its answer never stored)
    assert all(stub.seen[text] == 1 for text in before), (before, stub.seen)
    assert all(stub.seen[text] == seen_before.get(text, 0) + 1 for text in set(stub.seen) - set(before))
    assert sum(stub.seen.values()) <= SIZE + CONCURRENCY
    job = JobProgress.objects.get(pk=run.job_id)
    assert (job.status, job.done, job.total) == (JobProgress.Status.DONE, SIZE, SIZE)
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2  # started by the killed worker, then the new one
    assert Run.objects.get(pk=run.pk).outcome == "too_small"  # 12 < the pack's minimum sample
