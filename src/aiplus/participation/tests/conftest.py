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


@pytest.fixture
def association_org(world: Any, make_org: Any) -> Any:
    """A Suzhou industry association (an organisation of that kind) with a staff member, `assoc-staff`."""
    from aiplus.core import services

    organisation = make_org("suzhou", "industry_association", name="苏州市人工智能产业协会")
    staff = services.create_user(acting_user=world.admin, username="assoc-staff", password="x-password-123")
    services.assign_role(acting_user=world.admin, user=staff, role="enterprise_member",
                         organisation_id=organisation.pk)
    organisation.staff = staff
    return organisation
