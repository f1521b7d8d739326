"""Background work of ethics review: the daily reminder of follow-up reviews coming due (safe to rerun: each
follow-up is marked reminded in the same transaction as its notifications)."""

from __future__ import annotations

from django.tasks import task


@task()
def remind_follow_ups_task() -> int:
    """Remind the committee's members and the applicant of follow-up reviews due within the pack's reminder days
    (enqueue daily, e.g. from cron: `manage.py remind_ethics_follow_ups --enqueue`)."""
    from django.utils import timezone

    from aiplus.governance.services import remind_follow_ups

    return remind_follow_ups(today=timezone.localdate())
