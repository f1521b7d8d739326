"""The pure engine of targets and indicators (no Django): a series of dated values, its latest value and trend, a
least-squares projection to a target's year, the gap to the target, and the roll-up of additive indicators from
districts to their city, province or region. Values are `Decimal`; the projection is computed exactly in fractions
and rounded at the end, so the same points always give the same projection on every machine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

AT_LEAST = "at_least"
AT_MOST = "at_most"
PLACES = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class Point:
    """A value as of a day."""

    on: dt.date
    value: Decimal


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an indicator stands against one target: the latest value, the change since the point before, the
    least-squares projection to the target's day, the gap still to close now (target minus latest for a lower
    bound), the gap the projection leaves, and whether the projection meets the target."""

    target: Decimal
    due_on: dt.date
    direction: str
    latest: Point | None
    change: Decimal | None
    projected: Decimal | None
    gap: Decimal | None
    projected_gap: Decimal | None
    met: bool
    on_track: bool | None
    share: Decimal | None  # latest / target (None for a zero target or no value)
    points: int = 0


@dataclass(frozen=True, slots=True)
class RolledUp:
    """A jurisdiction's series: its own when it has one, else the sum of its parts' (and which parts)."""

    points: tuple[Point, ...]
    own: bool
    parts: tuple[str, ...] = field(default=())


def ordered(points: Iterable[Point]) -> list[Point]:
    """The points by day; of two points on one day, the later one given wins (a correction)."""
    by_day: dict[dt.date, Point] = {}
    for point in points:
        by_day[point.on] = point
    return [by_day[day] for day in sorted(by_day)]


def latest(points: Sequence[Point]) -> Point | None:
    series = ordered(points)
    return series[-1] if series else None


def change(points: Sequence[Point]) -> Decimal | None:
    """The latest value minus the one before it (None with fewer than two points)."""
    series = ordered(points)
    if len(series) < 2:
        return None
    return series[-1].value - series[-2].value


def _round(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(PLACES, rounding=ROUND_HALF_EVEN)


def projection(points: Sequence[Point], on: dt.date) -> Decimal | None:
    """The ordinary least-squares line through the points (x: the day, y: the value), read on `on`. One point (or
    all on one day) projects flat; no point, None."""
    series = ordered(points)
    if not series:
        return None
    if len(series) == 1:
        return _round(series[0].value)
    xs = [Fraction(p.on.toordinal()) for p in series]
    ys = [Fraction(p.value) for p in series]
    n = len(series)
    mean_x = sum(xs, Fraction(0)) / n
    mean_y = sum(ys, Fraction(0)) / n
    sxx = sum(((x - mean_x) ** 2 for x in xs), Fraction(0))
    sxy = sum(((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)), Fraction(0))
    slope = sxy / sxx if sxx else Fraction(0)
    return _round(mean_y + slope * (Fraction(on.toordinal()) - mean_x))


def progress(points: Sequence[Point], *, target: Decimal, due_on: dt.date, direction: str = AT_LEAST) -> Progress:
    """The indicator's series against a target due on `due_on` (a lower bound unless `direction` is AT_MOST)."""
    if direction not in (AT_LEAST, AT_MOST):
        raise ValueError(f"unknown direction {direction!r}")
    series = ordered(points)
    last = series[-1] if series else None
    projected = projection(series, due_on)
    sign = 1 if direction == AT_LEAST else -1
    gap = None if last is None else max(Decimal(0), sign * (target - last.value))
    projected_gap = None if projected is None else max(Decimal(0), sign * (target - projected))
    met = last is not None and sign * (last.value - target) >= 0
    on_track = None if projected is None else (met or sign * (projected - target) >= 0)
    share = None if last is None or not target else _round(last.value / target)
    return Progress(target=target, due_on=due_on, direction=direction, latest=last, change=change(series),
                    projected=projected, gap=gap, projected_gap=projected_gap, met=met, on_track=on_track,
                    share=share, points=len(series))


def value_on(points: Sequence[Point], day: dt.date) -> Decimal | None:
    """The latest value as of `day` (None before the first point)."""
    found = None
    for point in ordered(points):
        if point.on > day:
            break
        found = point.value
    return found


def total(parts: Sequence[Sequence[Point]]) -> list[Point]:
    """The sum of several series: on every day any of them has a point, the sum of each one's value as of that day
    (a part not yet reported counts nothing)."""
    days = sorted({p.on for series in parts for p in series})
    out = []
    for day in days:
        values = [value_on(series, day) for series in parts]
        out.append(Point(day, sum((v for v in values if v is not None), Decimal(0))))
    return out


def roll_up(code: str, *, parts_of: Mapping[str, Sequence[str]], own: Mapping[str, Sequence[Point]],
            additive: bool = True) -> RolledUp:
    """A jurisdiction's series for an entered indicator: its own observations when it has any; else, for an additive
    indicator, the sum of its parts' series (districts to city, cities to province, members to a region), each part
    rolled up the same way. A ratio is never summed: without its own observations it has none."""
    return _roll_up(code, parts_of, own, additive, frozenset())


def _roll_up(code: str, parts_of: Mapping[str, Sequence[str]], own: Mapping[str, Sequence[Point]], additive: bool,
             seen: frozenset[str]) -> RolledUp:
    mine = ordered(own.get(code, ()))
    if mine or not additive:
        return RolledUp(tuple(mine), own=bool(mine))
    seen = seen | {code}
    rolled = [(part, _roll_up(part, parts_of, own, additive, seen)) for part in parts_of.get(code, ())
              if part not in seen]
    contributing = [(part, r) for part, r in rolled if r.points]
    return RolledUp(tuple(total([r.points for _, r in contributing])), own=False,
                    parts=tuple(part for part, _ in contributing))
