from typing import Any

from django import template

from aiplus.experts import subjects

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`{{ names|lookup:code }}`: the mapping's value for the key (the key itself when absent)."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter
def draw_subject(draw: Any) -> str:
    """`{{ draw|draw_subject }}`: what the panel was drawn for, as a sentence linked to its page."""
    return subjects.link(draw)
