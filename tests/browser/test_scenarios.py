"""One scenario need from draft to a replicated case, through an open call with five drawn experts.

Set-up and the steps that would need many logins (other suppliers, four of the five experts) run through the
services; the key steps are driven through the pages, with screenshots kept as artifacts."""

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
    from aiplus.regulation.runtime import active_packs
    from aiplus.scenarios import services

    sync_departments(packset=active_packs())
    admin = make_org.admin

    def user(name, role, *, org=None, place=None):
        u = core.create_user(acting_user=admin, username=name, password=PASSWORD, display_name=name)
        if role:
            core.assign_role(acting_user=admin, user=u, role=role, jurisdiction=place,
                             organisation_id=org.pk if org else None)
        return u

    owner_org = make_org("suzhou", "enterprise", name="苏州精密汽车零部件有限公司")
    second_org = make_org("shenzhen", "enterprise", name="深圳智造汽车配件有限公司")
    suppliers = [make_org("suzhou-sip", "enterprise", name=f"苏州视觉智能{i}有限公司") for i in range(2)]
    people = {
        "owner": user("owner", "enterprise_member", org=owner_org),
        "official": user("official", "official", place="suzhou"),
        "second": user("second", "enterprise_member", org=second_org),
        "public": user("citizen", None),
        "suppliers": [user(f"supplier{i}", "provider", org=o) for i, o in enumerate(suppliers)],
    }
    from aiplus.experts import services as experts

    people["experts"] = []
    for i in range(6):
        e = user(f"expert{i}", None)
        experts.register_expert(acting_user=admin, user=e, organisation_id=None, fields=["industry.manufacturing"],
                                jurisdiction="suzhou")
        people["experts"].append(e)
    services.save_profile(acting_user=people["suppliers"][0], organisation_id=suppliers[0].pk,
                          products="汽车零部件表面缺陷检测一体机",
                          description="冲压件外观缺陷检测，工业视觉，私有化部署",
                          domains=["industry.manufacturing"], regions_served=["suzhou"])
    people["orgs"] = {"owner": owner_org, "second": second_org, "suppliers": suppliers}
    return people


def submit(page, locator):
    """Click a button that posts a form and wait for the page it redirects to."""
    with page.expect_navigation():
        locator.click()


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")


