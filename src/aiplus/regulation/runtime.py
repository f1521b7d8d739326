"""The active packs of this deployment, loaded once per process from settings.AIPLUS_PACKS."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language

from aiplus.regulation.loader import PackSet, load_packs
from aiplus.rules import ParameterRegistry
from aiplus.rules.citations import Citation


@lru_cache(maxsize=1)
def active_packs() -> PackSet:
    return load_packs(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)


def parameters() -> ParameterRegistry:
    return active_packs().parameters


def reload() -> PackSet:
    active_packs.cache_clear()
    return active_packs()


def cite(citation: Citation | None) -> str:
    """A citation's label in the active language, packs named by their regulation's short title
    (《苏州条例》第34条 / Suzhou Regulation art. 34)."""
    if citation is None:
        return ""
    language = get_language() or settings.LANGUAGE_CODE
    english = not language.startswith("zh")
    names = {code: (pack.regulation_short_en if english else pack.regulation_short_zh) or
             (pack.name_en if english else pack.name_zh)
             for code, pack in active_packs().packs.items()}
    return citation.label(language, names)
