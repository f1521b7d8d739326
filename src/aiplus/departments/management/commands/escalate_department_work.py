from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from aiplus.departments.services import apply_due_handovers, escalate_overdue


class Command(BaseCommand):
    help = ("Apply the handovers scheduled for today or earlier, then tell department heads of their queue's work "
            "past its due date, once per item (run daily).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="as if it were this day (ISO 8601)")

    def handle(self, *args: Any, **options: Any) -> None:
        moved = apply_due_handovers(today=options["today"])
        self.stdout.write(f"{moved} scheduled handover(s) applied")
        count = escalate_overdue(today=options["today"])
        self.stdout.write(f"{count} overdue work item(s) escalated")
