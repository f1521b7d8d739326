"""Explicit labels (rules, stamping) and the platform's upload check."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from aiplus.algorithms.labels import Format, ImplicitLabel, LabelError, Status, samples, verify, write
from aiplus.algorithms.labels.explicit import Box, ExplicitLabelSpec, check, font_path, stamp_image, stamp_video
from aiplus.algorithms.labels.platform import Action, upload_check

RATIO = Decimal("0.05")  # labelling.video_label_min_height_ratio
SECONDS = 2  # labelling.video_label_min_seconds
VALUES = ["1", "2", "3"]


def _codes(spec: ExplicitLabelSpec, **kw: object) -> set[str]:
    return {r.code for r in check(spec, min_height_ratio=RATIO, **kw).reasons}  # type: ignore[arg-type]


def test_video_label_rules() -> None:
    good = ExplicitLabelSpec("AI生成", Box(1700, 1000, 180, 60), 1920, 1080, start=0.0, duration=2.5)
    assert check(good, min_height_ratio=RATIO, min_seconds=SECONDS).ok
    assert _codes(ExplicitLabelSpec("人工智能合成", good.box, 1920, 1080, 0.0, 2.0), min_seconds=SECONDS) == set()
    assert _codes(ExplicitLabelSpec("生成内容", good.box, 1920, 1080, 0.0, 3), min_seconds=SECONDS) == {
        "missing_ai_element"}
    assert _codes(ExplicitLabelSpec("AI作品", good.box, 1920, 1080, 0.0, 3), min_seconds=SECONDS) == {
        "missing_generation_element"}
    # 5% of the shorter side (1080) is 54 px
    small = ExplicitLabelSpec("AI生成", Box(1700, 1000, 180, 53), 1920, 1080, 0.0, 3)
    assert _codes(small, min_seconds=SECONDS) == {"too_small"}
    late = ExplicitLabelSpec("AI生成", good.box, 1920, 1080, start=1.0, duration=3)
    assert _codes(late, min_seconds=SECONDS) == {"not_at_start"}
    brief = ExplicitLabelSpec("AI生成", good.box, 1920, 1080, start=0.0, duration=1.9)
    assert _codes(brief, min_seconds=SECONDS) == {"too_short"}
    centred = ExplicitLabelSpec("AI生成", Box(900, 500, 180, 60), 1920, 1080, 0.0, 3)
    assert _codes(centred, min_seconds=SECONDS) == {"not_at_edge"}
    # an image has no duration rule
    assert check(ExplicitLabelSpec("ai生成", good.box, 1920, 1080), min_height_ratio=RATIO).ok


def test_stamp_image(tmp_path: Path) -> None:
    src = tmp_path / "in.png"
    samples.image(size=(400, 300)).save(src)
    out = tmp_path / "out.png"
    spec = stamp_image(src, out, min_height_ratio=RATIO)
    assert check(spec, min_height_ratio=RATIO).ok, check(spec, min_height_ratio=RATIO).reasons
    if font_path() is not None:
        assert spec.text == "AI生成"
    with Image.open(src) as before, Image.open(out) as after:
        assert after.size == before.size
        corner = (spec.box.x, spec.box.y, spec.box.x + spec.box.width, spec.box.y + spec.box.height)
        assert before.crop(corner).tobytes() != after.convert(before.mode).crop(corner).tobytes()
        # the rest of the picture is untouched
        assert before.crop((0, 0, 100, 100)).tobytes() == after.convert(before.mode).crop((0, 0, 100, 100)).tobytes()


def test_stamp_refuses_a_text_without_both_elements(tmp_path: Path) -> None:
    src = tmp_path / "in.png"
    samples.image().save(src)
    with pytest.raises(LabelError) as err:
        stamp_image(src, tmp_path / "o.png", min_height_ratio=RATIO, text="机器作品")
    assert err.value.code == "invalid_explicit_text"


@pytest.mark.skipif(not samples.have_ffmpeg(), reason="ffmpeg/ffprobe not installed (make browser installs them)")
def test_stamp_video_then_label_it(tmp_path: Path) -> None:
    src = samples.make(Format.MP4, tmp_path, seconds=4)
    out = tmp_path / "stamped.mp4"
    spec = stamp_video(src, out, min_height_ratio=RATIO, min_seconds=SECONDS)
    assert check(spec, min_height_ratio=RATIO, min_seconds=SECONDS).ok
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(out)],
                           capture_output=True, check=True)
    assert float(json.loads(probe.stdout)["format"]["duration"]) == pytest.approx(4, abs=0.3)

    def frame(path: Path, at: float) -> bytes:
        return subprocess.run(["ffmpeg", "-v", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1", "-f",
                               "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout

    def corner_difference(at: float) -> float:
        a, b = frame(src, at), frame(out, at)
        pixels = [(x, y) for y in range(spec.box.y, spec.box.y + spec.box.height)
                  for x in range(spec.box.x, spec.box.x + spec.box.width)]
        return sum(abs(a[y * spec.frame_width + x] - b[y * spec.frame_width + x]) for x, y in pixels) / len(pixels)

    # the label is on the opening frames and gone after min_seconds (+0.5 s); the rest differs only by re-encoding
    assert corner_difference(0.5) > 20
    assert corner_difference(3.5) < 10
    # the implicit label goes on after stamping: its seal covers the re-encoded packets
    write(out, ImplicitLabel.first_write("1", "ACME", "v-1"), VALUES)
    assert verify(out, VALUES).status is Status.VALID


def test_upload_check() -> None:
    labelled = ImplicitLabel.first_write("1", "ACME", "c-1")
    decision = upload_check(labelled, declared_generated=False, detected=False, propagator="PLAT",
                            propagate_id="u-9", label_values=VALUES)
    assert decision.action is Action.NOTICE and decision.show_notice and not decision.review
    assert decision.label is not None
    assert (decision.label.ContentProducer, decision.label.ContentPropagator, decision.label.PropagateID) == (
        "ACME", "PLAT", "u-9")

    declared = upload_check(None, declared_generated=True, detected=False, propagator="PLAT", propagate_id="u-10",
                            label_values=VALUES)
    assert declared.action is Action.POSSIBLY and declared.label is not None and declared.label.Label == "2"

    detected = upload_check(None, declared_generated=False, detected=True, propagator="PLAT", propagate_id="u-11",
                            label_values=VALUES)
    assert detected.action is Action.SUSPECTED and detected.review and detected.label is not None
    assert detected.label.Label == "3"

    neither = upload_check(None, declared_generated=False, detected=False, propagator="PLAT", propagate_id="u-12",
                           label_values=VALUES)
    assert neither.action is Action.REVIEW and neither.review and neither.label is None

    # the pack's values, not constants
    custom = upload_check(None, declared_generated=True, detected=False, propagator="P", propagate_id="1",
                          label_values=["A", "B", "C"])
    assert custom.label is not None and custom.label.Label == "B"
    with pytest.raises(LabelError):
        upload_check(None, declared_generated=True, detected=False, propagator="P", propagate_id="1",
                     label_values=["1"])


def test_unlabelled_export_check() -> None:
    from aiplus.algorithms.labels.platform import unlabelled_export_check

    ok = unlabelled_export_check(agreement_sets_duty=True, log_retention_months=6, logs_recipient=True,
                                 min_retention_months=6)
    assert ok.allowed and ok.reasons == ()
    refused = unlabelled_export_check(agreement_sets_duty=False, log_retention_months=3, logs_recipient=False,
                                      min_retention_months=6)
    assert not refused.allowed
    assert [r.code for r in refused.reasons] == ["agreement_missing_duty", "log_retention_too_short",
                                                 "log_missing_recipient"]
    assert refused.reasons[1].params == {"months": 3, "minimum": 6}
