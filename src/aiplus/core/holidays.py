"""The holiday arrangements the platform operator enters (`HolidayNotice`): reading a typed list of days, entering
a year's notice (one audited write), and the overview of which years the working-day clocks can count.

The State Council publishes each year's arrangement in November or December (国务院办公厅关于XXXX年部分节假日安排
的通知); until a `chinesecalendar` release carries it, the deadlines that reach into that year need it entered here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, calendar, domains
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import HolidayNotice, User
from aiplus.core.models.calendar import YEAR_MAX, YEAR_MIN

MAX_DAYS = 120  # a year's notice lists about 30 days off and 6 worked; more is a typing error
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:(?:\.\.|~|～|至|—|–)(\d{4}-\d{1,2}-\d{1,2}))?$")


def read_days(text: str, *, year: int, field: str) -> list[dt.date]:
    """The days of a typed list: ISO dates and ranges ("2027-02-06..2027-02-12", "…至…"), separated by spaces,
    commas or new lines; every day in `year`. A bad item is a ServiceError naming `field`."""
    days: set[dt.date] = set()
    for item in (part for part in _SEPARATORS.split(text.strip()) if part):
        match = _RANGE.match(item)
        try:
            first = dt.date.fromisoformat(_padded(match.group(1))) if match else None
            last = dt.date.fromisoformat(_padded(match.group(2))) if match and match.group(2) else first
        except ValueError:
            first = last = None
        if first is None or last is None or last < first:
            raise ServiceError("invalid_day", _("“%(item)s”不是日期或日期区间（例如 2027-02-06..2027-02-12）。")
                               % {"item": item[:40]}, field)
        if first.year != year or last.year != year:
            raise ServiceError("wrong_year", _("“%(item)s”不在%(year)s年内。") % {"item": item[:40], "year": year},
                               field)
        while first <= last:
            days.add(first)
            first += dt.timedelta(days=1)
            if len(days) > MAX_DAYS:
                raise ServiceError("too_many_days", _("日期过多（最多%(n)s天）。") % {"n": MAX_DAYS}, field)
    return sorted(days)


def _padded(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def arrangement(year: int) -> calendar.YearArrangement | None:
    """The entered arrangement of `year` (None when the operator has not entered it): the calendar's source."""
    notice = HolidayNotice.objects.filter(year=year).only("days_off", "days_worked").first()
    if notice is None:
        return None
    return (frozenset(dt.date.fromisoformat(d) for d in notice.days_off),
            frozenset(dt.date.fromisoformat(d) for d in notice.days_worked))


@transaction.atomic
def enter_notice(*, acting_user: User, year: int, title: str, reference: str = "", url: str = "",
                 days_off: list[dt.date], days_worked: list[dt.date]) -> HolidayNotice:
    """Enter (or correct) one year's arrangement. Only the platform operator (a superuser) may: it moves every
    working-day deadline of that year, in every module."""
    if not (acting_user.is_superuser and acting_user.is_active):
        raise PermissionDeniedError(_("只有平台管理员可以录入节假日安排。"))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ServiceError("invalid_year", _("年份应在%(low)s至%(high)s之间。") % {"low": YEAR_MIN, "high": YEAR_MAX},
                           "year")
    if year in calendar.package_years():
        raise ServiceError("year_known", _("%(year)s年的安排已由 chinesecalendar 软件包收录，无需录入。")
                           % {"year": year}, "year")
    for field, days in (("days_off", days_off), ("days_worked", days_worked)):
        if any(day.year != year for day in days):
            raise ServiceError("wrong_year", _("日期不在%(year)s年内。") % {"year": year}, field)
    weekdays = [day for day in days_worked if day.weekday() < 5]
    if weekdays:
        raise ServiceError("worked_weekday", _("调休上班日应为周六或周日：%(day)s 不是。")
                           % {"day": weekdays[0].isoformat()}, "days_worked")
    both = sorted(set(days_off) & set(days_worked))
    if both:
        raise ServiceError("day_twice", _("%(day)s 不能既放假又上班。") % {"day": both[0].isoformat()},
                           "days_worked")
    notice = HolidayNotice.objects.select_for_update().filter(year=year).first()
    before = audit.snapshot(notice) if notice is not None else None
    notice = notice or HolidayNotice(year=year)
    notice.title, notice.reference, notice.url = title.strip(), reference.strip(), url.strip()
    notice.days_off = [day.isoformat() for day in sorted(set(days_off))]
    notice.days_worked = [day.isoformat() for day in sorted(set(days_worked))]
    domains.full_clean(notice)
    notice.save()
    audit.record(actor=acting_user, action="core.holiday_notice.entered", instance=notice, before=before)
    calendar.forget_entered_years()
    transaction.on_commit(calendar.forget_entered_years)
    return notice


@dataclass(frozen=True)
class YearRow:
    year: int
    source: str  # "entered", "package" or "missing"
    notice: HolidayNotice | None
    days_off: int | None


def years_overview(today: dt.date | None = None) -> list[YearRow]:
    """The years a clock started now may reach (last year to two years ahead) and every entered year, each with the
    source the working days come from."""
    today = today or timezone.localdate()
    entered = {notice.year: notice for notice in HolidayNotice.objects.all()}
    known = set(calendar.package_years())
    rows = []
    for year in sorted(set(range(today.year - 1, today.year + 3)) | set(entered), reverse=True):
        notice = entered.get(year)
        if notice is not None:
            rows.append(YearRow(year, "entered", notice, len(notice.days_off)))
        elif year in known:
            rows.append(YearRow(year, "package", None, None))
        else:
            rows.append(YearRow(year, "missing", None, None))
    return rows


def overview_as_dicts(today: dt.date | None = None) -> list[dict[str, Any]]:
    return [{"year": row.year, "source": row.source, "title": row.notice.title if row.notice else "",
             "reference": row.notice.reference if row.notice else "", "url": row.notice.url if row.notice else "",
             "days_off": row.notice.days_off if row.notice else [],
             "days_worked": row.notice.days_worked if row.notice else []} for row in years_overview(today)]


def form_initial(year: str | None) -> dict[str, Any]:
    """The entry form filled with an entered year's notice (`?year=2027` on the page), to correct it."""
    notice = HolidayNotice.objects.filter(year=int(year)).first() if year and year.isdigit() and len(year) == 4 \
        else None
    if notice is None:
        return {"year": timezone.localdate().year + 1}
    return {"year": notice.year, "title": notice.title, "reference": notice.reference, "url": notice.url,
            "days_off": "\n".join(notice.days_off), "days_worked": "\n".join(notice.days_worked)}
