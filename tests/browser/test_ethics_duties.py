"""The committee side of ethics review through the pages (issue 15 §2): a provider without a committee entrusts a
company's registered committee in writing and applies to it; the committee's chair invites an independent adviser,
who signs in, sees only that application's materials, must declare no conflict and submits an opinion the committee
then reads beside its review (the adviser has no vote); the chair files the year's annual report prefilled from the
committee's records, and the supervising official finds it in the list of reports."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in
from tests.browser.test_ethics_review import _members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_entrusted_committee_hears_an_adviser_decides_and_files_its_annual_report(live_server, page, world,
                                                                                  artifacts):
    from aiplus.core import services as core_services
    from aiplus.governance import services
    from aiplus.governance.models import Advice

    company, provider_org = world.orgs["suzhou:enterprise"], world.orgs["suzhou:provider"]
    today = timezone.localdate()
    owner = world.user("enterprise_member")
    committee = services.create_committee(acting_user=owner, organisation_id=company.pk, name="姑苏科技伦理委员会",
                                          established_on=today - dt.timedelta(days=20))
    members = _members(world, committee)
    services.register_committee(acting_user=owner, committee_id=committee.pk, registered_on=today,
                                registration_number="NSTEC-320500-009")
    adviser = core_services.create_user(acting_user=world.admin, username="ec-adviser", password="x-password-123")

    # the provider has no committee: it entrusts the registered one, picked by name
    sign_in(page, live_server.url, "suzhou-provider")
    page.goto(live_server.url + "/governance/ethics/committees/")
    page.get_by_test_id("to-entrustments").click()
    page.wait_for_url("**/governance/ethics/entrustments/")
    page.select_option("#id_organisation", str(provider_org.pk))
    page.select_option("#id_committee", str(committee.pk))
    page.fill("#id_agreed_on", str(today))
    page.fill("#id_scope_text", "本单位算力调度算法研发活动的科技伦理审查")
    page.fill("#id_term_start", str(today))
    page.fill("#id_term_end", str(today + dt.timedelta(days=365)))
    page.get_by_test_id("entrustment-save").click()
    page.wait_for_url("**/governance/ethics/entrustments/")
    assert "姑苏科技伦理委员会" in page.locator("table").inner_text()

    page.goto(live_server.url + "/governance/ethics/applications/")
    page.select_option("#id_committee", str(committee.pk))
    page.fill("#id_title", "算力调度算法研发")
    for field, text in (("overview", "调度算法研发概况"), ("plan", "实施方案与风险防控"),
                        ("qualifications", "资质与利益冲突声明"), ("consent", "不涉及个人数据的说明"),
                        ("commitment", "承诺书")):
        page.fill(f"#id_{field}", text)
    page.get_by_test_id("application-save").click()
    page.wait_for_url("**/governance/ethics/applications/*/")
    application_url = page.url
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(application_url)

    # the chair invites an independent adviser
    page.context.clear_cookies()
    sign_in(page, live_server.url, "ec-chair")
    page.goto(application_url)
    page.select_option("#id_user", str(adviser.pk))
    page.fill("#id_question", "调度数据是否涉及个人信息？")
    page.get_by_test_id("adviser-save").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("advice").locator("li").first.get_attribute("data-submitted") == "false"
    advice = Advice.objects.get()

    # the adviser sees that application's materials only; without the declaration the opinion is refused
    page.context.clear_cookies()
    sign_in(page, live_server.url, "ec-adviser")
    response = page.goto(application_url)
    assert response is not None and response.status == 404
    page.goto(f"{live_server.url}/governance/ethics/advice/{advice.pk}/")
    assert "调度算法研发概况" in page.get_by_test_id("materials").inner_text()
    page.fill("#id_opinion", "调度数据不含个人信息，风险可控。")
    page.get_by_test_id("advice-save").click()
    page.locator("[data-field=no_conflict]").wait_for()
    page.check("#id_no_conflict")
    page.get_by_test_id("advice-save").click()
    page.get_by_test_id("advice-submitted").wait_for()
    page.screenshot(path=str(artifacts / "ethics-adviser-opinion.png"))

    # the chair reads the opinion, accepts and decides (the adviser is nowhere among the voters)
    page.context.clear_cookies()
    sign_in(page, live_server.url, "ec-chair")
    page.goto(application_url)
    assert "风险可控" in page.get_by_test_id("advice").inner_text()
    page.select_option("#id_procedure", "general")
    page.get_by_test_id("examine-go").click()
    page.wait_for_url(application_url)
    page.fill("#id_held_on", str(today))
    for member in members[:5]:
        page.check(f"#id_present_{member.pk}")
        page.select_option(f"#id_vote_{member.pk}", "approve")
    page.get_by_test_id("review-save").click()
    page.wait_for_url(application_url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "approved"
    assert "ec-adviser" not in page.get_by_test_id("votes").inner_text()

    # the annual report, prefilled from the committee's records, filed with the committee's remarks
    page.goto(f"{live_server.url}/governance/ethics/committees/{committee.pk}/")
    page.get_by_test_id("to-annual-report").click()
    page.wait_for_url("**/annual-report/")
    if page.get_by_test_id("report-year").input_value() != str(today.year):
        page.select_option("[data-testid=report-year]", str(today.year))
        page.wait_for_url(f"**/annual-report/?year={today.year}")
    assert page.get_by_test_id("prefill").locator("[data-figure=reviews]").inner_text() == "1"
    page.fill("#id_remarks", "本年度受托审查一项，邀请独立顾问一人次。")
    page.get_by_test_id("annual-report-save").click()
    page.wait_for_url("**/governance/ethics/annual-reports/*/")
    assert "受托审查一项" in page.get_by_test_id("remarks").inner_text()
    page.screenshot(path=str(artifacts / "ethics-annual-report.png"))

    # the supervising official finds it in the list; the provider sees its application, not the report
    page.context.clear_cookies()
    sign_in(page, live_server.url, "suzhou-official")
    page.goto(live_server.url + "/governance/ethics/annual-reports/")
    page.get_by_role("link", name="姑苏科技伦理委员会").click()
    page.wait_for_url("**/governance/ethics/annual-reports/*/")
    assert page.get_by_test_id("figures").locator("[data-figure=reviews]").inner_text() == "1"
