"""A file's format from its first bytes, never from its name."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class Format(StrEnum):
    PNG = "png"
    JPEG = "jpeg"
    WEBP = "webp"
    MP3 = "mp3"
    WAV = "wav"
    M4A = "m4a"
    MP4 = "mp4"
    PDF = "pdf"
    TEXT = "text"


#: the extensions each format is usually given (only to report a mismatch)
EXTENSIONS: dict[Format, tuple[str, ...]] = {
    Format.PNG: (".png",),
    Format.JPEG: (".jpg", ".jpeg", ".jpe"),
    Format.WEBP: (".webp",),
    Format.MP3: (".mp3",),
    Format.WAV: (".wav",),
    Format.M4A: (".m4a", ".mp4", ".aac"),
    Format.MP4: (".mp4", ".m4v", ".mov"),
    Format.PDF: (".pdf",),
    Format.TEXT: (".txt", ".md", ".markdown", ".text"),
}

HEAD = 64


def sniff(head: bytes) -> Format | None:
    """The format whose magic bytes open `head` (at least the first 64 bytes of the file), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Format.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return Format.JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Format.WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Format.WAV
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Format.MP3
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return Format.M4A if brand in (b"M4A ", b"M4B ") else Format.MP4
    if head.startswith(b"%PDF-"):
        return Format.PDF
    if _looks_like_text(head):
        return Format.TEXT
    return None


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    # the head may cut a multi-byte character: ignore an incomplete last sequence
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(body) - 3:
            return False
    return all(b >= 0x20 or b in (0x09, 0x0A, 0x0D) for b in body)


def sniff_file(path: Path) -> Format | None:
    with path.open("rb") as fh:
        return sniff(fh.read(HEAD))


def extension_matches(path: Path, fmt: Format) -> bool:
    suffix = path.suffix.lower()
    return not suffix or suffix in EXTENSIONS[fmt]
