"""The incident, public-record and violation lists (pages and API) read the same number of queries whatever their
number of rows (no N+1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aiplus.core.testing import signed_in

pytestmark = pytest.mark.django_db

PAGES = ["/governance/incidents/", "/governance/incidents/records/", "/governance/violations/",
         "/api/v1/governance/incidents?page_size=100", "/api/v1/governance/incidents/records?page_size=100",
         "/api/v1/governance/violations?page_size=100"]


def _add(world: Any, count: int) -> None:
    from aiplus.governance import incident_services, violation_services
    from aiplus.governance.models import Incident

    company = world.orgs["suzhou:enterprise"]
    official = world.user("official")
    for index in range(count):
        incident = incident_services.report_signal(acting_user=None, signal="other", title=f"信号{index}",
                                                   description="d", organisation_id=company.pk,
                                                   harms=["privacy", "financial"])
        Incident.objects.filter(pk=incident.pk).update(is_published=True, public_title=f"公开{index}",
                                                       public_summary="s")
        violation_services.open_violation(acting_user=official, organisation_id=company.pk, title=f"案{index}",
                                          provision="datasec.penalty_range_cny", facts="f")


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


@pytest.mark.parametrize("path", PAGES)
def test_lists_do_not_grow_with_their_rows(world: Any, path: str) -> None:
    client = signed_in(world.user("official"))
    _add(world, 3)
    few = _queries(client, path)
    _add(world, 20)
    assert _queries(client, path) <= few, path
