"""Small real media files of every supported format, made with the same libraries (and ffmpeg) the engine reads
them with: for the tests, the benchmark and demonstrations."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PIL import Image

from .sniff import Format

EXTENSION: dict[Format, str] = {
    Format.PNG: ".png",
    Format.JPEG: ".jpg",
    Format.WEBP: ".webp",
    Format.MP3: ".mp3",
    Format.WAV: ".wav",
    Format.M4A: ".m4a",
    Format.MP4: ".mp4",
    Format.PDF: ".pdf",
    Format.TEXT: ".md",
}
NEEDS_FFMPEG = (Format.MP3, Format.M4A, Format.MP4)


def have_ffmpeg() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def image(seed: int = 0, size: tuple[int, int] = (96, 64)) -> Image.Image:
    """A deterministic picture that differs with `seed`."""
    im = Image.effect_mandelbrot(size, (-2.0 + (seed % 50) * 0.01, -1.2, 1.0, 1.2), 40).convert("RGB")
    return Image.merge("RGB", (im.getchannel(0), im.getchannel(0).point(lambda v: (v * 3 + seed) % 256),
                              im.getchannel(0).point(lambda v: 255 - v)))


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, timeout=120)


def make(fmt: Format, directory: Path, name: str = "sample", seed: int = 0, seconds: float = 1.0) -> Path:
    """Write one unlabelled file of `fmt` into `directory`."""
    path = directory / f"{name}{EXTENSION[fmt]}"
    if fmt in (Format.PNG, Format.JPEG, Format.WEBP):
        image(seed).save(path, quality=85) if fmt is not Format.PNG else image(seed).save(path)
    elif fmt is Format.WAV:
        import wave

        rate = 8000
        frames = bytes((i * (seed + 3)) % 256 for i in range(int(rate * seconds) * 2))
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(frames)
    elif fmt is Format.MP3:
        _ffmpeg("-f", "lavfi", "-i", f"sine=frequency={300 + seed}:duration={seconds}", "-c:a", "libmp3lame",
                str(path))
    elif fmt is Format.M4A:
        _ffmpeg("-f", "lavfi", "-i", f"sine=frequency={300 + seed}:duration={seconds}", "-c:a", "aac", "-f", "ipod",
                str(path))
    elif fmt is Format.MP4:
        _ffmpeg("-f", "lavfi", "-i", f"testsrc=size=160x120:rate=10:duration={seconds}", "-f", "lavfi", "-i",
                f"sine=frequency={300 + seed}:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-f", "mp4", str(path))
    elif fmt is Format.PDF:
        from pypdf import PdfWriter
        from pypdf.generic import ContentStream

        writer = PdfWriter()
        page = writer.add_blank_page(200, 200)
        content = ContentStream(None, writer)
        content.set_data(f"0 0 1 rg {10 + seed % 100} 10 50 50 re f".encode())
        page.replace_contents(content)
        with path.open("wb") as fh:
            writer.write(fh)
    else:
        path.write_text(f"# 样例 {seed}\n\n由模型生成的一段文字。\n", encoding="utf-8")
    return path
