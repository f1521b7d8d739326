from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from aiplus.governance.incident_services import report_overdue_clocks
from aiplus.governance.tasks import check_incident_clocks_task


class Command(BaseCommand):
    help = "Report incident clocks (reporting, triage, response, summary report) that ran out (run every few minutes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", type=dt.datetime.fromisoformat, default=None,
                            help="as if it were this moment (ISO 8601; local time if no offset)")
        parser.add_argument("--enqueue", action="store_true", help="run it in a background worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = check_incident_clocks_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        now = options["now"]
        if now is not None and timezone.is_naive(now):
            now = timezone.make_aware(now)
        count = report_overdue_clocks(now=now or timezone.now())
        self.stdout.write(f"{count} overdue incident clock(s) reported")
