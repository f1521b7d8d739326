"""The cross-border pages in English: the engine's reasons, deadlines, citations, parameters and missing facts read in
the page's language (the engine gives every reason in both languages), and the Chinese pages are unchanged."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from aiplus.core.testing import CJK, section
from aiplus.datahub import services

pytestmark = pytest.mark.django_db

CONTRACT = {"transfer.recipient": "Example GmbH", "transfer.country_or_region": "DE",
            "transfer.data_categories": ["personal"], "transfer.transfer_on": "2025-06-02",
            "processor.is_ciio": "false", "transfer.pi_people": "200000", "cumulative.pi_people": "0",
            "milestones.contract_effective_on": "2025-06-03"}
ORDER_16_EN = "Provisions on Promoting and Regulating Cross-border Data Flows art. 8"


def english_reasons(html: str) -> list[str]:
    reasons = section(html, "reasons")
    assert reasons.count("<li>") >= 2
    assert not CJK.search(reasons), CJK.findall(reasons)
    return re.findall(r"<li>(.*?)</li>", reasons, re.S)


def test_the_guided_assessment_gives_reasons_deadlines_and_citations_in_english(english):
    html = english.post("/data/assess/", CONTRACT, HTTP_HX_REQUEST="true").content.decode()
    reasons = english_reasons(html)
    assert any("100,000" in r and "standard contract" in r and ORDER_16_EN in r for r in reasons), reasons
    deadlines = section(html, "deadlines")
    assert "File the standard contract" in deadlines and "10 working days" in deadlines
    assert "Measures on the Standard Contract for Outbound Transfer of Personal Information art. 7" in deadlines
    assert not CJK.search(deadlines), CJK.findall(deadlines)


def test_the_guided_assessment_names_the_missing_facts_by_their_question(english):
    incomplete = {k: v for k, v in CONTRACT.items() if k != "processor.is_ciio"}
    missing = section(english.post("/data/assess/", incomplete, HTTP_HX_REQUEST="true").content.decode(), "missing")
    assert "critical information infrastructure operator" in missing and "processor.is_ciio" not in missing
    assert not CJK.search(missing), CJK.findall(missing)


def test_the_printable_decision_reads_in_english(english):
    html = english.post("/data/assess/decision/", CONTRACT).content.decode()
    english_reasons(html)
    page = section(html, "decision-page")
    assert "crossborder.pi_threshold_contract = 100000 (" + ORDER_16_EN in re.sub(r"<[^>]+>", "", page)
    assert not CJK.search(page), CJK.findall(page)


def test_the_chinese_pages_keep_the_chinese_reasons(client):
    html = client.post("/data/assess/decision/", CONTRACT).content.decode()
    reasons = section(html, "reasons")
    assert "《促进和规范数据跨境流动规定》第8条" in reasons and "Provisions on" not in reasons
    text = re.sub(r"<[^>]+>", "", html)
    assert "crossborder.pi_threshold_contract = 100000（《促进和规范数据跨境流动规定》第8条；" in text


GBA = {"processor": {"name": "深圳甲公司", "location": "shenzhen-nanshan"},
       "recipient": {"name": "HK Ltd", "location": "HK"}, "data_categories": ["personal"],
       "effective_on": "2025-06-02", "contract_effective_on": "2025-06-03",
       "documents_provided": ["signed_contract"]}


def test_the_gba_filing_receipt_reads_in_english(world, english):
    filing = services.create_gba_filing(acting_user=world.user("enterprise_member", "shenzhen"),
                                        organisation_id=world.orgs["shenzhen:enterprise"].pk, case=GBA)
    reason = filing.decision["reasons"][0]
    assert CJK.search(reason["citation_label"])  # what the engine stored is the Chinese label
    english.force_login(world.user("official", "shenzhen"))
    html = english.get(f"/data/filings/{filing.pk}/receipt/").content.decode()
    reasons = english_reasons(html)
    assert any(escape(reason["text_en"]) in r for r in reasons), reasons
    assert "Implementation guidelines on the GBA (Mainland, Hong Kong) standard contract" in section(html, "reasons")
    deadlines = section(html, "deadlines")
    assert "working days" in deadlines and not CJK.search(deadlines), CJK.findall(deadlines)
