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
