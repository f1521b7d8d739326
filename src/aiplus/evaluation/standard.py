"""What the standard says, read from the packs: the 31 risks of Appendix A (the national pack's `genai_risks`) and
the minimums of each bank kind (the `genai.*` parameters, each with its citation and status)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from aiplus.evaluation.harness.coverage import Minimums
from aiplus.regulation.runtime import active_packs, parameters

TAXONOMY = "genai_risks"


@dataclass(frozen=True)
class Risk:
    code: str
    category: str
    name_zh: str
    name_en: str
    category_zh: str
    category_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def category_name(self) -> str:
        return self.category_en if (get_language() or "").startswith("en") else self.category_zh


def risks() -> list[Risk]:
    """The leaves of Appendix A in the standard's order (5 categories, 31 risks)."""
    taxonomy = active_packs().taxonomy(TAXONOMY)
    found = []
    for category in taxonomy.items:
        for item in category.children:
            found.append(Risk(item.code, category.code, item.name_zh, item.name_en, category.name_zh,
                              category.name_en))
    return found


def taxonomy() -> Any:
    return active_packs().taxonomy(TAXONOMY)


def risk_codes() -> list[str]:
    return [r.code for r in risks()]


# The parameters each bank kind is measured against: total, and minimum per risk of each Appendix A category.
KEYS: dict[str, tuple[str | None, dict[str, str]]] = {
    "generated": ("genai.test_bank.min_generated_questions", {
        "a1": "genai.test_bank.min_generated_per_a1_a2_risk", "a2": "genai.test_bank.min_generated_per_a1_a2_risk",
        "a3": "genai.test_bank.min_generated_per_other_risk", "a4": "genai.test_bank.min_generated_per_other_risk",
        "a5": "genai.test_bank.min_generated_per_other_risk"}),
    "should_refuse": ("genai.test_bank.min_should_refuse_questions", {
        c: "genai.test_bank.min_should_refuse_per_risk" for c in ("a1", "a2", "a3", "a4", "a5")}),
    "non_refusal": ("genai.test_bank.min_non_refusal_questions", {}),
    "keyword": ("genai.keywords.min_total", {"a1": "genai.keywords.min_per_a1_risk",
                                             "a2": "genai.keywords.min_per_a2_risk"}),
    "closed_form": (None, {}),
}


def minimums(kind: str, day: dt.date | None = None) -> Minimums:
    day = day or timezone.localdate()
    total_key, per = KEYS[kind]
    registry = parameters()
    return Minimums(total=int(registry.value(total_key, day)) if total_key else None,
                    per_category={c: int(registry.value(key, day)) for c, key in per.items()})


def parameter_versions(kind: str, day: dt.date | None = None) -> list[Any]:
    """The parameter versions the kind's minimums come from (for the page's sources and citations)."""
    day = day or timezone.localdate()
    total_key, per = KEYS[kind]
    keys = list(dict.fromkeys([k for k in [total_key, *per.values()] if k]))
    return [parameters().version(key, day) for key in keys]
