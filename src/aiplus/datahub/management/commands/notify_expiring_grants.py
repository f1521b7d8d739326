from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Notify grantees of conditional-data agreements expiring within datahub.access.expiry_notice_days."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        from aiplus.datahub import services

        today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        count = services.notify_expiring_agreements(acting_user=None, today=today)
        self.stdout.write(f"{count} grantees notified")
