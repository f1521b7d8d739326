"""Template filters of the one formatter (`aiplus.core.formatting`): `{% load fmt %}`, then
`{{ amount|money }}`, `{{ share|percent }}`, `{{ seconds|duration }}`, `{{ when|day }}`, `{{ when|moment }}`,
`{{ obj|label:"status" }}`, `{{ flag|yes_no }}`, `{{ value|text }}`, `{{ low|span:high }}`,
`{{ low|money_span:high }}`, `{{ value|figure:1 }}`."""

from __future__ import annotations

from typing import Any

from django import template

from aiplus.core import formatting

register = template.Library()


@register.filter
def money(value: Any, unit: str = "auto") -> str:
    return formatting.money(value, unit)


@register.filter
def figure(value: Any, places: int = 2) -> str:
    return formatting.figure(value, int(places))


@register.filter
def percent(value: Any, places: int = 1) -> str:
    return formatting.percent(value, int(places))


@register.filter
def percent_points(value: Any, places: int = 1) -> str:
    """A value already in percent (25.6 → 25.6%)."""
    return formatting.percent(value, int(places), ratio=False)


# The formatters whose template filter is the function itself (a value, and at most the argument they take).
for _name in ("span", "money_span", "duration", "day", "moment", "label", "yes_no", "text"):
    register.filter(_name, getattr(formatting, _name))


@register.filter
def audit_action(value: Any) -> str:
    """An audit event's action as a person reads it (`{{ event.action|audit_action }}`)."""
    return formatting.audit_action(str(value or ""))


@register.filter
def audit_sentence(event: Any) -> str:
    """An audit event as a sentence: who did what to which record (`{{ event|audit_sentence }}`)."""
    from aiplus.core import audit_story

    return audit_story.sentence(event)


@register.filter
def audit_changes(event: Any) -> list[Any]:
    """What an audit event changed: `{% for c in event|audit_changes %}{{ c.label }} {{ c.before }} → {{ c.after }}`."""
    from aiplus.core import audit_story

    return audit_story.changes(event)