def test_need_to_call_to_pilot_to_case_to_replication(live_server, page, cast, artifacts):
    from aiplus.experts.selectors import drawn_users
    from aiplus.scenarios import services
    from aiplus.scenarios.models import Need, OpenCall, Pilot

    base = live_server.url
    # 1. the owner drafts the need in the form; a missing KPI unit is refused, naming the field
    login(page, base, "owner")
    page.goto(base + "/scenarios/needs/new/")
    page.fill("input[name=title]", "汽车零部件表面缺陷检测")
    page.select_option("select[name=domain]", "industry.manufacturing")
    page.fill("textarea[name=problem]", "冲压件外观缺陷依赖人工目检，需要工业视觉缺陷检测，私有化部署")
    page.fill("input[name=budget_min_cny]", "300000")
    page.fill("input[name=budget_max_cny]", "800000")
    page.get_by_label("指标1").fill("缺陷检出率")
    page.get_by_label("目标值1").fill("99")
    page.get_by_test_id("save-need").click()
    assert "缺少计量单位" in page.locator(".messages").inner_text()
    assert Need.objects.count() == 0
    assert page.locator("select[name=domain]").input_value() == "industry.manufacturing"  # kept after the error
    page.get_by_label("指标1").fill("缺陷检出率")
    page.get_by_label("目标值1").fill("99")
    page.get_by_label("单位1").fill("%")
    page.get_by_test_id("save-need").click()
    page.wait_for_url(re.compile(r".*/scenarios/needs/\d+/$"))
    need_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert page.get_by_test_id("need-status").inner_text() == "草稿"
    submit(page, page.get_by_test_id("transition-submit"))
    assert page.get_by_test_id("need-status").inner_text() == "已提交"

    # 2. the official reviews it and publishes it in the next numbered scenario list
    login(page, base, "official")
    page.goto(f"{base}/scenarios/needs/{need_id}/")
    submit(page, page.get_by_test_id("transition-review"))
    assert page.get_by_test_id("need-status").inner_text() == "已审核"
    page.goto(base + "/scenarios/")
    page.get_by_label("汽车零部件表面缺陷检测").check()
    page.get_by_test_id("list-jurisdiction").select_option(label="苏州市")
    page.get_by_test_id("publish-list").click()
    page.wait_for_url(re.compile(r".*/scenarios/lists/\d+/$"))
    assert page.get_by_test_id("list-title").inner_text() == f"苏州市{dt.date.today().year}年第1批"
    page.goto(f"{base}/scenarios/needs/{need_id}/")
    assert page.get_by_test_id("need-status").inner_text() == "已发布"
    page.screenshot(path=str(artifacts / "scenarios-1-published-need.png"), full_page=True)

    # 3. an open call: created and opened by service, two suppliers apply; the official closes it and draws
    call = services.create_call(acting_user=cast["official"], jurisdiction="suzhou", title="2026年工业视觉揭榜挂帅",
                                need_ids=[need_id], closes_on=dt.date.today() + dt.timedelta(days=10))
    services.transition_call(acting_user=cast["official"], call_id=call.pk, transition="open")
    for org, supplier in zip(cast["orgs"]["suppliers"], cast["suppliers"], strict=True):
        services.apply_to_call(acting_user=supplier, call_id=call.pk, need_id=need_id, organisation_id=org.pk,
                               proposal="深度学习缺陷检测方案")
    page.goto(f"{base}/scenarios/calls/{call.pk}/")
    submit(page, page.get_by_test_id("call-close_applications"))
    submit(page, page.get_by_test_id("call-draw"))
    assert "已抽取评审专家" in page.locator(".messages").inner_text(), page.locator(".messages").inner_text()
    call.refresh_from_db()
    drawn = drawn_users(call.draw_id)
    assert len(drawn) == 5 and page.get_by_test_id("call-status").inner_text() == "评审中"
    outsider = next(e for e in cast["experts"] if e not in drawn)

    # 4. an expert who was not drawn is refused; a drawn expert scores in the page; the other four by service
    with pytest.raises(Exception, match="不是本榜单抽取的评审专家"):
        services.submit_score(acting_user=outsider, application_id=call.applications.first().pk,
                              criteria={"technical": 90, "feasibility": 90, "kpi": 90, "cost": 90})
    login(page, base, drawn[0].username)
    page.goto(f"{base}/scenarios/calls/{call.pk}/")
    submit(page, page.get_by_test_id("review-link"))
    for row, value in ((1, "88"), (2, "70")):
        form = page.get_by_test_id(f"score-form-{row}")
        for code in ("technical", "feasibility", "kpi", "cost"):
            form.locator(f"input[name=criteria_{code}]").fill(value)
        submit(page, form.get_by_role("button"))
        assert "评分已提交" in page.locator(".messages").inner_text()
    page.screenshot(path=str(artifacts / "scenarios-2-expert-scoring.png"), full_page=True)
    for offset, expert in enumerate(drawn[1:], start=1):
        for index, application in enumerate(call.applications.order_by("id")):
            value = 80 + offset - 10 * index
            services.submit_score(acting_user=expert, application_id=application.pk,
                                  criteria={"technical": value, "feasibility": value, "kpi": value, "cost": value})

    # 5. the official aggregates and opens the public notice; an objection is answered; after the notice, award
    login(page, base, "official")
    page.goto(f"{base}/scenarios/calls/{call.pk}/")
    submit(page, page.get_by_test_id("call-notice"))
    assert page.get_by_test_id("call-status").inner_text() == "公示中"
    page.screenshot(path=str(artifacts / "scenarios-3-public-notice.png"), full_page=True)
    objection = services.file_objection(acting_user=cast["public"], call_id=call.pk, text="请说明评分依据")
    services.answer_objection(acting_user=cast["official"], objection_id=objection.pk, answer="评分依细则进行")
    OpenCall.objects.filter(pk=call.pk).update(notice_ends_on=dt.date.today() - dt.timedelta(days=1))
    with pytest.raises(Exception, match="公示期已于"):
        services.file_objection(acting_user=cast["public"], call_id=call.pk, text="过期异议")
    page.reload()
    submit(page, page.get_by_test_id("call-award"))
    assert page.get_by_test_id("call-status").inner_text() == "已揭榜"
    winner = call.applications.order_by("rank").first()
    assert winner.rank == 1 and winner.applicant == cast["orgs"]["suppliers"][0]

    # 6. pilot: KPI measured, owner accepts (service), the department accepts in the page and publishes the case
    pilot = Pilot.objects.get(application=winner)
    kpi = pilot.need.kpis.get()
    services.record_measurement(acting_user=cast["owner"], pilot_id=pilot.pk, kpi_id=kpi.pk, value="99.4")
    services.decide_acceptance(acting_user=cast["owner"], pilot_id=pilot.pk, accept=True)
    page.goto(f"{base}/scenarios/pilots/{pilot.pk}/")
    submit(page, page.get_by_test_id("accept"))
    assert page.get_by_test_id("pilot-status").inner_text() == "已验收"
    form = page.get_by_test_id("case-form")
    form.locator("input[name=title]").fill("汽车零部件视觉质检典型案例")
    form.locator("textarea[name=summary]").fill("缺陷检出率达到99.4%，已在产线运行。")
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(r".*/scenarios/cases/\d+/$"))
    case_url = page.url
    assert page.get_by_test_id("case-title").inner_text() == "汽车零部件视觉质检典型案例"
    page.screenshot(path=str(artifacts / "scenarios-4-case.png"), full_page=True)

    # 7. a Shenzhen organisation replicates the case as its own need, linked back; the count goes up
    login(page, base, "second")
    page.goto(case_url)
    page.get_by_test_id("replicate-form").get_by_test_id("picker-jurisdiction").fill("深圳")  # picked by its name
    page.get_by_test_id("replicate-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r".*/scenarios/needs/\d+/$"))
    assert "复制推广" in page.get_by_test_id("need-title").inner_text()
    copy = Need.objects.get(owner=cast["orgs"]["second"])
    assert copy.replicated_from.pilot_id == pilot.pk and copy.jurisdiction.code == "shenzhen"
    page.goto(case_url)
    assert page.get_by_test_id("replications").inner_text() == "1"
    page.screenshot(path=str(artifacts / "scenarios-5-replicated.png"), full_page=True)


def test_supplier_profile_matches_and_co_publication(live_server, page, cast, artifacts):
    """A supplier fills its capability profile in the form and sees the need it matches, with the explanation;
    the official co-publishes the need with Shenzhen; the taxonomy is reachable from the navigation."""
    from aiplus.scenarios import services
    from aiplus.scenarios.models import CapabilityProfile
    from aiplus.scenarios.tasks import refresh_matching
    from aiplus.scenarios.testing import need_data

    base = live_server.url
    owner, official = cast["owner"], cast["official"]
    need = services.create_need(acting_user=owner, organisation_id=cast["orgs"]["owner"].pk, jurisdiction="suzhou",
                                **need_data(required_qualifications=["ISO9001"]))
    services.transition_need(acting_user=owner, need_id=need.pk, transition="submit")
    services.transition_need(acting_user=official, need_id=need.pk, transition="review")
    services.publish_list(acting_user=official, jurisdiction="suzhou", need_ids=[need.pk])

    # 1. the second supplier fills its profile through the form
    login(page, base, "supplier1")
    page.goto(base + "/scenarios/profiles/")
    page.get_by_test_id("new-profile").click()
    form = page.get_by_test_id("profile-form")
    form.get_by_label("产品与服务").fill("冲压件视觉缺陷检测系统")
    form.get_by_label("能力描述").fill("汽车零部件外观缺陷检测，工业视觉，私有化部署")
    form.get_by_label("场景领域").select_option("industry.manufacturing")
    form.get_by_label("所用模型（逗号分隔）").fill("YOLOv8")
    form.get_by_label("资质（逗号分隔）").fill("ISO9001")
    form.get_by_test_id("picker-regions_served").fill("苏州")
    form.locator("select[name=regions_served]").select_option(label="苏州市")
    form.get_by_label("报价下限（元）").fill("200000")
    form.get_by_label("报价上限（元）").fill("600000")
    submit(page, page.get_by_test_id("save-profile"))
    profile = CapabilityProfile.objects.get(organisation=cast["orgs"]["suppliers"][1])
    assert page.url.endswith(f"/scenarios/profiles/{profile.pk}/") and profile.models_used == ["YOLOv8"]

    # 2. the background worker refreshes the index; the supplier sees the need, ranked and explained
    refresh_matching.call("profile", profile.pk)
    page.reload()
    matches = page.get_by_test_id("matches").inner_text()
    assert need.title in matches and "文本相关度" in matches and "领域匹配：" in matches
    page.screenshot(path=str(artifacts / "scenarios-6-profile-matches.png"), full_page=True)

    # 3. the owner's view: the supplier without ISO9001 is listed as excluded, with the constraint
    login(page, base, "owner")
    page.goto(f"{base}/scenarios/needs/{need.pk}/")
    assert "冲压件视觉缺陷检测系统" in page.get_by_test_id("matches").inner_text()
    assert "缺少必备资质：ISO9001" in page.get_by_test_id("excluded").inner_text()

    # 4. the official co-publishes the need with Shenzhen
    login(page, base, "official")
    page.goto(f"{base}/scenarios/needs/{need.pk}/")
    page.get_by_test_id("picker-jurisdictions").fill("深圳")  # the picker narrows the places; the official ticks one
    page.get_by_test_id("co-publish-input").select_option(label="深圳市")
    submit(page, page.get_by_test_id("co-publish"))
    assert "深圳" in page.get_by_test_id("co-publishers").inner_text()
    page.get_by_test_id("nav-scenarios").locator("summary").click()  # the menu group 场景
    page.get_by_role("link", name="场景分类").first.click()
    page.wait_for_url("**/scenarios/taxonomy/")
    assert "民生福祉" in page.get_by_test_id("gd-table").inner_text()
    page.screenshot(path=str(artifacts / "scenarios-7-taxonomy.png"), full_page=True)
