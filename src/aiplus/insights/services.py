"""Every write of targets and indicators: an official of a jurisdiction enters a statistic (an observation of an
`entered` indicator) with its source and date, or imports a workbook of them. Append-only: entering a value for an
(indicator, jurisdiction, day) that already has one is a correction, a new row naming the row it corrects.

Who may: an official of the jurisdiction (or of one above it); anyone else gets a 403 and nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, formatting, imports, permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, User
from aiplus.insights import catalogue
from aiplus.insights.models import Observation

SOURCE_MAX = 300
NOTE_MAX = 500
URL_MAX = 500
# the workbook's columns (the first row is the header)
HEADERS = ["指标代码", "辖区代码", "统计截至日期", "数值", "数据来源", "来源发布日期", "来源链接", "说明"]


_text = domains.clean_text  # the one rule for a service's free text


def _day(value: Any, field: str, *, label: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        value = parse_date(str(value or "").strip()[:10]) if value not in (None, "") else None
        if value is None:
            raise ServiceError("invalid_date", _("%(f)s应为日期（年-月-日）。") % {"f": label}, field)
    if value > timezone.localdate():
        raise ServiceError("future_date", _("%(f)s不能晚于今天。") % {"f": label}, field)
    if value.year < 1949:
        raise ServiceError("invalid_date", _("%(f)s不能早于1949年。") % {"f": label}, field)
    return value


def _indicator(code: Any, field: str = "indicator") -> catalogue.Indicator:
    found = catalogue.indicator(str(code or "").strip())
    if found is None:
        raise ServiceError("unknown_indicator", _("没有这个指标：%(c)s。") % {"c": str(code or "")[:40]}, field)
    if found.computed:
        raise ServiceError("computed_indicator", _("“%(n)s”由平台根据业务记录计算，不能录入。") % {
            "n": found.name_zh}, field)
    return found


def _jurisdiction(value: Any, field: str) -> Jurisdiction:
    text = str(value or "").strip()
    found = None
    if text.isdigit():
        found = Jurisdiction.objects.filter(pk=int(text)).first()
    elif text:
        found = Jurisdiction.objects.filter(code=text).first()
    if found is None:
        raise ServiceError("unknown_jurisdiction", _("没有这个辖区：%(c)s。") % {"c": text[:40]}, field)
    return found


def _value(indicator: catalogue.Indicator, value: Any, field: str) -> Decimal:
    number = domains.clean(Observation, "value", value, field=field)
    label = Observation._meta.get_field("value").verbose_name
    if indicator.minimum is not None and number < indicator.minimum:
        raise ServiceError("out_of_range", _("%(label)s不能小于 %(limit)s。") % {
            "label": label, "limit": formatting.figure(indicator.minimum)}, field)
    if indicator.maximum is not None and number > indicator.maximum:
        raise ServiceError("out_of_range", _("%(label)s不能大于 %(limit)s。") % {
            "label": label, "limit": formatting.figure(indicator.maximum)}, field)
    if indicator.format == "count" and number != number.to_integral_value():
        raise ServiceError("not_whole", _("%(label)s应为整数。") % {"label": label}, field)
    return Decimal(number)


def _url(value: Any, field: str) -> str:
    text = _text(value, field, URL_MAX, label=_("来源链接"), required=False)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise ServiceError("invalid_url", _("来源链接应为 http(s) 网址。"), field) from None
    return text


def _latest(indicator: str, jurisdiction_id: int, as_of: dt.date) -> Observation | None:
    return Observation.objects.filter(indicator=indicator, jurisdiction_id=jurisdiction_id,
                                      as_of=as_of).order_by("-id").first()


def prepare(*, acting_user: User, indicator: Any, jurisdiction: Any, as_of: Any, value: Any, source: Any,
            source_date: Any, source_url: Any = "", note: Any = "", prefix: str = "",
            jurisdiction_field: str = "jurisdiction_id") -> dict[str, Any]:
    """An observation's fields checked (nothing written): each refusal names its field (`prefix` + name); a 403
    when the user is no official of the jurisdiction."""
    item = _indicator(indicator, prefix + "indicator")
    place = _jurisdiction(jurisdiction, prefix + jurisdiction_field)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("只有该辖区（或上级）的主管部门工作人员可以录入统计数据。"))
    day = _day(as_of, prefix + "as_of", label=Observation._meta.get_field("as_of").verbose_name)
    published = _day(source_date, prefix + "source_date",
                     label=Observation._meta.get_field("source_date").verbose_name)
    return {"indicator": item.code, "jurisdiction": place, "as_of": day,
            "value": _value(item, value, prefix + "value"),
            "source": _text(source, prefix + "source", SOURCE_MAX, label=_("数据来源")),
            "source_date": published, "source_url": _url(source_url, prefix + "source_url"),
            "note": _text(note, prefix + "note", NOTE_MAX, label=_("说明"), required=False)}


def _write(acting_user: User, fields: dict[str, Any]) -> Observation:
    previous = _latest(fields["indicator"], fields["jurisdiction"].pk, fields["as_of"])
    return Observation.objects.create(**fields, corrects=previous, entered_by=acting_user)


@transaction.atomic
def enter_observation(*, acting_user: User, indicator: str, jurisdiction_id: int, as_of: Any, value: Any,
                      source: str, source_date: Any, source_url: str = "", note: str = "") -> Observation:
    """Enter a statistic for a jurisdiction as of a day, with its source and the source's date. When that indicator,
    jurisdiction and day have a value already, this is its correction: a new row naming the one it corrects (the
    history is kept; the latest is shown)."""
    fields = prepare(acting_user=acting_user, indicator=indicator, jurisdiction=jurisdiction_id, as_of=as_of,
                     value=value, source=source, source_date=source_date, source_url=source_url, note=note)
    observation = _write(acting_user, fields)
    audit.record(actor=acting_user, action="insights.observation.corrected" if observation.corrects_id
                 else "insights.observation.entered", instance=observation)
    return observation


@transaction.atomic
def import_observations_batch(*, acting_user: User, rows: Sequence[tuple[int, dict[str, Any]]]) -> imports.BatchResult:
    """One batch of checked rows of a workbook: written with one audit event."""
    result = imports.BatchResult()
    written = []
    for _number, fields in rows:
        observation = _write(acting_user, fields)
        written.append(observation.pk)
        if observation.corrects_id:
            result.updated += 1
        else:
            result.created += 1
    audit.record(actor=acting_user, action="insights.observations.imported", object_type="insights.observation",
                 object_id=str(written[0]) if written else "", object_repr=f"{len(written)}",
                 after={"observations": written})
    return result


def import_observations(*, acting_user: User, data: bytes) -> imports.ImportReport:
    """Statistics from a workbook laid out as `HEADERS` (one row per value). Every row is checked first; any bad
    row refuses the whole file (nothing written), the report naming each row and field (`row<n>.<field>`). A row
    equal to the value shown now (same value and source) is counted unchanged; a row for a day that has another
    value corrects it; the same indicator, jurisdiction and day twice in one file is refused."""
    if not (permissions.user_jurisdiction_ids(acting_user, "add") or getattr(acting_user, "is_superuser", False)):
        raise PermissionDeniedError(_("只有主管部门工作人员可以导入统计数据。"))
    report = imports.ImportReport("insights.observations")
    seen: set[tuple[str, int, dt.date]] = set()

    def check(number: int, row: tuple[Any, ...]) -> dict[str, Any] | None:
        fields = prepare(acting_user=acting_user, indicator=row[0], jurisdiction=row[1], as_of=row[2], value=row[3],
                         source=row[4], source_date=row[5], source_url=row[6] or "", note=row[7] or "",
                         prefix=f"row{number}.", jurisdiction_field="jurisdiction")
        key = (fields["indicator"], fields["jurisdiction"].pk, fields["as_of"])
        if key in seen:
            raise ServiceError("duplicate", _("同一指标、辖区和日期在文件中出现两次。"), f"row{number}.as_of")
        seen.add(key)
        shown = _latest(*key)
        if shown is not None and shown.value == fields["value"] and shown.source == fields["source"]:
            return None
        return fields

    rows = ((number, row) for number, row in imports.xlsx_rows(data, columns=len(HEADERS), report=report)
            if any(cell not in (None, "") for cell in row))
    imports.run(report, rows, check=check,
                write=lambda batch: import_observations_batch(acting_user=acting_user, rows=batch))
    if not report.read:
        raise ServiceError("empty_file", _("文件中没有统计数据。"), "file")
    return report
