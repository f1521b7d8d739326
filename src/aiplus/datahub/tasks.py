"""Background tasks of the datahub."""

from __future__ import annotations

from django.tasks import task


@task()
def notify_expiring_agreements_task() -> int:
    """Remind grantees of agreements expiring within `datahub.access.expiry_notice_days` (enqueue daily)."""
    from aiplus.datahub import services

    return services.notify_expiring_agreements(acting_user=None)
