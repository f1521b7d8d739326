"""Co-publication by several jurisdictions, the taxonomy, capability-profile and pool pages, the matches view with
exclusions, pack-set strong-match thresholds, Chinese search with facets, and pages for every role."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent, Notification
from aiplus.scenarios import matching_index, pack_rules, selectors, services
from aiplus.scenarios.models import CapabilityProfile, Need, PoolMembership
from aiplus.scenarios.tasks import refresh_matching
from aiplus.scenarios.testing import need_data, published_need

pytestmark = pytest.mark.django_db


def _reviewed(world, place="suzhou", **kw):
    member, official = world.user("enterprise_member", place), world.user("official", place)
    need = services.create_need(acting_user=member, organisation_id=world.orgs[f"{place}:enterprise"].pk,
                                jurisdiction=place, **need_data(**kw))
    services.transition_need(acting_user=member, need_id=need.pk, transition="submit")
    services.transition_need(acting_user=official, need_id=need.pk, transition="review")
    return need


def _refused(code, field, fn, **kw):
    before = (AuditEvent.objects.count(), Need.co_publishers.through.objects.count(),
              CapabilityProfile.objects.count(), PoolMembership.objects.count())
    with pytest.raises(ServiceError) as info:
        fn(**kw)
    assert (info.value.code, info.value.field) == (code, field), info.value.as_dict()
    assert str(info.value.message)
    assert before == (AuditEvent.objects.count(), Need.co_publishers.through.objects.count(),
                      CapabilityProfile.objects.count(), PoolMembership.objects.count())
    return info.value


# -- co-publication (Suzhou art. 6, Guangdong art. 24) ---------------------------------------------------------------

def test_co_published_need_is_visible_to_the_partner_officials(world, client):
    need = _reviewed(world)  # reviewed, not yet published: only Suzhou's officials and the owner see it
    sz_official, sh_official = world.user("official"), world.user("official", "shenzhen")
    assert not selectors.needs(sh_official).filter(pk=need.pk).exists()
    events = AuditEvent.objects.count()
    services.co_publish_need(acting_user=sz_official, need_id=need.pk, jurisdictions=["shenzhen"])
    assert AuditEvent.objects.filter(action="scenarios.need.co_published").count() == 1
    assert AuditEvent.objects.count() == events + 1
    assert [j.code for j in need.co_publishers.all()] == ["shenzhen"]
    assert selectors.needs(sh_official).filter(pk=need.pk).exists()
    assert Notification.objects.filter(recipient=sh_official, verb="scenarios.co_published").exists()
    # the partner sees it in the API and on the page, but may not change it
    client.force_login(sh_official)
    body = client.get(f"/api/v1/scenarios/needs/{need.pk}").json()
    assert body["co_publishers"] == ["shenzhen"]
    assert client.get(f"/scenarios/needs/{need.pk}/").status_code == 200
    with pytest.raises(PermissionDeniedError):
        services.co_publish_need(acting_user=sh_official, need_id=need.pk, jurisdictions=["beijing"])
    # others still do not see the unpublished need
    assert not selectors.needs(world.user("public")).filter(pk=need.pk).exists()
    assert not selectors.needs(world.user("enterprise_member", "shenzhen")).filter(pk=need.pk).exists()


def test_co_publication_bad_input_changes_nothing(world):
    official = world.user("official")
    need = _reviewed(world)
    _refused("co_publisher_self", "jurisdictions", services.co_publish_need, acting_user=official,
             need_id=need.pk, jurisdictions=["suzhou"])
    _refused("unknown_jurisdiction", "jurisdictions", services.co_publish_need, acting_user=official,
             need_id=need.pk, jurisdictions=["atlantis"])
    _refused("required", "jurisdictions", services.co_publish_need, acting_user=official, need_id=need.pk,
             jurisdictions=[])
    _refused("duplicate", "jurisdictions", services.co_publish_need, acting_user=official, need_id=need.pk,
             jurisdictions=["shenzhen", "shenzhen"])
    services.co_publish_need(acting_user=official, need_id=need.pk, jurisdictions="shenzhen")
    _refused("already_co_publisher", "jurisdictions", services.co_publish_need, acting_user=official,
             need_id=need.pk, jurisdictions=["shenzhen"])
    draft = services.create_need(acting_user=world.user("enterprise_member"),
                                 organisation_id=world.orgs["suzhou:enterprise"].pk, jurisdiction="suzhou",
                                 **need_data(title="草稿"))
    _refused("not_reviewed", "status", services.co_publish_need, acting_user=official, need_id=draft.pk,
             jurisdictions=["shenzhen"])
    with pytest.raises(PermissionDeniedError):  # the owner cannot co-publish, only its department
        services.co_publish_need(acting_user=world.user("enterprise_member"), need_id=need.pk,
                                 jurisdictions=["shenzhen"])


def test_guangdong_joint_scenario_minimum_is_a_pack_parameter(world, monkeypatch):
    assert pack_rules.param(world.orgs["shenzhen:enterprise"].jurisdiction, "scenarios",
                       "joint_scenario_min_jurisdictions") == 2
    real = pack_rules.param

    def three(jurisdiction, module, name, on=None):
        return 3 if name == "joint_scenario_min_jurisdictions" else real(jurisdiction, module, name, on)

    monkeypatch.setattr(pack_rules, "param", three)
    need = _reviewed(world, "shenzhen", title="大湾区联合开发场景")
    error = _refused("too_few_jurisdictions", "jurisdictions", services.co_publish_need,
                     acting_user=world.user("official", "shenzhen"), need_id=need.pk, jurisdictions=["suzhou"])
    assert "3" in str(error.message)


def test_list_co_publishers_reach_the_needs_of_the_batch(world):
    need = _reviewed(world, visibility="registered")  # published, but not to the public
    services.publish_list(acting_user=world.user("official"), jurisdiction="suzhou", need_ids=[need.pk],
                          co_publishers=["shenzhen"])
    assert selectors.needs(world.user("official", "shenzhen")).filter(pk=need.pk).exists()


def test_co_publish_page_and_api(world, client):
    need = _reviewed(world)
    client.force_login(world.user("official"))
    page = client.get(f"/scenarios/needs/{need.pk}/").content.decode()
    assert 'data-testid="co-publish"' in page
    response = client.post(f"/api/v1/scenarios/needs/{need.pk}/co-publishers", {"jurisdictions": ["suzhou"]},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "jurisdictions"
    client.post(f"/scenarios/needs/{need.pk}/co-publish/", {"jurisdictions": "shenzhen"})
    assert [j.code for j in need.co_publishers.all()] == ["shenzhen"]
    assert "data-testid=\"co-publishers\"" in client.get(f"/scenarios/needs/{need.pk}/").content.decode()


# -- taxonomy --------------------------------------------------------------------------------------------------------

def test_taxonomy_api_and_page_show_domains_and_the_guangdong_mapping(client):
    body = client.get("/api/v1/scenarios/taxonomy").json()
    tops = [d["code"] for d in body["domains"] if d["parent"] is None]
    assert tops == ["science", "industry", "consumption", "livelihood", "governance", "international"]
    assert any(d["parent"] == "industry" for d in body["domains"])
    gd = {g["code"]: g["maps_to"] for g in body["gd_categories"]}
    assert gd["economy"] == ["industry", "consumption"] and gd["gba_joint"] == ["international"]
    page = client.get("/scenarios/taxonomy/").content.decode()
    assert "科学技术" in page and "社会治理" in page and "粤港澳大湾区联合开发场景" in page


# -- capability profiles and the pool: pages -----------------------------------------------------------------------

def test_profile_create_and_edit_pages(world, client):
    provider, org = world.user("provider"), world.orgs["suzhou:provider"]
    client.force_login(provider)
    assert client.get("/scenarios/profiles/new/").status_code == 200
    form = {"organisation": org.pk, "products": "工业质检一体机", "description": "表面缺陷检测",
            "domains": ["industry.manufacturing"], "technologies": "计算机视觉，深度学习",
            "models_used": "YOLOv8, 通义千问", "reference_cases": "某汽车零部件厂质检改造",
            "qualifications": "ISO9001", "regions_served": "suzhou", "price_min_cny": "100000",
            "price_max_cny": "500000", "is_published": "on"}
    response = client.post("/scenarios/profiles/new/", form)
    profile = CapabilityProfile.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == f"/scenarios/profiles/{profile.pk}/"
    assert profile.models_used == ["YOLOv8", "通义千问"] and profile.technologies == ["计算机视觉", "深度学习"]
    assert profile.reference_cases == "某汽车零部件厂质检改造"
    detail = client.get(f"/scenarios/profiles/{profile.pk}/").content.decode()
    assert "通义千问" in detail and 'data-testid="edit-profile"' in detail
    assert "通义千问" in client.get(f"/scenarios/profiles/{profile.pk}/edit/").content.decode()
    # a bad edit shows the message and changes nothing
    events = AuditEvent.objects.count()
    bad = dict(form, price_min_cny="900000")
    page = client.post(f"/scenarios/profiles/{profile.pk}/edit/", bad).content.decode()
    assert "报价下限不能高于报价上限" in page
    profile.refresh_from_db()
    assert profile.price_min_cny == 100000 and AuditEvent.objects.count() == events
    client.post(f"/scenarios/profiles/{profile.pk}/edit/", dict(form, products="工业质检一体机二代"))
    profile.refresh_from_db()
    assert profile.products == "工业质检一体机二代" and CapabilityProfile.objects.count() == 1
    # another organisation's member cannot open the edit page
    client.force_login(world.user("provider", "shenzhen"))
    assert client.get(f"/scenarios/profiles/{profile.pk}/edit/").status_code == 404


def test_profile_update_api_refuses_another_organisation(world, client):
    provider, org = world.user("provider"), world.orgs["suzhou:provider"]
    profile = services.save_profile(acting_user=provider, organisation_id=org.pk, products="质检", description="视觉",
                                    domains=["industry.manufacturing"])
    client.force_login(world.user("provider", "shenzhen"))
    body = {"organisation_id": world.orgs["shenzhen:provider"].pk, "products": "x", "description": "y",
            "domains": ["industry"]}
    assert client.put(f"/api/v1/scenarios/profiles/{profile.pk}", body,
                      content_type="application/json").status_code in (403, 404)
    client.force_login(provider)
    body = {"organisation_id": org.pk, "products": "质检二代", "description": "视觉", "domains": ["industry"],
            "models_used": ["Qwen"]}
    response = client.put(f"/api/v1/scenarios/profiles/{profile.pk}", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["models_used"] == ["Qwen"]


def test_pool_page_apply_and_official_admission(world, client):
    provider, org = world.user("provider"), world.orgs["suzhou:provider"]
    services.save_profile(acting_user=provider, organisation_id=org.pk, products="质检", description="视觉",
                          domains=["industry.manufacturing"])
    client.force_login(provider)
    client.post("/scenarios/pool/", {"action": "apply", "organisation": org.pk, "jurisdiction": "suzhou"})
    membership = PoolMembership.objects.get(organisation=org)
    assert 'data-testid="admit-' not in client.get("/scenarios/pool/").content.decode()
    client.force_login(world.user("official", "shenzhen"))
    client.post("/scenarios/pool/", {"action": "decide", "membership": membership.pk, "admit": "1"})
    membership.refresh_from_db()
    assert membership.status == "pending"
    client.force_login(world.user("official"))
    page = client.get("/scenarios/pool/").content.decode()
    assert f'data-testid="admit-{membership.pk}"' in page
    client.post("/scenarios/pool/", {"action": "decide", "membership": membership.pk, "admit": "0", "note": ""})
    membership.refresh_from_db()
    assert membership.status == "pending"  # refusal needs a reason
    client.post("/scenarios/pool/", {"action": "decide", "membership": membership.pk, "admit": "1"})
    membership.refresh_from_db()
    assert membership.is_admitted


# -- matches view -------------------------------------------------------------------------------------------------

def _suppliers(world, make_org):
    from aiplus.core import services as core

    out = []
    for name, quals in (("苏州合规视觉有限公司", ["等保三级"]), ("苏州无证视觉有限公司", [])):
        org = make_org("suzhou-sip", "enterprise", name=name)
        user = core.create_user(acting_user=world.admin, username=f"u{len(out)}", password="x-password-123")
        core.assign_role(acting_user=world.admin, user=user, role="provider", organisation_id=org.pk)
        services.save_profile(acting_user=user, organisation_id=org.pk, products="汽车零部件表面缺陷检测一体机",
                              description="冲压件外观缺陷检测，工业视觉，支持私有化部署",
                              domains=["industry.manufacturing"], qualifications=quals,
                              regions_served=["suzhou"], price_min_cny="200000", price_max_cny="700000")
        out.append((org, user))
    return out


def test_matches_show_terms_fields_and_the_excluding_constraint(world, make_org, client):
    (good, _), (lacking, _) = _suppliers(world, make_org)
    need = published_need(world, required_qualifications=["等保三级"])
    refresh_matching.call("need", need.pk)
    ranked, excluded = matching_index.suppliers_for(need, with_excluded=True)
    assert [m["profile"].organisation for m in ranked][:1] == [good]
    assert all(m["profile"].organisation != lacking for m in ranked)
    (out,) = [m for m in excluded if m["profile"].organisation == lacking]
    (reason,) = out["explanation"]["exclusions"]
    assert reason["constraint"] == "qualification" and reason["missing"] == ["等保三级"]
    body = client.get(f"/api/v1/scenarios/needs/{need.pk}/suppliers").json()
    assert body[0]["rank"] == 1 and not body[0]["excluded"] and body[0]["terms"]
    assert any(r["excluded"] and r["exclusions"][0]["missing"] == ["等保三级"] for r in body)
    page = client.get(f"/scenarios/needs/{need.pk}/").content.decode()
    assert "缺少必备资质" in page and "等保三级" in page and "文本相关度" in page
    # and the other direction: a supplier's ranked needs
    profile = CapabilityProfile.objects.get(organisation=good)
    rows = client.get(f"/api/v1/scenarios/profiles/{profile.pk}/needs").json()
    assert rows[0]["id"] == need.pk and rows[0]["fields"][0]["name"] == "domain"
    assert need.title in client.get(f"/scenarios/profiles/{profile.pk}/").content.decode()


def test_strong_match_threshold_is_the_pack_parameter(world, make_org, monkeypatch):
    _suppliers(world, make_org)
    need = published_need(world)
    key = pack_rules.param_key(need.jurisdiction, "scenarios", "strong_match_min_score")
    assert key == "scenarios.suzhou.strong_match_min_score"
    assert matching_index.policy(need.jurisdiction).min_score == 0.6
    real = pack_rules.param

    def strict(jurisdiction, module, name, on=None):
        return 1.01 if name == "strong_match_min_score" else real(jurisdiction, module, name, on)

    monkeypatch.setattr(pack_rules, "param", strict)
    assert refresh_matching.call("need", need.pk)["notified"] == 0  # no score reaches 1.01
    monkeypatch.setattr(pack_rules, "param", real)
    assert refresh_matching.call("need", need.pk)["notified"] >= 1


# -- Chinese search with facets -------------------------------------------------------------------------------------

def test_chinese_search_segments_folds_synonyms_and_shows_facets(world, client):
    published_need(world, title="冲压件质量检测", problem="需要机器视觉完成外观检验")
    published_need(world, title="智慧养老服务", problem="独居老人跌倒监测", domain="livelihood")
    titles = lambda q: {n.title for n in selectors.needs(world.user("public"), search=q)}  # noqa: E731
    assert titles("质检") == {"冲压件质量检测"}  # synonym of 质量检测
    assert titles("工业视觉质检") == {"冲压件质量检测"}  # segmented: 工业视觉 (~机器视觉) + 质检
    assert titles("质检 养老") == set()  # every term must match
    assert titles("养老") == {"智慧养老服务"}
    page = client.get("/scenarios/?q=养老").content.decode()
    assert 'data-testid="need-facets"' in page and "民生福祉" in page and "苏州" in page
    assert "智慧养老服务" in page and "冲压件质量检测" not in page
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert "民生福祉" in cells and "livelihood" not in cells  # the domain by name, not code
    facets = client.get("/api/v1/scenarios/needs/facets", {"q": "养老"}).json()
    assert facets["domain"] == [{"code": "livelihood", "name": "", "count": 1}]
    assert facets["jurisdiction"][0]["code"] == "suzhou" and facets["jurisdiction"][0]["count"] == 1
    assert [n["title"] for n in client.get("/api/v1/scenarios/needs", {"q": "质检"}).json()["items"]] == \
        ["冲压件质量检测"]
    provider = world.user("provider")
    for products, domains in (("工业质检一体机", ["industry.manufacturing"]), ("养老陪护机器人", ["livelihood"])):
        services.save_profile(acting_user=provider, organisation_id=world.orgs["suzhou:provider"].pk,
                              products=products, description=products, domains=domains)
    profiles_page = client.get("/scenarios/profiles/").content.decode()
    assert 'data-testid="profile-facets"' in profiles_page
    assert "产业发展 (1)" in profiles_page and "民生福祉 (1)" in profiles_page
    filtered = client.get("/scenarios/profiles/", {"domain": "industry"}).content.decode()
    assert "工业质检一体机" in filtered and "养老陪护机器人" not in filtered
    assert [p["products"] for p in client.get("/api/v1/scenarios/profiles", {"domain": "livelihood"}).json()[
        "items"]] == ["养老陪护机器人"]
    assert "养老陪护机器人" in client.get("/scenarios/profiles/", {"q": "陪护"}).content.decode()
    # Drill-down: a top-level domain shows its sub-scenarios with counts; the table names domains, not codes.
    services.save_profile(acting_user=provider, organisation_id=world.orgs["suzhou:provider"].pk,
                          products="农业无人机巡检", description="农田巡检", domains=["industry.agriculture"])
    industry = client.get("/scenarios/profiles/", {"domain": "industry"}).content.decode()
    sub = re.search(r'data-testid="profile-sub-facets">(.*?)</p>', industry, re.S).group(1)
    assert "制造业 (1)" in sub and "农业 (1)" in sub and "新兴产业" not in sub
    assert "产业发展 (2)" in industry and "industry.manufacturing" not in industry.split("profiles-table")[1]
    only = client.get("/scenarios/profiles/", {"domain": "industry.agriculture"}).content.decode()
    assert "农业无人机巡检" in only and "工业质检一体机" not in only and 'aria-current="true">农业 (1)' in only


# -- pages for every role -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("enterprise_member", ["/scenarios/", "/scenarios/profiles/", "/scenarios/pilots/", "/scenarios/pool/"]),
    ("provider", ["/scenarios/calls/", "/scenarios/profiles/", "/scenarios/pool/"]),
    ("official", ["/scenarios/", "/scenarios/dashboard/", "/scenarios/pool/", "/experts/draws/"]),
    ("expert", ["/experts/me/", "/experts/consultations/", "/scenarios/calls/"]),
    ("public", ["/scenarios/", "/scenarios/calls/", "/scenarios/cases/", "/scenarios/taxonomy/"]),
])
def test_every_role_reaches_its_pages_from_the_navigation(world, client, role, expected):
    client.force_login(world.user(role))
    home = client.get("/").content.decode()
    for url in expected:
        assert f'href="{url}"' in home, (role, url)
        assert client.get(url).status_code == 200, (role, url)


# -- coverage declarations -----------------------------------------------------------------------------------------

def test_features_claim_the_scenario_chapter_and_the_articles_they_serve():
    """Suzhou's chapter 2 is known only as a whole: scenario features claim the chapter, never guessed articles; the
    Guangdong articles they claim are the ones whose topic they serve, and each names a page that exists."""
    from aiplus.regulation.coverage import features
    from aiplus.regulation.evidence import url_names

    by_code = {f.code: f for f in features()}
    expected = {
        "scenarios.co_publication": [("suzhou", 6), ("guangdong", 24)],
        "scenarios.needs": [("guangdong", 20)],
        "scenarios.need_workflow": [("guangdong", 20)],
        "scenarios.lists": [("guangdong", 20)],
        "scenarios.capabilities": [("guangdong", 21)],
        "scenarios.provider_pool": [("guangdong", 21)],
        "scenarios.matching": [("guangdong", 20), ("guangdong", 21)],
        "scenarios.open_calls": [("guangdong", 20)],
        "scenarios.pilots": [("guangdong", 20)],
        "scenarios.cases": [("suzhou", 6), ("guangdong", 24)],
        "experts.pool": [("suzhou", 8)],
        "experts.conflicts": [("suzhou", 8)],
        "experts.draws": [("suzhou", 8)],
        "experts.consultations": [("suzhou", 8)],
    }
    for code, articles in expected.items():
        feature = by_code[code]
        assert set(articles) <= set(feature.articles), code
        assert not any(pack == "suzhou" and 11 <= n <= 30 for pack, n in feature.articles), code
        if code.startswith("scenarios."):
            assert ("suzhou", 2) in feature.chapters, code
        assert feature.pages and set(feature.pages) <= url_names(), code
    # reference and display pages are not features of an article
    assert "scenarios.taxonomy" not in by_code and "scenarios.dashboard" not in by_code


# -- editing a draft need ------------------------------------------------------------------------------------------

def test_draft_need_edit_page_and_api(world, client):
    member = world.user("enterprise_member")
    need = services.create_need(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                jurisdiction="suzhou", **need_data())
    client.force_login(member)
    assert 'data-testid="edit-need"' in client.get(f"/scenarios/needs/{need.pk}/").content.decode()
    form = client.get(f"/scenarios/needs/{need.pk}/edit/").content.decode()
    assert "缺陷检出率" in form and "300000" in form
    post = {"title": "汽车零部件缺陷检测（二期）", "domain": "industry.manufacturing", "problem": "外观缺陷检测",
            "budget_min_cny": "900000", "budget_max_cny": "800000", "visibility": "public",
            "kpi_name": ["缺陷检出率"], "kpi_target": ["99.5"], "kpi_unit": ["%"], "kpi_direction": ["ge"]}
    events = AuditEvent.objects.count()
    page = client.post(f"/scenarios/needs/{need.pk}/edit/", post).content.decode()
    assert "预算下限不能高于预算上限" in page and "汽车零部件缺陷检测（二期）" in page  # input kept
    need.refresh_from_db()
    assert need.title == "汽车零部件表面缺陷检测" and AuditEvent.objects.count() == events
    client.post(f"/scenarios/needs/{need.pk}/edit/", dict(post, budget_min_cny="500000"))
    need.refresh_from_db()
    assert need.title == "汽车零部件缺陷检测（二期）" and need.budget_min_cny == 500000
    assert [str(k) for k in need.kpis.all()] == ["缺陷检出率 ≥ 99.5 %"]
    assert AuditEvent.objects.filter(action="scenarios.need.updated").count() == 1
    # API: partial change; a missing unit is refused naming the field
    response = client.put(f"/api/v1/scenarios/needs/{need.pk}", {"kpis": [{"name": "耗时", "target_value": 2}]},
                          content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "kpis[0].unit"
    response = client.put(f"/api/v1/scenarios/needs/{need.pk}", {"required_qualifications": ["等保三级"]},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["required_qualifications"] == ["等保三级"]
    assert response.json()["title"] == "汽车零部件缺陷检测（二期）"
    # the department reviews, it does not rewrite the owner's need; a submitted need is no longer editable
    with pytest.raises(PermissionDeniedError):
        services.update_need(acting_user=world.user("official"), need_id=need.pk, title="改写")
    services.transition_need(acting_user=member, need_id=need.pk, transition="submit")
    _refused("not_draft", "status", services.update_need, acting_user=member, need_id=need.pk, title="再改")


def test_closing_a_published_need_takes_it_out_of_the_index_in_the_background(
        world, make_org, django_capture_on_commit_callbacks):
    (good, _), _lacking = _suppliers(world, make_org)
    need = published_need(world)
    refresh_matching.call("need", need.pk)
    profile = CapabilityProfile.objects.get(organisation=good)
    assert need in [m["need"] for m in matching_index.needs_for(profile, world.user("official"))]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.transition_need(acting_user=world.user("official"), need_id=need.pk, transition="close")
    assert len(callbacks) == 1  # the refresh is queued, not run in the request
    refresh_matching.call("need", need.pk)
    assert need not in [m["need"] for m in matching_index.needs_for(profile, world.user("official"))]


# -- working-day timers --------------------------------------------------------------------------------------------

def test_notice_and_objection_deadlines_count_official_working_days(call_world, monkeypatch):
    import datetime as dt

    from aiplus.experts.selectors import drawn_users
    from aiplus.scenarios.testing import score_all

    world, _need, call, _pool, _suppliers = call_world
    official = world.user("official")
    services.transition_call(acting_user=official, call_id=call.pk, transition="close_applications")
    call = services.draw_reviewers(acting_user=official, call_id=call.pk)
    score_all(call, drawn_users(call.draw_id))
    monkeypatch.setattr(services.calls, "_today", lambda: dt.date(2026, 9, 30))  # the day before National Day
    call = services.start_notice(acting_user=official, call_id=call.pk)
    call.refresh_from_db()
    # 7 working days (scenarios.suzhou.public_notice_days) skip the National Day holiday: 15 October, not 7 October
    assert pack_rules.param(call.jurisdiction, "scenarios", "public_notice_days") == 7
    assert (call.notice_starts_on, call.notice_ends_on) == (dt.date(2026, 9, 30), dt.date(2026, 10, 15))
    objection = services.file_objection(acting_user=world.user("public"), call_id=call.pk, text="评分依据不清")
    # 10 working days (scenarios.suzhou.objection_answer_working_days) from 30 September
    assert objection.answer_due_on == dt.date(2026, 10, 20)


def test_a_new_profile_that_strongly_matches_notifies_the_need_owner(world, make_org,
                                                                       django_capture_on_commit_callbacks):
    need = published_need(world)
    refresh_matching.call("need", need.pk)
    owner = world.user("enterprise_member")
    assert not Notification.objects.filter(recipient=owner, verb="scenarios.strong_match").exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (good, _), _lacking = _suppliers(world, make_org)
    assert len(callbacks) == 2  # one background refresh per saved profile
    profile = CapabilityProfile.objects.get(organisation=good)
    assert refresh_matching.call("profile", profile.pk)["notified"] >= 1
    notice = Notification.objects.filter(recipient=owner, verb="scenarios.strong_match").get()
    assert good.name in str(notice.title) and notice.link == f"/scenarios/needs/{need.pk}/"


def test_a_registered_only_need_is_shown_to_signed_in_users_and_never_to_anonymous_visitors(world, make_org):
    """Regression (hardening issue): a registered-only need leaked to anonymous visitors through the profile's
    matches, and was hidden from other signed-in users."""
    from django.test import Client

    (good, _), _lacking = _suppliers(world, make_org)
    need = published_need(world, visibility="registered")
    assert not need.is_published
    refresh_matching.call("need", need.pk)
    profile = CapabilityProfile.objects.get(organisation=good)
    other = world.user("enterprise_member", "shenzhen")  # signed in, of another place and organisation
    assert need in [m["need"] for m in matching_index.needs_for(profile, other)]
    assert need not in [m["need"] for m in matching_index.needs_for(profile, AnonymousUser())]
    anonymous = Client()
    listed = anonymous.get(f"/api/v1/scenarios/profiles/{profile.pk}/needs").json()
    assert need.pk not in [row["id"] for row in listed]
    assert f"/scenarios/needs/{need.pk}/" not in anonymous.get(f"/scenarios/profiles/{profile.pk}/").content.decode()
    assert anonymous.get(f"/api/v1/scenarios/needs/{need.pk}").status_code == 404
    signed_in = Client()
    signed_in.force_login(other)
    assert need.pk in [row["id"] for row in signed_in.get(f"/api/v1/scenarios/profiles/{profile.pk}/needs").json()]
    assert need.pk in [row["id"] for row in signed_in.get("/api/v1/scenarios/needs").json()["items"]]


def test_saving_a_profile_twice_tells_the_need_owner_of_the_match_once(world, make_org):
    """Issue 18: saving a profile twice sent two identical strong-match notifications (one per save, once the first
    had been read). A recipient is told of a need–profile pair once."""
    need = published_need(world)
    refresh_matching.call("need", need.pk)
    owner = world.user("enterprise_member")
    (good, _), _lacking = _suppliers(world, make_org)
    profile = CapabilityProfile.objects.get(organisation=good)
    assert refresh_matching.call("profile", profile.pk)["notified"] >= 1
    notes = Notification.objects.filter(recipient=owner, verb="scenarios.strong_match")
    assert notes.count() == 1
    notes.update(read_at=timezone.now())  # read, then the profile is saved again
    assert refresh_matching.call("profile", profile.pk)["notified"] == 0
    assert notes.count() == 1
