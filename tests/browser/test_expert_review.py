"""The open-call and expert-review journey through the pages alone (no API call, no typed code or id), in Chinese:
the official creates the call by picking the place and the need, opens it, closes applications and draws the panel;
a drawn expert finds the review from the notification and their profile, reads the proposals and scores them,
a bad value keeping the others; the official then opens the public notice. The expert's part again in English.

The applicants' applications and the other drawn experts' scores are the other roles' steps, made through the
services as set-up; screenshots are kept as artifacts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-2026"


@pytest.fixture
def cast(make_org):
    from aiplus.core import services as core
    from aiplus.core.reference import sync_departments
    from aiplus.experts import services as experts
    from aiplus.regulation.runtime import active_packs
    from aiplus.scenarios import services

    sync_departments(packset=active_packs())
    admin = make_org.admin

    def user(name, role, *, org=None, place=None, display=None):
        u = core.create_user(acting_user=admin, username=name, password=PASSWORD, display_name=display or name)
        if role:
            core.assign_role(acting_user=admin, user=u, role=role, jurisdiction=place,
                             organisation_id=org.pk if org else None)
        return u

    owner_org = make_org("suzhou", "enterprise", name="苏州精密汽车零部件有限公司")
    suppliers = [make_org("suzhou-sip", "enterprise", name=f"苏州视觉智能{i}有限公司") for i in range(2)]
    owner = user("owner", "enterprise_member", org=owner_org)
    official = user("official", "official", place="suzhou")
    supplier_users = [user(f"supplier{i}", "provider", org=o) for i, o in enumerate(suppliers)]
    pool = []
    for i in range(6):
        e = user(f"expert{i}", "expert", display=f"专家{i}")
        experts.register_expert(acting_user=admin, user=e, organisation_id=None, fields=["industry.manufacturing"],
                                jurisdiction="suzhou")
        pool.append(e)
    need = services.create_need(
        acting_user=owner, organisation_id=owner_org.pk, jurisdiction="suzhou", title="汽车零部件表面缺陷检测",
        domain="industry.manufacturing", problem="冲压件外观缺陷依赖人工目检，需要工业视觉缺陷检测",
        budget_min_cny="300000", budget_max_cny="800000",
        kpis=[{"name": "缺陷检出率", "target_value": "99", "unit": "%", "higher_is_better": True}])
    services.transition_need(acting_user=owner, need_id=need.pk, transition="submit")
    services.transition_need(acting_user=official, need_id=need.pk, transition="review")
    services.publish_list(acting_user=official, jurisdiction="suzhou", need_ids=[need.pk])
    return {"official": official, "suppliers": list(zip(suppliers, supplier_users, strict=True)), "pool": pool,
            "need": need}


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def _official_creates_and_draws(page, base, cast, artifacts, title):
    """The official's part, in the pages: create the call, open it, close applications and draw the panel."""
    from aiplus.scenarios import services
    from aiplus.scenarios.models import OpenCall

    login(page, base, "official")
    page.goto(base + "/scenarios/calls/")
    click_and_wait(page, page.get_by_test_id("new-call"))
    form = page.get_by_test_id("call-create-form")
    form.locator("select[name=jurisdiction]").select_option(label="苏州市")
    form.get_by_label("榜单名称").fill(title)
    form.get_by_label("申报截止日期").fill((dt.date.today() + dt.timedelta(days=20)).isoformat())
    page.screenshot(path=str(artifacts / f"expert-review-1-create-{title[:4]}.png"), full_page=True)
    click_and_wait(page, page.get_by_test_id("create-call"))  # no need ticked: refused beside the field
    assert page.locator("[data-field=need_ids]").is_visible()
    assert page.get_by_label("榜单名称").input_value() == title  # what was typed is kept
    page.get_by_label(re.compile("汽车零部件表面缺陷检测")).check()
    click_and_wait(page, page.get_by_test_id("create-call"))
    assert re.search(r"/scenarios/calls/\d+/$", page.url)
    call = OpenCall.objects.get(title=title)
    assert call.jurisdiction.code == "suzhou" and call.status == "draft"
    click_and_wait(page, page.get_by_test_id("call-open"))
    assert page.get_by_test_id("call-status").inner_text() == "申报中"
    for organisation, supplier in cast["suppliers"]:  # the applicants' step (their own journey)
        services.apply_to_call(acting_user=supplier, call_id=call.pk, need_id=cast["need"].pk,
                               organisation_id=organisation.pk,
                               proposal=f"{organisation.name}：深度学习缺陷检测，三个月完成产线部署，检出率99.5%。")
    page.reload()
    click_and_wait(page, page.get_by_test_id("call-close_applications"))
    click_and_wait(page, page.get_by_test_id("call-draw"))
    assert page.get_by_test_id("call-status").inner_text() == "评审中"
    call.refresh_from_db()
    return call


