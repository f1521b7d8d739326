"""The numbers of incidents and penalties (people whose personal information leaked, the direct loss, a fine)
driven with hostile values (hypothesis) through the API: each is refused naming the field and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core import testing
from aiplus.governance.models import Incident, Violation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["pi_persons", "loss_cny"])
def test_hostile_incident_numbers_are_refused(world: Any, name: str) -> None:
    api = testing.bearer(world.user("enterprise_member"))
    payload = {"organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "事件", "description": "经过",
               "discovered_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(), name: 1}
    testing.assert_hostile_numbers_refused(
        lambda text: api.post(testing.operation("aiplus_governance_api_report_incident"),
                              testing.json_with(payload, (name,), text), content_type="application/json"),
        Incident, name, Incident)


def test_hostile_fines_are_refused(world: Any) -> None:
    from aiplus.governance import violation_services

    official = world.user("official")
    case = violation_services.open_violation(acting_user=official, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                             title="案件", provision="datasec.penalty_range_cny", facts="事实")
    api = testing.bearer(official)
    payload = {"outcome": "fine", "reasons": "r", "amount_cny": 1}
    testing.assert_hostile_numbers_refused(
        lambda text: api.post(testing.operation("aiplus_governance_api_decide_violation", violation_id=case.pk),
                              testing.json_with(payload, ("amount_cny",), text), content_type="application/json"),
        Violation, "amount_cny", Violation)
