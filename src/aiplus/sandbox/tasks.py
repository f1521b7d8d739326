"""Background work of the sandbox: the daily check of periodic reports past their due day (safe to rerun: each
report is marked reported in the same transaction as its notifications)."""

from __future__ import annotations

from django.tasks import task


@task()
def check_sandbox_reports_task() -> int:
    """Tell the company and the officials of each sandbox report past its due day and not filed (enqueue daily,
    e.g. from cron: `manage.py check_sandbox_reports --enqueue`)."""
    from django.utils import timezone

    from aiplus.sandbox.services import report_overdue

    return report_overdue(today=timezone.localdate())
