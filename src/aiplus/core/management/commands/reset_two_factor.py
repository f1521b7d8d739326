from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from aiplus.core import totp
from aiplus.core.models import User


class Command(BaseCommand):
    help = "Remove a user's TOTP authenticator (a lost phone); they set up a new one when they next sign in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if totp.reset(acting_user=None, user=user):
            self.stdout.write(f"two-factor authenticator of {user.username} removed")
        else:
            self.stdout.write(f"{user.username} has no two-factor authenticator")
