from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aiplus.core.errors import ServiceError


class Command(BaseCommand):
    help = ("Import a DCAT-AP 3 catalogue (JSON-LD with any known context, Turtle or RDF/XML; as written by "
            "dcat_export, /data/catalogue.jsonld or another portal): datasets, distributions and data services are "
            "created or updated by identifier, in short batches, audited as the user given by --user. Nothing is "
            "written when any entry is invalid; an entry equal to what is stored is left as it is; what the "
            "platform does not model is kept in the record's source graph and listed.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="path to a JSON-LD, Turtle or RDF/XML file, or - for standard input")
        parser.add_argument("--format", choices=["jsonld", "ttl", "rdf"], default="",
                            help="the file's format (default: from its name or content)")
        parser.add_argument("--provider", type=int, default=None,
                            help="id of the organisation that records of publishers unknown here are registered for")
        parser.add_argument("--user", required=True, help="the acting user (username); needs the right to publish "
                                                          "for every publisher in the file")

    def handle(self, *args: Any, **options: Any) -> None:
        from aiplus.datahub import services

        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user: no user named {options['user']!r}")
        name = options["file"]
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {name}: {error}") from error
        try:
            report = services.import_catalogue(
                acting_user=user, provider_id=options["provider"],
                document=services.read_catalogue_file(data, options["format"], "" if name == "-" else name))
        except ServiceError as error:
            raise CommandError(f"{error.field or '(document)'}: {error.message}") from error
        self.stdout.write(f"imported {report.counts.get('datasets', 0)} datasets, "
                          f"{report.counts.get('services', 0)} data services ({report.created} created, "
                          f"{report.updated} updated, {report.unchanged} unchanged)")
        for row, note in report.notes:
            self.stdout.write(f"  {row}: {note}")
