from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from aiplus.core.deadlines import report_overdue_timers
from aiplus.core.tasks import check_deadlines_task


class Command(BaseCommand):
    help = "Report workflow deadlines that have passed to the officials concerned (run daily)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--enqueue", action="store_true", help="run it in a background worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = check_deadlines_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        count = report_overdue_timers(today=options["today"] or timezone.localdate())
        self.stdout.write(f"{count} overdue timer(s) reported")
