"""ReservedCode1 as an integrity seal: the platform's scheme (Annex E leaves the reserved fields to the provider;
Annex F and TC260-PG-202511A suggest a hash or signature there; the SM2 `SecurityData` object of that guide is not
implemented).

    message = "aigc-seal-v1\\n" + canonical JSON of {Label, ContentProducer, ProduceID} + "\\n" + payload digest
    ReservedCode1 = "hmac-sha256:" + HMAC-SHA256(key, message)   when the producer holds a key
                  | "sha256:"      + SHA-256(message)             otherwise (detects accidents and naive edits only:
                                                                   anyone can recompute it)

The canonical JSON has sorted keys, no spaces and ASCII escapes. The payload digest is the format's digest of the
content without its metadata (containers.py), so re-labelling or adding propagation fields keeps the seal while a
changed pixel, sample, packet, page or Label breaks it. The seal covers the producer's fields only: every platform
on the way rewrites ContentPropagator/PropagateID (6.1 a), and a platform may seal its own in ReservedCode2.
Every value stays inside Annex E's character set (lower-case hex, ':' and '-').
"""

from __future__ import annotations

import hashlib
import hmac
import json

from .model import ImplicitLabel

SEALED_FIELDS = ("Label", "ContentProducer", "ProduceID")
VERSION = "aigc-seal-v1"
HMAC = "hmac-sha256"
SHA = "sha256"


def _message(label: ImplicitLabel, payload_digest: str) -> bytes:
    fields = {name: getattr(label, name) for name in SEALED_FIELDS}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return f"{VERSION}\n{canonical}\n{payload_digest}".encode("ascii")


def seal(label: ImplicitLabel, payload_digest: str, key: bytes | None) -> str:
    message = _message(label, payload_digest)
    if key:
        return f"{HMAC}:{hmac.new(key, message, hashlib.sha256).hexdigest()}"
    return f"{SHA}:{hashlib.sha256(message).hexdigest()}"


def scheme(value: str) -> str | None:
    """The seal scheme a ReservedCode1 carries, or None when it is empty or someone else's."""
    head, sep, tail = value.partition(":")
    if sep and head in (HMAC, SHA) and len(tail) == 64:
        return head
    return None


def check(label: ImplicitLabel, payload_digest: str, key: bytes | None) -> bool | None:
    """True when the seal holds, False when it is broken, None when it cannot be checked (no seal of ours, or an
    HMAC seal without the key)."""
    kind = scheme(label.ReservedCode1)
    if kind is None or (kind == HMAC and not key):
        return None
    expected = seal(label, payload_digest, key if kind == HMAC else None)
    return hmac.compare_digest(expected, label.ReservedCode1)
