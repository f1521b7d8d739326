"""The JSON a management command is given: a file's, or standard input's for "-"."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError


def read_json(source: str) -> Any:
    """The JSON value in the file `source` (standard input for "-"); a CommandError naming the source when it
    cannot be read or is not JSON."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, json.JSONDecodeError) as error:
        raise CommandError(f"cannot read {source}: {error}") from error
    except RecursionError:
        raise CommandError(f"cannot read {source}: nested too deeply") from None
