"""The parameters page reads for people: lists joined, yes/no for flags, money ranges formatted; no Python literal."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_parameters_page_shows_no_python_literal(client) -> None:
    page = client.get("/parameters/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    cells = re.findall(r'data-testid="parameter-value">(.*?)</td>', page, re.S)
    assert len(cells) > 100
    for cell in cells:
        assert not re.search(r"\[|\]|\{|\}|\bTrue\b|\bFalse\b|E\+", cell), cell
    assert "1万–10万元" in page or "10,000–100,000 元" in page  # algorithms.filing.penalty_range_cny
