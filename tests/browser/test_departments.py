"""Departments through the pages: an incident brings work to the queue of the department holding the incident
duty (the cyberspace office); an official of it sees the item in "my department's queue"; the administrator hands
the duty over to the market regulator on the department page; the item is then in the regulator's queue and no
longer in the office's, and the handover is in the duty's history."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _queue_titles(page):
    page.wait_for_selector("#list-rows")
    return [row.inner_text() for row in page.locator("#list-rows tr[data-pk]").all()]


def test_a_duty_moves_and_its_open_work_follows_it(live_server, page, world, artifacts):
    from aiplus.core.models import Department
    from aiplus.departments import services
    from aiplus.departments.tests.conftest import load_duties
    from aiplus.governance.incident_services import report_incident

    load_duties()
    cac = Department.objects.get(code="sz_cac")
    market = Department.objects.get(code="sz_scjgj")
    services.add_member(acting_user=world.admin, department_id=cac.pk, user_id=world.user("official").pk)
    report_incident(acting_user=world.user("enterprise_member"), organisation_id=world.orgs["suzhou:enterprise"].pk,
                    title="模型输出泄露用户信息", description="客服模型输出了其他用户的手机号。",
                    discovered_at=timezone.now() - dt.timedelta(hours=1))
    base = live_server.url

    # the official of the cyberspace office finds the incident in their department's queue
    sign_in(page, base, "suzhou-official")
    page.goto(base + "/departments/")
    page.get_by_test_id("my-queue").click()
    rows = _queue_titles(page)
    assert len(rows) == 1 and "模型输出泄露用户信息" in rows[0]
    page.goto(base + f"/departments/work/?department={market.pk}&status=open")
    assert _queue_titles(page) == []

    # the administrator hands the incident duty over to the market regulator
    sign_in(page, base, "fixture-admin")
    page.goto(base + f"/departments/{cac.pk}/")
    page.select_option("#id_duty", label="人工智能安全事件的研判与处置")
    page.select_option("#id_department", str(market.pk))
    page.fill("#id_reason", "执法职能调整")
    page.get_by_test_id("handover-go").click()
    page.wait_for_selector("[data-testid=handovers]")
    history = page.get_by_test_id("handovers").inner_text()
    assert "执法职能调整" in history and "苏州市市场监督管理局" in history
    assert page.locator("[data-testid=held-duties] tr[data-code='incidents.handle']").count() == 0
    page.screenshot(path=str(artifacts / "departments-handover.png"), full_page=True)

    # the work followed the duty: in the regulator's queue, no longer in the office's
    sign_in(page, base, "suzhou-official")
    page.goto(base + f"/departments/work/?department={market.pk}&status=open")
    rows = _queue_titles(page)
    assert len(rows) == 1 and "模型输出泄露用户信息" in rows[0] and "苏州市市场监督管理局" in rows[0]
    page.goto(base + f"/departments/work/?department={cac.pk}&status=open")
    assert _queue_titles(page) == []


def test_the_administrator_staffs_a_department_and_a_scheduled_handover_applies_on_its_day(
        live_server, page, world, artifacts):
    from io import StringIO

    from django.core.management import call_command

    from aiplus.core.models import Department
    from aiplus.departments.tests.conftest import load_duties, make_official

    load_duties()
    cac = Department.objects.get(code="sz_cac")
    market = Department.objects.get(code="sz_scjgj")
    newcomer = make_official(world, "newcomer")
    base = live_server.url

    # the administrator places two officials in the cyberspace office, picked by name, and makes one its head
    sign_in(page, base, "fixture-admin")
    page.goto(base + f"/departments/{cac.pk}/")
    for user in (newcomer, world.user("official")):
        page.select_option("#id_add-user", str(user.pk))
        page.get_by_test_id("add-member-go").click()
        page.wait_for_load_state()
    page.select_option("#id_head-user", str(newcomer.pk))
    page.get_by_test_id("appoint-head-go").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("head").inner_text() == "newcomer"
    members = page.get_by_test_id("members").inner_text()
    assert "newcomer" in members and "suzhou-official" in members
    # the head is not removed while still head; another member is
    page.select_option("#id_remove-user", str(newcomer.pk))
    page.get_by_test_id("remove-member-go").click()
    assert "请先指定新的负责人" in page.get_by_test_id("remove-member").inner_text()
    page.goto(base + f"/departments/{cac.pk}/")
    page.select_option("#id_remove-user", str(world.user("official").pk))
    page.get_by_test_id("remove-member-go").click()
    page.wait_for_load_state()
    assert "suzhou-official" not in page.get_by_test_id("members").inner_text()
    page.screenshot(path=str(artifacts / "departments-staffing.png"), full_page=True)

    # a handover dated next week is scheduled, shown, and can be cancelled; a second one applies on its day
    later = timezone.localdate() + dt.timedelta(days=7)
    for reason in ("先预约后取消", "机构改革"):
        page.select_option("#id_duty", label="人工智能安全事件的研判与处置")
        page.select_option("#id_department", str(market.pk))
        page.fill("#id_reason", reason)
        page.fill("#id_effective_on", later.isoformat())
        page.get_by_test_id("handover-go").click()
        page.wait_for_selector("[data-testid=scheduled]")
        scheduled = page.get_by_test_id("scheduled")
        assert reason in scheduled.inner_text()
        assert page.locator("[data-testid=held-duties] tr[data-code='incidents.handle']").count() == 1
        if reason == "先预约后取消":
            page.locator("[data-testid=scheduled] button").first.click()
            page.wait_for_load_state()
            assert page.locator("[data-testid=scheduled]").count() == 0
    page.screenshot(path=str(artifacts / "departments-scheduled.png"), full_page=True)
    call_command("escalate_department_work", today=later, stdout=StringIO())  # the daily run on the due day
    page.goto(base + f"/departments/{cac.pk}/")
    assert page.locator("[data-testid=held-duties] tr[data-code='incidents.handle']").count() == 0
    assert page.locator("[data-testid=scheduled]").count() == 0
    assert "机构改革" in page.get_by_test_id("handovers").inner_text()
