from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from aiplus.governance.risk_services import mark_due_reassessments, report_overdue_rectifications
from aiplus.governance.tasks import check_risk_supervision_task


class Command(BaseCommand):
    help = ("Mark AI applications due for their scheduled re-assessment (the interval of their tier, a platform "
            "setting) and tell their organisations; report rectification orders past their deadline as "
            "platform-signal incidents (run daily; safe to rerun).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="as if it were this day")
        parser.add_argument("--enqueue", action="store_true", help="run it in a background worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = check_risk_supervision_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        due = mark_due_reassessments(today=options["today"])
        overdue = report_overdue_rectifications(today=options["today"])
        self.stdout.write(f"{due} application(s) due for re-assessment, {overdue} overdue rectification(s) reported")
