"""`{{ citation|cite }}`: a citation's label in the page's language (《苏州条例》第8条 / Suzhou Regulation art. 8)."""

from __future__ import annotations

from typing import Any

from django import template

from aiplus.regulation.runtime import cite as cite_in_active_language

register = template.Library()


@register.filter
def cite(citation: Any) -> str:
    return cite_in_active_language(citation)
