"""No template shows Chinese text that the English catalogue cannot translate: outside {% translate %} / {% trans %},
{% blocktranslate %}…{% endblocktranslate %}, _("…") arguments and comments, a template holds no Chinese character
and no full-width punctuation (（）：、；，。《》…), so an English page never shows a stray 是/否 or a full-width colon
between translated fragments. Pure Python: reads the template files, renders nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]

# CJK symbols and punctuation, CJK ideographs (extension A, unified, compatibility), half- and full-width forms.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")

# What the English catalogue covers (or nobody reads), blanked in this order; comments first, so that a commented-out
# tag cannot open a block that swallows the rest of the file.
EXEMPT = [
    re.compile(r"{%\s*comment\b[^%]*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"""{%\s*trans(?:late)?\s+(?:"[^"]*"|'[^']*')[^%]*%}"""),
    re.compile(r"""\b_\((?:"[^"]*"|'[^']*')\)"""),
]


def templates() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.glob("**/templates/**/*")
        if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".js", ".json", ".md"}
    )


def untranslated(source: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every run of Chinese characters or full-width punctuation outside translation tags and
    comments. Exempt spans are blanked character by character (newlines kept), so positions stay true."""
    text = source
    for pattern in EXEMPT:
        text = pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)
    return [
        (text.count("\n", 0, match.start()) + 1, match.start() - text.rfind("\n", 0, match.start()), match.group(0))
        for match in CJK.finditer(text)
    ]


def test_the_scanner_skips_translated_text_and_comments_and_finds_the_rest() -> None:
    sample = "\n".join(
        [
            "{% load i18n %}<h1>{% translate \"状态\" %}</h1>{% trans '是' as yes %}",
            "{% blocktranslate with n=count %}共 {{ n }} 条{% plural %}共 {{ n }} 条",
            "（多行）{% endblocktranslate %}{{ items|join:_(\"、\") }}{{ flag|yesno:_('是,否') }}",
            '{# 注释 #}{% comment "note" %}说明：{% blocktranslate %}未闭合{% endcomment %}',
            '{% translate "状态" %}：{{ value }}{{ flag|yesno:"是,否" }}',
            "<td>{{ a }}（{{ b }}）</td>{# 行内注释 #}",
        ]
    )
    assert [(line, text) for line, _column, text in untranslated(sample)] == [
        (5, "："),
        (5, "是"),
        (5, "否"),
        (6, "（"),
        (6, "）"),
    ]
    assert untranslated('<p>{% translate "规则" %}：{{ x }}</p>')[0][:2] == (1, 24)


def test_the_scan_reads_every_template() -> None:
    found = templates()
    assert len(found) > 50, "the template search found too few files"
    assert any(path.name == "base.html" for path in found)


@pytest.mark.parametrize("app", sorted({path.relative_to(PACKAGE).parts[0] for path in templates()}))
def test_no_template_shows_chinese_outside_translation_tags(app: str) -> None:
    problems = []
    for path in templates():
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] != app:
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for number, column, text in untranslated(source):
            line = lines[number - 1]
            start = max(0, column - 60)
            context = ("…" if start else "") + line[start : column + len(text) + 60]
            problems.append(f"src/aiplus/{relative.as_posix()}:{number}:{column}: {text!r} in {context.strip()!r}")
    if problems:
        pytest.fail(
            "Chinese text outside {% translate %}/{% blocktranslate %} shows untranslated on English pages; move it "
            "into the translated string (one {% blocktranslate %} sentence with variables) or use a filter with "
            '_("…") arguments, then `make messages`:\n' + "\n".join(problems),
            pytrace=False,
        )
