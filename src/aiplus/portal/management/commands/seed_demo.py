from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from aiplus.portal import demo


class Command(BaseCommand):
    help = "Seed a deterministic demo (labelled as demo in the UI). Skips if demo data already exists."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.demo_exists():
            self.stdout.write("demo data already present; nothing to do")
            return
        result = demo.seed(options["seed"])
        self.stdout.write(self.style.SUCCESS(
            f"demo seeded: {result['organisations']} organisations, {result['users']} users "
            f"(password for every demo account: {result['password']})"))
        for what, n in result["created"].items():
            self.stdout.write(f"  {what}: {n}")
