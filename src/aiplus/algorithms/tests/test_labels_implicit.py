"""Implicit AIGC labels on real files of every format: round trips, seals, tampering, re-encoding, placements."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from aiplus.algorithms.labels import (
    Format,
    ImplicitLabel,
    LabelError,
    Limits,
    Status,
    containers,
    integrity,
    parse,
    read,
    samples,
    validate,
    verify,
    write,
)

VALUES = ["1", "2", "3"]
KEY = b"producer-secret"
LABEL = ImplicitLabel.first_write("1", "ACME-AI-001", "content-42")

needs_ffmpeg = pytest.mark.skipif(not samples.have_ffmpeg(), reason="ffmpeg/ffprobe not installed (make browser)")


def _make(fmt: Format, tmp_path: Path, **kw: object) -> Path:
    if fmt in samples.NEEDS_FFMPEG and not samples.have_ffmpeg():
        pytest.skip("ffmpeg/ffprobe not installed (make browser installs them)")
    return samples.make(fmt, tmp_path, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", list(Format))
def test_round_trip_every_format(fmt: Format, tmp_path: Path) -> None:
    path = _make(fmt, tmp_path)
    assert verify(path, VALUES).status is Status.UNLABELLED
    written = write(path, LABEL, VALUES, key=KEY)
    assert written.format is fmt
    assert written.label.ReservedCode1.startswith("hmac-sha256:")
    result = read(path, VALUES)
    assert result.label == written.label
    assert result.location == written.location
    assert result.reasons == ()
    assert result.locations == (written.location,)  # one copy (6.1 c)
    checked = verify(path, VALUES, key=KEY)
    assert checked.status is Status.VALID, checked.reasons
    assert verify(path, VALUES).status is Status.UNVERIFIABLE  # an HMAC seal needs the key
    assert verify(path, VALUES, key=b"other key").status is Status.TAMPERED


@pytest.mark.parametrize("fmt", list(Format))
def test_relabelling_keeps_one_copy_and_the_seal(fmt: Format, tmp_path: Path) -> None:
    path = _make(fmt, tmp_path)
    write(path, LABEL, VALUES)
    write(path, LABEL.replace(Label="2"), VALUES)
    result = read(path, VALUES)
    assert result.label is not None and result.label.Label == "2"
    assert len(result.locations) == 1
    assert verify(path, VALUES).status is Status.VALID  # the plain SHA-256 seal


@pytest.mark.parametrize("fmt", list(Format))
def test_changed_field_is_tampered(fmt: Format, tmp_path: Path) -> None:
    path = _make(fmt, tmp_path)
    sealed = write(path, LABEL, VALUES, key=KEY).label
    # rewrite the label with a changed producer field but the old seal: what a forger without the key can do
    write(path, sealed.replace(Label="3"), VALUES, seal=False)
    assert verify(path, VALUES, key=KEY).status is Status.TAMPERED
    # the propagation fields are outside the producer's seal: a platform may add its own
    write(path, sealed.with_propagation("PLATFORM-9", "p-77"), VALUES, seal=False)
    assert verify(path, VALUES, key=KEY).status is Status.VALID


@pytest.mark.parametrize("fmt", list(Format))
def test_changed_content_with_the_label_copied_is_tampered(fmt: Format, tmp_path: Path) -> None:
    """Another file of the same format (different payload) given the first file's label: caught."""
    first = _make(fmt, tmp_path, name="a", seed=1)
    other = _make(fmt, tmp_path, name="b", seed=7)
    sealed = write(first, LABEL, VALUES).label
    write(other, sealed, VALUES, seal=False)
    result = verify(other, VALUES)
    assert result.status is Status.TAMPERED
    assert "seal_mismatch" in {r.code for r in result.reasons}


def _reencode(fmt: Format, src: Path, dst: Path) -> None:
    if fmt in (Format.PNG, Format.JPEG, Format.WEBP):
        with Image.open(src) as im:
            im.save(dst)
    elif fmt is Format.PDF:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter()
        for page in PdfReader(src).pages:
            writer.add_page(page)
        with dst.open("wb") as fh:
            writer.write(fh)
    elif fmt is Format.TEXT:
        dst.write_text(src.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    else:
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(src), str(dst)], check=True)


