"""Citation labels read in the page's language, packs named by their regulation's short title with the draft's
status; an operator's value (local-setting) reads as a platform setting, never as law."""

from __future__ import annotations

import pytest
from django.utils import translation

from aiplus.regulation.runtime import cite
from aiplus.rules.citations import Citation


@pytest.mark.parametrize(("citation", "zh", "en"), [
    (Citation(pack="suzhou", article="8"), "《苏州条例（送审稿）》第8条", "Suzhou Regulation (submitted draft) art. 8"),
    (Citation(instrument="促进和规范数据跨境流动规定", article="8"), "《促进和规范数据跨境流动规定》第8条",
     "Provisions on Promoting and Regulating Cross-border Data Flows art. 8"),  # an external instrument, by its title
    # a clause reads as what it is: a paragraph (款), a standard's section, or a named part as written
    (Citation(instrument="GB 45438-2025", clause="5.4"), "《GB 45438-2025》第5.4条",
     "Cybersecurity technology — Labelling method for AI-generated and synthetic content clause 5.4"),
    (Citation(instrument="新一代人工智能伦理规范", clause="研发规范"), "《新一代人工智能伦理规范》研发规范",
     "Ethical Norms for New Generation Artificial Intelligence (研发规范)"),
    (Citation(instrument="新一代人工智能伦理规范"), "《新一代人工智能伦理规范》",
     "Ethical Norms for New Generation Artificial Intelligence"),
])
def test_a_citation_is_labelled_in_the_active_language(citation, zh, en):
    with translation.override("zh-hans"):
        assert cite(citation) == zh
    with translation.override("en"):
        assert cite(citation) == en
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
    with translation.override("en"):
        assert cite(Citation(instrument="数据安全法")) == "Data Security Law of the PRC"  # cited by an alias
        assert cite(Citation(instrument="苏州市人工智能应用促进条例（送审稿）", article="4")).startswith(
            "Suzhou Municipal Regulation on Promoting AI Applications")  # a pack's own regulation, by its title
        assert cite(Citation(instrument="某个未登记的文件")) == "某个未登记的文件"  # unknown: as cited


def test_a_stored_citation_dict_is_labelled_like_the_citation():
    stored = Citation(pack="suzhou", article="8", clause="2").as_dict()
    assert Citation.from_dict({**stored, "label": "ignored"}) == Citation(pack="suzhou", article="8", clause="2")
    with translation.override("en"):
        assert cite(stored) == "Suzhou Regulation (submitted draft) art. 8 para. 2"
        assert cite({}) == cite("") == cite({"article": "8"}) == ""  # nothing cited, or nothing it could name


@pytest.mark.django_db
def test_the_parameters_page_cites_in_english_after_switching(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/parameters/").content.decode()
    assert "Platform setting" in body and "平台设置" not in body and "suzhou第" not in body
    assert "Provisions on Promoting and Regulating Cross-border Data Flows art. 7" in body  # an official value


def test_both_drafts_are_cited_with_their_status():
    with translation.override("zh-hans"):
        assert cite(Citation(pack="guangdong", article="7")) == "《广东条例（征求意见稿）》第7条"
    with translation.override("en"):
        assert cite(Citation(pack="guangdong", article="7")) == "Guangdong Regulation (consultation draft) art. 7"


def test_a_platform_setting_never_reads_as_the_article_it_serves():
    serving = Citation(pack="suzhou", article="11-30", setting=True)
    following = Citation(instrument="科技伦理审查办法（试行）", setting=True)
    with translation.override("zh-hans"):
        assert cite(serving) == "平台设置"
        assert cite(following) == "平台设置（参照《科技伦理审查办法（试行）》）"
        assert cite(Citation(setting=True)) == "平台设置"
    with translation.override("en"):
        assert cite(serving) == "Platform setting"
        assert cite(following).startswith("Platform setting (following Measures for Science and Technology Ethics")
    # stored and read back, the mark survives; a stored parameter dict that says local-setting is marked too
    assert Citation.from_dict(serving.as_dict()) == serving
    from aiplus.regulation.runtime import citation_of
    assert citation_of({"citation": {"pack": "suzhou", "article": "34"}, "status": "local-setting"}).setting
    assert not citation_of({"citation": {"pack": "suzhou", "article": "34"}, "status": "official"}).setting


def test_every_local_setting_parameter_cites_itself_as_a_platform_setting():
    from aiplus.regulation.runtime import active_packs
    versions = active_packs().parameters
    local = [v for v in versions if v.status.value == "local-setting"]
    assert local
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for version in local:
                label = cite(version.citation)
                assert label.startswith(("平台设置", "Platform setting")), (version.key, label)
                assert "第" not in label.split("参照")[0] and " art. " not in label.split("following")[0]
