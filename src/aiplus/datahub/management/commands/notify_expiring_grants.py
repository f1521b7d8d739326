from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Notify grantees of conditional-data agreements expiring within datahub.access.expiry_notice_days. "
            "Normally this runs by itself every day in a background worker; --schedule (re)starts that daily run.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--schedule", action="store_true",
                            help="queue the daily background run (if none is waiting) instead of running now")

    def handle(self, *args: Any, **options: Any) -> None:
        from aiplus.datahub import services, tasks

        if options["schedule"]:
            queued = tasks.ensure_daily_schedule()
            self.stdout.write(f"daily run queued for {tasks.next_run_at():%Y-%m-%d %H:%M}" if queued
                              else "a daily run is already queued")
            return
        today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        count = services.notify_expiring_agreements(acting_user=None, today=today)
        self.stdout.write(f"{count} grantees notified")
