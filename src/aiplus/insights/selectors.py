"""Reads of targets and indicators. A dashboard is one jurisdiction's view: every indicator's series (computed from
the records within the jurisdiction, or entered and rolled up from its parts), each target the packs set for it
with the engine's latest value, trend, projection and gap. Entered statistics are public; the records behind a
computed value are listed only as far as the reader may see them (`restrict(user, "view")`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from aiplus.core.errors import NotFoundError
from aiplus.core.models import Jurisdiction
from aiplus.insights import catalogue, computed, engine
from aiplus.insights.models import Observation

RECORDS_SHOWN = 200  # the drill-down lists this many records at most (the count says how many there are)


@dataclass
class Places:
    """The jurisdictions as a tree (two queries): each one's parts (children; a region's members)."""

    by_code: dict[str, Jurisdiction]
    parts_of: dict[str, list[str]]

    def subtree(self, code: str) -> set[int]:
        seen: set[str] = set()
        stack = [code]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.parts_of.get(current, ()))
        return {self.by_code[c].pk for c in seen if c in self.by_code}


def places() -> Places:
    rows = list(Jurisdiction.objects.select_related("parent").order_by("code"))
    by_code = {j.code: j for j in rows}
    by_id = {j.pk: j for j in rows}
    parts_of: dict[str, list[str]] = defaultdict(list)
    for j in rows:
        if j.parent is not None:
            parts_of[j.parent.code].append(j.code)
    for region_id, member_id in Jurisdiction.members.through.objects.values_list("from_jurisdiction_id",
                                                                                "to_jurisdiction_id"):
        if region_id in by_id and member_id in by_id:
            parts_of[by_id[region_id].code].append(by_id[member_id].code)
    return Places(by_code, dict(parts_of))


def jurisdiction(code: str, found: Places | None = None) -> Jurisdiction:
    place = (found.by_code.get(code) if found is not None
             else Jurisdiction.objects.filter(code=code).first())
    if place is None:
        raise NotFoundError()
    return place


@dataclass
class TargetRow:
    target: catalogue.Target
    progress: engine.Progress


@dataclass
class IndicatorRow:
    indicator: catalogue.Indicator
    points: list[engine.Point]
    own: bool = True  # entered: the jurisdiction's own observations (else rolled up from its parts)
    parts: tuple[str, ...] = ()
    targets: list[TargetRow] = field(default_factory=list)

    @property
    def latest(self) -> engine.Point | None:
        return engine.latest(self.points)

    @property
    def change(self) -> Decimal | None:
        return engine.change(self.points)


@dataclass
class Dashboard:
    place: Jurisdiction
    rows: list[IndicatorRow]
    today: dt.date
    parts: list[Jurisdiction]
    # the targets of the jurisdictions below (a province's cities, the country's provinces and cities)
    below: list[tuple[Jurisdiction, IndicatorRow]] = field(default_factory=list)

    @property
    def targeted(self) -> list[IndicatorRow]:
        return [r for r in self.rows if r.targets]

    @property
    def untargeted(self) -> list[IndicatorRow]:
        return [r for r in self.rows if not r.targets]


def entered_points(ids: set[int], codes: list[str]) -> dict[str, dict[str, list[engine.Point]]]:
    """indicator → jurisdiction code → the points shown (a day's latest row), in one query."""
    out: dict[str, dict[str, list[engine.Point]]] = defaultdict(lambda: defaultdict(list))
    rows = (Observation.objects.filter(jurisdiction_id__in=sorted(ids), indicator__in=codes)
            .order_by("as_of", "id").values_list("indicator", "jurisdiction__code", "as_of", "value"))
    for indicator, place, as_of, value in rows:
        out[indicator][place].append(engine.Point(as_of, Decimal(value)))
    return out


def series(item: catalogue.Indicator, place: Jurisdiction, found: Places, today: dt.date,
           entered: dict[str, dict[str, list[engine.Point]]] | None = None) -> IndicatorRow:
    if item.computed:
        source = computed.SOURCES[item.records]
        return IndicatorRow(item, source.series(found.subtree(place.code), today))
    if entered is None:
        entered = entered_points(found.subtree(place.code), [item.code])
    rolled = engine.roll_up(place.code, parts_of=found.parts_of, own=entered.get(item.code, {}),
                            additive=item.additive)
    return IndicatorRow(item, list(rolled.points), own=rolled.own, parts=rolled.parts)


def _with_targets(row: IndicatorRow, place: Jurisdiction, targets: list[catalogue.Target]) -> IndicatorRow:
    for target in targets:
        if target.indicator == row.indicator.code and target.jurisdiction == place.code:
            row.targets.append(TargetRow(target, engine.progress(row.points, target=target.value,
                                                                 due_on=target.due_on)))
    return row


def dashboard(user: Any, code: str, today: dt.date | None = None) -> Dashboard:
    """The dashboard of a jurisdiction (its code): public figures, computed and entered."""
    today = today or timezone.localdate()
    found = places()
    place = jurisdiction(code, found)
    items = list(catalogue.indicators().values())
    entered = entered_points(found.subtree(place.code), [i.code for i in items if not i.computed])
    targets = catalogue.targets(today)
    rows = [_with_targets(series(item, place, found, today, entered), place, targets) for item in items]
    parts = [found.by_code[c] for c in found.parts_of.get(place.code, ()) if c in found.by_code]
    inside = {c for c in found.by_code if c != place.code and found.by_code[c].pk in found.subtree(place.code)}
    by_code = {i.code: i for i in items}
    below = []
    for key in sorted({(t.jurisdiction, t.indicator) for t in targets if t.jurisdiction in inside}):
        lower = found.by_code[key[0]]
        below.append((lower, _with_targets(series(by_code[key[1]], lower, found, today, entered), lower, targets)))
    return Dashboard(place, rows, today, parts, below)


def infrastructure(code: str, found: Places | None = None) -> dict[str, list[dict[str, Any]]]:
    """The infrastructure of a jurisdiction on a longitude/latitude map (S31), one layer each: compute centres (their
    own coordinates, else their city's), data providers and parks (their jurisdiction's centre), and the OPC
    communities entered for each jurisdiction (the latest count, at its centre). Public facts only (three queries):
    names of public registers and organisations, and counts."""
    from aiplus.compute.geo import approximate
    from aiplus.compute.models import ComputeCentre
    from aiplus.core.models import Organisation

    found = found or places()
    ids = found.subtree(code)
    codes = {j.pk: (j.code, j.parent.code if j.parent is not None else "") for j in found.by_code.values()}

    def where(jurisdiction_id: int) -> tuple[float, float] | None:
        own, parent = codes.get(jurisdiction_id, ("", ""))
        return approximate(own, parent)

    layers: dict[str, list[dict[str, Any]]] = {"compute": [], "data": [], "parks": [], "opc": []}
    for centre in ComputeCentre.objects.filter(jurisdiction_id__in=sorted(ids)).order_by("name"):
        point = ((float(centre.longitude), float(centre.latitude)) if centre.longitude is not None
                 and centre.latitude is not None else where(centre.jurisdiction_id))
        if point is not None:
            layers["compute"].append({"name": centre.name, "value": [*point, 1]})
    organisations = Organisation.objects.filter(jurisdiction_id__in=sorted(ids), kind__in=["data_provider", "park"])
    for organisation in organisations.order_by("name"):
        point = where(organisation.jurisdiction_id)
        if point is not None:
            layer = "data" if organisation.kind == "data_provider" else "parks"
            layers[layer].append({"name": organisation.name, "value": [*point, 1]})
    for place, points in entered_points(ids, ["opc_communities"]).get("opc_communities", {}).items():
        last = engine.latest(points)
        jurisdiction = found.by_code.get(place)
        point = where(jurisdiction.pk) if jurisdiction is not None else None
        if last is not None and point is not None:
            layers["opc"].append({"name": jurisdiction.name_zh if jurisdiction else place,
                                  "value": [*point, int(last.value)]})
    return layers


def indicator(code: str) -> catalogue.Indicator:
    found = catalogue.indicator(code)
    if found is None:
        raise NotFoundError()
    return found


@dataclass
class IndicatorDetail:
    place: Jurisdiction
    row: IndicatorRow
    parts: list[tuple[Jurisdiction, engine.Point | None, bool]]  # each part's latest value (and whether its own)
    query: str = ""
    records: list[Any] = field(default_factory=list)
    records_total: int = 0
    records_visible: int = 0
    observations: list[Observation] = field(default_factory=list)
    conditions: list[Any] = field(default_factory=list)


def visible_records(user: Any, source: computed.Source, ids: set[int]) -> QuerySet[Any]:
    model = source.model()
    allowed = model.objects.restrict(user, "view").values("pk")
    return source.rows(ids).filter(pk__in=allowed).select_related(*source.related)


def indicator_detail(user: Any, code: str, indicator_code: str, today: dt.date | None = None) -> IndicatorDetail:
    """One indicator in one jurisdiction: its series and targets, each part's value, and for a computed one the
    query and the records behind the value (as far as the reader may see them); for an entered one, every
    observation with its corrections."""
    today = today or timezone.localdate()
    item = indicator(indicator_code)
    found = places()
    place = jurisdiction(code, found)
    ids = found.subtree(place.code)
    entered = None if item.computed else entered_points(ids, [item.code])
    row = _with_targets(series(item, place, found, today, entered), place, catalogue.targets(today))
    part_codes = [c for c in found.parts_of.get(place.code, ()) if c in found.by_code]
    parts: list[tuple[Jurisdiction, engine.Point | None, bool]] = []
    for part in part_codes:
        if item.computed:
            source = computed.SOURCES[item.records]
            point = engine.Point(today, source.value_of(source.rows(found.subtree(part))))
            parts.append((found.by_code[part], point, True))
        else:
            assert entered is not None
            rolled = engine.roll_up(part, parts_of=found.parts_of, own=entered.get(item.code, {}),
                                    additive=item.additive)
            parts.append((found.by_code[part], engine.latest(rolled.points), rolled.own))
    detail = IndicatorDetail(place, row, parts, conditions=catalogue.conditions(item, today))
    if item.computed:
        source = computed.SOURCES[item.records]
        detail.query = source.query(ids)
        detail.records_total = source.rows(ids).count()
        visible = visible_records(user, source, ids)
        detail.records_visible = visible.count()
        detail.records = list(visible[:RECORDS_SHOWN])
    else:
        detail.observations = list(
            Observation.objects.filter(indicator=item.code, jurisdiction_id__in=sorted(ids))
            .select_related("jurisdiction", "entered_by").order_by("-as_of", "-id")[:RECORDS_SHOWN])
    return detail


def observations(user: Any) -> QuerySet[Observation]:
    """Every observation (public statistics), newest first, for the list page and the API."""
    return Observation.objects.restrict(user, "view").select_related("jurisdiction", "entered_by", "corrects")


def jurisdictions_entered_by(user: Any) -> QuerySet[Jurisdiction]:
    """The jurisdictions the user may enter statistics for (an official's own and those below it)."""
    from aiplus.core import permissions

    if getattr(user, "is_superuser", False):
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(pk__in=permissions.user_jurisdiction_ids(user, "add"))


def may_enter(user: Any) -> bool:
    return jurisdictions_entered_by(user).exists()
