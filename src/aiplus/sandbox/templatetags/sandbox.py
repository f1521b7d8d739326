"""`{% tolerance_for case %}`: the fault-tolerance decisions tied to a violation case, drawn on its page (Suzhou
art. 49: the fault-tolerance decisions link to the case)."""

from __future__ import annotations

from typing import Any

from django import template

from aiplus.sandbox import selectors

register = template.Library()


@register.inclusion_tag("sandbox/_violation_tolerance.html", takes_context=True)
def tolerance_for(context: Any, violation: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"violation": violation, "cases": list(selectors.tolerance_cases(user).filter(violation=violation)),
            "may_decide": selectors.is_official_of(user, violation.jurisdiction_id)
            and (user.is_superuser or not selectors.is_member_of(user, violation.organisation_id))}
