"""Template filters of the governance pages."""

from __future__ import annotations

from typing import Any

from django import template

from aiplus.core import formatting
from aiplus.governance.models import Discipline

register = template.Library()


@register.filter
def parameter_value(version: Any) -> str:
    """A parameter's value as a person reads it: a list of member disciplines by their labels (科技（同行）专家、…),
    anything else through the one formatter."""
    value = getattr(version, "value", None)
    if getattr(version, "key", "") == "ethics.committee.required_disciplines":
        return formatting.labels(value, dict(Discipline.choices))
    return formatting.text(value)


@register.filter
def hashed_text(inputs: Any) -> str:
    """A draw's seed inputs as the exact JSON text that was hashed (so anyone can recompute the seed), not as a
    Python dict."""
    from aiplus.experts.draws import canonical_json

    return canonical_json(inputs or {})
