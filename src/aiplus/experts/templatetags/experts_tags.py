from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`{{ names|lookup:code }}`: the mapping's value for the key (the key itself when absent)."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
