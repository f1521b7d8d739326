"""`{{ item|localized:"text" }}`: a bilingual field in the page's language.

Engine output and reference data carry both languages as field pairs (`text_zh`/`text_en`, `name_zh`/`name_en`),
in dicts (a decision's reasons and deadlines) and in objects (jurisdictions, departments, glossary terms). On an
English page the filter gives `<field>_en`, otherwise `<field>_zh`; when that one is empty it falls back to the other
language, so a page never shows a blank where the other language has the text. A value whose Chinese half has no
suffix (`title` beside `title_en`) works too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()


def _get(item: Any, name: str) -> Any:
    value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
    return None if callable(value) else value


def localized_value(item: Any, field: str, language: str | None = None) -> str:
    """`item`'s `<field>_en` in English, `<field>_zh` (or plain `<field>`) otherwise, falling back to the other
    language when empty; "" when neither is set."""
    if item is None or item == "":
        return ""
    language = language or get_language() or settings.LANGUAGE_CODE
    chinese = _get(item, f"{field}_zh")
    if chinese is None:
        chinese = _get(item, field)
    english = _get(item, f"{field}_en")
    first, second = (chinese, english) if language.startswith("zh") else (english, chinese)
    for value in (first, second):
        if value not in (None, ""):
            return str(value)
    return ""


@register.filter
def localized(item: Any, field: str) -> str:
    return localized_value(item, field)


@register.filter
def pack_name(code: Any) -> str:
    """A rule pack by its name in the page's language ("national" → 国家法规), never its code; a code no active
    pack has reads as itself."""
    from aiplus.regulation.runtime import active_packs

    pack = active_packs().packs.get(str(code or ""))
    if pack is None:
        return str(code or "")
    return localized_value(pack, "name")
