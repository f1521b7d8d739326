"""The departments' pages: the list with the work each department holds, a department with its staff and handover
form (only for those who may hand over), the queue and "my department's queue", and a bad handover drawn again
with its error beside the field."""

from __future__ import annotations

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
        "duty": duty.pk, "department": staff.dept("sz_scjgj").pk, "reason": "x",
        "effective_on": timezone.localdate().isoformat()})
    assert answer.status_code == 403 and WorkItem.objects.get().department_id == cac.pk


@pytest.mark.parametrize(("change", "field"), [({"reason": ""}, "reason"), ({"effective_on": "2999-01-01"},
                                                                            "effective_on"),
                                               ({"department": "nonsense"}, "department")])
def test_a_bad_handover_is_drawn_again_with_its_error_beside_the_field(staff, incident, change, field):
    cac = staff.dept("sz_cac")
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    answer = signed_in(staff.head["sz_fgw"]).post(f"/departments/{cac.pk}/", {
        "duty": duty.pk, "department": staff.dept("sz_scjgj").pk, "reason": "调整",
        "effective_on": timezone.localdate().isoformat(), **change})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert f'id="id_{field}"' in html and "error" in html
    assert WorkItem.objects.get().department_id == cac.pk


def test_the_lead_head_hands_over_through_the_page(staff, incident):
    cac = staff.dept("sz_cac")
    duty = Duty.objects.get(code="incidents.handle", jurisdiction__code="suzhou")
    answer = signed_in(staff.head["sz_fgw"]).post(f"/departments/{cac.pk}/", {
        "duty": duty.pk, "department": "苏州市市场监督管理局", "reason": "调整",
        "effective_on": timezone.localdate().isoformat()})
    assert answer.status_code == 302
    assert WorkItem.objects.get().department.code == "sz_scjgj"


def test_the_queue_exports_to_excel(staff, incident):
    answer = signed_in(staff.world.user("official")).get("/departments/work/?export=xlsx")
    assert answer.status_code == 200 and "spreadsheet" in answer["Content-Type"]
