"""The targets and indicators API under /api/v1/insights/: the indicators, a jurisdiction's dashboard (each target
with its latest value, trend, projection and gap), an indicator in a jurisdiction (the query and the records behind
a computed value, the observations of an entered one), and the statistics: listed, entered, imported. The pages'
selectors and services; errors {"code", "message", "field"}."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict

from aiplus.api import imports, lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.core import imports as core_imports
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.insights import catalogue as indicators_catalogue
from aiplus.insights import computed, selectors, services
from aiplus.insights.listings import OBSERVATIONS
from aiplus.insights.models import Observation
from aiplus.regulation.runtime import cite

router = Router(tags=["insights"])


class IndicatorOut(Schema):
    code: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    level: str
    kind: str
    format: str
    frequency: str
    additive: bool
    definition_zh: str
    definition_en: str
    source_zh: str
    source_en: str
    targets: list[str]


class PointOut(Schema):
    on: dt.date
    value: Decimal


class TargetOut(Schema):
    key: str
    title: str
    jurisdiction: str
    year: int
    due_on: dt.date
    value: Decimal
    status: str
    citation_label: str
    latest: PointOut | None
    change: Decimal | None
    projected: Decimal | None
    gap: Decimal | None
    projected_gap: Decimal | None
    met: bool
    on_track: bool | None
    share: Decimal | None


class SeriesOut(Schema):
    indicator: str
    kind: str
    latest: PointOut | None
    points: list[PointOut]
    rolled_up_from: list[str]
    targets: list[TargetOut]


class BelowOut(SeriesOut):
    jurisdiction: str


class DashboardOut(Schema):
    jurisdiction: str
    today: dt.date
    indicators: list[SeriesOut]
    below: list[BelowOut]


class RecordOut(Schema):
    id: int
    text: str


class PartOut(Schema):
    jurisdiction: str
    latest: PointOut | None
    own: bool


class ObservationOut(Schema):
    id: int
    indicator: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    as_of: dt.date
    value: Decimal
    source: str
    source_url: str
    source_date: dt.date
    note: str
    corrects_id: int | None
    created_at: dt.datetime


class IndicatorDetailOut(SeriesOut):
    jurisdiction: str
    parts: list[PartOut]
    query: str
    records_total: int
    records_visible: int
    records: list[RecordOut]
    observations: list[ObservationOut]


class ObservationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    indicator: Annotated[str, Field(min_length=1, max_length=40)]
    jurisdiction_id: int
    as_of: dt.date
    value: Annotated[Decimal, bounds(Observation, "value")]
    source: Annotated[str, Field(min_length=1, max_length=services.SOURCE_MAX)]
    source_date: dt.date
    source_url: Annotated[str, Field(max_length=services.URL_MAX)] = ""
    note: Annotated[str, Field(max_length=services.NOTE_MAX)] = ""


def _point(point: Any) -> dict[str, Any] | None:
    return None if point is None else {"on": point.on, "value": point.value}


def _target(row: Any) -> dict[str, Any]:
    target, progress = row.target, row.progress
    return {"key": target.key, "title": target.title, "jurisdiction": target.jurisdiction, "year": target.year,
            "due_on": target.due_on, "value": target.value, "status": target.status,
            "citation_label": cite(target.version.citation), "latest": _point(progress.latest),
            "change": progress.change, "projected": progress.projected, "gap": progress.gap,
            "projected_gap": progress.projected_gap, "met": progress.met, "on_track": progress.on_track,
            "share": progress.share}


def _series(row: Any) -> dict[str, Any]:
    return {"indicator": row.indicator.code, "kind": row.indicator.kind, "latest": _point(row.latest),
            "points": [_point(p) for p in row.points], "rolled_up_from": list(row.parts),
            "targets": [_target(t) for t in row.targets]}


@router.get("/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest) -> Any:
    """Every indicator: definition, unit, level, source, frequency, kind (computed from the platform's records or
    entered from statistics) and the pack parameters that set its targets."""
    return list(indicators_catalogue.indicators().values())


@router.get("/dashboards/{code}", response=DashboardOut, auth=AUTHENTICATED)
def get_dashboard(request: HttpRequest, code: str) -> Any:
    """A jurisdiction's dashboard (its code: suzhou, guangdong, gba…): every indicator's series, rolled up from
    its parts where it has no value of its own, and each target with its latest value, change, least-squares
    projection to the target's year end, gap and citation (a platform setting reads as such); `below`: the
    targets of the jurisdictions within it (a province's cities), each with its own series."""
    board = selectors.dashboard(acting_user(request), code)
    return {"jurisdiction": board.place.code, "today": board.today, "indicators": [_series(r) for r in board.rows],
            "below": [{**_series(row), "jurisdiction": lower.code} for lower, row in board.below]}


@router.get("/dashboards/{code}/indicators/{indicator}", response=IndicatorDetailOut, auth=AUTHENTICATED)
def get_indicator(request: HttpRequest, code: str, indicator: str) -> Any:
    """One indicator in one jurisdiction: its series and targets, each part's latest value; for a computed one the
    SQL of the records it counts and those records as far as the caller may see them (`records_visible` of
    `records_total`), for an entered one every observation with its corrections."""
    detail = selectors.indicator_detail(acting_user(request), code, indicator)
    source = computed.SOURCES.get(detail.row.indicator.records)
    first = source.columns[0].path if source is not None and source.columns else ""
    return {**_series(detail.row), "jurisdiction": detail.place.code,
            "parts": [{"jurisdiction": p.code, "latest": _point(point), "own": own} for p, point, own in detail.parts],
            "query": detail.query, "records_total": detail.records_total, "records_visible": detail.records_visible,
            "records": [{"id": r.pk, "text": str(computed.cell(r, first) if first else r)} for r in detail.records],
            "observations": detail.observations}


lists.add_operation(router, "/observations", OBSERVATIONS, ObservationOut, auth=AUTHENTICATED)
writes.add_action(router, "POST", "/observations", services.enter_observation, payload=ObservationIn,
                  response=ObservationOut, created=True)


@router.post("/observations/import", response=imports.RESPONSES, auth=AUTHENTICATED)
def import_observations(request: HttpRequest, file: UploadedFile | None = File(None)) -> Any:
    """Statistics from an .xlsx (multipart `file`; columns as `services.HEADERS`: indicator code, jurisdiction
    code, as-of date, value, source, source date, source URL, note). Any bad row refuses the file (400, the report
    names each row and field; nothing written); a file over the import limit is refused (413)."""
    core_imports.check_request_size(request)
    return imports.answer(services.import_observations(acting_user=acting_user(request),
                                                       data=core_imports.read_upload(file)))
