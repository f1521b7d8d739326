"""AIGC labels (人工智能生成合成内容标识办法, GB 45438-2025): read, write and verify implicit labels in real files,
check and stamp explicit labels, and decide what a platform does on upload. Pure: no Django; the caller passes the
pack's values (`labelling.*`) and its caps.

Placement per format and what is the platform's reading: containers.py. The ReservedCode1 seal: integrity.py.
"""

from .engine import ReadResult, Status, VerifyResult, WriteResult, detect, read, verify, write
from .model import FIELDS, ImplicitLabel, LabelError, Limits, Reason, parse, validate
from .sniff import Format, sniff

__all__ = [
    "FIELDS",
    "Format",
    "ImplicitLabel",
    "LabelError",
    "Limits",
    "ReadResult",
    "Reason",
    "Status",
    "VerifyResult",
    "WriteResult",
    "detect",
    "parse",
    "read",
    "sniff",
    "validate",
    "verify",
    "write",
]
