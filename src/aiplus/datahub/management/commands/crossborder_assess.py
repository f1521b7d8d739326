from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from aiplus.core.calendar import add_working_days
from aiplus.core.management.json_input import read_json
from aiplus.datahub.crossborder import assess_payload
from aiplus.regulation.runtime import parameters


class Command(BaseCommand):
    help = ("Decide the cross-border transfer pathway for one transfer (a JSON object) or several (a JSON list); "
            "prints the decision(s) as JSON: pathway, reasons with citations, missing facts, deadlines.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="path to a JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = assess_payload(read_json(options["file"]), parameters(), calendar=add_working_days)
        except ValidationError as error:
            raise CommandError(f"invalid input: {error}") from error
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
