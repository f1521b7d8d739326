"""Scenario pages in English: jurisdiction and domain names come from their English fields, not the Chinese ones."""

from __future__ import annotations

import pytest

from aiplus.core.models import Jurisdiction
from aiplus.core.testing import CJK, section
from aiplus.scenarios.testing import published_need

pytestmark = pytest.mark.django_db


def test_the_taxonomy_names_domains_and_citations_in_english(english):
    domains = section(english.get("/scenarios/taxonomy/").content.decode(), "domains-table")
    assert "Named in the drafting explanation: Suzhou Regulation" in domains and " art. 11-30" in domains
    assert not CJK.search(domains), CJK.findall(domains)


def test_needs_name_the_jurisdiction_in_english(world, english):
    need = published_need(world)
    suzhou = Jurisdiction.objects.get(code="suzhou")
    english.force_login(world.user("official"))
    for url in ("/scenarios/", f"/scenarios/needs/{need.pk}/"):
        html = english.get(url).content.decode()
        assert suzhou.name_en in html, url
        assert f"<td>{suzhou.name_zh}</td>" not in html and f" · {suzhou.name_zh} · " not in html, url
