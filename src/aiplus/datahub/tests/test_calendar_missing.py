"""A legal clock that reaches a year whose holiday arrangement nobody has entered yet: the write is refused with
409 naming the year (never a 500, never a guessed date) and nothing is written; once the platform operator enters
the year's notice, the same write goes through."""

from __future__ import annotations

import datetime as dt

import pytest

from aiplus.core import holidays
from aiplus.core.models import AuditEvent
from aiplus.core.testing import signed_in
from aiplus.datahub.models import GbaFiling
from aiplus.datahub.tests.test_audit_gaps import GBA_FORM

pytestmark = [pytest.mark.django_db, pytest.mark.official_calendar]


def test_a_filing_clock_in_an_unentered_year_is_a_409_until_the_year_is_entered(world):
    member = signed_in(world.user("enterprise_member", "shenzhen"))
    form = {**GBA_FORM, "organisation": world.orgs["shenzhen:enterprise"].pk, "contract_effective_on": "2099-06-03"}
    before = GbaFiling.objects.count(), AuditEvent.objects.count()
    response = member.post("/data/filings/", form)
    assert response.status_code == 409
    assert "2099" in response.content.decode() and "节假日安排" in response.content.decode()
    assert (GbaFiling.objects.count(), AuditEvent.objects.count()) == before
    holidays.enter_notice(acting_user=world.admin, year=2099, title="测试数据", days_off=[dt.date(2099, 10, 1)],
                          days_worked=[])
    assert member.post("/data/filings/", form).status_code == 302
    assert GbaFiling.objects.get().filing_due_on.isoformat() == "2099-06-17"  # ten weekdays: nothing entered off
