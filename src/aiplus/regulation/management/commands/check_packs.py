from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aiplus.regulation.loader import validate_all


class Command(BaseCommand):
    help = "Validate every pack (schema, citations, effective periods); errors name the file and line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--root", type=Path, default=None, help="packs folder (default: AIPLUS_PACKS_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        root = options["root"] or settings.AIPLUS_PACKS_DIR
        errors = validate_all(Path(root))
        for error in errors:
            self.stderr.write(str(error))
        if errors:
            raise CommandError(f"{len(errors)} pack error(s)")
        self.stdout.write(self.style.SUCCESS(f"all packs under {root} are valid"))
