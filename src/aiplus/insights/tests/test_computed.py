"""Every computed indicator equals a count (or sum) over the records it names, for every jurisdiction with records
and the whole country, within a query budget, on whichever database the suite runs on (SQLite and PostgreSQL)."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from aiplus.insights import catalogue, computed, selectors

pytestmark = pytest.mark.django_db


# What each source counts, said again in Python over every row of its model (not through its query).
COUNTS = {
    "genai_filings": lambda r: r.status in ("filed", "changed") and (
        r.kind in ("genai_filing", "genai_registration")
        or (r.kind == "algorithm" and r.algorithm.algorithm_type == "generation_synthesis")),
    "foundation_models": lambda r: r.kind == "foundation",
    "vertical_models": lambda r: r.kind == "vertical",
    "opc_enterprises": lambda r: r.kind == "opc",
    "platform_enterprises": lambda r: r.kind in ("enterprise", "opc"),
    "scenario_needs": lambda r: r.is_published,
    "scenario_pilots": lambda r: True,
    "accepted_pilots": lambda r: r.status == "accepted",
    "typical_cases": lambda r: r.is_published,
    "compute_centres": lambda r: True,
    "compute_cards": lambda r: True,
    "compute_utilisation": lambda r: True,
    "datasets": lambda r: r.is_published and r.withdrawn_at is None,
    "high_quality_datasets": lambda r: r.is_published and r.withdrawn_at is None and r.high_quality,
    "voucher_redeemed_cny": lambda r: r.status == "redeemed",
    "park_firms": lambda r: r.organisation.kind == "park" and r.firms is not None,
    "park_occupancy": lambda r: r.organisation.kind == "park" and bool(r.area_m2) and r.occupied_m2 is not None,
    "carrier_firms_served": lambda r: r.organisation.kind in ("research_institute", "university")
    and r.firms is not None,
}


def _place_id(row, path: str) -> int:
    *hops, last = path.split("__")
    for hop in hops:
        row = getattr(row, hop)
    return getattr(row, f"{last}_id")


def _by_hand(source: computed.Source, rows: list) -> Decimal:
    if source.measure == computed.COUNT:
        return Decimal(len(rows))
    if source.measure == computed.SUM:
        return sum((Decimal(getattr(r, source.amount)) for r in rows), Decimal(0))
    if source.name == "park_occupancy":
        used, cards = sum(r.occupied_m2 for r in rows), sum(r.area_m2 for r in rows)
    else:
        used = sum(r.cards - r.available_cards for r in rows)
        cards = sum(r.cards for r in rows)
    return (Decimal(used) / Decimal(cards)).quantize(Decimal("0.001")) if cards else Decimal(0)


def test_every_computed_indicator_equals_a_count_over_its_records(demo, django_assert_max_num_queries):
    found = selectors.places()
    today = timezone.localdate()
    items = [i for i in catalogue.indicators().values() if i.computed]
    assert len(items) >= 10
    assert set(COUNTS) == {i.records for i in items}
    nonzero = set()
    for code in ("cn", "suzhou", "guangdong", "shenzhen", "gba"):
        ids = found.subtree(code)
        for item in items:
            source = computed.SOURCES[item.records]
            rows = [r for r in source.model().objects.all()
                    if COUNTS[source.name](r) and _place_id(r, source.jurisdiction) in ids]
            expected = _by_hand(source, rows)
            with django_assert_max_num_queries(1):
                points = source.series(ids, today)
            assert points[-1].value == expected, (code, item.code)
            assert points[-1].on == today
            if expected:
                nonzero.add(item.code)
            # the SQL shown is the query of those rows
            assert str(source.rows(ids).query) == source.query(ids)
    assert {"opc_enterprises", "platform_enterprises", "compute_centres", "compute_cards"} <= nonzero


def test_the_series_is_cumulative_by_year(make_org):
    from aiplus.core.models import Organisation

    old = make_org("suzhou", "opc")
    make_org("suzhou", "opc")
    Organisation.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=800))
    found = selectors.places()
    today = timezone.localdate()
    points = computed.SOURCES["opc_enterprises"].series(found.subtree("suzhou"), today)
    assert points[0].value == 1 and points[-1].value == 2 and points[-1].on == today
    assert all(a.value <= b.value for a, b in itertools.pairwise(points))


def test_the_dashboard_counts_what_the_records_count(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        board = selectors.dashboard(None, "suzhou")
    rows = {r.indicator.code: r for r in board.rows}
    ids = selectors.places().subtree("suzhou")
    for code, row in rows.items():
        item = row.indicator
        if item.computed:
            source = computed.SOURCES[item.records]
            assert row.latest is not None and row.latest.value == source.value_of(source.rows(ids)), code


def test_the_demo_statistics_fill_the_suzhou_dashboard(demo):
    board = selectors.dashboard(None, "suzhou")
    rows = {r.indicator.code: r for r in board.rows}
    firms = rows["ai_enterprises"]
    assert not firms.own and len(firms.parts) == 4
    assert firms.latest is not None and firms.latest.value == 780 + 465 + 390 + 225
    progress = firms.targets[0].progress
    assert progress.projected is not None and progress.projected > firms.latest.value
    growth = rows["core_industry_growth"]
    assert growth.own and growth.latest is not None and growth.latest.value == Decimal("0.185")
