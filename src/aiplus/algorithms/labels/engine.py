"""Read, write and verify the implicit label of a file (GB 45438-2025 chapter 6 and Annex E).

The caller passes the pack's values (`labelling.implicit_label_values`) and its caps; nothing here reads packs.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from . import containers, integrity
from .model import ImplicitLabel, LabelError, Limits, Reason, parse, validate
from .sniff import HEAD, Format, extension_matches, sniff


class Status(StrEnum):
    VALID = "valid"  # a well-formed label whose seal holds
    UNSEALED = "unsealed"  # well-formed, but ReservedCode1 is empty or not a seal of ours
    UNVERIFIABLE = "unverifiable"  # sealed with an HMAC and no key given
    TAMPERED = "tampered"  # the seal does not match the fields or the content
    INVALID = "invalid"  # a label that breaks Annex E (value, character set, missing field, not JSON)
    UNLABELLED = "unlabelled"  # no AIGC metadata at all


@dataclass(frozen=True)
class ReadResult:
    path: str
    format: Format
    label: ImplicitLabel | None
    location: str | None
    locations: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format.value,
                "label": self.label.as_dict() if self.label else None, "location": self.location,
                "locations": list(self.locations), "reasons": [r.as_dict() for r in self.reasons]}


@dataclass(frozen=True)
class VerifyResult:
    path: str
    format: Format
    status: Status
    label: ImplicitLabel | None
    location: str | None
    reasons: tuple[Reason, ...] = ()
    payload_digest: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.VALID

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format.value, "status": self.status.value,
                "label": self.label.as_dict() if self.label else None, "location": self.location,
                "reasons": [r.as_dict() for r in self.reasons], "payload_digest": self.payload_digest}


@dataclass(frozen=True)
class WriteResult:
    path: str
    format: Format
    label: ImplicitLabel
    location: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format.value, "label": self.label.as_dict(),
                "location": self.location, "reasons": [r.as_dict() for r in self.reasons]}


def detect(path: Path, limits: Limits) -> tuple[Format, list[Reason]]:
    """The file's format by its magic bytes, after the size cap; a mismatching extension is a reason, not an error."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(HEAD)
    except OSError as exc:
        raise LabelError("unreadable", f"the file cannot be read: {exc}") from exc
    if size > limits.max_bytes:
        raise LabelError("too_large", "the file is larger than the cap", size=size, limit=limits.max_bytes)
    if size == 0:
        raise LabelError("empty", "the file is empty")
    fmt = sniff(head)
    if fmt is None:
        raise LabelError("unsupported_format", "no supported format opens with these bytes", head=head[:8].hex())
    reasons = [] if extension_matches(path, fmt) else [
        Reason("extension_mismatch", {"extension": path.suffix.lower()[:16], "format": fmt.value})]
    return fmt, reasons


def _pick(found: list[containers.Found], limits: Limits, label_values: Sequence[str]
          ) -> tuple[ImplicitLabel | None, str | None, list[Reason]]:
    if not found:
        return None, None, []
    reasons: list[Reason] = []
    if len(found) > 1:
        # 6.1 c: one implicit label per file
        reasons.append(Reason("multiple_labels", {"locations": ",".join(f.location for f in found)}))
        if len({f.value for f in found}) > 1:
            reasons.append(Reason("conflicting_labels", {"locations": ",".join(f.location for f in found)}))
    first = found[0]
    label, parse_reasons = parse(first.value, limits)
    reasons.extend(parse_reasons)
    if label is not None:
        reasons.extend(validate(label, label_values))
    if first.secondary:
        reasons.append(Reason("secondary_placement", {"location": first.location}))
    return label, first.location, reasons


def read(path: Path | str, label_values: Sequence[str], limits: Limits | None = None) -> ReadResult:
    path, limits = Path(path), limits or Limits()
    fmt, reasons = detect(path, limits)
    found = containers.find(fmt, path, limits)
    label, location, more = _pick(found, limits, label_values)
    return ReadResult(str(path), fmt, label, location, tuple(f.location for f in found), tuple(reasons + more))


def verify(path: Path | str, label_values: Sequence[str], *, key: bytes | None = None,
           limits: Limits | None = None) -> VerifyResult:
    """The label's status: unlabelled, invalid, unsealed, unverifiable, tampered or valid."""
    path, limits = Path(path), limits or Limits()
    fmt, reasons = detect(path, limits)
    found, payload = containers.inspect(fmt, path, limits)
    label, location, more = _pick(found, limits, label_values)
    reasons.extend(more)
    blocking = {"label_value", "missing_field", "character_set", "not_json", "not_object", "not_string"}
    if not found:
        status = Status.UNLABELLED
    elif label is None or any(r.code in blocking for r in reasons):
        status = Status.INVALID
    else:
        held = integrity.check(label, payload, key)
        if held is True:
            status = Status.VALID
        elif held is False:
            status = Status.TAMPERED
            reasons.append(Reason("seal_mismatch", {"scheme": integrity.scheme(label.ReservedCode1) or ""}))
        elif integrity.scheme(label.ReservedCode1) == integrity.HMAC:
            status = Status.UNVERIFIABLE
            reasons.append(Reason("key_required", {}))
        else:
            status = Status.UNSEALED
            reasons.append(Reason("no_seal", {}))
    return VerifyResult(str(path), fmt, status, label, location, tuple(reasons), payload)


def _has_exif_label(path: Path, limits: Limits) -> bool:
    return any(f.location == "exif_user_comment" for f in containers.find(Format.JPEG, path, limits))


def write(path: Path | str, label: ImplicitLabel, label_values: Sequence[str], *, out: Path | str | None = None,
          key: bytes | None = None, seal: bool = True, limits: Limits | None = None) -> WriteResult:
    """Write `label` as the file's one implicit label (in place unless `out` is given), sealing ReservedCode1 over
    the producer's fields and the payload when `seal` is on. An invalid label raises LabelError("invalid_label")."""
    path, limits = Path(path), limits or Limits()
    target = Path(out) if out is not None else path
    fmt, reasons = detect(path, limits)
    problems = validate(label, label_values)
    if problems:
        raise LabelError("invalid_label", "the label breaks Annex E",
                         codes=",".join(sorted({r.code for r in problems})))
    reencodes = fmt is Format.WEBP or (fmt is Format.JPEG and _has_exif_label(path, limits))
    if seal:
        payload = "" if reencodes else containers.digest(fmt, path, limits)
        label = label.replace(ReservedCode1=integrity.seal(label, payload, key))
    # write beside the target, then replace it: a failed write leaves the original untouched
    handle, tmp_name = tempfile.mkstemp(prefix=".aigc-", suffix=path.suffix or ".bin", dir=target.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        location = containers.write(fmt, path, tmp, label.to_json(), limits)
        if seal and reencodes:
            # A lossy WebP (and a JPEG with an EXIF label) is re-encoded by the write, so the seal must cover the
            # pixels as written. The written seal (over an empty digest) is a placeholder of the final seal's
            # length; both formats keep their metadata in segments without checksums, so the final seal replaces it
            # byte for byte, pixels untouched.
            placeholder = label.ReservedCode1
            label = label.replace(ReservedCode1=integrity.seal(label, containers.digest(fmt, tmp, limits), key))
            data = tmp.read_bytes()
            if data.count(placeholder.encode("ascii")) != 1:
                raise LabelError("write_failed", "the written seal cannot be found once in the file")
            tmp.write_bytes(data.replace(placeholder.encode("ascii"), label.ReservedCode1.encode("ascii")))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return WriteResult(str(target), fmt, label, location, tuple(reasons))
