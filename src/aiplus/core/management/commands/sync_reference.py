from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from aiplus.core import reference
from aiplus.regulation.runtime import reload


class Command(BaseCommand):
    help = "Load reference jurisdictions and the departments of the active packs (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = reference.sync_jurisdictions()
        packset = reload()
        departments = reference.sync_departments(packset=packset)
        self.stdout.write(self.style.SUCCESS(
            f"jurisdictions changed: {changed}; packs: {', '.join(packset.packs)}; departments: {departments}"))
