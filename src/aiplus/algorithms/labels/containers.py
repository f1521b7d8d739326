"""Where each format keeps the implicit label, through the container libraries (Pillow, mutagen, pypdf, ffmpeg).

Placement ([S]: the TC260 practice guides of 2025-08-28 as summarised in governance-addendum.md §2, not GB 45438
itself; Annex F, informative, only says images use XMP and audio/video their container metadata):

| format | written (the one copy, 6.1 c)                                  | also read (secondary, Annex B)        |
|--------|----------------------------------------------------------------|---------------------------------------|
| PNG    | XMP packet in iTXt `XML:com.adobe.xmp`, `<TC260:AIGC>`         | tEXt/iTXt chunk with keyword `AIGC`   |
| JPEG   | XMP in APP1, `<TC260:AIGC>`                                    | EXIF UserComment holding `{"AIGC":…}` |
| WebP   | `XMP ` chunk, `<TC260:AIGC>`                                   |                                       |
| MP3    | ID3v2 `TXXX` frame, description `AIGC`                         |                                       |
| WAV    | RIFF sub-chunk `AIGC`                                          |                                       |
| M4A/MP4| `moov.udta.meta` key `AIGC` (mdta `keys` + `ilst`, ffmpeg)     |                                       |
| PDF    | document-information key `/AIGC`                               |                                       |
| text   | YAML front matter `AIGC:` (Markdown guide §6.5; plain text too)|                                       |

Platform's reading, not the guides': a plain-text file gets the Markdown front matter (the guides name no plain-text
carrier); writing removes the secondary copies so that one label stays (6.1 c); the XMP property is found by its
`AIGC` local name whatever prefix a writer bound to the TC260 namespace.

Writing keeps the pixels, samples and packets: a PNG is re-saved losslessly and a WebP losslessly (`exact`), so their
decoded pixels stay; a JPEG's XMP segment is replaced in place (Pillow can only re-encode a JPEG; a small segment
splice keeps the scan untouched); MP4/M4A are remuxed without re-encoding (`-c copy`).

Each format also gives a digest of its payload without its metadata, for the integrity seal (integrity.py):
decoded pixels (images), the `fmt `+`data` chunks (WAV), the bytes between the ID3v2 tag and an ID3v1 tag (MP3),
the encoded packets (MP4/M4A, ffmpeg's hash muxer), the pages' decoded content streams and boxes (PDF), the body
after the front matter (text).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, PngImagePlugin

from .model import KEY, LabelError, Limits
from .sniff import Format

XMP_NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"
XMP_PREFIX = "TC260"
PNG_XMP_KEY = "XML:com.adobe.xmp"
EXIF_IFD = 0x8769
USER_COMMENT = 0x9286
CHUNK = 1 << 20


@dataclass(frozen=True)
class Found:
    """One AIGC value found in a file: where, and the raw text."""

    location: str
    value: str
    secondary: bool = False


def _cap(value: str, limits: Limits, where: str) -> str:
    if len(value) > limits.max_metadata_bytes:
        raise LabelError("metadata_too_large", f"{where} is longer than the cap", where=where, size=len(value),
                         limit=limits.max_metadata_bytes)
    return value


# -- XMP ------------------------------------------------------------------------------------------------------------

_XMP_ELEMENT = re.compile(r"<([\w.-]+):AIGC\b[^>]*>(.*?)</\1:AIGC\s*>", re.S)
_XMP_ATTRIBUTE = re.compile(r"\s[\w.-]+:AIGC\s*=\s*(\"[^\"]*\"|'[^']*')", re.S)
_XMP_EMPTY = re.compile(r"<[\w.-]+:AIGC\b[^>]*/>", re.S)
_XMP_DESCRIPTION = re.compile(
    r"<rdf:Description\b[^>]*>\s*<([\w.-]+):AIGC\b[^>]*>.*?</\1:AIGC\s*>\s*</rdf:Description\s*>", re.S)


def _xmp_text(xmp: str | bytes, limits: Limits) -> str:
    text = xmp.decode("utf-8", "replace") if isinstance(xmp, bytes) else xmp
    _cap(text, limits, "xmp")
    if text.count(":AIGC") > 8:
        # a packet repeating the property hundreds of times would make the searches below quadratic
        raise LabelError("metadata_repeated", "the XMP packet repeats the AIGC property", count=text.count(":AIGC"))
    return text


def xmp_value(xmp: str | bytes | None, limits: Limits) -> str | None:
    """The `AIGC` property of an XMP packet (element or attribute form), unescaped."""
    if not xmp:
        return None
    text = _xmp_text(xmp, limits)
    m = _XMP_ELEMENT.search(text)
    if m:
        return html.unescape(m.group(2).strip())
    a = _XMP_ATTRIBUTE.search(text)
    if a:
        return html.unescape(a.group(1)[1:-1])
    return None


def xmp_merge(xmp: str | bytes | None, value: str) -> str:
    """The packet with its AIGC property replaced by `value`, every other namespace kept (the guides: merge, don't
    overwrite); a new packet when there was none."""
    escaped = html.escape(value, quote=False)
    description = (f'<rdf:Description rdf:about="" xmlns:{XMP_PREFIX}="{XMP_NS}">'
                   f"<{XMP_PREFIX}:AIGC>{escaped}</{XMP_PREFIX}:AIGC></rdf:Description>")
    text = xmp.decode("utf-8", "replace") if isinstance(xmp, bytes) else (xmp or "")
    if "</rdf:RDF>" not in text:
        return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
                '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                f'{description}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    text = _XMP_DESCRIPTION.sub("", text)
    text = _XMP_ELEMENT.sub("", text)
    text = _XMP_ATTRIBUTE.sub("", text)
    text = _XMP_EMPTY.sub("", text)
    return text.replace("</rdf:RDF>", description + "</rdf:RDF>", 1)


# -- images (Pillow) ------------------------------------------------------------------------------------------------


def _open_image(path: Path, limits: Limits, decode: bool = True) -> Image.Image:
    """The image with its pixels loaded (unless `decode` is off), after refusing one whose declared size exceeds the
    pixel cap (Pillow would otherwise decode a decompression bomb first)."""
    try:
        im = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise LabelError("too_many_pixels", str(exc), limit=limits.max_pixels) from exc
    except ValueError as exc:
        # Pillow's caps on text chunks read while opening (PngImagePlugin.MAX_TEXT_CHUNK, MAX_TEXT_MEMORY)
        if "large" in str(exc).lower() or "memory" in str(exc).lower():
            raise LabelError("metadata_too_large", f"the image's metadata exceeds Pillow's cap: {exc}") from exc
        raise LabelError("corrupt", f"the image cannot be opened: {exc}") from exc
    except (OSError, SyntaxError) as exc:
        raise LabelError("corrupt", f"the image cannot be opened: {exc}") from exc
    width, height = im.size
    if width * height > limits.max_pixels:
        im.close()
        raise LabelError("too_many_pixels", "the image declares more pixels than the cap", width=width,
                         height=height, limit=limits.max_pixels)
    if not decode:
        return im
    try:
        im.load()
    except ValueError as exc:
        # Pillow's own caps on text chunks (PngImagePlugin.MAX_TEXT_CHUNK, MAX_TEXT_MEMORY)
        im.close()
        raise LabelError("metadata_too_large", f"the image's metadata exceeds Pillow's cap: {exc}") from exc
    except (OSError, SyntaxError, EOFError) as exc:
        im.close()
        raise LabelError("corrupt", f"the image is truncated or corrupt: {exc}") from exc
    return im


def _image_digest(im: Image.Image) -> str:
    h = hashlib.sha256(f"{im.mode}:{im.size[0]}x{im.size[1]}:".encode())
    frames = getattr(im, "n_frames", 1)
    for index in range(frames):
        if frames > 1:
            im.seek(index)
        h.update(im.tobytes())
    return h.hexdigest()


def _user_comment(im: Image.Image) -> str | None:
    raw = im.getexif().get_ifd(EXIF_IFD).get(USER_COMMENT)
    if raw is None:
        return None
    if isinstance(raw, bytes):
        # EXIF UserComment: an 8-byte character-code header, then the text
        head, body = raw[:8], raw[8:]
        if head.startswith(b"UNICODE"):
            return body.decode("utf-16-be" if body[:1] == b"\x00" else "utf-16-le", "replace").rstrip("\x00")
        return (body if head.rstrip(b"\x00").isalpha() or head == b"\x00" * 8 else raw).decode(
            "utf-8", "replace").rstrip("\x00")
    return str(raw)


def _image_found(fmt: Format, im: Image.Image, limits: Limits) -> list[Found]:
    found: list[Found] = []
    xmp = im.info.get(PNG_XMP_KEY) if fmt is Format.PNG else im.info.get("xmp")
    value = xmp_value(xmp, limits)
    if value is not None:
        found.append(Found("xmp", value))
    if fmt is Format.PNG:
        text = getattr(im, "text", {}) or {}
        for keyword, chunk in text.items():
            if keyword.upper() == KEY:
                found.append(Found("png_text", _cap(str(chunk), limits, "png_text"), secondary=True))
    if fmt is Format.JPEG:
        comment = _user_comment(im)
        if comment and KEY in comment:
            found.append(Found("exif_user_comment", _cap(comment, limits, "exif_user_comment"), secondary=True))
    return found


def _image_write(fmt: Format, im: Image.Image, src: Path, out: Path, value: str, limits: Limits) -> str:
    existing = im.info.get(PNG_XMP_KEY if fmt is Format.PNG else "xmp")
    if existing:
        _xmp_text(existing, limits)  # the caps hold for a packet merged into as for one read
    exif = im.getexif()
    comment = _user_comment(im) if fmt is Format.JPEG else None
    exif_label = bool(comment and KEY in comment)
    if exif_label:
        del exif.get_ifd(EXIF_IFD)[USER_COMMENT]
    options: dict[str, Any] = {}
    if icc := im.info.get("icc_profile"):
        options["icc_profile"] = icc
    if len(exif):
        options["exif"] = exif
    if fmt is Format.PNG:
        info = PngImagePlugin.PngInfo()
        for keyword, chunk in (getattr(im, "text", {}) or {}).items():
            if keyword.upper() != KEY and keyword != PNG_XMP_KEY:
                info.add_text(keyword, chunk)
        info.add_itxt(PNG_XMP_KEY, xmp_merge(im.info.get(PNG_XMP_KEY), value))
        im.save(out, "PNG", pnginfo=info, **options)
    elif fmt is Format.JPEG:
        xmp = xmp_merge(im.info.get("xmp"), value).encode("utf-8")
        if not exif_label:
            _jpeg_splice(src, out, xmp)
        else:
            # the Annex B copy sits inside EXIF: Pillow rewrites the EXIF without it, re-encoding with the file's
            # own quantisation tables (the only lossy write, and only for such files)
            im.save(out, "JPEG", quality="keep", xmp=xmp, progressive=bool(im.info.get("progressive")), **options)
    else:
        xmp = xmp_merge(im.info.get("xmp"), value).encode("utf-8")
        frames = getattr(im, "n_frames", 1)
        im.save(out, "WEBP", lossless=True, quality=100, exact=True, xmp=xmp, save_all=frames > 1, **options)
    return "xmp"


JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"


def _jpeg_splice(src: Path, out: Path, xmp: bytes) -> None:
    """Replace the XMP APP1 segment without touching the scan: Pillow can only re-encode a JPEG to change its
    metadata, which would change the pixels a seal covers at every relabelling. This walks the header segments only
    (marker, 2-byte length) up to the start of scan; Pillow has already decoded the file."""
    if len(xmp) + len(JPEG_XMP) + 2 > 0xFFFF:
        raise LabelError("metadata_too_large", "the XMP packet does not fit one APP1 segment", where="xmp",
                         size=len(xmp), limit=0xFFFF - len(JPEG_XMP) - 2)
    data = src.read_bytes()
    pos, leading = 2, 0
    kept: list[bytes] = []
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise LabelError("corrupt", "the JPEG header segments are damaged", offset=pos)
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or 0xD0 <= marker <= 0xD9 or marker == 0x01:
            break
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        segment = data[pos:end]
        if not (marker == 0xE1 and segment[4:].startswith(JPEG_XMP)):
            if marker in (0xE0, 0xE1) and leading == len(kept):
                leading += 1  # JFIF and EXIF stay first
            kept.append(segment)
        pos = end
    app1 = b"\xff\xe1" + (len(JPEG_XMP) + len(xmp) + 2).to_bytes(2, "big") + JPEG_XMP + xmp
    out.write_bytes(b"".join([data[:2], *kept[:leading], app1, *kept[leading:], data[pos:]]))


# -- MP3 (mutagen ID3) ----------------------------------------------------------------------------------------------


def _mutagen_error(exc: Exception) -> LabelError:
    return LabelError("corrupt", f"the audio container cannot be read: {exc}")


def _id3(path: Path) -> Any:
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        return ID3(path)  # type: ignore[no-untyped-call]
    except ID3NoHeaderError:
        return None
    except Exception as exc:  # mutagen raises its own and struct errors on a damaged tag
        raise _mutagen_error(exc) from exc


def _mp3_found(path: Path, limits: Limits) -> list[Found]:
    tags = _id3(path)
    if tags is None:
        return []
    found = []
    for frame in tags.getall("TXXX"):
        if str(frame.desc).upper() == KEY:
            found.append(Found("id3_txxx", _cap("".join(str(t) for t in frame.text), limits, "id3_txxx")))
    return found


def _mp3_write(path: Path, out: Path, value: str) -> str:
    from mutagen.id3 import ID3, TXXX, Encoding

    tags = _id3(path)
    shutil.copyfile(path, out)
    if tags is None:
        tags = ID3()  # type: ignore[no-untyped-call]
    for frame in list(tags.getall("TXXX")):
        if str(frame.desc).upper() == KEY:
            tags.delall(frame.HashKey)
    tags.add(TXXX(encoding=Encoding.UTF8, desc=KEY, text=[value]))  # type: ignore[no-untyped-call]
    try:
        tags.save(out, v2_version=4)
    except Exception as exc:
        raise _mutagen_error(exc) from exc
    return "id3_txxx"


def _mp3_digest(path: Path) -> str:
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(10)
        start = 0
        if head[:3] == b"ID3" and len(head) == 10:
            # ID3v2 header: a 28-bit synchsafe size after the flags, plus a 10-byte footer when flag 0x10 is set
            body = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
            start = 10 + body + (10 if head[5] & 0x10 else 0)
        end = size
        if size >= 128:
            fh.seek(size - 128)
            if fh.read(3) == b"TAG":
                end = size - 128
        return _digest_range(fh, start, end)


def _digest_range(fh: Any, start: int, end: int, h: Any = None) -> str:
    h = h or hashlib.sha256()
    fh.seek(start)
    left = max(0, end - start)
    while left:
        block = fh.read(min(CHUNK, left))
        if not block:
            break
        h.update(block)
        left -= len(block)
    return str(h.hexdigest())


# -- WAV (mutagen RIFF) ---------------------------------------------------------------------------------------------


def _riff(fh: Any) -> Any:
    from mutagen._riff import RiffFile  # mutagen.wave's own RIFF reader (no public alias in mutagen 1.48)

    try:
        return RiffFile(fh)  # type: ignore[no-untyped-call]
    except Exception as exc:
        raise _mutagen_error(exc) from exc


def _wav_chunks(riff: Any) -> list[Any]:
    try:
        return list(riff.root.subchunks())
    except Exception as exc:
        raise _mutagen_error(exc) from exc


def _wav_found(path: Path, limits: Limits) -> list[Found]:
    with path.open("rb") as fh:
        found = []
        for chunk in _wav_chunks(_riff(fh)):
            if chunk.id.strip().upper() == KEY:
                if chunk.data_size > limits.max_metadata_bytes:
                    raise LabelError("metadata_too_large", "the AIGC chunk is longer than the cap", where="riff",
                                     size=chunk.data_size, limit=limits.max_metadata_bytes)
                found.append(Found("riff_chunk", chunk.read().rstrip(b"\x00").decode("utf-8", "replace")))
        return found


def _wav_write(path: Path, out: Path, value: str) -> str:
    shutil.copyfile(path, out)
    with out.open("r+b") as fh:
        riff = _riff(fh)
        for chunk in _wav_chunks(riff):
            if chunk.id.strip().upper() == KEY:
                chunk.delete()
        riff.insert_chunk(KEY, value.encode("utf-8"))
    return "riff_chunk"


def _wav_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        # mutagen strips the padding space of "fmt "
        chunks = {c.id.strip(): c for c in _wav_chunks(_riff(fh))}
        if "fmt" not in chunks or "data" not in chunks:
            raise LabelError("corrupt", "the WAV file has no fmt or data chunk")
        for name in ("fmt", "data"):
            chunk = chunks[name]
            _digest_range(fh, chunk.data_offset, chunk.data_offset + chunk.data_size, h)
    return h.hexdigest()


# -- MP4 / M4A (ffmpeg) ---------------------------------------------------------------------------------------------


def _run(args: list[str], limits: Limits) -> subprocess.CompletedProcess[bytes]:
    tool = args[0]
    if shutil.which(tool) is None:
        raise LabelError("tool_missing", f"{tool} is not installed", tool=tool)
    try:
        done = subprocess.run(args, capture_output=True, timeout=limits.timeout_seconds, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LabelError("timeout", f"{tool} ran longer than the cap", tool=tool,
                         seconds=limits.timeout_seconds) from exc
    if done.returncode != 0:
        raise LabelError("corrupt", f"{tool} failed: {done.stderr.decode('utf-8', 'replace')[-300:]}", tool=tool)
    return done


def _mp4_found(path: Path, limits: Limits) -> list[Found]:
    """The `AIGC` item of the QuickTime `keys` metadata, through mutagen's atom tree (no process per file). The two
    small atoms are read as QuickTime defines them: `keys` = version/flags, count, then (size, namespace, name)
    entries; `ilst` children are named by 1-based key index and hold a `data` atom (type, locale, value)."""
    from mutagen.mp4 import Atoms

    found: list[Found] = []
    try:
        with path.open("rb") as fh:
            atoms = Atoms(fh)  # type: ignore[no-untyped-call]
            for parents in ((b"moov", b"udta", b"meta"), (b"moov", b"meta")):
                try:
                    meta = atoms.path(*parents)[-1]
                    keys_atom, ilst = meta[b"keys",], meta[b"ilst",]
                except KeyError:
                    continue
                for atom in (keys_atom, ilst):
                    if atom.length > limits.max_metadata_bytes * 4:
                        raise LabelError("metadata_too_large", "the MP4 metadata is longer than the cap",
                                         where="mp4_keys", size=atom.length, limit=limits.max_metadata_bytes * 4)
                fh.seek(keys_atom.offset + 8)
                keys = fh.read(keys_atom.length - 8)
                names, pos = [], 8
                while pos + 8 <= len(keys):
                    size = int.from_bytes(keys[pos:pos + 4], "big")
                    if size < 8:
                        break
                    names.append(keys[pos + 8:pos + size].decode("utf-8", "replace"))
                    pos += size
                for item in ilst.children or []:
                    index = int.from_bytes(item.name, "big") - 1
                    if not 0 <= index < len(names) or names[index].upper() != KEY:
                        continue
                    fh.seek(item.offset + 8)
                    body = fh.read(item.length - 8)
                    if body[4:8] == b"data":
                        value = body[16:int.from_bytes(body[:4], "big")].decode("utf-8", "replace")
                        found.append(Found("mp4_keys", _cap(value, limits, "mp4_keys")))
    except LabelError:
        raise
    except Exception as exc:  # mutagen's atom errors on a damaged file
        raise _mutagen_error(exc) from exc
    return found


def _mp4_probe(path: Path, limits: Limits) -> list[Found]:
    """The same through ffprobe (kept to cross-check the atom reading in the tests)."""
    done = _run(["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", str(path)], limits)
    try:
        tags = json.loads(done.stdout or b"{}").get("format", {}).get("tags", {})
    except ValueError as exc:
        raise LabelError("corrupt", "ffprobe gave no readable answer") from exc
    return [Found("mp4_keys", _cap(str(v), limits, "mp4_keys")) for k, v in tags.items() if k.upper() == KEY]


def _mp4_write(fmt: Format, path: Path, out: Path, value: str, limits: Limits) -> str:
    muxer = "ipod" if fmt is Format.M4A else "mp4"
    # `use_metadata_tags` writes the mdta `keys` atom; without it ffmpeg silently drops a key it does not know
    _run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(path), "-map", "0", "-c", "copy", "-map_metadata",
          "0", "-movflags", "use_metadata_tags", "-metadata", f"{KEY}={value}", "-f", muxer, str(out)], limits)
    return "mp4_keys"


def _mp4_digest(path: Path, limits: Limits) -> str:
    done = _run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0", "-c", "copy", "-f", "hash",
                 "-hash", "sha256", "-"], limits)
    return done.stdout.decode("ascii", "replace").strip().partition("=")[2]


# -- PDF (pypdf) ----------------------------------------------------------------------------------------------------


def _pdf_reader(path: Path) -> Any:
    from pypdf import PdfReader

    try:
        return PdfReader(path, strict=False)
    except Exception as exc:  # pypdf raises PdfReadError, LimitReachedError, and plain errors on damaged files
        raise _pdf_error(exc) from exc


def _pdf_error(exc: Exception) -> LabelError:
    if type(exc).__name__ == "LimitReachedError":
        return LabelError("decompression_limit", f"pypdf stopped at its decompression cap: {exc}")
    if isinstance(exc, RecursionError):
        return LabelError("metadata_nesting", "the PDF's objects are nested too deeply")
    return LabelError("corrupt", f"the PDF cannot be read: {exc}")


def _pdf_found(path: Path, limits: Limits) -> list[Found]:
    reader = _pdf_reader(path)
    try:
        info = reader.metadata
        value = info.get("/" + KEY) if info is not None else None
    except Exception as exc:
        raise _pdf_error(exc) from exc
    return [] if value is None else [Found("pdf_info", _cap(str(value), limits, "pdf_info"))]


def _pdf_write(path: Path, out: Path, value: str) -> str:
    from pypdf import PdfWriter

    reader = _pdf_reader(path)
    try:
        writer = PdfWriter(clone_from=reader)
        writer.add_metadata({"/" + KEY: value})
        with out.open("wb") as fh:
            writer.write(fh)
    except Exception as exc:
        raise _pdf_error(exc) from exc
    return "pdf_info"


def _pdf_digest(path: Path) -> str:
    reader = _pdf_reader(path)
    h = hashlib.sha256()
    try:
        for page in reader.pages:
            h.update(repr([float(v) for v in page.mediabox]).encode())
            contents = page.get_contents()
            h.update(contents.get_data() if contents is not None else b"")
            h.update(b"\x00page\x00")
    except Exception as exc:
        raise _pdf_error(exc) from exc
    return h.hexdigest()


# -- text and Markdown (YAML front matter) --------------------------------------------------------------------------

_FRONT = re.compile(r"\A(\ufeff?)---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(\r?\n|\Z)", re.S)
_AIGC_ENTRY = re.compile(r"^AIGC[ \t]*:.*(?:\r?\n(?:[ \t]+.*|[ \t]*))*?(?=\r?\n(?![ \t])|\Z)", re.M)


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LabelError("corrupt", "the text is not UTF-8", offset=exc.start) from exc


def _front_matter(text: str, limits: Limits) -> tuple[re.Match[str] | None, str]:
    m = _FRONT.match(text[: limits.max_metadata_bytes + 16])
    if m is None and text.startswith(("---\n", "---\r\n", "\ufeff---")) and len(text) > limits.max_metadata_bytes:
        raise LabelError("metadata_too_large", "the front matter is longer than the cap", where="front_matter",
                         limit=limits.max_metadata_bytes)
    return m, (text[m.end():] if m else text)


def _text_found(path: Path, limits: Limits) -> list[Found]:
    m, _ = _front_matter(_text(path), limits)
    if m is None or not m.group(2):
        return []
    try:
        data = yaml.safe_load(m.group(2))
    except RecursionError as exc:
        raise LabelError("metadata_nesting", "the front matter is nested too deeply") from exc
    except yaml.YAMLError:
        return []
    if not isinstance(data, dict):
        return []
    found = []
    for key, value in data.items():
        if str(key).upper() == KEY:
            if isinstance(value, dict):
                flat = {str(k): v if isinstance(v, str | int | float) else None for k, v in value.items()}
                found.append(Found("front_matter", json.dumps({KEY: flat}, ensure_ascii=True)))
            elif isinstance(value, str):
                found.append(Found("front_matter", value))
    return found


def _text_write(path: Path, out: Path, value: str, limits: Limits) -> str:
    text = _text(path)
    m, body = _front_matter(text, limits)
    inner = json.dumps(json.loads(value)[KEY], ensure_ascii=True, separators=(", ", ": "))
    entry = f"{KEY}: {inner}\n"  # a YAML flow mapping: JSON is YAML
    if m is None:
        text = f"---\n{entry}---\n{body}"
    else:
        kept = _AIGC_ENTRY.sub("", m.group(2) or "")
        kept = "\n".join(line for line in kept.splitlines() if line.strip()) + ("\n" if kept.strip() else "")
        text = f"{m.group(1)}---\n{kept}{entry}---\n{body}"
    out.write_bytes(text.encode("utf-8"))
    return "front_matter"


def _text_digest(path: Path, limits: Limits) -> str:
    _, body = _front_matter(_text(path), limits)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# -- dispatch -------------------------------------------------------------------------------------------------------


def inspect(fmt: Format, path: Path, limits: Limits) -> tuple[list[Found], str]:
    """The AIGC values and the payload digest together (an image is decoded once)."""
    if fmt in (Format.PNG, Format.JPEG, Format.WEBP):
        with _open_image(path, limits) as im:
            return _image_found(fmt, im, limits), _image_digest(im)
    return find(fmt, path, limits), digest(fmt, path, limits)


def find(fmt: Format, path: Path, limits: Limits) -> list[Found]:
    """Every AIGC value in the file, the primary placement first."""
    if fmt in (Format.PNG, Format.JPEG, Format.WEBP):
        # JPEG and WebP metadata is read on opening; a PNG's text chunks may follow its pixels
        with _open_image(path, limits, decode=fmt is Format.PNG) as im:
            return _image_found(fmt, im, limits)
    readers: dict[Format, Callable[[], list[Found]]] = {
        Format.MP3: lambda: _mp3_found(path, limits),
        Format.WAV: lambda: _wav_found(path, limits),
        Format.M4A: lambda: _mp4_found(path, limits),
        Format.MP4: lambda: _mp4_found(path, limits),
        Format.PDF: lambda: _pdf_found(path, limits),
        Format.TEXT: lambda: _text_found(path, limits),
    }
    return readers[fmt]()


def write(fmt: Format, path: Path, out: Path, value: str, limits: Limits) -> str:
    """Write `value` as the file's one label into `out` (a new file); the placement's name."""
    if fmt in (Format.PNG, Format.JPEG, Format.WEBP):
        with _open_image(path, limits) as im:
            return _image_write(fmt, im, path, out, value, limits)
    if fmt is Format.MP3:
        return _mp3_write(path, out, value)
    if fmt is Format.WAV:
        return _wav_write(path, out, value)
    if fmt in (Format.M4A, Format.MP4):
        return _mp4_write(fmt, path, out, value, limits)
    if fmt is Format.PDF:
        return _pdf_write(path, out, value)
    return _text_write(path, out, value, limits)


def digest(fmt: Format, path: Path, limits: Limits) -> str:
    """SHA-256 (hex) of the payload without its metadata."""
    if fmt in (Format.PNG, Format.JPEG, Format.WEBP):
        with _open_image(path, limits) as im:
            return _image_digest(im)
    if fmt is Format.MP3:
        return _mp3_digest(path)
    if fmt is Format.WAV:
        return _wav_digest(path)
    if fmt in (Format.M4A, Format.MP4):
        return _mp4_digest(path, limits)
    if fmt is Format.PDF:
        return _pdf_digest(path)
    return _text_digest(path, limits)
