"""Background tasks of the datahub.

The expiry reminders run every day by themselves: `notify_expiring_agreements_task` schedules its own next run
(the next day at `DAILY_RUN_AT`, local time) before it finishes, and `ensure_daily_schedule()` starts the chain
when the first agreement is granted (and from `manage.py notify_expiring_grants --schedule`). At most one run is
kept waiting in the queue; a duplicate (two approvals at the same moment) only sends nothing, because each
agreement is reminded once.
"""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

DAILY_RUN_AT = dt.time(8, 0)


def next_run_at(now: dt.datetime | None = None) -> dt.datetime:
    """The next DAILY_RUN_AT (local time) strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    candidate = now.replace(hour=DAILY_RUN_AT.hour, minute=DAILY_RUN_AT.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


def ensure_daily_schedule(now: dt.datetime | None = None) -> bool:
    """Queue the next daily run unless one is already waiting; True when a run was queued."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from aiplus.core import jobs

    waiting = DBTaskResult.objects.filter(task_path=notify_expiring_agreements_task.module_path,
                                          status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    return jobs.enqueue_at(notify_expiring_agreements_task, next_run_at(now))


@task()
def notify_expiring_agreements_task() -> int:
    """Remind grantees of agreements expiring within `datahub.access.expiry_notice_days`, then queue tomorrow's
    run."""
    from aiplus.datahub import services

    try:
        return services.notify_expiring_agreements(acting_user=None)
    finally:
        ensure_daily_schedule()


@task()
def import_catalogue_file(job_id: int, user_id: int, content: str, fmt: str = "jsonld",
                          provider_id: int | None = None) -> dict[str, object]:
    """A DCAT-AP file too big to import in the request (`aiplus.core.imports`): the job's result is the report."""
    from aiplus.core import imports
    from aiplus.datahub import services

    return imports.run_job(job_id, user_id, lambda user, progress: services.import_catalogue(
        acting_user=user, document=services.read_catalogue_file(imports.unpack(content), fmt), progress=progress,
        provider_id=provider_id))


HARVEST_INTERVALS = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}


@task()
def harvest_source_task(source_id: int) -> dict[str, object]:
    """Harvest a registered remote catalogue as the official who registered it (`services.harvest`: safe to rerun,
    an unchanged record is not written again), then queue the next run of a scheduled source."""
    from aiplus.core import jobs
    from aiplus.datahub import services
    from aiplus.datahub.models import HarvestSource

    source = HarvestSource.objects.select_related("registered_by").get(pk=source_id)
    try:
        return services.harvest(acting_user=source.registered_by, source_id=source_id)
    finally:
        if source.schedule in HARVEST_INTERVALS:
            jobs.enqueue_at(harvest_source_task, timezone.now() + HARVEST_INTERVALS[source.schedule], source_id)
