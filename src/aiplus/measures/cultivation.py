"""The enterprise cultivation lists: every firm a user may see, classified by the pack's tiers
(`packs/<pack>/cultivation/`) from its registered facts, with the reasons. Reads only."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone

from aiplus.measures import selectors
from aiplus.measures.engine import TierSet, classify, load_tiers
from aiplus.measures.engine.tiers import LISTED, highest
from aiplus.regulation.runtime import parameters
from aiplus.support import programmes


@lru_cache(maxsize=1)
def tiers() -> TierSet:
    return load_tiers(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)


def tier_choices() -> list[tuple[str, str]]:
    return [(t.code, programmes.title(t.title)) for t in tiers()]


def firm_tiers(organisation: Any) -> dict[str, Any]:
    facts = programmes.known_facts(organisation)
    outcomes = classify(tiers(), parameters(), facts, on=timezone.localdate())
    top = highest(outcomes)
    return {"organisation": organisation, "top": top,
            "top_title": programmes.title(top.tier.title) if top else "",
            "outcomes": [{"code": o.tier.code, "title": programmes.title(o.tier.title), "outcome": o.outcome,
                          "decision": o.decision} for o in outcomes if o.outcome != "outside"]}


def tiered_firms(user: Any, *, tier: str = "", listed_only: bool = False) -> list[dict[str, Any]]:
    """The firms `user` may see with their tiers; `tier` keeps the firms listed in that tier."""
    rows = [firm_tiers(o) for o in selectors.firms(user)[:500]]
    if tier:
        rows = [r for r in rows if any(o["code"] == tier and o["outcome"] == LISTED for o in r["outcomes"])]
    if listed_only:
        rows = [r for r in rows if r["top"] is not None]
    return sorted(rows, key=lambda r: (-(r["top"].tier.rank if r["top"] else 0), r["organisation"].name))
