"""Helpers the page tests of every app share: reading one marked section of a page and spotting Chinese in it."""

from __future__ import annotations

import re

# CJK characters and full-width punctuation: none may appear in English text the UI writes.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def section(html: str, testid: str) -> str:
    """The inner HTML of the element marked `data-testid="<testid>"` (failing the test when there is none)."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no {testid} in the page"
    return match.group(2)
