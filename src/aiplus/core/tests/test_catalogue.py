"""The English catalogue is complete, free of Chinese and fuzzy entries, keeps every placeholder, and the compiled
.mo says exactly what the .po says. Pure Python: no gettext binaries needed (refresh with `make messages`)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.urls import get_resolver, reverse
from django.utils import translation

LC_MESSAGES = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PYTHON_FORMAT = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrx%]")
NAMED = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifrx]|\{[A-Za-z_][A-Za-z0-9_]*\}")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file (header included, as the entry with an empty msgid); msgstr without index is 0."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    seen_msgid = False

    def finish() -> None:
        nonlocal current, seen_msgid, target
        if current is not None and seen_msgid:
            entries.append(current)
        current, seen_msgid, target = None, False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if current is not None and seen_msgid and line.startswith("#"):
            finish()
        if current is None:
            current = Entry(line=number)
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            value = ast.literal_eval(literal)
            if keyword == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, target, seen_msgid = value, ("msgid", 0), True
            elif keyword == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], target = value, ("msgstr", slot)
            continue
        assert line.startswith('"') and target is not None, f"django.po:{number}: cannot parse {raw!r}"
        value = ast.literal_eval(line)
        name, slot = target
        if name == "msgstr":
            current.msgstr[slot] += value
        else:
            setattr(current, name, getattr(current, name) + value)
    finish()
    return [entry for entry in entries if not entry.obsolete]


def nplurals(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


def placeholders(entry: Entry, text: str) -> list[str]:
    pattern = PYTHON_FORMAT if "python-format" in entry.flags else NAMED
    return sorted(pattern.findall(text))


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(PO)


def test_the_parser_reads_continuations_plurals_and_flags(tmp_path: Path) -> None:
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"第%(n)s行"\nmsgstr ""\n"Line "\n"%(n)s"\n\n'
        '#: b.html:2\n#, python-format\nmsgid "%(n)s 个"\nmsgid_plural "%(n)s 个"\nmsgstr[0] "%(n)s item"\n'
        'msgstr[1] "%(n)s items"\n\n#~ msgid "旧"\n#~ msgstr "Old"\n', encoding="utf-8")
    header, line, plural = parse_po(sample)
    assert header.msgid == "" and nplurals(header) == 2
    assert (line.msgid, line.msgstr, line.flags) == ("第%(n)s行", {0: "Line %(n)s"}, {"fuzzy", "python-format"})
    assert plural.msgid_plural == "%(n)s 个" and plural.msgstr == {0: "%(n)s item", 1: "%(n)s items"}


def test_every_entry_is_translated_into_english(catalogue: list[Entry]) -> None:
    header, *entries = catalogue
    assert header.msgid == "" and "Language: en" in header.msgstr[0]
    assert len(entries) > 100, "the catalogue looks truncated"
    forms = nplurals(header)
    problems = []
    for entry in entries:
        expected_slots = set(range(forms)) if entry.msgid_plural is not None else {0}
        if set(entry.msgstr) != expected_slots:
            problems.append(f"{entry.label}: msgstr slots {sorted(entry.msgstr)}, expected {sorted(expected_slots)}")
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label}: fuzzy")
        for slot, text in entry.msgstr.items():
            source = entry.msgid if slot == 0 or entry.msgid_plural is None else entry.msgid_plural
            if not text.strip():
                problems.append(f"{entry.label}: empty msgstr[{slot}]")
            elif CJK.search(text):
                problems.append(f"{entry.label}: msgstr[{slot}] still contains Chinese: {text!r}")
            elif placeholders(entry, source) != placeholders(entry, text):
                problems.append(f"{entry.label}: placeholders {placeholders(entry, source)} became "
                                f"{placeholders(entry, text)} in {text!r}")
    assert not problems, "\n".join(problems)


def test_no_message_appears_twice(catalogue: list[Entry]) -> None:
    keys = [(entry.msgctxt, entry.msgid) for entry in catalogue]
    assert len(keys) == len(set(keys))


def test_the_compiled_catalogue_matches_the_po(catalogue: list[Entry]) -> None:
    """Loads django.mo with the standard library and compares it with the .po: an .mo compiled from an older .po
    (or not recompiled after editing) fails here, whatever the file times say."""
    with MO.open("rb") as handle:
        compiled: dict[Any, str] = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for entry in catalogue[1:]:
        if "fuzzy" in entry.flags:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if entry.msgstr[0]:
                expected[key] = entry.msgstr[0]
        elif all(entry.msgstr.values()):
            expected.update({(key, slot): text for slot, text in entry.msgstr.items()})
    compiled.pop("", None)
    missing = {key: value for key, value in expected.items() if compiled.get(key) != value}
    stale = sorted(str(key) for key in compiled.keys() - expected.keys())
    assert not missing, f"django.mo lacks or differs from the .po for {len(missing)} messages, e.g. " \
                        f"{list(missing.items())[:5]} — run `make messages` (or compilemessages -l en)"
    assert not stale, f"django.mo has messages the .po no longer has: {stale[:5]}"


def test_every_navigation_label_has_an_english_translation() -> None:
    from aiplus.core import navigation

    get_resolver().url_patterns  # noqa: B018 - importing every app's urls registers its menu entries
    labels = [entry.label for entry in navigation.entries()]
    assert labels
    with translation.override("en"):
        untranslated = [str(label) for label in labels if CJK.search(str(label))]
    assert not untranslated


ENGLISH_PAGES = [
    "portal:home", "portal:dashboard", "core:organisations", "regulation:coverage", "core:notifications",
    "core:api_tokens", "scenarios:needs", "scenarios:calls", "scenarios:profiles", "scenarios:pilots",
    "scenarios:cases", "experts:pool", "experts:draws", "experts:consultations", "compute:capacity",
    "compute:requests", "compute:vouchers", "datahub:catalogue", "datahub:assess", "datahub:filings",
]


def test_pages_of_every_app_render_in_english_after_choosing_it(client: Any, world: Any) -> None:
    client.force_login(world.user("official", "suzhou"))
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert chosen.status_code == 302
    for name in ENGLISH_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert '<html lang="en">' in html, name
        header = re.search(r'<header class="site-header">(.*?)</header>', html, re.S)
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        assert header and heading, name
        assert not CJK.search(re.sub(r"<[^>]+>", " ", header.group(1))), f"{name}: Chinese in the page header"
        assert not CJK.search(heading.group(1)), f"{name}: Chinese heading {heading.group(1)!r}"
    home = client.get(reverse("portal:home")).content.decode()
    for label in ("Open call (jiebang guashuai)", "Expert pool", "Data catalogue", "Compute voucher", "Log out"):
        assert label in home, label


def test_the_same_page_stays_chinese_by_default(client: Any, world: Any) -> None:
    client.force_login(world.user("official", "suzhou"))
    html = client.get(reverse("scenarios:calls")).content.decode()
    assert '<html lang="zh-Hans">' in html and "揭榜挂帅" in html
