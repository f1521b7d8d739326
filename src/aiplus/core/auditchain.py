"""The audit log's hash chain: the canonical form of one event and its SHA-256.

Every audit event stores `prev_hash` (the `hash` of the event before it in `sequence` order, or `GENESIS` for the
first) and `hash` = SHA-256 of `canonical(event)`. Changing, removing or reordering an event breaks the chain at that
point, which `manage.py verify_audit` finds. No Django import: the migration that chains the rows written before
the chain existed (core 0008) and the verifier use exactly this code, so the format must never change in place; a
new format gets a new `FORMAT_VERSION` and a migration.

The canonical form is JSON with sorted keys, no whitespace and ASCII escapes, with two rules that make it survive
a round trip through either database:
- a number is written as its decimal digits without trailing zeros and a power of ten (1.5 as `15E-1`, 100 as
  `1E2`), so 1, 1.0 and 100E-2 hash alike: PostgreSQL's jsonb returns 1e20 as the integer 100000000000000000000
  and keeps `1.0` as written, SQLite returns what was stored, and both must verify;
- a timestamp is ISO 8601 in UTC with microseconds (both databases keep microseconds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

FORMAT_VERSION = 1
GENESIS = "0" * 64

# Every column of an event except its database id (allocated by the insert, after the hash is computed; `sequence`
# is the event's place in the chain) and `hash` itself.
CHAINED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "jurisdiction_id",
    "organisation_id",
    "before",
    "after",
    "request_id",
    "message",
    "prev_hash",
)


def _number(value: Decimal) -> str:
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity: JSON has no such number and jsonb refuses them
        raise ValueError(f"audit events cannot hold the number {value}")
    figures = list(digits)
    while len(figures) > 1 and figures[-1] == 0:
        figures.pop()
        exponent += 1
    if figures == [0]:
        return "0"
    mantissa = ("-" if sign else "") + "".join(str(d) for d in figures)
    return f"{mantissa}E{exponent}" if exponent else mantissa


def _encode(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return _number(Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"audit events cannot hold the number {value}")
        return _number(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return json.dumps(moment.astimezone(dt.UTC).isoformat(timespec="microseconds"))
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    if isinstance(value, Mapping):
        items = sorted((str(key), item) for key, item in value.items())
        return "{" + ",".join(json.dumps(key) + ":" + _encode(item) for key, item in items) + "}"
    raise TypeError(f"audit events cannot hold a {type(value).__name__}")


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The bytes hashed for an event with these field values (`CHAINED_FIELDS`, by attribute name)."""
    payload = {"v": FORMAT_VERSION, **{name: fields[name] for name in CHAINED_FIELDS}}
    return _encode(payload).encode("ascii")


def event_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def rechain(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Chain rows given in their order (the migration passes the existing events in id order): each gets
    `sequence` 1, 2, …, `prev_hash` and `hash`, and is yielded (updated in place)."""
    previous = GENESIS
    for number, row in enumerate(rows, start=1):
        row["sequence"] = number
        row["prev_hash"] = previous
        row["hash"] = previous = event_hash(row)
        yield row
