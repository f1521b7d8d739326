"""Hostile files: each is refused with a typed LabelError (a stable code), never a crash or a hang."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from aiplus.algorithms.labels import (
    Format,
    ImplicitLabel,
    LabelError,
    Limits,
    containers,
    read,
    samples,
    verify,
    write,
)

VALUES = ["1", "2", "3"]
LABEL = ImplicitLabel.first_write("1", "ACME", "id-1")


def _make(fmt: Format, tmp_path: Path) -> Path:
    if fmt in samples.NEEDS_FFMPEG and not samples.have_ffmpeg():
        pytest.skip("ffmpeg/ffprobe not installed (make browser installs them)")
    return samples.make(fmt, tmp_path)


def _code(call: object) -> str:
    assert callable(call)
    started = time.monotonic()
    with pytest.raises(LabelError) as err:
        call()
    assert time.monotonic() - started < 30
    return err.value.code


@pytest.mark.parametrize("fmt", [f for f in Format if f is not Format.TEXT])
def test_truncated_files(fmt: Format, tmp_path: Path) -> None:
    path = _make(fmt, tmp_path)
    write(path, LABEL, VALUES)
    data = path.read_bytes()
    cut = tmp_path / f"cut{path.suffix}"
    cut.write_bytes(data[: max(24, len(data) // 3)])
    # a truncated container either refuses to open or loses its payload: never an unhandled exception
    try:
        result = verify(cut, VALUES)
    except LabelError as exc:
        assert exc.code in {"corrupt", "unsupported_format"}
    else:
        assert result.status.value in {"unlabelled", "tampered", "invalid", "unsealed"}


def test_truncated_png_is_corrupt(tmp_path: Path) -> None:
    path = _make(Format.PNG, tmp_path)
    path.write_bytes(path.read_bytes()[:60])
    assert _code(lambda: verify(path, VALUES)) == "corrupt"


def test_unknown_format_and_empty_file(tmp_path: Path) -> None:
    blob = tmp_path / "x.png"
    blob.write_bytes(b"\x00\x01\x02garbage" * 10)
    assert _code(lambda: read(blob, VALUES)) == "unsupported_format"
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    assert _code(lambda: read(empty, VALUES)) == "empty"
    assert _code(lambda: read(tmp_path / "missing.png", VALUES)) == "unreadable"


def test_oversized_file(tmp_path: Path) -> None:
    path = _make(Format.PNG, tmp_path)
    limits = Limits(max_bytes=100)
    with pytest.raises(LabelError) as err:
        verify(path, VALUES, limits=limits)
    assert err.value.code == "too_large" and err.value.params["limit"] == 100


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(path)  # a few kilobytes on disk, 400 Mpx once decoded
    assert path.stat().st_size < 100_000
    assert _code(lambda: verify(path, VALUES, limits=Limits(max_pixels=10_000_000))) == "too_many_pixels"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        # Pillow's own guard (over twice its MAX_IMAGE_PIXELS) also ends as the same code
        assert _code(lambda: verify(path, VALUES, limits=Limits(max_pixels=10**12))) == "too_many_pixels"


def test_huge_xmp_packet(tmp_path: Path) -> None:
    path = tmp_path / "xmp.png"
    info = PngImagePlugin.PngInfo()
    info.add_itxt(containers.PNG_XMP_KEY, containers.xmp_merge(None, LABEL.to_json()) + " " * 200_000)
    samples.image().save(path, pnginfo=info)
    assert _code(lambda: read(path, VALUES)) == "metadata_too_large"


def test_compressed_text_chunk_bomb(tmp_path: Path) -> None:
    path = tmp_path / "ztxt.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("AIGC", "A" * 50_000_000, zip=True)  # ~50 KB compressed, 50 MB inflated
    samples.image().save(path, pnginfo=info)
    assert _code(lambda: read(path, VALUES)) == "metadata_too_large"


def test_deeply_nested_label(tmp_path: Path) -> None:
    path = tmp_path / "deep.md"
    path.write_text('---\nAIGC: "' + ("[" * 100_000).replace('"', "") + '"\n---\nx\n')
    # the front matter itself is longer than the cap
    assert _code(lambda: read(path, VALUES)) == "metadata_too_large"
    nested = '{"AIGC":' + "[" * 50_000 + "]" * 50_000 + "}"
    mp3 = _make(Format.MP3, tmp_path)
    from mutagen.id3 import ID3, TXXX

    tags = ID3()
    tags.add(TXXX(encoding=3, desc="AIGC", text=[nested]))
    tags.save(mp3)
    assert _code(lambda: read(mp3, VALUES, limits=Limits(max_metadata_bytes=200_000))) == "metadata_nesting"


def test_yaml_nesting_in_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "deep.md"
    path.write_text("---\nAIGC: " + "[" * 5000 + "]" * 5000 + "\n---\nx\n")
    assert _code(lambda: read(path, VALUES)) == "metadata_nesting"


def test_huge_riff_chunk(tmp_path: Path) -> None:
    path = _make(Format.WAV, tmp_path)
    write(path, ImplicitLabel.first_write("1", "A" * 5000, "x"), VALUES)
    assert _code(lambda: read(path, VALUES, limits=Limits(max_metadata_bytes=1000))) == "metadata_too_large"


def test_lying_riff_size_is_corrupt(tmp_path: Path) -> None:
    path = _make(Format.WAV, tmp_path)
    data = bytearray(path.read_bytes())
    data[40:44] = (0x7FFFFFF0).to_bytes(4, "little")  # the data chunk claims 2 GiB
    path.write_bytes(bytes(data))
    try:
        result = verify(path, VALUES)
    except LabelError as exc:
        assert exc.code == "corrupt"
    else:
        assert result.status.value == "unlabelled"


def test_wrong_extension_with_garbage_inside(tmp_path: Path) -> None:
    fake = tmp_path / "video.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\xff" * 200)
    assert _code(lambda: verify(fake, VALUES)) in {"corrupt", "tool_missing"}


def test_pdf_garbage_and_unknown_text(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"1 0 obj << /Length 999999 >> stream\n" + b"x" * 100)
    assert _code(lambda: verify(pdf, VALUES)) == "corrupt"
    latin = tmp_path / "l.txt"
    latin.write_bytes("café".encode("latin-1") * 3 + b"\n")
    assert _code(lambda: read(latin, VALUES)) in {"corrupt", "unsupported_format"}


def test_ffmpeg_timeout(tmp_path: Path) -> None:
    path = _make(Format.MP4, tmp_path)
    assert _code(lambda: verify(path, VALUES, limits=Limits(timeout_seconds=0.0001))) == "timeout"


def test_label_value_with_a_nested_object(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    value = json.dumps({"AIGC": {"Label": {"x": [1, 2]}, "ContentProducer": "a", "ProduceID": "b"}})
    path.write_text(f"---\nAIGC: {value}\n---\nbody\n")
    result = verify(path, VALUES)
    assert result.status.value == "invalid"


def test_repeated_xmp_property(tmp_path: Path) -> None:
    path = tmp_path / "rep.png"
    info = PngImagePlugin.PngInfo()
    info.add_itxt(containers.PNG_XMP_KEY, "<x:AIGC>" * 5000)
    samples.image().save(path, pnginfo=info)
    assert _code(lambda: read(path, VALUES)) == "metadata_repeated"
    assert _code(lambda: write(path, LABEL, VALUES)) == "metadata_repeated"
