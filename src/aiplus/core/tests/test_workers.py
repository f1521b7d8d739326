"""Two real `aiplus_worker` processes on the same queue execute each job exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from aiplus.core import jobs
from aiplus.core.models import JobProgress
from aiplus.core.tasks import count_execution

PROJECT = Path(__file__).resolve().parents[4]


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_two_workers_execute_each_job_once(reference):
    job_ids = [jobs.start_job(acting_user=None, name=f"job {i}", task=count_execution).pk for i in range(24)]
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "aiplus.settings",
           "PYTHONPATH": str(PROJECT / "src")}
    command = [sys.executable, str(PROJECT / "manage.py"), "aiplus_worker", "--batch", "--interval", "0.05",
               "--no-reload"]
    workers = [subprocess.Popen(command, env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for _ in range(2)]
    outputs = [worker.communicate(timeout=240)[0].decode(errors="replace") for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outputs

    rows = {job.pk: job for job in JobProgress.objects.filter(pk__in=job_ids)}
    assert all(rows[pk].status == JobProgress.Status.DONE for pk in job_ids), outputs
    assert [rows[pk].executions for pk in job_ids] == [1] * len(job_ids)
    # Both workers took part (each prints the tasks it ran); with 24 jobs one worker alone is unlikely.
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() >= len(job_ids)
