"""Citation labels read in the page's language, packs named by their regulation's short title."""

from __future__ import annotations

import pytest
from django.utils import translation

from aiplus.regulation.runtime import cite
from aiplus.rules.citations import Citation


def test_a_pack_article_is_labelled_in_the_active_language():
    citation = Citation(pack="suzhou", article="8")
    with translation.override("zh-hans"):
        assert cite(citation) == "《苏州条例》第8条"
    with translation.override("en"):
        assert cite(citation) == "Suzhou Regulation art. 8"
    assert cite(None) == ""


def test_the_pure_label_works_without_the_pack_names():
    assert Citation(pack="suzhou", article="8").label() == "suzhou第8条"
    assert Citation(instrument="数据出境安全评估办法", article="4").label() == "《数据出境安全评估办法》第4条"
    assert Citation(pack="guangdong", article="23", clause="2").label("en", {"guangdong": "Guangdong Regulation"}) \
        == "Guangdong Regulation art. 23 para. 2"


@pytest.mark.django_db
def test_the_parameters_page_cites_in_english_after_switching(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/parameters/").content.decode()
    assert "Suzhou Regulation art." in body and "suzhou第" not in body
