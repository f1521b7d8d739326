"""Background work of ethics review: the daily reminder of follow-up reviews coming due (safe to rerun: each
follow-up is marked reminded in the same transaction as its notifications)."""

from __future__ import annotations

from django.tasks import task


@task()
def remind_follow_ups_task() -> int:
    """Remind the committee's members and the applicant of follow-up reviews due within the pack's reminder days,
    tell once of committees still unregistered after the registration period, of approved listed activities
    still unregistered after theirs and of committees whose annual report is overdue (enqueue daily, e.g. from cron:
    `manage.py remind_ethics_follow_ups --enqueue`)."""
    from django.utils import timezone

    from aiplus.governance.services import (
        remind_follow_ups,
        remind_missing_annual_reports,
        remind_unregistered_activities,
        remind_unregistered_committees,
    )

    today = timezone.localdate()
    return (remind_follow_ups(today=today) + remind_unregistered_committees(today=today)
            + remind_unregistered_activities(today=today) + remind_missing_annual_reports(today=today))


@task()
def check_incident_clocks_task() -> int:
    """Tell the people concerned of each incident clock that ran out while still running (enqueue every few
    minutes, e.g. from cron: `manage.py check_incident_clocks --enqueue`; the reporting clocks run in hours)."""
    from aiplus.governance.incident_services import report_overdue_clocks

    return report_overdue_clocks()


@task()
def check_risk_supervision_task() -> dict[str, int]:
    """Mark AI applications due for their scheduled re-assessment and report overdue rectification orders as
    platform-signal incidents (enqueue daily: `manage.py check_risk_supervision --enqueue`; safe to rerun)."""
    from aiplus.governance.risk_services import mark_due_reassessments, report_overdue_rectifications

    return {"due": mark_due_reassessments(), "overdue": report_overdue_rectifications()}
