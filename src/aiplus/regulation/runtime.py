"""The active packs of this deployment, loaded once per process from settings.AIPLUS_PACKS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
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


def parameter_status(key: str, on: dt.date | None = None) -> str | None:
    """'official' or 'local-setting' for a parameter in force on a day (today by default); None when unknown."""
    if not key:
        return None
    try:
        return active_packs().parameters.version(key, on or dt.date.today()).status.value
    except LookupError:
        return None


def citation_of(source: Any) -> Citation | None:
    """The citation behind what a page or an API shows: a `Citation`, its stored dict, or anything carrying one (a
    parameter version or use, a stored parameter, reason or deadline dict, a model with a `citation` field). A stored
    parameter dict that says `status: local-setting` yields a platform-setting citation even when it was stored
    before citations carried that mark."""
    if source is None or source == "":
        return None
    if isinstance(source, Citation):
        return source
    status = source.get("status") if isinstance(source, Mapping) else getattr(source, "status", None)
    inner = source.get("citation", source) if isinstance(source, Mapping) else getattr(source, "citation", None)
    if isinstance(inner, Citation):
        citation: Citation | None = inner
    elif isinstance(inner, Mapping):
        try:
            citation = Citation.from_dict(inner)
        except ValueError:
            citation = None
    else:
        citation = None
    if str(getattr(status, "value", status)) == "local-setting":
        citation = replace(citation, setting=True) if citation else Citation(setting=True)
    return citation


def cited_in_active_language(value: Any) -> Any:
    """A stored decision (or any JSON) with every `citation_label` beside a `citation` re-read in the active language
    (an API answers in the request's): engines label in Chinese, as the command line prints them, and an operator's
    value reads as a platform setting, whatever its label said when it was stored."""
    if isinstance(value, Mapping):
        out = {k: cited_in_active_language(v) for k, v in value.items()}
        if isinstance(value.get("citation"), Mapping) and "citation_label" in value:
            out["citation_label"] = cite(citation_of(value))
        return out
    if isinstance(value, list):
        return [cited_in_active_language(v) for v in value]
    return value


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
    names = {code: pack.regulation_citation_name(english) for code, pack in packs.packs.items()}
    instruments: dict[str, str] = {}
    if english and citation.instrument:  # a pack's own regulation may be cited as an instrument by its title
        instruments = {pack.regulation_title_zh: pack.regulation_title_en for pack in packs.packs.values()
                       if pack.regulation_title_zh and pack.regulation_title_en}
        instruments.update({name: instrument.title_en for instrument in packs.instruments() if instrument.title_en
                            for name in instrument.names()})
    return citation.label(language, names, instruments)
