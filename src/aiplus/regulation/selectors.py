"""Reads over the active packs (they are public law: no restriction applies)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from aiplus.regulation.coverage import coverage_report, features
from aiplus.regulation.runtime import active_packs, cite
from aiplus.regulation.units import unit_label

# A pack's status as people read it (regulation.schema.PackStatus).
PACK_STATUS_LABELS = {"draft": _("草案"), "consultation": _("征求意见稿"), "submitted": _("送审稿"),
                      "official": _("正式公布"), "repealed": _("已废止"), "reference": _("参考文本")}


def packs() -> list[dict[str, Any]]:
    return [
        {"code": p.code, "name_zh": p.name_zh, "name_en": p.name_en, "extends": list(p.extends),
         "jurisdiction": p.jurisdiction, "version": p.version, "status": p.status,
         "status_label": PACK_STATUS_LABELS.get(p.status, p.status),
         "effective_date": p.effective_date, "articles": len(p.articles), "content_hash": p.content_hash}
        for p in active_packs().packs.values()
    ]


def articles(code: str) -> list[dict[str, Any]] | None:
    pack = active_packs().packs.get(code)
    if pack is None:
        return None
    return [
        {"number": a.number, "chapter": a.chapter, "title_zh": a.title_zh, "title_en": a.title_en,
         "title_source": a.title_source, "summary_zh": a.summary_zh, "summary_en": a.summary_en,
         "declarative": a.declarative, "modules": list(a.modules)}
        for a in pack.articles
    ]


def parameters(on: dt.date, prefix: str = "") -> list[dict[str, Any]]:
    rows = []
    for version in active_packs().parameters:
        if prefix and not version.key.startswith(prefix):
            continue
        if not version.in_force_on(on):
            continue
        value = str(version.value) if isinstance(version.value, Decimal) else version.value
        rows.append({"key": version.key, "value": value, "unit": version.unit,
                     "unit_label": unit_label(version.unit), "status": version.status.value,
                     "effective_from": version.effective_from, "effective_to": version.effective_to,
                     "citation": version.citation.as_dict(), "citation_label": cite(version.citation),
                     "pack": version.pack})
    return rows


def coverage(language: str) -> dict[str, Any]:
    """Every article of the active packs with its level, the features that implement it, their evidence (pages
    linked where they take no arguments) and what is missing, in `language`."""
    from aiplus.regulation.evidence import url_of

    return coverage_report(active_packs(), language, url_of)


def implemented_features(language: str) -> dict[str, list[str]]:
    """Titles of the features whose evidence is complete (a page, an API operation and an end-to-end test), by
    module, for the home page's account of what the platform does."""
    found: dict[str, list[str]] = {}
    for f in features():
        if f.complete:
            found.setdefault(f.module, []).append(f.title(language))
    return found
