"""No template holds code the content security policy would block (script-src and style-src 'self'): no inline
<script> (data goes to scripts through json_script, which makes a type="application/json" block, or data-
attributes), no inline event handler (onclick=…, onchange=…, htmx's hx-on), no javascript: URL, no <style> block
and no style attribute. Page scripts are static files (CONTRIBUTING.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "aiplus"
TEMPLATES = sorted(path for path in SRC.rglob("*.html") if "templates" in path.parts)

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
FORBIDDEN = {
    "inline event handler": re.compile(r"<[a-z][^>]*?\s(on[a-z]+|hx-on[:\-][^\s=]*)\s*=", re.I | re.S),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.I | re.S),
}


def test_there_are_templates_to_scan():
    assert len(TEMPLATES) > 50
    assert any(path.name == "base.html" for path in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(SRC)))
def test_no_template_has_inline_script_or_style(path):
    text = path.read_text(encoding="utf-8")
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        assert re.search(r"\bsrc\s*=", attributes) or re.search(r'type\s*=\s*"application/json"', attributes), (
            f"{path}: inline <script{attributes}>: move it into a static file")
    for what, pattern in FORBIDDEN.items():
        match = pattern.search(text)
        assert match is None, f"{path}: {what}: {match.group(0)[:120] if match else ''}"


def test_the_scan_finds_what_it_forbids():
    samples = ['<script>alert(1)</script>', '<button type="button" onclick="window.print()">',
               '<select\n  name="x" onchange="this.form.submit()">', '<div hx-on:click="x()">',
               '<a href="javascript:void(0)">', "<style>p{}</style>", '<div class="a" style="height:3px">']
    for sample in samples:
        inline_script = any(not re.search(r"\bsrc\s*=", m.group(1)) for m in SCRIPT_TAG.finditer(sample))
        assert inline_script or any(p.search(sample) for p in FORBIDDEN.values()), sample
    for allowed in ['<script src="/static/a.js" defer></script>', '<select data-autosubmit data-on="1">',
                    '<p>Set the onion=3 option</p>', '<div data-style="x" class="chart">']:
        assert not any(p.search(allowed) for p in FORBIDDEN.values()), allowed
