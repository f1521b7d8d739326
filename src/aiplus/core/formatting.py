"""The one formatter: how money, figures, ranges, percentages, durations, dates and statuses read, on pages (through
the `fmt` template filters), in explanations and in exports. Every function returns text in the active language and
never a raw code, `object (N)` or a Python literal (`None`, `True`, `Decimal('…')`).

    money(Decimal("1234.5"))        → "1,234.50 元"        money(Decimal("3500000"))  → "350.00 万元"
    figure(12.3456, 2)              → "12.35"               percent(0.256)             → "25.6%"
    span(10, 20, money)             → "10.00 元 – 20.00 元"  duration(93_600)           → "1 天 2 小时"
    money_span(500000, 1500000)     → "50万–150万元"         money_span(8000, 12000)    → "8,000–12,000 元"
    day(date(2026, 12, 5))          → "2026-12-05"          label(need, "status")      → "已发布"
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

DASH = "—"  # what an absent value reads as
TEN_THOUSAND = Decimal(10_000)
MILLION = Decimal(1_000_000)
YUAN_LIMIT = Decimal(1_000_000)  # from this amount on, money reads in 万元 (officials' unit for budgets)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def is_number(value: Any) -> bool:
    """Whether `value` reads as a finite number (a Decimal, an int, a float or numeric text; not a boolean)."""
    return _decimal(value) is not None


def figure(value: Any, places: int = 2) -> str:
    """A number with at most `places` decimals (trailing zeros dropped) and thousands grouped."""
    number = _decimal(value)
    if number is None:
        return DASH
    text = f"{number:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain_number(value: Any) -> str:
    """A number as typed into a form or read by a spreadsheet: positional, no grouping, no trailing zeros, never
    scientific notation (Decimal("10.000").normalize() is "1E+1"; this is "10")."""
    number = _decimal(value)
    if number is None:
        return ""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Any, unit: str = "auto") -> str:
    """An amount in yuan: "1,234.50 元" below a million, "350.00 万元" from a million on (`unit` "yuan" or
    "wan" forces one)."""
    number = _decimal(value)
    if number is None:
        return DASH
    if unit == "wan" or (unit == "auto" and abs(number) >= YUAN_LIMIT):
        if (get_language() or "").startswith("en"):  # English readers count in millions, not in 万
            return f"CNY {number / MILLION:,.2f} million"
        return _("%(amount)s 万元") % {"amount": f"{number / TEN_THOUSAND:,.2f}"}
    return _("%(amount)s 元") % {"amount": f"{number:,.2f}"}


def percent(value: Any, places: int = 1, *, ratio: bool = True) -> str:
    """A share: `ratio` True reads 0.256 as 25.6%; False reads 25.6 as 25.6%."""
    number = _decimal(value)
    if number is None:
        return DASH
    return f"{figure(number * 100 if ratio else number, places)}%"


def span(low: Any, high: Any, each: Callable[[Any], str] = figure) -> str:
    """A range: both ends, one end with 起/至, or a dash when neither is known."""
    if low in (None, "") and high in (None, ""):
        return DASH
    if high in (None, ""):
        return _("%(low)s 起") % {"low": each(low)}
    if low in (None, ""):
        return _("至 %(high)s") % {"high": each(high)}
    return f"{each(low)} – {each(high)}"


def money_span(low: Any, high: Any) -> str:
    """A range of money with its unit said once, in the unit of its upper end (as `money` chooses it):
    "8,000–12,000 元", "50万–150万元"; in English "CNY 8,000–12,000", "CNY 0.5–1.5 million". One end missing
    reads with 起/至 as `span` says it; neither, as a dash."""
    lo, hi = _decimal(low), _decimal(high)
    if lo is None or hi is None:
        return span(lo, hi, money)
    english = (get_language() or "").startswith("en")
    if max(abs(lo), abs(hi)) >= YUAN_LIMIT:
        if english:
            return f"CNY {figure(lo / MILLION)}–{figure(hi / MILLION)} million"
        return _("%(low)s万–%(high)s万元") % {"low": figure(lo / TEN_THOUSAND), "high": figure(hi / TEN_THOUSAND)}
    if english:
        return f"CNY {figure(lo)}–{figure(hi)}"
    return _("%(low)s–%(high)s 元") % {"low": figure(lo), "high": figure(hi)}


def duration(seconds: Any) -> str:
    """A length of time in its two largest units: "1 天 2 小时", "3 小时 5 分钟", "45 秒"."""
    number = _decimal(seconds)
    if number is None:
        return DASH
    total = int(number)
    units = ((86_400, gettext_lazy("%(n)d 天")), (3_600, gettext_lazy("%(n)d 小时")),
             (60, gettext_lazy("%(n)d 分钟")), (1, gettext_lazy("%(n)d 秒")))
    parts: list[str] = []
    for size, text in units:
        count, total = divmod(total, size)
        if count and len(parts) < 2:
            parts.append(str(text) % {"n": count})
    return " ".join(parts) or str(gettext_lazy("%(n)d 秒")) % {"n": 0}


def day(value: Any) -> str:
    """A date (or a moment, in the platform's time zone) as YYYY-MM-DD."""
    if value is None or value == "":
        return DASH
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def moment(value: Any) -> str:
    """A moment in the platform's time zone, to the minute."""
    if not isinstance(value, dt.datetime):
        return day(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return local.strftime("%Y-%m-%d %H:%M")


def label(obj: Any, field: str) -> str:
    """The display label of a choice field (`status`, `kind`, …) in the active language, never the stored code;
    a code the choices do not know reads as itself."""
    getter = getattr(obj, f"get_{field}_display", None)
    if callable(getter):
        return str(getter())
    value = getattr(obj, field, None)
    return DASH if value in (None, "") else str(value)


def yes_no(value: Any) -> str:
    if value is None:
        return DASH
    return _("是") if value else _("否")


# The keys of a coded item's wording: an item that has one of these reads as its wording, never as its `code`.
WORDING_KEYS = ("text", "name", "label", "title")


def _bilingual(value: Mapping[str, Any]) -> str | None:
    """A {zh, en} pair in the active language (the other when that one is empty); None for any other mapping."""
    if not value or not set(value) <= {"zh", "en"}:
        return None
    first, second = ("en", "zh") if (get_language() or "").startswith("en") else ("zh", "en")
    return str(value.get(first) or value.get(second) or "") or DASH


def text(value: Any) -> str:
    """Any value as a person reads it: the formatter for its type, a dash for nothing. A {zh, en} pair reads in the
    active language; an item with a code and its wording (`{code, text: {zh, en}, weight}`) reads without the code."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Decimal | float):
        return figure(value)
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, list | tuple | set | frozenset):
        return _("、").join(text(v) for v in value) or DASH
    if isinstance(value, Mapping):
        pair = _bilingual(value)
        if pair is not None:
            return pair
        worded = any(key in value for key in WORDING_KEYS)
        shown = [v for k, v in value.items() if not (worded and k in ("code", "kind"))]
        return _("；").join(" ".join(text(v) for v in shown).split("\n")) or DASH
    return str(value)


def labels(codes: Any, names: Mapping[str, Any]) -> str:
    """Codes (a list a row holds: modalities, fields) by their labels, joined as the reader's language joins them."""
    return text([names.get(code, code) for code in codes or ()])


# What an audit action code reads as. The action registry (`app.noun.verb` codes with their labels) is meant to
# fill this in; until it does, a code reads as itself. Pages and exports ask here only, so the swap is one place.
def audit_action(code: str) -> str:
    """An audit event's action as a person reads it: its label in the one registry (`core.audit_actions`; an old
    event's code is read under its current name), else the code itself."""
    from aiplus.core import audit_actions

    if not code:
        return DASH
    found = audit_actions.get(code)
    return found.label if found is not None else code

