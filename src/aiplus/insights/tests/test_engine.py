"""The pure engine: latest, change, least-squares projection, progress against a target and the roll-up."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiplus.insights import engine
from aiplus.insights.engine import Point


def d(y: int, m: int = 12, day: int = 31) -> dt.date:
    return dt.date(y, m, day)


def test_latest_and_change_take_a_correction_on_the_same_day():
    points = [Point(d(2024), Decimal(10)), Point(d(2025), Decimal(14)), Point(d(2025), Decimal(15))]
    assert engine.latest(points) == Point(d(2025), Decimal(15))
    assert engine.change(points) == Decimal(5)
    assert engine.change(points[:1]) is None


def test_projection_is_the_least_squares_line():
    # exactly linear: 10 a year from 100 on the last day of 2023
    points = [Point(d(2023), Decimal(100)), Point(d(2024), Decimal("110.0")), Point(d(2025), Decimal(120))]
    projected = engine.projection(points, d(2027))
    assert projected is not None and abs(projected - Decimal(140)) < Decimal("0.1")
    assert engine.projection(points[:1], d(2030)) == Decimal(100)
    assert engine.projection([], d(2030)) is None


def test_progress_against_a_lower_bound():
    points = [Point(d(2024), Decimal(1000)), Point(d(2025), Decimal(2000))]
    progress = engine.progress(points, target=Decimal(3000), due_on=d(2026))
    assert progress.latest == points[-1]
    assert progress.gap == Decimal(1000)
    assert progress.projected is not None and abs(progress.projected - 3000) < 5
    assert progress.met is False and progress.on_track is True
    assert progress.share == Decimal("0.667")
    behind = engine.progress(points, target=Decimal(10000), due_on=d(2026))
    assert behind.on_track is False and behind.projected_gap is not None and behind.projected_gap > 6000
    empty = engine.progress([], target=Decimal(1), due_on=d(2026))
    assert empty.latest is None and empty.gap is None and empty.on_track is None and not empty.met
    with pytest.raises(ValueError):
        engine.progress(points, target=Decimal(1), due_on=d(2026), direction="sideways")


def test_roll_up_sums_districts_into_the_city_and_cities_into_a_region():
    parts = {"suzhou": ["gusu", "sip"], "gba": ["shenzhen", "guangzhou"], "guangdong": ["shenzhen"]}
    own = {"gusu": [Point(d(2024), Decimal(3)), Point(d(2025), Decimal(5))],
           "sip": [Point(d(2025, 6, 30), Decimal(7))],
           "shenzhen": [Point(d(2025), Decimal(11))], "guangzhou": [Point(d(2025), Decimal(2))]}
    city = engine.roll_up("suzhou", parts_of=parts, own=own)
    assert not city.own and city.parts == ("gusu", "sip")
    assert [(p.on, p.value) for p in city.points] == [(d(2024), 3), (d(2025, 6, 30), 10), (d(2025), 12)]
    assert engine.roll_up("gba", parts_of=parts, own=own).points[-1].value == 13
    # its own value wins over the sum of its parts
    assert engine.roll_up("suzhou", parts_of=parts, own={**own, "suzhou": [Point(d(2025), Decimal(40))]}).own
    # a ratio is never summed
    assert engine.roll_up("suzhou", parts_of=parts, own=own, additive=False).points == ()


def test_roll_up_survives_a_cycle():
    rolled = engine.roll_up("a", parts_of={"a": ["b"], "b": ["a"]}, own={})
    assert rolled.points == ()


@given(st.lists(st.tuples(st.integers(2000, 2040), st.integers(0, 10**9)), min_size=2, max_size=12),
       st.integers(2000, 2060))
def test_a_projection_of_a_constant_series_is_the_constant(pairs, year):
    points = [Point(d(y), Decimal(7)) for y, _ in pairs]
    assert engine.projection(points, d(year)) == Decimal(7)
