from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from aiplus.algorithms import labels
from aiplus.regulation.runtime import parameters

VALUES_KEY = "labelling.implicit_label_values"
KEY_ENV = "AIPLUS_AIGC_KEY"


class Command(BaseCommand):
    help = ("Read, write or verify the implicit AIGC label (GB 45438-2025 Annex E) of files; prints JSON, one object "
            "per file. The Label values come from the active packs (labelling.implicit_label_values). The seal key "
            f"is read from --key-file or ${KEY_ENV} (without one, ReservedCode1 is a plain SHA-256 seal).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["read", "write", "verify"])
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--label", help="write: the Label value (1 is, 2 possibly, 3 suspected AI-generated)")
        parser.add_argument("--producer", help="write: ContentProducer (name or code)")
        parser.add_argument("--produce-id", help="write: ProduceID; with several files, '-N' is appended per file")
        parser.add_argument("--propagator", default="", help="write: ContentPropagator (default: the producer)")
        parser.add_argument("--propagate-id", default="", help="write: PropagateID (default: the ProduceID)")
        parser.add_argument("--key-file", type=Path, help="the seal key (its bytes, trailing newline stripped)")
        parser.add_argument("--max-bytes", type=int, default=labels.Limits().max_bytes, help="refuse larger files")
        parser.add_argument("--fail", action="store_true", help="exit non-zero unless every file is valid")

    def handle(self, *args: Any, **options: Any) -> None:
        values = [str(v) for v in parameters().value(VALUES_KEY, dt.date.today())]
        limits = labels.Limits(max_bytes=options["max_bytes"])
        key = self._key(options)
        action, files = options["action"], options["files"]
        if action == "write" and not (options["label"] and options["producer"] and options["produce_id"]):
            raise CommandError("write needs --label, --producer and --produce-id")
        results: list[dict[str, Any]] = []
        for index, name in enumerate(files):
            try:
                if action == "read":
                    results.append(labels.read(name, values, limits).as_dict())
                elif action == "verify":
                    results.append(labels.verify(name, values, key=key, limits=limits).as_dict())
                else:
                    produce_id = options["produce_id"] + (f"-{index + 1}" if len(files) > 1 else "")
                    label = labels.ImplicitLabel.first_write(options["label"], options["producer"], produce_id)
                    if options["propagator"]:
                        label = label.with_propagation(options["propagator"], options["propagate_id"] or produce_id)
                    results.append(labels.write(name, label, values, key=key, limits=limits).as_dict())
            except labels.LabelError as exc:
                results.append({"path": name, "error": exc.reason.as_dict(), "message": exc.message})
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        if options["fail"] and any("error" in r or r.get("status", "valid") != "valid" for r in results):
            raise CommandError("not every file is valid")

    def _key(self, options: dict[str, Any]) -> bytes | None:
        if options["key_file"] is not None:
            try:
                return bytes(options["key_file"].read_bytes().rstrip(b"\r\n")) or None
            except OSError as exc:
                raise CommandError(f"the key file cannot be read: {exc}") from exc
        env = os.environ.get(KEY_ENV, "")
        return env.encode("utf-8") if env else None
