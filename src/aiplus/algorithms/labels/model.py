"""The implicit label of GB 45438-2025 Annex E as a value, its validation, and the engine's typed results.

Nothing here is translated: a result carries reason codes with their parameters, and the Django side renders them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

#: Annex E field order (the order they are written in).
FIELDS: tuple[str, ...] = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
#: Fields a label must fill. Tencent COS treats ContentProducer as optional while other implementations require it
#: (mechanisms.md §7, open inconsistency): requiring the three producer fields is the platform's reading.
REQUIRED: tuple[str, ...] = ("Label", "ContentProducer", "ProduceID")
#: The wrapper key, and the metadata field name or keyword every placement uses.
KEY = "AIGC"


def allowed_char(c: str) -> bool:
    """Annex E's character set: code points 0x21, 0x23-0x5B and 0x5D-0x7E (no space, no quote, no backslash)."""
    o = ord(c)
    return o == 0x21 or 0x23 <= o <= 0x5B or 0x5D <= o <= 0x7E


Params = Mapping[str, str | int | float]


@dataclass(frozen=True)
class Reason:
    """One finding: a stable code and the values a message needs (rendered in Chinese or English by the caller)."""

    code: str
    params: Mapping[str, str | int | float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


class LabelError(Exception):
    """A file the engine refuses: truncated, oversized, of an unknown format, or carrying a metadata bomb.

    `code` is stable: unreadable, empty, too_large, unsupported_format, corrupt, too_many_pixels,
    metadata_too_large, metadata_nesting, metadata_repeated, decompression_limit, timeout, tool_missing,
    invalid_label, invalid_explicit_text, label_values, write_failed. `params` carries the values behind it; the
    message is for logs only."""

    def __init__(self, code: str, message: str, **params: str | int | float) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.params: dict[str, str | int | float] = dict(params)

    @property
    def reason(self) -> Reason:
        return Reason(self.code, self.params)


@dataclass(frozen=True)
class Limits:
    """What the engine will read: the caller's caps against hostile files."""

    max_bytes: int = 512 * 1024 * 1024
    #: the longest AIGC value, XMP packet or front matter read (a metadata bomb stops here)
    max_metadata_bytes: int = 64 * 1024
    #: Pillow's decompression-bomb guard, applied before any pixel is decoded
    max_pixels: int = 64_000_000
    #: the longest ffmpeg/ffprobe run
    timeout_seconds: float = 60.0


@dataclass(frozen=True)
class ImplicitLabel:
    """The seven Annex E fields; every value is a string."""

    Label: str
    ContentProducer: str
    ProduceID: str
    ReservedCode1: str = ""
    ContentPropagator: str = ""
    PropagateID: str = ""
    ReservedCode2: str = ""

    @classmethod
    def first_write(cls, label: str, producer: str, produce_id: str) -> ImplicitLabel:
        """A producer's label: on first write the propagation fields repeat the producer's (Annex E 注1)."""
        return cls(label, producer, produce_id, "", producer, produce_id, "")

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_json(self) -> str:
        """The metadata value: `{"AIGC":{...}}` in Annex E order, compact, ASCII."""
        return json.dumps({KEY: self.as_dict()}, ensure_ascii=True, separators=(",", ":"))

    def with_propagation(self, propagator: str, propagate_id: str) -> ImplicitLabel:
        return replace(self, ContentPropagator=propagator, PropagateID=propagate_id)

    def replace(self, **changes: str) -> ImplicitLabel:
        return replace(self, **changes)


def validate(label: ImplicitLabel, label_values: Sequence[str]) -> list[Reason]:
    """Every Annex E rule the label breaks (empty when it is valid)."""
    reasons: list[Reason] = []
    if label.Label not in label_values:
        reasons.append(Reason("label_value", {"value": label.Label[:40], "allowed": ",".join(label_values)}))
    for name, value in label.as_dict().items():
        if name in REQUIRED and not value:
            reasons.append(Reason("missing_field", {"field": name}))
        bad = sorted({c for c in value if not allowed_char(c)})
        if bad:
            shown = "".join(bad[:10])
            reasons.append(Reason("character_set", {"field": name, "characters": f"{shown!r}"}))
    return reasons


def parse(text: str, limits: Limits) -> tuple[ImplicitLabel | None, list[Reason]]:
    """A metadata value (`{"AIGC":{...}}`, or the bare inner object some writers store) as a label.

    Returns (None, reasons) when it is not a usable label; hostile values (too long, nested too deep) raise."""
    if len(text) > limits.max_metadata_bytes:
        raise LabelError("metadata_too_large", "the AIGC value is longer than the cap",
                         size=len(text), limit=limits.max_metadata_bytes)
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise LabelError("metadata_nesting", "the AIGC value is nested too deeply") from exc
    except ValueError:
        return None, [Reason("not_json", {})]
    if isinstance(data, dict) and KEY in data:
        data = data[KEY]
    if not isinstance(data, dict):
        return None, [Reason("not_object", {})]
    reasons: list[Reason] = []
    unknown = sorted(k for k in data if k not in FIELDS)
    if unknown:
        reasons.append(Reason("unknown_fields", {"fields": ",".join(str(k)[:40] for k in unknown[:10])}))
    values: dict[str, str] = {}
    for name in FIELDS:
        value = data.get(name, "")
        if not isinstance(value, str):
            # Annex E: all values are strings; a number or a nested object is a malformed label
            reasons.append(Reason("not_string", {"field": name}))
            value = json.dumps(value)[:200] if not isinstance(value, dict | list) else ""
        values[name] = value
    return ImplicitLabel(**values), reasons
