"""The departments' pages: the list with the work each department holds, a department with its staff and handover
form (only for those who may hand over), the queue and "my department's queue", and a bad handover drawn again
with its error beside the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aiplus.core.testing import section, signed_in
from aiplus.departments.models import Duty, WorkItem

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_work_each_department_holds(client, staff):
    html = client.get("/departments/").content.decode()
    held = section(html, f"held-{staff.dept('sz_cac').pk}")
    assert "人工智能安全事件的研判与处置" in held


def test_the_department_page_shows_its_duties_staff_and_queue_to_officials(staff, incident):
    cac = staff.dept("sz_cac")
    html = signed_in(staff.world.user("official")).get(f"/departments/{cac.pk}/").content.decode()
    assert "head-sz_cac" in section(html, "head") and "suzhou-official" in section(html, "members")
    assert 'data-code="incidents.handle"' in section(html, "held-duties")
    assert "平台分工" in section(html, "held-duties")
    row = section(html, "held-duties").split('data-code="incidents.handle"')[1].split("</tr>")[0]
    assert 'data-testid="open-count">1<' in row
    assert 'data-testid="handover"' not in html  # an ordinary official hands nothing over
    public = signed_in(staff.world.user("enterprise_member")).get(f"/departments/{cac.pk}/").content.decode()
    assert 'data-testid="department-queue"' not in public and 'data-testid="open-count"' not in public


def test_my_queue_is_my_departments(staff, incident):
    answer = signed_in(staff.world.user("official")).get("/departments/mine/")
    assert answer.status_code == 302 and f"department={staff.dept('sz_cac').pk}" in answer["Location"]
    assert signed_in(staff.world.user("auditor")).get("/departments/mine/").status_code == 404
    page = signed_in(staff.world.user("official")).get(answer["Location"]).content.decode()
    assert "模型输出泄露用户信息" in page
    assert signed_in(staff.world.user("enterprise_member")).get("/departments/work/").status_code == 403


def test_a_posted_handover_from_someone_who_may_not_is_refused(staff, incident):
    cac = staff.dept("sz_cac")
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    answer = signed_in(staff.world.user("official")).post(f"/departments/{cac.pk}/", {
        "action": "handover", "duty": duty.pk, "department": staff.dept("sz_scjgj").pk, "reason": "x",
        "effective_on": timezone.localdate().isoformat()})
    assert answer.status_code == 403 and WorkItem.objects.get().department_id == cac.pk


@pytest.mark.parametrize(("change", "field"), [({"reason": ""}, "reason"), ({"effective_on": "2999-01-01"},
                                                                            "effective_on"),
                                               ({"department": "nonsense"}, "department")])
def test_a_bad_handover_is_drawn_again_with_its_error_beside_the_field(staff, incident, change, field):
    cac = staff.dept("sz_cac")
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    answer = signed_in(staff.head["sz_fgw"]).post(f"/departments/{cac.pk}/", {
        "action": "handover", "duty": duty.pk, "department": staff.dept("sz_scjgj").pk, "reason": "调整",
        "effective_on": timezone.localdate().isoformat(), **change})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert f'id="id_{field}"' in html and "error" in html
    assert WorkItem.objects.get().department_id == cac.pk


def test_the_lead_head_hands_over_through_the_page(staff, incident):
    cac = staff.dept("sz_cac")
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    answer = signed_in(staff.head["sz_fgw"]).post(f"/departments/{cac.pk}/", {
        "action": "handover", "duty": duty.pk, "department": "苏州市市场监督管理局", "reason": "调整",
        "effective_on": timezone.localdate().isoformat()})
    assert answer.status_code == 302
    assert WorkItem.objects.get().department.code == "sz_scjgj"


def test_the_queue_exports_to_excel(staff, incident):
    answer = signed_in(staff.world.user("official")).get("/departments/work/?export=xlsx")
    assert answer.status_code == 200 and "spreadsheet" in answer["Content-Type"]


def test_the_administrator_staffs_a_department_through_its_page(staff):
    from aiplus.core.models import AuditEvent
    from aiplus.departments.tests.conftest import make_official

    world = staff.world
    fgw = staff.dept("sz_fgw")
    newcomer = make_official(world, "newcomer")
    url = f"/departments/{fgw.pk}/"
    assert 'data-testid="staffing"' not in signed_in(staff.head["sz_fgw"]).get(url).content.decode()
    # the lead head has forms on the page, but not this one: an unknown action, nothing written
    lead = signed_in(staff.head["sz_fgw"])
    assert lead.post(url, {"action": "add_member", "add-user": newcomer.pk}).status_code == 400
    assert signed_in(staff.world.user("enterprise_member")).post(url, {"action": "add_member",
                                                                       "user": newcomer.pk}).status_code == 403
    assert "newcomer" not in section(signed_in(world.admin).get(url).content.decode(), "members")
    admin = signed_in(world.admin)
    page = admin.get(url).content.decode()
    assert 'data-testid="add-member"' in section(page, "staffing") and "newcomer" in section(page, "add-member")
    assert admin.post(url, {"action": "add_member", "add-user": "newcomer"}).status_code == 302  # picked by name
    assert admin.post(url, {"action": "appoint_head", "head-user": newcomer.pk}).status_code == 302
    page = admin.get(url).content.decode()
    assert "newcomer" in section(page, "members") and "newcomer" in section(page, "head")
    refused = admin.post(url, {"action": "remove_member", "remove-user": newcomer.pk})  # the head stays until replaced
    assert refused.status_code == 409 and "请先指定新的负责人" in refused.content.decode()
    assert admin.post(url, {"action": "appoint_head", "head-user": staff.head["sz_fgw"].pk}).status_code == 302
    assert admin.post(url, {"action": "remove_member", "remove-user": newcomer.pk}).status_code == 302
    assert "newcomer" not in section(admin.get(url).content.decode(), "members")
    bad = admin.post(url, {"action": "add_member", "add-user": world.user("public").pk})
    assert bad.status_code == 400 and 'id="id_add-user"' in bad.content.decode()
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="departments.").order_by("-id")[:4]] == [
        "departments.member.removed", "departments.head.appointed", "departments.head.appointed",
        "departments.member.added"]


def test_a_future_handover_is_shown_as_scheduled_and_cancelled_on_the_page(staff, incident):
    cac = staff.dept("sz_cac")
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    later = timezone.localdate() + dt.timedelta(days=5)
    head = signed_in(staff.head["sz_fgw"])
    answer = head.post(f"/departments/{cac.pk}/", {
        "action": "handover", "duty": duty.pk, "department": staff.dept("sz_scjgj").pk, "reason": "机构改革",
        "effective_on": later.isoformat()})
    assert answer.status_code == 302
    assert WorkItem.objects.get().department_id == cac.pk
    for code in ("sz_cac", "sz_scjgj"):  # both sides see it coming
        html = signed_in(staff.world.user("official")).get(f"/departments/{staff.dept(code).pk}/").content.decode()
        assert "机构改革" in section(html, "scheduled") and "cancel-" not in html
    page = head.get(f"/departments/{cac.pk}/").content.decode()
    scheduled = duty.scheduled_handovers.get()
    assert f'data-testid="cancel-{scheduled.pk}"' in section(page, "scheduled")
    assert head.post(f"/departments/{cac.pk}/", {"action": "cancel", "scheduled": scheduled.pk}).status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == "cancelled"
    again = head.post(f"/departments/{cac.pk}/", {"action": "cancel", "scheduled": scheduled.pk})
    assert again.status_code == 400 and 'data-field="scheduled"' in again.content.decode()
