"""Incidents through the pages: a visitor reports an incident on the public form without signing in; the official
triages it as a large incident (the operator's four-hour reporting clock shown with its rule), assigns it, is told
when the clock runs out, records the response and closes it with its review; the public record shows the redacted
summary and never the reporter."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_report_is_triaged_assigned_and_closed(live_server, page, world, artifacts):
    from aiplus.core.models import Department, Jurisdiction
    from aiplus.core.reference import sync_departments
    from aiplus.governance.incident_services import report_overdue_clocks
    from aiplus.governance.models import Incident, IncidentClock
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    suzhou = Jurisdiction.objects.get(code="suzhou")
    company = world.orgs["suzhou:enterprise"]

    # a visitor, not signed in, reports with a name that must never reach the company or the public
    page.goto(live_server.url + "/governance/incidents/report/")
    page.fill("#id_title", "智能客服泄露用户手机号")
    page.fill("#id_description", "我是王小明，客服机器人把别人的手机号13800001111发给了我。")
    page.select_option("#id_jurisdiction", str(suzhou.pk))
    page.select_option("#id_organisation", str(company.pk))
    page.check("input[name=harms][value=privacy]")
    page.uncheck("#id_anonymous")
    page.fill("#id_name", "王小明")
    page.fill("#id_contact", "wang@example.com")
    page.get_by_test_id("public-report-submit").click()
    page.wait_for_selector(".messages")
    incident = Incident.objects.get()
    assert incident.source == "public" and incident.status == "reported"

    # the official triages: a large incident; the operator's reporting clock of four hours is shown with its rule
    sign_in(page, live_server.url, "suzhou-official")
    page.goto(live_server.url + "/governance/incidents/")
    page.get_by_role("link", name="智能客服泄露用户手机号").click()
    page.wait_for_url(f"**/governance/incidents/{incident.pk}/")
    url = page.url
    assert "王小明" in page.get_by_test_id("reporter").inner_text()
    page.select_option("#id_severity", "large")
    page.fill("#id_pi_persons", "1200000")
    page.get_by_test_id("triage-save").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("severity").get_attribute("data-severity") == "large"
    clock = page.locator("[data-clock=operator_report]")
    assert clock.get_attribute("data-state") == "open"
    assert "4" in clock.inner_text() and "国家网络安全事件报告管理办法" in clock.inner_text()
    assert page.locator("[data-clock=triage]").get_attribute("data-state") == "met"
    assert "平台设置" in page.locator("[data-clock=triage]").inner_text()

    department = Department.objects.filter(pack="suzhou").first()
    page.select_option("#id_department", str(department.pk))
    page.select_option("#id_handler", str(world.user("official").pk))
    page.get_by_test_id("assign-save").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "responding"

    # five hours on (the clock's start moved back five hours), the reporting clock has run out: the handling
    # official is told
    five_hours_ago = timezone.now() - dt.timedelta(hours=5)
    IncidentClock.objects.filter(incident=incident, name="operator_report").update(
        started_at=five_hours_ago, due_at=five_hours_ago + dt.timedelta(hours=4))
    assert report_overdue_clocks() == 1
    page.goto(live_server.url + "/notifications/")
    assert "事件时限已过" in page.content()
    page.goto(url)
    assert page.locator("[data-clock=operator_report]").get_attribute("data-state") == "overdue"

    # response, end of handling, closure with its review and a public record
    page.select_option("#id_kind", "containment")
    page.fill("#id_text", "关闭客服机器人的号码回显功能")
    page.get_by_test_id("action-save").click()
    page.wait_for_url(url)
    assert "关闭客服机器人" in page.get_by_test_id("actions").inner_text()
    page.get_by_test_id("end-save").click()
    page.wait_for_url(url)
    assert page.locator("[data-clock=final_report]").get_attribute("data-state") == "open"
    page.fill("#id_causes", "输出过滤缺失")
    page.fill("#id_measures", "增加号码脱敏")
    page.fill("#id_lessons", "上线前测试隐私泄露场景")
    page.check("#id_publish")
    page.fill("#id_public_title", "智能客服泄露手机号事件")
    page.fill("#id_public_summary", "王小明（wang@example.com）反映，客服机器人向他人发送了13800001111。")
    page.get_by_test_id("close-save").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("status").get_attribute("data-status") == "closed"
    page.screenshot(path=str(artifacts / "incident-closed.png"), full_page=True)

    # the public record: redacted, no reporter
    page.context.clear_cookies()
    page.goto(live_server.url + "/governance/incidents/records/")
    page.get_by_role("link", name="智能客服泄露手机号事件").click()
    summary = page.get_by_test_id("record-summary").inner_text()
    assert "王小明" not in summary and "13800001111" not in summary and "wang@example.com" not in summary
    assert "客服机器人" in summary

    # the company sees its incident, never who reported it
    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(url)
    body = page.content()
    assert "王小明" not in body and "wang@example.com" not in body


def test_major_incident_escalation_clock_is_shown_and_an_overdue_one_notifies(live_server, page, world, artifacts):
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from aiplus.core.models import Jurisdiction
    from aiplus.core.reference import sync_departments
    from aiplus.departments.reference import sync
    from aiplus.governance import incident_services
    from aiplus.governance.models import IncidentClock
    from aiplus.governance.tasks import check_incident_clocks_task
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    sync(packset=active_packs())
    incident = incident_services.report_public(
        acting_user=None, client_ip="198.51.100.20", title="大模型平台泄露两千万用户数据", description="接口未鉴权",
        jurisdiction_id=Jurisdiction.objects.get(code="suzhou").pk, organisation_id=world.orgs["suzhou:enterprise"].pk,
        anonymous=True)

    # the official grades it major for a CII operator: the half-hour clock up the chain, its rule and the chain
    sign_in(page, live_server.url, "suzhou-official")
    url = f"{live_server.url}/governance/incidents/{incident.pk}/"
    page.goto(url)
    page.select_option("#id_severity", "major")
    page.select_option("#id_operator_kind", "cii")
    page.get_by_test_id("triage-save").click()
    page.wait_for_url(url)
    clock = page.locator("[data-clock=escalation]")
    assert clock.get_attribute("data-state") == "open"
    assert "30" in clock.inner_text() and "国家网络安全事件报告管理办法" in clock.inner_text()
    chain = page.get_by_test_id("escalation-chain")
    assert chain.locator("[data-department=sz_cac]").count() == 1 and chain.locator("[data-department=cac]").count()
    due = IncidentClock.objects.get(incident=incident, name="escalation").due_at
    assert DBTaskResult.objects.filter(task_path=check_incident_clocks_task.module_path, status=TaskResultStatus.READY,
                                       run_after=due + dt.timedelta(seconds=1)).exists()

    # an hour on (the clock moved back), the queued check tells the official once
    started = timezone.now() - dt.timedelta(hours=1)
    IncidentClock.objects.filter(incident=incident, name="escalation").update(
        started_at=started, due_at=started + dt.timedelta(minutes=30))
    assert incident_services.report_overdue_clocks() >= 1
    page.goto(live_server.url + "/notifications/")
    assert "事件时限已过：大模型平台泄露两千万用户数据" in page.content()
    page.goto(url)
    assert page.locator("[data-clock=escalation]").get_attribute("data-state") == "overdue"

    # the official records the report up the chain: the clock stops (late) and the follow-up clock starts
    page.fill("#id_text", "已向国家网信办和公安部报告")
    page.get_by_test_id("escalation-save").click()
    page.wait_for_url(url)
    assert page.locator("[data-clock=escalation]").get_attribute("data-state") == "late"
    follow = page.locator("[data-clock=follow_up]")
    assert follow.get_attribute("data-state") == "open" and "平台设置" in follow.inner_text()
    page.screenshot(path=str(artifacts / "incident-escalation.png"), full_page=True)
