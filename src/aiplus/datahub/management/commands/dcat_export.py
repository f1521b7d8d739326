from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Write the data catalogue (datasets, distributions, data services) as DCAT-AP 3 (JSON-LD by default, or "
            "--format ttl / rdf for Turtle / RDF/XML): what the user given by --user may see (default: the public "
            "catalogue).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", help="export as this user (username); default: anonymous, published only")
        parser.add_argument("--output", "-o", default="-", help="file to write, or - for standard output")
        parser.add_argument("--format", choices=["jsonld", "ttl", "rdf"], default="jsonld",
                            help="jsonld (default), ttl (Turtle) or rdf (RDF/XML)")

    def handle(self, *args: Any, **options: Any) -> None:
        from aiplus.datahub import dcat_rdf, selectors

        user: Any = AnonymousUser()
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user named {options['user']!r}")
        text = dcat_rdf.render(selectors.catalogue_document(user), dcat_rdf.FORMATS[options["format"]])
        if options["output"] == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {options['output']}")
