"""Matching explanations in the reader's language: the pure engine returns coded items with parameters, the
Django side renders them through gettext (Chinese first) for the pages, the API and strong-match notifications."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from aiplus.core import services as core
from aiplus.core.models import Notification
from aiplus.core.testing import CJK
from aiplus.scenarios import explain, matching_index, pack_rules, services
from aiplus.scenarios.tasks import refresh_matching
from aiplus.scenarios.testing import published_need

pytestmark = pytest.mark.django_db


def _supplier(world, make_org, name, qualifications=(), language="zh-hans"):
    org = make_org("suzhou-sip", "enterprise", name=name)
    user = core.create_user(acting_user=world.admin, username=f"u-{org.pk}", password="x-password-123")
    core.assign_role(acting_user=world.admin, user=user, role="provider", organisation_id=org.pk)
    if language != "zh-hans":
        type(user).objects.filter(pk=user.pk).update(language=language)
    services.save_profile(acting_user=user, organisation_id=org.pk, products="汽车零部件表面缺陷检测一体机",
                          description="冲压件外观缺陷检测，工业视觉，支持私有化部署",
                          domains=["industry.manufacturing"], qualifications=list(qualifications),
                          regions_served=["suzhou"], price_min_cny="200000", price_max_cny="700000")
    return org, user


@pytest.fixture
def two_suppliers_need(world, make_org, client):
    """A published need that asks for ISO9001, two suppliers (one without it), matched, and an enterprise signed in."""
    _supplier(world, make_org, "苏州合规视觉有限公司", ["ISO9001"])
    _supplier(world, make_org, "苏州无证视觉有限公司")
    need = published_need(world, required_qualifications=["ISO9001"])
    refresh_matching.call("need", need.pk)
    client.force_login(world.user("enterprise_member"))
    return need


def test_need_page_explains_matches_in_chinese(client, two_suppliers_need):
    need = two_suppliers_need
    page = client.get(f"/scenarios/needs/{need.pk}/").content.decode()
    domain = pack_rules.domain_name("industry.manufacturing", "zh")
    assert f"领域匹配：{domain}" in page
    assert "服务地区覆盖苏州市" in page
    assert "报价200,000–700,000元在预算300,000–800,000元之内" in page
    assert "文本相关度" in page and "缺少必备资质：ISO9001" in page
    assert "domain_match" not in re.sub(r'data-code="[^"]*"', "", page)  # codes are data, not text


def test_api_returns_items_and_text_in_the_request_language(client, two_suppliers_need):
    need = two_suppliers_need
    url = f"/api/v1/scenarios/needs/{need.pk}/suppliers"
    zh = client.get(url).json()
    with translation.override("en"):
        en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    # the language changes the words, never the ranking or the structured items
    assert [(r["id"], r["rank"], r["score"]) for r in zh] == [(r["id"], r["rank"], r["score"]) for r in en]
    assert [[(i["code"], i["params"]) for i in r["items"]] for r in zh] == \
        [[(i["code"], i["params"]) for i in r["items"]] for r in en]
    best, lacking = en[0], next(r for r in en if r["excluded"])
    assert [i["code"] for i in best["items"]] == ["terms", "domain_match", "region_served", "budget_within"]
    assert best["items"][1]["params"]["domains"] == ["industry.manufacturing"]
    assert lacking["items"][0]["code"] == "qualification_missing"
    assert lacking["items"][0]["params"] == {"missing": ["ISO9001"]}
    assert "ISO9001" in lacking["items"][0]["text"]
    english_domain = pack_rules.domain_name("industry.manufacturing", "en")
    assert english_domain in best["items"][1]["text"]
    assert "Suzhou" in best["items"][2]["text"]
    assert "200,000" in best["items"][3]["text"] and "800,000" in best["items"][3]["text"]
    # everything but the users' own words (the matched terms) is free of Chinese in English
    for row in en:
        for item in row["items"]:
            if item["code"] != "terms":
                assert not CJK.search(item["text"]), item
        for fit in row["fields"]:
            assert not CJK.search(fit["detail"]), fit
        assert row["explanation"] == [i["text"] for i in row["items"]]
    assert f"{best['items'][0]['params']['text_score']:.2f}" in best["items"][0]["text"]
    # and Chinese by default, with the same codes
    assert zh[0]["items"][1]["text"] == f"领域匹配：{pack_rules.domain_name('industry.manufacturing', 'zh')}"
    assert next(r for r in zh if r["excluded"])["items"][0]["text"] == "缺少必备资质：ISO9001"


def test_strong_match_notification_reads_in_the_recipients_language(world, make_org):
    _org, zh_user = _supplier(world, make_org, "苏州中文视觉有限公司")
    _org, en_user = _supplier(world, make_org, "苏州英文视觉有限公司", language="en")
    need = published_need(world)
    with translation.override("en"):  # the request's language does not matter: each recipient's does
        refresh_matching.call("need", need.pk)
    zh_note = Notification.objects.get(recipient=zh_user, verb="scenarios.strong_match")
    en_note = Notification.objects.get(recipient=en_user, verb="scenarios.strong_match")
    assert zh_note.title.startswith("新的强匹配场景需求：")
    assert "领域匹配：" in zh_note.body and "服务地区覆盖苏州市" in zh_note.body
    assert en_note.title.startswith("New strongly matching") and en_note.title.endswith(need.title)
    lines = en_note.body.splitlines()
    assert len(lines) == 4 and any("Suzhou" in line for line in lines[2:3]), lines
    assert all(not CJK.search(line) for line in lines[1:]), lines  # line 0 holds the matched (Chinese) terms


def test_renderer_reads_places_once_and_falls_back_to_the_code(world, django_assert_num_queries):
    from aiplus.scenarios import matching as engine

    item = engine.ExplanationItem("region_partial", {"regions": ["suzhou"], "served": ["suzhou-sip", "nowhere"]})
    with django_assert_num_queries(1):
        renderer = explain.Renderer(explain.Renderer.place_codes([item]))
    with translation.override("zh-hans"), django_assert_num_queries(0):
        assert renderer.text(item) == "服务地区部分覆盖苏州市（服务：苏州工业园区、nowhere）"
        assert renderer.text(engine.ExplanationItem("future_code")) == "future_code"


def test_ranking_is_the_engines_whatever_the_language(world, make_org):
    for index in range(3):
        _supplier(world, make_org, f"苏州视觉{index}有限公司")
    need = published_need(world)
    refresh_matching.call("need", need.pk)
    raw = [int(m.candidate_id) for m in matching_index.engine().suppliers_for(matching_index.as_need(need)).matches]
    with translation.override("zh-hans"):
        zh = [m["profile"].pk for m in matching_index.suppliers_for(need)]
    with translation.override("en"):
        en = [m["profile"].pk for m in matching_index.suppliers_for(need)]
    assert zh == en == raw and len(raw) >= 3
