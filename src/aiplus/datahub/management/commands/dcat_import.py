from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aiplus.core.errors import ServiceError
from aiplus.core.management.json_input import read_json


class Command(BaseCommand):
    help = ("Import a DCAT-AP 3 JSON-LD catalogue (as written by dcat_export or /data/catalogue.jsonld): datasets, "
            "distributions and data services are created or updated by identifier, in short batches, audited as "
            "the user given by --user. Nothing is written when any entry is invalid; an entry equal to what is "
            "stored is left as it is.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="path to a JSON-LD file, or - for standard input")
        parser.add_argument("--user", required=True, help="the acting user (username); needs the right to publish "
                                                          "for every publisher in the file")

    def handle(self, *args: Any, **options: Any) -> None:
        from aiplus.datahub import services

        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user: no user named {options['user']!r}")
        document = read_json(options["file"])
        try:
            report = services.import_catalogue(acting_user=user, document=document)
        except ServiceError as error:
            raise CommandError(f"{error.field or '(document)'}: {error.message}") from error
        self.stdout.write(f"imported {report.counts.get('datasets', 0)} datasets, "
                          f"{report.counts.get('services', 0)} data services ({report.created} created, "
                          f"{report.updated} updated, {report.unchanged} unchanged)")
