from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from aiplus.governance.services import (
    remind_follow_ups,
    remind_missing_annual_reports,
    remind_unregistered_activities,
    remind_unregistered_committees,
)
from aiplus.governance.tasks import remind_follow_ups_task


class Command(BaseCommand):
    help = ("Remind committees and applicants of ethics follow-up reviews coming due, and committees overdue for "
            "registration, units of listed activities overdue for registration and committees overdue with their "
            "annual report (run daily).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--enqueue", action="store_true", help="run it in a background worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = remind_follow_ups_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        today = options["today"] or timezone.localdate()
        count = remind_follow_ups(today=today)
        self.stdout.write(f"{count} follow-up review(s) reminded")
        late = remind_unregistered_committees(today=today)
        self.stdout.write(f"{late} committee(s) overdue for registration told")
        activities = remind_unregistered_activities(today=today)
        self.stdout.write(f"{activities} listed activit(ies) overdue for registration told")
        reports = remind_missing_annual_reports(today=today)
        self.stdout.write(f"{reports} committee(s) overdue with their annual report told")
