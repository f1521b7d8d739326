from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from aiplus.core import reference
from aiplus.regulation.runtime import reload


class Command(BaseCommand):
    help = ("Load reference jurisdictions, the departments of the active packs and what each installed app loads "
            "from them (an app's `reference.py` with `sync(packset=…)`; idempotent).")

    def handle(self, *args: Any, **options: Any) -> None:
        changed = reference.sync_jurisdictions()
        packset = reload()
        departments = reference.sync_departments(packset=packset)
        loaded = []
        for config in apps.get_app_configs():  # found by name, so the kernel imports no domain app
            if not config.name.startswith("aiplus.") or config.name == "aiplus.core" or \
                    importlib.util.find_spec(f"{config.name}.reference") is None:
                continue
            count = importlib.import_module(f"{config.name}.reference").sync(packset=packset)
            loaded.append(f"{config.label}: {count}")
        self.stdout.write(self.style.SUCCESS(
            f"jurisdictions changed: {changed}; packs: {', '.join(packset.packs)}; departments: {departments}"
            + "".join(f"; {item}" for item in loaded)))
