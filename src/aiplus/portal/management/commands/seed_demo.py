from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from aiplus.portal import demo


class Command(BaseCommand):
    help = ("Seed a deterministic demo (labelled as demo in the UI). Skips if demo data already exists. Prints the "
            "superuser admin's random password once.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.demo_exists():
            self.stdout.write("demo data already present; nothing to do")
            return
        result = demo.seed(options["seed"])
        self.stdout.write(self.style.SUCCESS(
            f"demo seeded: {result['organisations']} organisations, {result['users']} users "
            f"(password of every demo account except admin: {result['password']})"))
        for what, n in result["created"].items():
            self.stdout.write(f"  {what}: {n}")
        # The superuser's password is random, shown here once and stored only as a hash: note it now, or set another
        # with `manage.py changepassword admin`.
        self.stdout.write(self.style.WARNING(
            f"superuser admin, password (shown only this once): {result['admin_password']}"))
