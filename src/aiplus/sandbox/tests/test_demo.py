"""The demo seeds an admitted sandbox with a report overdue, an application waiting and a fault-tolerance
decision on a violation case."""

from __future__ import annotations

from typing import Any

import pytest

from aiplus.core.testing import signed_in
from aiplus.sandbox.models import SandboxApplication, ToleranceCase

pytestmark = pytest.mark.django_db


def test_demo_sandbox_and_fault_tolerance(demo: Any) -> None:
    from aiplus.core.models import User

    statuses = sorted(SandboxApplication.objects.values_list("status", flat=True))
    assert statuses == ["admitted", "submitted"]
    admitted = SandboxApplication.objects.get(status="admitted")
    assert admitted.is_demo and admitted.reports.filter(filed_on__isnull=False).count() == 1
    case = ToleranceCase.objects.get()
    assert case.outcome == "lighter" and case.violation_id is not None
    official = User.objects.get(username="official-suzhou")
    page = signed_in(official).get(f"/sandbox/applications/{admitted.pk}/")
    assert page.status_code == 200 and 'data-state="overdue"' in page.content.decode()
