"""Science and technology ethics review through the pages: a company sets up its committee and applies; the
committee names everything missing in one notice, accepts, is refused a meeting without a quorum (nothing written)
and then decides by two thirds; a listed activity, preliminarily approved by the committee, goes to the authority,
which draws a panel from the expert pool (the committee's own members excluded); each drawn expert signs in and
submits their own opinion, and the panel concludes by two thirds of all its experts."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (username, role, discipline, gender, external)
SEVEN = [("ec-chair", "chair", "science", "male", False), ("ec-vice", "vice_chair", "ethics", "female", False),
         ("ec-lawyer", "member", "law", "male", True), ("ec-sci-f", "member", "science", "female", False),
         ("ec-sci-m", "member", "science", "male", False), ("ec-other", "member", "other", "female", False),
         ("ec-ethics", "member", "ethics", "male", False)]


def _members(world: Any, committee: Any) -> list[Any]:
    from aiplus.core import services as core_services
    from aiplus.governance import services

    today = timezone.localdate()
    members = []
    for username, role, discipline, gender, external in SEVEN:
        user = core_services.create_user(acting_user=world.admin, username=username, password="x-password-123")
        members.append(services.add_member(
            acting_user=world.user("enterprise_member"), committee_id=committee.pk, user_id=user.pk, role=role,
            discipline=discipline, gender=gender, external=external, term_start=today - dt.timedelta(days=10),
            term_end=today + dt.timedelta(days=700), trained_on=today - dt.timedelta(days=5), training="培训"))
    return members


def test_committee_refuses_a_quorum_failure_then_decides(live_server, page, world, artifacts):
    from aiplus.governance.models import EthicsCommittee

    company = world.orgs["suzhou:enterprise"]
    today = timezone.localdate()
    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(live_server.url + "/governance/ethics/committees/")
    page.select_option("#id_organisation", str(company.pk))
    page.fill("#id_name", "姑苏科技伦理委员会")
    page.fill("#id_established_on", str(today - dt.timedelta(days=20)))
    page.get_by_test_id("committee-save").click()
    page.wait_for_url("**/governance/ethics/committees/*/")
    committee_url = page.url
    assert page.get_by_test_id("composition").get_attribute("data-ok") == "false"
    committee = EthicsCommittee.objects.get(name="姑苏科技伦理委员会")
    members = _members(world, committee)
    page.goto(committee_url)
    assert page.get_by_test_id("composition").get_attribute("data-ok") == "true"
    page.fill("#id_registered_on", str(today))
    page.fill("#id_registration_number", "NSTEC-320500-001")
    page.get_by_test_id("register-save").click()
    page.wait_for_url(committee_url)
    assert "NSTEC-320500-001" in page.get_by_test_id("registration").inner_text()

    # the application, saved with only its overview, then submitted
    page.goto(live_server.url + "/governance/ethics/applications/")
    page.select_option("#id_committee", str(committee.pk))
    page.fill("#id_title", "智能辅助诊断系统临床验证")
    page.fill("#id_overview", "在三家医院验证辅助诊断模型。")
    page.get_by_test_id("application-save").click()
    page.wait_for_url("**/governance/ethics/applications/*/")
    application_url = page.url
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "submitted"

    # the chair examines: everything missing, in one notice
    sign_in(page, live_server.url, "ec-chair")
    page.goto(application_url)
    page.fill("#id_requested_other", "合作医院伦理批件")
    page.get_by_test_id("examine-go").click()
    page.wait_for_url(application_url)
    notice = page.get_by_test_id("missing-notice")
    assert notice.locator("li").count() == 5  # plan, qualifications, consent, commitment, the requested other

    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(application_url)
    for field, text in (("plan", "实施方案"), ("qualifications", "资质与利益冲突声明"), ("consent", "知情同意书"),
                        ("commitment", "承诺书"), ("other", "合作医院伦理批件")):
        page.fill(f"#id_{field}", text)
    page.get_by_test_id("materials-save").click()
    page.wait_for_url(application_url)
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(application_url)

    sign_in(page, live_server.url, "ec-chair")
    page.goto(application_url)
    page.select_option("#id_procedure", "general")
    page.get_by_test_id("examine-go").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "accepted"
    assert page.get_by_test_id("decision-due").count() == 1

    # five present, one of them excluded for a conflict: no quorum, refused, nothing written
    page.fill("#id_held_on", str(today))
    for m in members[:5]:
        page.check(f"#id_present_{m.pk}")
    page.check(f"#id_conflict_{members[4].pk}")
    for m in members[:4]:
        page.select_option(f"#id_vote_{m.pk}", "approve")
    page.get_by_test_id("review-save").click()
    page.wait_for_load_state()
    assert "应不少于5名" in page.get_by_test_id("review-form").inner_text()
    page.goto(application_url)
    assert page.get_by_test_id("review").count() == 0

    # six present and voting, 4 of 6 approve: exactly two thirds
    page.fill("#id_held_on", str(today))
    for m in members[:6]:
        page.check(f"#id_present_{m.pk}")
    for m, vote in zip(members[:6], ["approve", "approve", "approve", "approve", "reject", "abstain"],
                       strict=True):
        page.select_option(f"#id_vote_{m.pk}", vote)
    page.get_by_test_id("review-save").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "approved"
    assert page.get_by_test_id("review").get_attribute("data-outcome") == "approved"
    assert page.get_by_test_id("votes").locator("tbody tr").count() == 7
    assert page.get_by_test_id("follow-ups").locator("li[data-due]").count() == 1
    page.screenshot(path=str(artifacts / "ethics-review-decided.png"), full_page=True)

    # an official of Suzhou, no member of the company or the committee, does not see it
    sign_in(page, live_server.url, "suzhou-official")
    response = page.goto(application_url)
    assert response.status == 404


def test_listed_activity_goes_to_a_drawn_panel(live_server, page, world, artifacts):
    from aiplus.core import services as core_services
    from aiplus.experts import services as expert_services
    from aiplus.governance import services

    company = world.orgs["suzhou:enterprise"]
    applicant = world.user("enterprise_member")
    today = timezone.localdate()
    committee = services.create_committee(acting_user=applicant, organisation_id=company.pk, name="伦理委员会",
                                          established_on=today - dt.timedelta(days=20))
    members = _members(world, committee)
    application = services.create_application(
        acting_user=applicant, committee_id=committee.pk, title="面向工厂安全场景的自主决策系统研发",
        listed_item="autonomous_decisions", overview="概况", plan="方案", qualifications="资质", consent="同意书",
        commitment="承诺书")
    services.submit_application(acting_user=applicant, application_id=application.pk)
    services.examine_application(acting_user=members[0].user, application_id=application.pk, procedure="general")
    services.record_review(acting_user=members[0].user, application_id=application.pk, held_on=today,
                           present=[m.pk for m in members[:5]], votes={m.pk: "approve" for m in members[:5]})
    # the pool: the committee's lawyer is an expert too, and must not be drawn
    expert_services.register_expert(acting_user=world.admin, user=members[2].user, organisation_id=None,
                                    fields=["industry.manufacturing"], jurisdiction="suzhou")
    for i in range(6):
        user = core_services.create_user(acting_user=world.admin, username=f"pool-{i}", password="x-password-123")
        expert_services.register_expert(acting_user=world.admin, user=user, organisation_id=None,
                                        fields=["industry.manufacturing"], jurisdiction="suzhou")

    url = f"{live_server.url}/governance/ethics/applications/{application.pk}/"
    sign_in(page, live_server.url, "suzhou-official")
    page.goto(url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "re_review"
    page.select_option("#id_domains", ["industry.manufacturing"])
    page.fill("#id_size", "5")
    page.get_by_test_id("draw-go").click()
    page.wait_for_url(url)
    panel = page.get_by_test_id("panel")
    assert panel.locator("li").count() == 5
    assert members[2].user.username not in panel.inner_text()
    # the official enters no opinion: each drawn expert signs in, reads the file and submits their own
    assert page.get_by_test_id("opinion-form").count() == 0
    from aiplus.experts.models import ExpertProfile
    from aiplus.governance.models import ReReview

    drawn = [ExpertProfile.objects.get(pk=int(i)).user.username
             for i in ReReview.objects.get(application=application).draw.selected]
    for n, username in enumerate(drawn):
        sign_in(page, live_server.url, username)
        page.goto(url)
        assert "方案" in page.get_by_test_id("materials").inner_text()  # the expert reads the file
        page.check(f"#id_vote_{0 if n < 4 else 1}")  # 4 of 5 agree: beyond two thirds
        page.fill("#id_opinion", "风险防控措施充分。" if n < 4 else "自主决策边界不清。")
        page.get_by_test_id("opinion-save").click()
        page.wait_for_url(url)
        assert page.get_by_test_id("opinion-form").count() == 0
        if n < 4:
            assert page.get_by_test_id("re-review-outcome").count() == 0  # not all have submitted yet
    assert page.get_by_test_id("re-review-outcome").get_attribute("data-outcome") == "agree"
    assert page.get_by_test_id("status").get_attribute("data-status") == "approved"
    sign_in(page, live_server.url, "suzhou-official")
    page.goto(url)
    assert page.get_by_test_id("panel").locator("li[data-vote=agree]").count() == 4
    page.get_by_test_id("panel-draw").click()
    page.wait_for_url("**/experts/draws/*/")
    assert "申请单位科技伦理委员会委员" in page.locator("#excluded").inner_text()
    page.screenshot(path=str(artifacts / "ethics-re-review.png"), full_page=True)


def test_an_official_decides_a_red_line_flagged_on_an_ethics_application(live_server, page, world, artifacts):
    """A Shenzhen company submits an application whose text touches a red line (Guangdong art. 33); an official of
    Shenzhen opens the red-line queue from the menu and confirms the flag with reasons, without seeing the
    materials; the company then sees the decision on its application."""
    from aiplus.governance import services
    from aiplus.governance.models import EthicsApplication

    company = world.orgs["shenzhen:enterprise"]
    committee = services.create_committee(acting_user=world.user("enterprise_member", "shenzhen"),
                                          organisation_id=company.pk, name="深圳数字人伦理委员会",
                                          established_on=timezone.localdate() - dt.timedelta(days=20))
    sign_in(page, live_server.url, "shenzhen-enterprise_member")
    page.goto(live_server.url + "/governance/ethics/applications/")
    page.select_option("#id_committee", str(committee.pk))
    page.fill("#id_title", "虚拟主播形象生成研究")
    page.fill("#id_overview", "用AI换脸生成名人形象进行直播（概况原文）。")
    page.get_by_test_id("application-save").click()
    page.wait_for_url("**/governance/ethics/applications/*/")
    application_url = page.url
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("red-lines").locator("li").get_attribute("data-decision") == ""

    sign_in(page, live_server.url, "shenzhen-official")
    page.get_by_test_id("nav-governance").locator("summary").click()
    page.get_by_test_id("nav-governance").get_by_role("link", name="伦理审查安全底线认定").click()
    page.wait_for_url("**/governance/red-lines/ethics/")
    page.get_by_role("link", name="虚拟主播形象生成研究").click()
    page.wait_for_url("**/governance/red-lines/ethics/*/")
    flag_url = page.url
    assert "深圳数字人伦理委员会" in page.get_by_test_id("committee").inner_text()
    assert "概况原文" not in page.content()
    page.select_option("#id_decision", "confirmed")
    page.fill("#id_reasons", "以换脸冒充名人直播，触及安全底线。")
    page.get_by_test_id("red-line-save").click()
    page.wait_for_url(flag_url)
    assert page.get_by_test_id("red-lines").locator("li").get_attribute("data-decision") == "confirmed"
    assert page.get_by_test_id("red-line-form").count() == 0
    page.screenshot(path=str(artifacts / "ethics-red-line-decided.png"), full_page=True)
    flag = EthicsApplication.objects.get(title="虚拟主播形象生成研究").red_lines[0]
    assert flag["decision"] == "confirmed" and flag["reasons"] == "以换脸冒充名人直播，触及安全底线。"

    sign_in(page, live_server.url, "shenzhen-enterprise_member")
    page.goto(application_url)
    assert page.get_by_test_id("red-lines").locator("li").get_attribute("data-decision") == "confirmed"
