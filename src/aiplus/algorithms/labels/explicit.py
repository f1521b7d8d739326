"""Explicit labels (GB 45438-2025 chapter 5): the machine-checkable rules, and stamping a label on an image or on the
first seconds of a video.

Rules checked ([V] for video 5.4, [S] for image 5.2, governance-addendum.md §2):
- the text holds an AI element ("人工智能" or "AI") and a generation element ("生成" or "合成");
- video: it is on the starting frames (start ≤ `start_tolerance` seconds) and lasts ≥ `min_seconds`;
- its text height is ≥ `min_height_ratio` of the frame's shorter side;
- it sits at an edge or corner. The standard gives no distance: "within `edge_margin` of the shorter side from an
  edge" is the platform's reading.
The caller passes `labelling.video_label_min_height_ratio` and `labelling.video_label_min_seconds` from the pack.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PIL import ImageDraw, ImageFont

from .containers import _open_image, _run
from .model import LabelError, Limits, Reason

AI_ELEMENTS = ("人工智能", "AI")
GENERATION_ELEMENTS = ("生成", "合成")
DEFAULT_TEXT = "AI生成"
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left, top, width, height."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class ExplicitLabelSpec:
    """A declared (or stamped) explicit label. `start`/`duration` in seconds; None for a still image."""

    text: str
    box: Box
    frame_width: int
    frame_height: int
    start: float | None = None
    duration: float | None = None


@dataclass(frozen=True)
class ExplicitCheck:
    ok: bool
    reasons: tuple[Reason, ...]


def text_reasons(text: str) -> list[Reason]:
    normalised = text.upper()
    reasons = []
    if not any(e in normalised for e in AI_ELEMENTS):
        reasons.append(Reason("missing_ai_element", {"text": text[:80]}))
    if not any(e in text for e in GENERATION_ELEMENTS):
        reasons.append(Reason("missing_generation_element", {"text": text[:80]}))
    return reasons


def check(spec: ExplicitLabelSpec, *, min_height_ratio: Decimal | float | str,
          min_seconds: Decimal | float | str | None = None, start_tolerance: float = 0.0,
          edge_margin: float = 0.1) -> ExplicitCheck:
    """Check a label against chapter 5; `min_seconds` (and the start) apply when the spec has a duration (video)."""
    reasons = text_reasons(spec.text)
    shorter = min(spec.frame_width, spec.frame_height)
    needed = Decimal(str(min_height_ratio)) * shorter
    if Decimal(spec.box.height) < needed:
        reasons.append(Reason("too_small", {"height": spec.box.height, "minimum": float(needed),
                                            "ratio": str(min_height_ratio), "shorter_side": shorter}))
    b = spec.box
    if b.x < 0 or b.y < 0 or b.x + b.width > spec.frame_width or b.y + b.height > spec.frame_height:
        reasons.append(Reason("outside_frame", {}))
    gap = min(b.x, b.y, spec.frame_width - (b.x + b.width), spec.frame_height - (b.y + b.height))
    if gap > edge_margin * shorter:
        reasons.append(Reason("not_at_edge", {"gap": gap, "maximum": edge_margin * shorter}))
    if min_seconds is not None:
        if spec.start is None or spec.start > start_tolerance:
            reasons.append(Reason("not_at_start", {"start": -1.0 if spec.start is None else spec.start}))
        if spec.duration is None or Decimal(str(spec.duration)) < Decimal(str(min_seconds)):
            reasons.append(Reason("too_short", {"duration": spec.duration or 0.0, "minimum": str(min_seconds)}))
    return ExplicitCheck(not reasons, tuple(reasons))


def font_path() -> str | None:
    """The first CJK font installed, or None (then only an ASCII label such as "AI生成" cannot be drawn)."""
    return next((p for p in CJK_FONTS if Path(p).exists()), None)


def _label_height(shorter: int, min_height_ratio: Decimal | float | str) -> int:
    # a little above the minimum, so that rounding and the font's ink never bring it under
    return max(8, math.ceil(Decimal(str(min_height_ratio)) * shorter * Decimal("1.25")))


def _font(size: int, text: str) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, str]:
    path = font_path()
    if path is not None:
        return ImageFont.truetype(path, size), text
    # no CJK font: Pillow's built-in font draws ASCII only, so the label falls back to its ASCII elements
    return ImageFont.load_default(size), "AI-generated"


def stamp_image(path: Path | str, out: Path | str, *, min_height_ratio: Decimal | float | str,
                text: str = DEFAULT_TEXT, limits: Limits | None = None) -> ExplicitLabelSpec:
    """Draw the label in the bottom-right corner (5.2: an edge or corner), its text at least `min_height_ratio` of
    the shorter side tall; the spec of what was drawn. The output format follows `out`'s extension."""
    limits = limits or Limits()
    if text_reasons(text):
        raise LabelError("invalid_explicit_text", "the text lacks an AI or a generation element", text=text[:80])
    with _open_image(Path(path), limits) as im:
        canvas = im.convert("RGBA") if im.mode not in ("RGB", "RGBA") else im.copy()
    width, height = canvas.size
    target = _label_height(min(width, height), min_height_ratio)
    font, drawn = _font(target, text)
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = (round(v) for v in draw.textbbox((0, 0), drawn, font=font))
    margin = max(2, target // 4)
    x = max(0, width - (right - left) - 2 * margin)
    y = max(0, height - (bottom - top) - 2 * margin)
    draw.rectangle((x, y, width - 1, height - 1), fill=(0, 0, 0, 160) if canvas.mode == "RGBA" else (0, 0, 0))
    draw.text((x + margin - left, y + margin - top), drawn, font=font, fill=(255, 255, 255))
    out = Path(out)
    if out.suffix.lower() in (".jpg", ".jpeg"):
        canvas = canvas.convert("RGB")
    canvas.save(out)
    return ExplicitLabelSpec(drawn, Box(x + margin, y + margin, right - left, bottom - top), width, height)


def _video_size(path: Path, limits: Limits) -> tuple[int, int]:
    done = _run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of",
                 "csv=p=0:s=x", str(path)], limits)
    try:
        w, h = done.stdout.decode("ascii").strip().split("x")[:2]
        return int(w), int(h)
    except ValueError as exc:
        raise LabelError("corrupt", "the file has no video stream") from exc


