"""`{{ item|localized:"field" }}` picks a bilingual field in the page's language; the portal's reference pages use it
(and `|cite`), so an English page lists departments, duties, glossary terms and jurisdictions in English."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.html import escape

from aiplus.core.testing import CJK, section
from aiplus.portal.templatetags.localized import localized, localized_value

REASON = {"code": "x", "text_zh": "处理者不是关键信息基础设施运营者", "text_en": "The processor is not a CIIO",
          "citation": {"pack": "suzhou", "article": "8"}}


def test_a_dict_gives_english_on_english_pages_and_chinese_otherwise():
    with translation.override("en"):
        assert localized(REASON, "text") == "The processor is not a CIIO"
    with translation.override("zh-hans"):
        assert localized(REASON, "text") == "处理者不是关键信息基础设施运营者"


def test_an_object_works_like_a_dict():
    place = SimpleNamespace(name_zh="苏州市", name_en="Suzhou")
    with translation.override("en"):
        assert localized(place, "name") == "Suzhou"
    with translation.override("zh-hans"):
        assert localized(place, "name") == "苏州市"


def test_an_empty_half_falls_back_to_the_other_language():
    with translation.override("en"):
        assert localized({"text_zh": "只有中文", "text_en": ""}, "text") == "只有中文"
        assert localized({"text_zh": "只有中文"}, "text") == "只有中文"
    with translation.override("zh-hans"):
        assert localized({"text_zh": "", "text_en": "English only"}, "text") == "English only"


def test_chinese_is_the_default_and_a_plain_field_is_the_chinese_half():
    notice = SimpleNamespace(title="通知", title_en="Notice")
    assert localized_value(notice, "title", "zh-hans") == "通知"
    assert localized_value(notice, "title", "en") == "Notice"
    with translation.override(None):  # nothing active: the site's language, Chinese
        assert localized(REASON, "text") == "处理者不是关键信息基础设施运营者"
    assert localized(None, "text") == "" and localized("", "text") == "" and localized({}, "text") == ""
    assert localized(SimpleNamespace(name_zh=lambda: "x"), "name") == ""  # methods are not fields


def test_the_filter_renders_escaped_in_a_template():
    template = Template('{% load localized %}{{ r|localized:"text" }}')
    with translation.override("en"):
        html = template.render(Context({"r": {"text_zh": "中", "text_en": "a < b"}}))
    assert html == "a &lt; b"


@pytest.mark.django_db
def test_the_departments_page_reads_in_english(reference, english):
    from aiplus.core.models import DepartmentDuty
    from aiplus.core.reference import sync_departments
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    duty = DepartmentDuty.objects.select_related("department").filter(citation__pack="suzhou").first()
    assert duty is not None and CJK.search(duty.citation_label)  # the stored label is Chinese
    html = english.get("/departments/").content.decode()
    duties = section(html, f"department-{duty.department.pk}")
    assert escape(duty.text_en) in duties and escape(duty.department.name_en) in duties
    assert re.search(r"Suzhou Regulation( \([a-z ]+\))? art\.", duties)  # the draft's status may follow its name
    assert not CJK.search(duties), CJK.findall(duties)
    assert escape(duty.text_zh) not in html and duty.citation_label not in html


@pytest.mark.django_db
def test_the_glossary_jurisdictions_and_home_pages_read_in_english(reference, english):
    from aiplus.core.models import Jurisdiction

    glossary = section(english.get("/glossary/").content.decode(), "glossary")
    assert not CJK.search(glossary), CJK.findall(glossary)
    rows = section(english.get("/jurisdictions/").content.decode(), "list-table")
    suzhou = Jurisdiction.objects.get(code="suzhou")
    assert suzhou.name_en in rows and suzhou.name_zh not in rows
    assert not CJK.search(rows), CJK.findall(rows)
    packs = section(english.get("/").content.decode(), "packs")
    assert "<td>Suzhou</td>" in packs and not CJK.search(packs), CJK.findall(packs)


def test_no_template_reads_the_chinese_half_of_a_field_pair_directly():
    """`{{ x.name_zh }}` shows Chinese on English pages; `{{ x|localized:"name" }}` is the page's language."""
    from pathlib import Path

    package = Path(__file__).resolve().parents[2]
    found = [f"{path.relative_to(package)}:{source.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
             for path in sorted(package.glob("**/templates/**/*.html"))
             for source in [path.read_text(encoding="utf-8")]
             for match in re.finditer(r"{[{%][^}%]*?\.\w+_zh\b[^}%]*[}%]}", source)]
    assert not found, "\n".join(found)