# What a plain re-encode (Pillow re-save, ffmpeg transcode with its defaults, pypdf page copy, a text edit) leaves:
# only ID3 survives a transcode (ffmpeg maps TXXX frames), and its seal then reports the changed audio; the
# Markdown front matter survives an edit of the body, which the seal reports. Every other carrier is dropped, which is
# why the platform check (platform.py) treats an unlabelled upload as "review", not as "not generated".
REENCODED = {
    Format.PNG: Status.UNLABELLED,
    Format.JPEG: Status.UNLABELLED,
    Format.WEBP: Status.UNLABELLED,
    Format.MP3: Status.TAMPERED,
    Format.WAV: Status.UNLABELLED,
    Format.M4A: Status.UNLABELLED,  # ffmpeg drops an mdta key it was not told to keep (use_metadata_tags)
    Format.MP4: Status.UNLABELLED,
    Format.PDF: Status.UNLABELLED,
    Format.TEXT: Status.TAMPERED,
}


@pytest.mark.parametrize("fmt", list(Format))
def test_what_survives_a_reencode(fmt: Format, tmp_path: Path) -> None:
    path = _make(fmt, tmp_path)
    write(path, LABEL, VALUES, key=KEY)
    out = tmp_path / f"re-encoded{path.suffix}"
    _reencode(fmt, path, out)
    assert verify(out, VALUES, key=KEY).status is REENCODED[fmt]


def test_a_jpeg_resaved_with_its_xmp_keeps_the_label_and_reports_the_new_pixels(tmp_path: Path) -> None:
    path = _make(Format.JPEG, tmp_path)
    write(path, LABEL, VALUES, key=KEY)
    out = tmp_path / "resaved.jpg"
    with Image.open(path) as im:
        im.save(out, quality=60, xmp=im.info["xmp"])
    result = verify(out, VALUES, key=KEY)
    assert result.status is Status.TAMPERED
    assert result.label is not None and result.label.ProduceID == LABEL.ProduceID


@needs_ffmpeg
@pytest.mark.parametrize("fmt", [Format.MP4, Format.M4A])
def test_a_remux_keeping_metadata_tags_keeps_a_valid_label(fmt: Format, tmp_path: Path) -> None:
    path = _make(fmt, tmp_path)
    write(path, LABEL, VALUES, key=KEY)
    out = tmp_path / f"remuxed{path.suffix}"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(path), "-map", "0", "-c", "copy",
                    "-movflags", "use_metadata_tags", str(out)], check=True)
    assert verify(out, VALUES, key=KEY).status is Status.VALID


def test_png_secondary_text_chunk_is_read_and_replaced_on_write(tmp_path: Path) -> None:
    path = tmp_path / "annex-b.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("AIGC", LABEL.to_json())
    info.add_text("Comment", "kept")
    samples.image().save(path, pnginfo=info)
    result = read(path, VALUES)
    assert result.label == LABEL and result.location == "png_text"
    assert "secondary_placement" in {r.code for r in result.reasons}
    assert verify(path, VALUES).status is Status.UNSEALED
    write(path, LABEL, VALUES)
    after = read(path, VALUES)
    assert after.locations == ("xmp",)
    with Image.open(path) as im:
        assert im.info["Comment"] == "kept"


def test_jpeg_exif_user_comment_is_read(tmp_path: Path) -> None:
    path = tmp_path / "annex-b.jpg"
    exif = Image.Exif()
    exif.get_ifd(containers.EXIF_IFD)[containers.USER_COMMENT] = b"ASCII\x00\x00\x00" + LABEL.to_json().encode()
    samples.image().save(path, exif=exif)
    result = read(path, VALUES)
    assert result.label == LABEL and result.location == "exif_user_comment"
    write(path, LABEL, VALUES)
    assert read(path, VALUES).locations == ("xmp",)  # the EXIF copy is removed: one label per file


def test_two_different_copies_conflict(tmp_path: Path) -> None:
    path = tmp_path / "two.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("AIGC", LABEL.replace(Label="3").to_json())
    info.add_itxt(containers.PNG_XMP_KEY, containers.xmp_merge(None, LABEL.to_json()))
    samples.image().save(path, pnginfo=info)
    codes = {r.code for r in read(path, VALUES).reasons}
    assert {"multiple_labels", "conflicting_labels"} <= codes


