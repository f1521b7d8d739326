"""The glossary and departments pages say where each definition and duty comes from, in the page's language: a
working definition or a platform assignment reads as the platform's and never sits beside a bare article citation."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from aiplus.core.testing import CJK, section

pytestmark = pytest.mark.django_db


def _source(html: str) -> str:
    """The text of a definition's or duty's source line (tags stripped, entities as the page writes them)."""
    match = re.search(r'<small class="source">(.*?)</small>', html, re.S)
    assert match, html
    return re.sub(r"<[^>]+>", "", match.group(1))


# --- glossary -----------------------------------------------------------------------------------------------


def test_the_glossary_names_each_definitions_source_in_chinese(client):
    html = client.get("/glossary/").content.decode()
    assert "平台工作定义是平台为运行需要所作的概括，不具有法律效力" in section(html, "glossary-sources")
    ai = _source(section(html, "term-suzhou-artificial_intelligence"))
    assert ai.startswith("来源：其他法规的定义：《深圳经济特区人工智能产业促进条例》")
    assert "相关条文（非出处）：《苏州条例" in ai
    opc = _source(section(html, "term-suzhou-opc"))
    assert opc.startswith("来源：平台工作定义，无法律效力")
    important = _source(section(html, "term-national-important_data"))
    assert important == "来源：平台工作定义，无法律效力（参照《促进和规范数据跨境流动规定》第2条）"


def test_the_glossary_names_each_definitions_source_in_english(reference, english):
    html = english.get("/glossary/").content.decode()
    glossary = section(html, "glossary")
    assert not CJK.search(glossary), CJK.findall(glossary)
    ai = _source(section(html, "term-suzhou-artificial_intelligence"))
    assert ai.startswith("Source: Defined in another regulation: Shenzhen Special Economic Zone Regulation")
    assert "Related provision (not the source): Suzhou Regulation" in ai
    opc = _source(section(html, "term-suzhou-opc"))
    assert opc.startswith(escape("Source: The platform's working definition, no legal force"))


def test_a_working_definition_never_sits_beside_a_bare_article(client):
    """Every article number after a working definition is labelled: the instrument it follows, or a related
    provision that is not its source."""
    html = client.get("/glossary/").content.decode()
    for match in re.finditer(r'<dd data-testid="term-[^"]+">(.*?)</dd>', html, re.S):
        source = _source(match.group(1))
        if "平台工作定义" not in source:
            continue
        bare = re.sub(r"（参照[^）]*）|相关(?:条文|文件)（非出处）：.*$", "", source)
        assert not re.search(r"第[\d\-–, ]+条", bare), source


# --- departments --------------------------------------------------------------------------------------------


@pytest.fixture
def departments(reference):
    from aiplus.core.models import DepartmentDuty
    from aiplus.core.reference import sync_departments
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    return DepartmentDuty.objects.select_related("department")


def test_duties_say_who_assigns_them_in_chinese(client, departments):
    html = client.get("/departments/").content.decode()
    assert "部门之间的职责分工由平台设置（运营方可配置），不是条例的规定" in section(html, "duties-basis")
    platform = departments.get(department__code="sz_fgw", position=0)
    assert platform.source_kind == "platform-assignment"
    text = _source(section(html, f"duty-{platform.pk}"))
    assert text.startswith("平台分工，运营方可配置") and "相关条文（非出处）：《苏州条例" in text
    official = departments.get(department__code="cac", position=0)
    assert official.source_kind == "official"
    assert _source(section(html, f"duty-{official.pk}")) == "官方来源：《互联网信息服务算法推荐管理规定》第24条"
    notice = departments.get(department__code="sz_ai_plus_taskforce", position=0)
    assert _source(section(html, f"duty-{notice.pk}")) == "官方来源：《苏州市人工智能应用促进条例（征求意见稿）》"


def test_duties_say_who_assigns_them_in_english(english, departments):
    html = english.get("/departments/").content.decode()
    basis = section(html, "duties-basis")
    assert "The assignment of duties to departments is the platform" in basis and not CJK.search(basis)
    platform = departments.get(department__code="gd_fgw", position=0)
    text = _source(section(html, f"duty-{platform.pk}"))
    assert text.startswith("Platform assignment, configurable by the operator")
    assert "Related provision (not the source): Guangdong Regulation" in text
    official = departments.get(department__code="nda", position=0)
    text = _source(section(html, f"duty-{official.pk}"))
    assert text == "Official source: Provisions on Promoting and Regulating Cross-border Data Flows art. 6"
    assert not CJK.search(text)
