"""`{{ code|domain_name }}`: a scenario-domain code by its name in the page's language (the pack's taxonomy)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from aiplus.scenarios import pack_rules

register = template.Library()


@register.filter
def domain_name(code: str) -> str:
    return pack_rules.domain_name(str(code or ""), get_language() or "zh-hans") if code else ""
