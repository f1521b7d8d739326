from __future__ import annotations

import argparse
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from aiplus.core.audit import verify_chain


def _anchor(value: str) -> tuple[int, str]:
    match = re.fullmatch(r"#?(\d+):([0-9a-f]{64})", value.strip())
    if not match:
        raise argparse.ArgumentTypeError("expected SEQUENCE:HASH, as printed by an earlier run")
    return int(match.group(1)), match.group(2)


class Command(BaseCommand):
    help = ("Check the audit log's hash chain from its first event to its last and that the database triggers "
            "protecting it are in place. Prints OK with the count and the head, or names the first broken link; "
            "exits non-zero when anything is wrong.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--anchor", type=_anchor, default=None, metavar="SEQUENCE:HASH",
                            help="a head printed by an earlier run (kept outside the database): the log must still "
                                 "contain it, which shows events deleted from the end or a chain recomputed")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(using=options["database"], anchor=options["anchor"])
        problems = []
        if report.problem:
            problems.append(f"BROKEN: {report.problem} ({report.count} event(s) before it verified)")
        problems += [f"UNPROTECTED: {text}" for text in report.protections_missing]
        if problems:
            raise CommandError("\n".join(problems))
        head = f"; head #{report.head[0]}:{report.head[1]}" if report.head else ""
        self.stdout.write(f"OK: {report.count} audit event(s), the chain is intact{head}")
