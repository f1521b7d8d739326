"""Scenario pages in English: jurisdiction and domain names come from their English fields, not the Chinese ones."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from aiplus.core.models import Jurisdiction
from aiplus.scenarios.testing import published_need

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@pytest.fixture
def english(client):
    """The client after the visitor chose English; the test's own active language is restored afterwards."""
    with translation.override(translation.get_language()):
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        yield client


def section(html: str, testid: str) -> str:
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no {testid} in the page"
    return match.group(2)


def test_the_taxonomy_names_domains_and_citations_in_english(english):
    domains = section(english.get("/scenarios/taxonomy/").content.decode(), "domains-table")
    assert "Suzhou Regulation art." in domains
    assert not CJK.search(domains), CJK.findall(domains)


def test_needs_name_the_jurisdiction_in_english(world, english):
    need = published_need(world)
    suzhou = Jurisdiction.objects.get(code="suzhou")
    english.force_login(world.user("official"))
    for url in ("/scenarios/", f"/scenarios/needs/{need.pk}/"):
        html = english.get(url).content.decode()
        assert suzhou.name_en in html, url
        assert f"<td>{suzhou.name_zh}</td>" not in html and f" · {suzhou.name_zh} · " not in html, url
