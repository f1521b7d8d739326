"""The scenario taxonomy page and API say where each domain, sub-scenario and Guangdong category comes from: named in
the drafting explanation (with the chapter it describes) or the platform's classification, never a raw citation."""

from __future__ import annotations

import re

import pytest

from aiplus.core.testing import CJK, section

pytestmark = pytest.mark.django_db


def _row(table: str, code: str) -> str:
    match = re.search(rf'<tr data-code="{re.escape(code)}">(.*?)</tr>', table, re.S)
    assert match, code
    return match.group(1)


def _source(row: str) -> tuple[str, str]:
    match = re.search(r'<span class="provenance" data-source-kind="([^"]+)">([^<]*)</span>', row)
    assert match, row
    return match.group(1), match.group(2)


def test_the_taxonomy_page_names_each_items_source_in_chinese(client):
    html = client.get("/scenarios/taxonomy/").content.decode()
    assert "平台分类是平台为运行需要所作的细分" in section(html, "taxonomy-sources")
    domains = section(html, "domains-table")
    assert "<th>来源</th>" in domains
    kind, text = _source(_row(domains, "industry.manufacturing"))
    assert kind == "stated-in-explanation" and text.startswith("起草说明所列：《苏州条例") and "第11-30条" in text
    assert _source(_row(domains, "livelihood.health")) == ("working-classification", "平台分类")
    gd = section(html, "gd-table")
    kind, text = _source(_row(gd, "gba_joint"))
    assert kind == "stated-in-explanation" and "《广东条例" in text and "第22-24条" in text


def test_the_taxonomy_page_names_each_items_source_in_english(english):
    html = english.get("/scenarios/taxonomy/").content.decode()
    domains = section(html, "domains-table")
    assert not CJK.search(domains), CJK.findall(domains)
    kind, text = _source(_row(domains, "science"))
    assert kind == "stated-in-explanation" and text.startswith("Named in the drafting explanation: Suzhou Regulation")
    assert _source(_row(domains, "consumption.retail")) == ("working-classification", "Platform classification")
    gd = section(html, "gd-table")
    assert not CJK.search(gd), CJK.findall(gd)
    assert _source(_row(gd, "economy"))[1].startswith("Named in the drafting explanation: Guangdong Regulation")


def test_no_raw_citation_and_no_article_beside_a_platform_classification(client):
    body = client.get("/api/v1/scenarios/taxonomy").json()
    rows = body["domains"] + body["gd_categories"]
    assert {r["source_kind"] for r in rows} == {"stated-in-explanation", "working-classification"}
    for row in rows:
        if row["source_kind"] == "working-classification":
            assert row["citation"] == "" and row["source"] == "平台分类" and not row["source_citation"], row
        else:
            assert row["citation"] and row["source"].endswith(row["citation"]), row
    html = client.get("/scenarios/taxonomy/").content.decode()
    assert "{'pack'" not in html and "Citation(" not in html
