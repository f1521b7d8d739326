"""The active packs of this deployment, loaded once per process from settings.AIPLUS_PACKS."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

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


def parameter_title(key: str) -> str:
    """A pack parameter's title in the active language (the other language's when that one is empty, the key when
    no active pack titles it)."""
    try:
        info = active_packs().parameter_info(key)
    except KeyError:
        return key
    english = not (get_language() or settings.LANGUAGE_CODE).startswith("zh")
    first, second = (info.title_en, info.title_zh) if english else (info.title_zh, info.title_en)
    return first or second or key


def cite(citation: Citation | Mapping[str, Any] | None) -> str:
    """A citation's label in the active language, packs named by their regulation's short title and external
    instruments by their title in that language (《苏州条例》第34条 / Suzhou Regulation art. 34). Takes a `Citation`
    or the dict its `as_dict()` wrote (as stored with a decision); "" for None, "" or a dict that names nothing."""
    if not citation:
        return ""
    if isinstance(citation, Mapping):
        try:
            citation = Citation.from_dict(citation)
        except ValueError:
            return ""
    language = get_language() or settings.LANGUAGE_CODE
    english = not language.startswith("zh")
    packs = active_packs()
    names = {code: (pack.regulation_short_en if english else pack.regulation_short_zh) or
             (pack.name_en if english else pack.name_zh)
             for code, pack in packs.packs.items()}
    instruments: dict[str, str] = {}
    if english and citation.instrument:  # a pack's own regulation may be cited as an instrument by its title
        instruments = {pack.regulation_title_zh: pack.regulation_title_en for pack in packs.packs.values()
                       if pack.regulation_title_zh and pack.regulation_title_en}
        instruments.update({name: instrument.title_en for instrument in packs.instruments() if instrument.title_en
                            for name in instrument.names()})
    return citation.label(language, names, instruments)
