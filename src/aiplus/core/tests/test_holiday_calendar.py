"""The holiday notices the platform operator enters for years chinesecalendar does not know: entered through the
page or the API by the superuser only, refused with the field named, audited, and counted by every working-day
clock at once. The arrangement used here (year 2099) is test data, not a published notice."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from aiplus.core import calendar
from aiplus.core.models import AuditEvent, HolidayNotice
from aiplus.core.testing import assert_page_refused_naming, assert_refused_naming, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.official_calendar]

NOTICE = {"year": "2099", "title": "国务院办公厅关于2099年部分节假日安排的通知（测试数据）",
          "reference": "测试〔2099〕1号", "url": "https://www.gov.cn/test",
          "days_off": "2099-10-01..2099-10-07\n2099-01-01",
          "days_worked": "2099-10-10"}


def _writes() -> tuple[int, int]:
    return HolidayNotice.objects.count(), AuditEvent.objects.count()


def test_a_year_nobody_entered_is_a_clear_refusal_and_the_page_says_so(world, client):
    with pytest.raises(calendar.CalendarUnavailable) as refused:
        calendar.add_working_days(dt.date(2099, 9, 30), 3)
    assert refused.value.status == 409 and refused.value.code == "calendar_unavailable" and "2099" in str(refused.value)
    page = client.get("/calendar/?year=2099").content.decode()
    assert 'data-source="package"' in page and 'name="title"' not in page  # anonymous: no form
    years = client.get("/api/v1/calendar/years").json()
    assert {row["source"] for row in years} <= {"package", "missing", "entered"} and years


def test_the_operator_enters_a_year_on_the_page_and_every_clock_counts_it(world):
    admin = signed_in(world.admin)
    before = AuditEvent.objects.count()
    response = admin.post("/calendar/", NOTICE)
    assert response.status_code == 302
    notice = HolidayNotice.objects.get(year=2099)
    assert notice.days_off[:2] == ["2099-01-01", "2099-10-01"] and notice.days_worked == ["2099-10-10"]
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "core.holiday_notice.entered"
    # Wednesday 30 September: the 1st–7th are off, Thursday 8 and Friday 9 count, Saturday 10 is worked.
    assert calendar.add_working_days(dt.date(2099, 9, 30), 3) == dt.date(2099, 10, 10)
    assert not calendar.is_working_day(dt.date(2099, 1, 1)) and calendar.is_working_day(dt.date(2099, 1, 2))
    page = admin.get("/calendar/?year=2099").content.decode()
    assert 'data-year="2099" data-source="entered"' in page and "2099-10-01..2099-10-07" not in page
    assert "2099-10-07" in page  # the form, filled for a correction, lists every day
    # A correction replaces the year and is audited with what it replaced.
    admin.post("/calendar/", {**NOTICE, "days_worked": ""})
    assert HolidayNotice.objects.get(year=2099).days_worked == []
    assert calendar.add_working_days(dt.date(2099, 9, 30), 3) == dt.date(2099, 10, 12)


@pytest.mark.parametrize(("change", "field"), [
    ({"days_off": "2099-02-30"}, "days_off"),
    ({"days_off": "2098-12-31"}, "days_off"),
    ({"days_off": "2099-10-07..2099-10-01"}, "days_off"),
    ({"days_off": "2099-01-01..2099-12-31"}, "days_off"),
    ({"days_worked": "2099-10-08"}, "days_worked"),  # a Thursday is not an adjusted weekend
    ({"days_worked": "2099-10-03"}, "days_worked"),  # off and worked at once
    ({"year": "3000"}, "year"),
    ({"year": "2026", "days_off": "2026-10-01", "days_worked": ""}, "year"),  # the package knows 2026
    ({"url": "javascript:alert(1)"}, "url"),
    ({"title": ""}, "title"),
])
def test_a_bad_notice_is_refused_beside_its_field_and_nothing_is_written(world, change, field):
    admin = signed_in(world.admin)
    before = _writes()
    assert_page_refused_naming(admin.post("/calendar/", {**NOTICE, **change}), field)
    assert _writes() == before


def test_only_the_platform_operator_enters_a_notice(world):
    before = _writes()
    official = signed_in(world.user("official"))
    assert official.post("/calendar/", NOTICE).status_code == 403
    response = official.put("/api/v1/calendar/years/2099", json.dumps({"title": "t", "days_off": ["2099-01-01"]}),
                            content_type="application/json")
    assert response.status_code == 403
    assert _writes() == before


def test_the_api_enters_and_lists_a_year(world):
    admin = signed_in(world.admin)
    payload = {"title": "测试通知", "days_off": ["2099-10-01", "2099-10-02"], "days_worked": ["2099-10-10"]}
    response = admin.put("/api/v1/calendar/years/2099", json.dumps(payload), content_type="application/json")
    assert response.status_code == 200 and response.json()["days_off"] == ["2099-10-01", "2099-10-02"]
    listed = {row["year"]: row for row in admin.get("/api/v1/calendar/years").json()}
    assert listed[2099]["source"] == "entered" and listed[2099]["days_worked"] == ["2099-10-10"]
    before = _writes()
    bad = admin.put("/api/v1/calendar/years/2099", json.dumps({**payload, "days_worked": ["2099-10-09"]}),
                    content_type="application/json")
    assert_refused_naming(bad, "days_worked")
    wrong_year = admin.put("/api/v1/calendar/years/2099", json.dumps({**payload, "days_off": ["2098-10-01"]}),
                           content_type="application/json")
    assert_refused_naming(wrong_year, "days_off")
    flood = admin.put("/api/v1/calendar/years/2099", json.dumps({**payload, "days_off": ["2099-01-01"] * 500}),
                      content_type="application/json")
    assert_refused_naming(flood, "days_off")
    assert _writes() == before
