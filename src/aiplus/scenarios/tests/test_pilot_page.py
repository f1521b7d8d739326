"""The pilot page's forms: each action feeds its service with the pilot and the form's values; a bad value is a
message, not a write."""

from __future__ import annotations

import pytest

from aiplus.scenarios.models import Milestone
from aiplus.scenarios.testing import awarded_pilot

pytestmark = pytest.mark.django_db


def test_pilot_page_adds_a_milestone_and_records_a_measurement(call_world, client):
    world, need, call, _pool, _suppliers = call_world
    pilot = awarded_pilot(world, need, call)
    client.force_login(world.user("official"))
    url = f"/scenarios/pilots/{pilot.pk}/"

    response = client.post(url, {"action": "milestone", "title": "样机部署", "due_on": "2030-01-31"}, follow=True)
    assert response.redirect_chain[-1][0] == url and "已添加里程碑。" in response.content.decode()
    assert list(Milestone.objects.filter(pilot=pilot).values_list("title", flat=True)) == ["样机部署"]

    kpi = need.kpis.first()
    response = client.post(url, {"action": "measure", "kpi": kpi.pk, "value": "99.5"}, follow=True)
    assert "已记录实测值。" in response.content.decode()
    assert pilot.measurements.get().kpi_id == kpi.pk


def test_pilot_page_refuses_a_bad_milestone_date_and_writes_nothing(call_world, client):
    world, need, call, _pool, _suppliers = call_world
    pilot = awarded_pilot(world, need, call)
    client.force_login(world.user("official"))
    response = client.post(f"/scenarios/pilots/{pilot.pk}/", {"action": "milestone", "title": "x", "due_on": "soon"},
                           follow=True)
    assert response.status_code == 200 and not Milestone.objects.filter(pilot=pilot).exists()
