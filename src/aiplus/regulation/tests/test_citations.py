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
    names = {"数据出境安全评估办法": "Security Assessment Measures"}
    assert Citation(instrument="数据出境安全评估办法", article="4").label("en", instrument_names=names) \
        == "Security Assessment Measures art. 4"


def test_an_external_instrument_is_named_by_its_english_title_on_english_pages():
    citation = Citation(instrument="促进和规范数据跨境流动规定", article="8")
    with translation.override("zh-hans"):
        assert cite(citation) == "《促进和规范数据跨境流动规定》第8条"
    with translation.override("en"):
        assert cite(citation) == "Provisions on Promoting and Regulating Cross-border Data Flows art. 8"
        assert cite(Citation(instrument="数据安全法")) == "Data Security Law of the PRC"  # cited by an alias
        assert cite(Citation(instrument="苏州市人工智能应用促进条例（送审稿）", article="4")).startswith(
            "Suzhou Municipal Regulation on Promoting AI Applications")  # a pack's own regulation, by its title
        assert cite(Citation(instrument="某个未登记的文件")) == "某个未登记的文件"  # unknown: as cited


def test_a_stored_citation_dict_is_labelled_like_the_citation():
    stored = Citation(pack="suzhou", article="8", clause="2").as_dict()
    assert Citation.from_dict({**stored, "label": "ignored"}) == Citation(pack="suzhou", article="8", clause="2")
    with translation.override("en"):
        assert cite(stored) == "Suzhou Regulation art. 8 para. 2"
        assert cite({}) == cite("") == cite({"article": "8"}) == ""  # nothing cited, or nothing it could name


@pytest.mark.django_db
def test_the_parameters_page_cites_in_english_after_switching(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/parameters/").content.decode()
    assert "Suzhou Regulation art." in body and "suzhou第" not in body
