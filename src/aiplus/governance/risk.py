"""The risk questionnaire and supervision settings as the pack has them on a day: `scheme(day)` builds the pure
engine's `Scheme` from the `risk.*` parameters (platform settings following Canada's AIA), `reassess_months` the
re-assessment interval of a tier, `tiers()` the `risk_tiers` taxonomy (the tiers and their regimes, a platform
setting) and `parameter_rows` the versions in force for a page's "where the numbers come from" table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from aiplus.governance import norms_rules
from aiplus.governance import risk_rules as rules
from aiplus.regulation.runtime import active_packs, parameters

KEYS = ("risk.questionnaire", "risk.tier.low_at_most", "risk.tier.medium_at_most", "risk.mitigation_share",
        "risk.mitigation_reduction", "risk.reassess_months.high", "risk.reassess_months.medium",
        "risk.reassess_months.low")


def version(key: str, day: dt.date) -> Any:
    return parameters().version(key, day)


def scheme(day: dt.date) -> rules.Scheme:
    registry = parameters()

    def share(key: str) -> Decimal:
        return Decimal(str(registry.value(key, day)))

    questions = registry.value("risk.questionnaire", day)
    used = registry.version("risk.questionnaire", day)
    return rules.build_scheme(questions, low_at_most=share("risk.tier.low_at_most"),
                              medium_at_most=share("risk.tier.medium_at_most"),
                              mitigation_share=share("risk.mitigation_share"),
                              mitigation_reduction=share("risk.mitigation_reduction"),
                              version=str(used.effective_from))


def basis(day: dt.date) -> list[dict[str, Any]]:
    """The settings as applied, stored with an assessment: parameter, value (the questionnaire by its version),
    citation and status."""
    rows = []
    for key in KEYS:
        v = version(key, day)
        value = str(v.effective_from) if key == "risk.questionnaire" else str(v.value)
        rows.append({"parameter": key, "value": value, "citation": v.citation.as_dict() if v.citation else {},
                     "status": v.status})
    return rows


def reassess_months(tier: str, day: dt.date) -> int:
    return int(parameters().value(f"risk.reassess_months.{tier}", day))


def parameter_rows(day: dt.date) -> list[Any]:
    return [version(key, day) for key in KEYS]


def tiers() -> Any:
    return active_packs().taxonomy("risk_tiers")


def tier_item(code: str) -> Any:
    return {item.code: item for item in tiers().flatten()}.get(code)


def question_text(question: rules.Question | rules.Choice) -> str:
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    return (question.text_en or question.text_zh) if english else question.text_zh


# -- the ethics self-check (《新一代人工智能伦理规范》, the pack's `ai_ethics_norms` taxonomy) -------------------------

def norms_taxonomy() -> Any:
    return active_packs().taxonomy("ai_ethics_norms")


def norms() -> list[norms_rules.Norm]:
    """The norms the self-check asks, in the taxonomy's order: the children of each group."""
    return [norms_rules.Norm(code=item.code, group=group.code, name_zh=item.name_zh, name_en=item.name_en)
            for group in norms_taxonomy().items for item in group.children]


def norm_groups() -> list[Any]:
    """The taxonomy's groups (the basic norms, then one per kind of activity), for pages and the API."""
    return list(norms_taxonomy().items)


def self_check_rows(check: Any) -> list[dict[str, Any]]:
    """A self-check's answers for a page: each norm with its group, status and measures (a norm the taxonomy no
    longer has keeps its code)."""
    from aiplus.governance.models import NormStatus

    items = {item.code: item for item in norms_taxonomy().flatten()}
    labels = dict(NormStatus.choices)
    return [{"code": row["code"], "norm": items.get(row["code"]), "group": items.get(row["group"]),
             "status": row["status"], "status_label": labels.get(row["status"], row["status"]),
             "measures": row["measures"]} for row in check.answers]
