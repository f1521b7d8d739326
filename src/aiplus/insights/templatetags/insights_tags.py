"""`{{ value|measure:indicator }}`: an indicator's value in its own format (an amount, a share, a count), through
the one formatting module; `{{ row|cell:path }}` a drill-down column's value."""

from __future__ import annotations

from typing import Any

from django import template

from aiplus.core import formatting
from aiplus.insights import computed

register = template.Library()


@register.filter
def measure(value: Any, indicator: Any) -> str:
    kind = getattr(indicator, "format", "number")
    if kind == "money":
        return formatting.money(value)
    if kind == "ratio":
        return formatting.percent(value)
    if kind == "count":
        return formatting.figure(value, 0)
    return formatting.figure(value, 3)


@register.filter
def cell(row: Any, path: str) -> str:
    return formatting.text(computed.cell(row, path))