def stamp_video(path: Path | str, out: Path | str, *, min_height_ratio: Decimal | float | str,
                min_seconds: Decimal | float | str, text: str = DEFAULT_TEXT,
                limits: Limits | None = None) -> ExplicitLabelSpec:
    """Burn the label into the bottom-right corner of the first `min_seconds` (+0.5 s) with ffmpeg's drawtext; audio
    is copied. The video is re-encoded, so write the implicit label after stamping (its seal covers the packets)."""
    limits = limits or Limits()
    if text_reasons(text):
        raise LabelError("invalid_explicit_text", "the text lacks an AI or a generation element", text=text[:80])
    src = Path(path)
    width, height = _video_size(src, limits)
    size = _label_height(min(width, height), min_height_ratio)
    seconds = float(Decimal(str(min_seconds))) + 0.5
    fontfile = font_path()
    drawn = text if fontfile else "AI-generated"
    margin = max(2, size // 4)
    with tempfile.TemporaryDirectory(prefix="aigc-stamp-") as tmp:
        textfile = Path(tmp) / "label.txt"
        textfile.write_text(drawn, encoding="utf-8")  # a text file: no escaping of the label inside the filter
        font = f":fontfile={fontfile}" if fontfile else ""
        drawtext = (f"drawtext=textfile={textfile}{font}:fontsize={size}:fontcolor=white:box=1:boxcolor=black@0.6"
                    f":boxborderw={margin}:x=w-tw-{2 * margin}:y=h-th-{2 * margin}"
                    f":enable='between(t,0,{seconds})'")
        _run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(src), "-map", "0:v:0", "-map", "0:a?", "-vf",
              drawtext, "-c:a", "copy", "-pix_fmt", "yuv420p", str(out)], limits)
    # drawtext's font size is the em height: the text's box, estimated from it, is what the check reads
    text_width = min(width, size * len(drawn))
    return ExplicitLabelSpec(drawn, Box(max(0, width - 2 * margin - text_width), max(0, height - 2 * margin - size),
                                        text_width, size), width, height, 0.0, seconds)
