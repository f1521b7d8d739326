from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation


class Command(BaseCommand):
    help = ("Validate a DCAT-AP 3 document (JSON-LD, Turtle or RDF/XML) or the catalogue's own export (--export, "
            "in each of the three formats) against the SEMIC SHACL shapes (shapes.ttl and range.ttl, from "
            "AIPLUS_DCAT_AP_DIR). Each violation is printed with its record and field, in Chinese by default "
            "(--language en for English). Exits with an error when any violation is found.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="the document to validate")
        parser.add_argument("--export", action="store_true", help="validate the public catalogue's export instead")
        parser.add_argument("--format", choices=["jsonld", "ttl", "rdf"],
                            help="the file's format (default: from its extension or its content)")
        parser.add_argument("--language", default="zh-hans", help="language of the report (zh-hans, en)")

    def handle(self, *args: Any, **options: Any) -> None:
        from aiplus.core.errors import ServiceError
        from aiplus.datahub import dcat_rdf, selectors, shacl

        if bool(options.get("file")) == bool(options["export"]):
            raise CommandError("give either FILE or --export")
        with translation.override(options["language"]):
            try:
                if options["export"]:
                    document = selectors.catalogue_document(AnonymousUser())
                    graphs = {f"export.{fmt.extension}": dcat_rdf.reparse(dcat_rdf.render(document, fmt), fmt)
                              for fmt in dcat_rdf.FORMATS.values()}
                else:
                    path = Path(options["file"])
                    if not path.is_file():
                        raise CommandError(f"{path}: no such file")
                    data = path.read_bytes()
                    graphs = {path.name: dcat_rdf.parse(data, options.get("format") or dcat_rdf.guess(path.name, data))}
                reports = {name: shacl.validate(graph) for name, graph in graphs.items()}
            except ServiceError as error:
                raise CommandError(f"{error.field or '(document)'}: {error.message}") from error
            except FileNotFoundError as error:
                raise CommandError(str(error)) from error
            failed = False
            for name, report in reports.items():
                self.stdout.write(translation.gettext("%(name)s：按 SHACL 约束 %(shapes)s 校验，%(n)s 项违规。") % {
                    "name": name, "shapes": ", ".join(report.shapes),
                    "n": sum(v.severity == "Violation" for v in report.violations)})
                for line in report.lines():
                    self.stdout.write("  " + line)
                failed = failed or not report.conforms
            if failed:
                raise CommandError(translation.gettext("文档不符合 DCAT-AP 3 约束。"))
