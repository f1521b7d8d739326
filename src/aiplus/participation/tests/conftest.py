"""Fixtures of the participation tests: a real one-page PDF and a PNG (made by pypdf and Pillow), and the Suzhou and
Shenzhen jurisdictions' ids."""

from __future__ import annotations

import io
from typing import Any

import pytest


@pytest.fixture
def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def place(world: Any) -> Any:
    from aiplus.core.models import Jurisdiction

    def get(code: str) -> int:
        return Jurisdiction.objects.get(code=code).pk

    return get
