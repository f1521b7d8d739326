from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from aiplus.sandbox.services import report_overdue
from aiplus.sandbox.tasks import check_sandbox_reports_task


class Command(BaseCommand):
    help = "Report sandbox periodic reports past their due day and not filed, once each (run daily)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="as if it were this day (ISO 8601)")
        parser.add_argument("--enqueue", action="store_true", help="run it in a background worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = check_sandbox_reports_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        count = report_overdue(today=options["today"])
        self.stdout.write(f"{count} overdue sandbox report(s) reported")