def _expert_scores(page, base, call, expert, artifacts, *, english):
    """The drawn expert's part, in the pages: notification, profile, review page, scores."""
    from aiplus.scenarios.models import Score

    login(page, base, expert.username)
    click_and_wait(page, page.locator("header a[href='/notifications/']"))
    expected = "You were drawn to review the open call" if english else "您被抽中评审揭榜挂帅榜单"
    assert expected in page.content() and call.title in page.content()
    page.goto(base + "/experts/me/")
    draws = page.get_by_test_id("my-draws")
    assert "scenarios." not in draws.inner_text() and call.title in draws.inner_text()
    click_and_wait(page, draws.get_by_role("link", name=re.compile(re.escape(call.title))))
    assert page.url.endswith(f"/scenarios/calls/{call.pk}/review/")
    assert "99.5%" in page.get_by_test_id("proposal-1").inner_text()  # the proposal is read before scoring
    form = page.get_by_test_id("score-form-1")
    share = "40% of the total" if english else "占总分40%"
    assert share in form.inner_text() and "(40)" not in form.inner_text()
    values = {"technical": "90", "feasibility": "80", "kpi": "170", "cost": "60"}
    for code, value in values.items():
        form.locator(f"input[name=criteria_{code}]").fill(value)
    click_and_wait(page, form.get_by_role("button"))
    form = page.get_by_test_id("score-form-1")
    assert form.locator("[data-field=criteria_kpi]").is_visible()
    assert form.locator("input[name=criteria_technical]").input_value() == "90"  # the others are kept
    assert form.locator("input[name=criteria_cost]").input_value() == "60"
    form.locator("input[name=criteria_kpi]").fill("70")
    click_and_wait(page, form.get_by_role("button"))
    form = page.get_by_test_id("score-form-2")
    for code in values:
        form.locator(f"input[name=criteria_{code}]").fill("75")
    click_and_wait(page, form.get_by_role("button"))
    assert Score.objects.filter(application__call=call, expert=expert).count() == 2
    page.screenshot(path=str(artifacts / f"expert-review-2-scored-{'en' if english else 'zh'}.png"), full_page=True)


def _others_score(call, but):
    from aiplus.experts.selectors import drawn_users
    from aiplus.scenarios import services

    for offset, expert in enumerate(u for u in drawn_users(call.draw_id) if u != but):
        for index, application in enumerate(call.applications.order_by("id")):
            value = 80 + offset - 10 * index
            services.submit_score(acting_user=expert, application_id=application.pk,
                                  criteria={"technical": value, "feasibility": value, "kpi": value, "cost": value})


def test_official_and_expert_complete_the_review_in_chinese(live_server, page, cast, artifacts):
    from aiplus.experts.selectors import drawn_users

    base = live_server.url
    call = _official_creates_and_draws(page, base, cast, artifacts, "2026年工业视觉揭榜挂帅")
    expert = drawn_users(call.draw_id)[0]
    _expert_scores(page, base, call, expert, artifacts, english=False)
    _others_score(call, expert)
    login(page, base, "official")
    page.goto(f"{base}/scenarios/calls/{call.pk}/")
    click_and_wait(page, page.get_by_test_id("call-notice"))
    assert page.get_by_test_id("call-status").inner_text() == "公示中"
    page.goto(f"{base}/experts/draws/")
    assert "scenarios.opencall" not in page.content() and call.title in page.content()
    page.screenshot(path=str(artifacts / "expert-review-3-notice.png"), full_page=True)


def test_expert_reviews_in_english(live_server, browser, page, cast, artifacts):
    from aiplus.experts.selectors import drawn_users

    base = live_server.url
    call = _official_creates_and_draws(page, base, cast, artifacts, "2026 industrial vision open call")
    expert = drawn_users(call.draw_id)[1]
    expert.language = "en"  # their notifications read in their own language, whatever the sender's
    expert.save(update_fields=["language"])
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    english = context.new_page()
    try:
        _expert_scores(english, base, call, expert, artifacts, english=True)
    finally:
        context.close()