def test_xmp_merge_keeps_other_namespaces() -> None:
    existing = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>image/png'
                "</dc:format></rdf:Description></rdf:RDF></x:xmpmeta>")
    merged = containers.xmp_merge(existing, LABEL.to_json())
    twice = containers.xmp_merge(merged, LABEL.replace(Label="2").to_json())
    assert "<dc:format>image/png</dc:format>" in twice
    assert twice.count(":AIGC>") == 2  # one element, open and close
    value = containers.xmp_value(twice, Limits())
    assert value is not None and json.loads(value)["AIGC"]["Label"] == "2"


def test_markdown_front_matter_is_merged(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    front = '---\ntitle: 说明\nAIGC:\n  Label: "3"\n  ContentProducer: X\ntags: [a]\n---\n'
    path.write_text(front + "正文\n", encoding="utf-8")
    assert read(path, VALUES).label is not None
    write(path, LABEL, VALUES)
    text = path.read_text(encoding="utf-8")
    assert "title: 说明" in text and "tags: [a]" in text and text.endswith("---\n正文\n")
    assert text.count("AIGC") == 1
    assert read(path, VALUES).label == write(path, LABEL, VALUES).label


def test_wrong_extension_is_read_by_magic_bytes(tmp_path: Path) -> None:
    path = _make(Format.PNG, tmp_path)
    write(path, LABEL, VALUES)
    disguised = tmp_path / "photo.mp3"
    shutil.copyfile(path, disguised)
    result = verify(disguised, VALUES)
    assert result.format is Format.PNG and result.status is Status.VALID
    assert result.reasons[0].code == "extension_mismatch"


def test_validation_character_set_and_values() -> None:
    assert validate(LABEL, VALUES) == []
    codes = {r.code for r in validate(ImplicitLabel("4", "名字", "has space", ReservedCode2='a"b\\'), VALUES)}
    assert codes == {"label_value", "character_set"}
    assert {r.code for r in validate(ImplicitLabel("1", "", ""), VALUES)} == {"missing_field"}
    # the pack decides the values
    assert validate(LABEL, ["2", "3"])[0].code == "label_value"


def test_write_refuses_an_invalid_label(tmp_path: Path) -> None:
    path = _make(Format.PNG, tmp_path)
    with pytest.raises(LabelError) as err:
        write(path, ImplicitLabel("1", "生成方", "x y"), VALUES)
    assert err.value.code == "invalid_label"
    assert read(path, VALUES).label is None  # the file is untouched


def test_parse_forms() -> None:
    inner = json.dumps(LABEL.as_dict())
    assert parse(inner, Limits())[0] == LABEL  # the bare object some writers store
    label, reasons = parse('{"AIGC":{"Label":1,"ContentProducer":"a","ProduceID":"b","Extra":"x"}}', Limits())
    assert label is not None and label.Label == "1"
    assert {r.code for r in reasons} == {"not_string", "unknown_fields"}
    assert parse("not json", Limits())[0] is None


def test_invalid_label_in_a_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text('---\nAIGC: {"Label": "9", "ContentProducer": "a b", "ProduceID": "x"}\n---\ntext\n')
    result = verify(path, VALUES)
    assert result.status is Status.INVALID
    assert {"label_value", "character_set"} <= {r.code for r in result.reasons}


def test_seal_values_stay_in_the_character_set() -> None:
    for key in (None, KEY):
        value = integrity.seal(LABEL, "0" * 64, key)
        assert validate(LABEL.replace(ReservedCode1=value), VALUES) == []
        assert integrity.scheme(value) is not None


@needs_ffmpeg
@pytest.mark.parametrize("fmt", [Format.MP4, Format.M4A])
def test_mp4_atom_reading_agrees_with_ffprobe(fmt: Format, tmp_path: Path) -> None:
    path = _make(fmt, tmp_path)
    assert containers._mp4_found(path, Limits()) == containers._mp4_probe(path, Limits()) == []
    write(path, LABEL, VALUES)
    found = containers._mp4_found(path, Limits())
    assert found == containers._mp4_probe(path, Limits())
    assert len(found) == 1
