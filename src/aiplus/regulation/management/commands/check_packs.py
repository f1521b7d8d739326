from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import aiplus
from aiplus.regulation import usage
from aiplus.regulation.loader import load_packs, validate_all


class Command(BaseCommand):
    help = ("Validate every pack (schema, citations, effective periods); errors name the file and line. With --unused, "
            "also list the parameters of the active packs that no code reads.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--root", type=Path, default=None, help="packs folder (default: AIPLUS_PACKS_DIR)")
        parser.add_argument("--unused", action="store_true",
                            help="report every parameter key of the active packs (AIPLUS_PACKS) that no code under "
                                 "src/aiplus reads, grouped by prefix (a report: the exit code stays 0)")

    def handle(self, *args: Any, **options: Any) -> None:
        root = options["root"] or settings.AIPLUS_PACKS_DIR
        errors = validate_all(Path(root))
        for error in errors:
            self.stderr.write(str(error))
        if errors:
            raise CommandError(f"{len(errors)} pack error(s)")
        self.stdout.write(self.style.SUCCESS(f"all packs under {root} are valid"))
        if options["unused"]:
            self._unused(Path(root))

    def _unused(self, root: Path) -> None:
        packset = load_packs(root, settings.AIPLUS_PACKS)
        keys = set(packset.parameters.keys())
        source = Path(aiplus.__file__).resolve().parent
        unread = usage.unread(keys, usage.scan_reads(source))
        self.stdout.write(
            f"parameters no code reads: {len(unread)} of {len(keys)} (active packs: {', '.join(packset.packs)}; "
            f"scanned the Python and YAML under {source.parent.name}/{source.name}, tests and migrations left out)"
        )
        for prefix, group in usage.by_prefix(unread).items():
            self.stdout.write(f"{prefix}: {len(group)}")
            for key in group:
                self.stdout.write(f"  {key}  [{packset.parameter_info(key).pack}]")
