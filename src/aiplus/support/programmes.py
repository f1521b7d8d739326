"""The programmes of the active packs, and what the platform knows about an applicant.

The engine (`aiplus.support.engine`) is pure; this module gives it the active packs' catalogue and parameters, the
facts the platform already holds about an organisation (where it is registered, what kind of body it is), and the
labels of the facts a programme asks for, so a page can say what is missing in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aiplus.algorithms.models import OpenSourceProject
from aiplus.core.models import Jurisdiction, Organisation
from aiplus.regulation.runtime import parameters
from aiplus.rules.decision import Decision
from aiplus.support.engine import Award, Catalogue, Programme, evaluate, load_catalogue
from aiplus.support.engine.evaluate import rate_of

# The facts the platform knows from its registers (the organisation register, the open-source project register);
# the others are the applicant's answers.
KNOWN_FACTS = ("jurisdictions", "org_kind", "maintains_open_source_project")

# What the page asks for each fact a programme reads (several facts share one question).
FACT_LABELS: dict[str, Any] = {
    "jurisdictions": _("注册地"),
    "org_kind": _("单位类型"),
    "maintains_open_source_project": _("在本平台公开登记的开源项目"),
    "seller_affiliated": _("交易对方（卖方或服务商）是否为关联方"),
    "provider_affiliated": _("交易对方（卖方或服务商）是否为关联方"),
    "eligible_cost_cny": _("申报金额（符合条件的费用或投资，元）"),
    "rd_investment_cny": _("申报金额（符合条件的费用或投资，元）"),
    "standard_level": _("主导制定的标准级别"),
}

# Facts other apps contribute from their registers (aiplus.measures: patents, standards, talent awards, financing;
# aiplus.opc: "opc_status", "opc_resident"): each provider maps an organisation to facts, registered in its app's
# ready(); support imports none of them. A provider may also give the facts of many organisations at once (`bulk`:
# organisation ids → their facts, in a fixed number of queries), which the policy simulation uses over the register.
FactProvider = Callable[[Organisation], dict[str, Any]]
BulkFactProvider = Callable[[list[int]], dict[int, dict[str, Any]]]
FACT_PROVIDERS: list[FactProvider] = []
BULK_FACT_PROVIDERS: dict[FactProvider, BulkFactProvider] = {}


def register_fact_provider(provider: FactProvider, *, labels: dict[str, Any] | None = None,
                           bulk: BulkFactProvider | None = None) -> None:
    if provider not in FACT_PROVIDERS:
        FACT_PROVIDERS.append(provider)
    if bulk is not None:
        BULK_FACT_PROVIDERS[provider] = bulk
    FACT_LABELS.update(labels or {})


def contributed_facts(organisation_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The other registers' facts of many organisations: one bulk call per provider that has one, else the provider
    asked organisation by organisation (the same facts `known_facts` gives one organisation)."""
    found: dict[int, dict[str, Any]] = {pk: {} for pk in organisation_ids}
    for provider in FACT_PROVIDERS:
        bulk = BULK_FACT_PROVIDERS.get(provider)
        if bulk is not None:
            for pk, facts in bulk(organisation_ids).items():
                found[pk].update(facts)
            continue
        for organisation in Organisation.objects.filter(pk__in=organisation_ids):
            found[organisation.pk].update(provider(organisation))
    return found


STANDARD_LEVELS = [("international", _("国际标准")), ("national", _("国家标准")), ("industry", _("行业标准")),
                   ("group", _("团体标准"))]

KIND_LABELS: dict[str, Any] = {
    "subsidy": _("补贴"), "award": _("奖励"), "voucher": _("券"), "loan_interest": _("贷款贴息"),
    "guarantee": _("融资担保"), "rent_relief": _("租金减免"), "talent_award": _("人才奖励"),
    "ip_award": _("知识产权奖励"), "standards_award": _("标准奖励"), "grant": _("项目资助"),
}


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return load_catalogue(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)


def programme(code: str) -> Programme | None:
    found = catalogue().programmes.get(code)
    return found


def english() -> bool:
    return not (get_language() or settings.LANGUAGE_CODE).startswith("zh")


def title(item: Any) -> str:
    """The active language's side of a {zh, en} text of the pack."""
    return str(item.en if english() else item.zh)


def jurisdiction_codes(jurisdiction_id: int) -> list[str]:
    """The codes of a jurisdiction and of every jurisdiction above it (a Suzhou district firm is in Suzhou)."""
    codes: list[str] = []
    seen: set[int] = set()
    current: int | None = jurisdiction_id
    while current is not None and current not in seen:
        seen.add(current)
        row = Jurisdiction.objects.filter(pk=current).values("code", "parent_id").first()
        if row is None:
            break
        codes.append(row["code"])
        current = row["parent_id"]
    return codes


def known_facts(organisation: Organisation) -> dict[str, Any]:
    # A project counts once its owner publishes it in the register (Suzhou art. 36: support goes to open-source
    # communities, so the project must be open to them).
    maintains = OpenSourceProject.objects.filter(organisation=organisation, is_published=True).exists()
    contributed = {name: value for provider in FACT_PROVIDERS for name, value in provider(organisation).items()}
    return {**contributed, "jurisdictions": jurisdiction_codes(organisation.jurisdiction_id),
            "org_kind": organisation.kind, "maintains_open_source_project": maintains}


def answers_to_facts(programme: Programme, answers: dict[str, Any]) -> dict[str, Any]:
    """The applicant's answers as the programme's facts: the declared amount is the formula's base, the
    counterparty's affiliation both the seller's and the provider's; an unanswered question stays missing."""
    facts: dict[str, Any] = {}
    declared = answers.get("declared_cny")
    if declared not in (None, "") and programme.amount.base:
        facts[programme.amount.base] = str(declared)
    affiliated = answers.get("counterparty_affiliated")
    if isinstance(affiliated, bool):
        facts["seller_affiliated"] = facts["provider_affiliated"] = affiliated
    level = answers.get("standard_level")
    if level:
        facts["standard_level"] = str(level)
    return facts


def missing_labels(names: list[str]) -> list[Any]:
    return list(dict.fromkeys(FACT_LABELS.get(name, name) for name in names))


def decide(programme: Programme, organisation: Organisation, answers: dict[str, Any], *, on: dt.date,
           history: list[Award] | None = None, budget_left_cny: Decimal | None = None,
           cost_ref: str = "", known: dict[str, Any] | None = None) -> Decision:
    """The engine's decision for one organisation. `known` is `known_facts(organisation)` when the caller decides
    several programmes at once (the finder reads them once per page, not once per programme)."""
    facts = {**answers_to_facts(programme, answers), **(known if known is not None else known_facts(organisation))}
    titles = {p.code: (p.title.zh, p.title.en) for p in catalogue()}
    return evaluate(programme, parameters(), facts=facts, on=on, history=history or [],
                    budget_left_cny=budget_left_cny, cost_ref=cost_ref, titles=titles)


def in_force(programme: Programme, on: dt.date) -> bool:
    """Whether every parameter the programme reads has a value in force on `on` (a measure past its term is not
    offered)."""
    registry = parameters()
    try:
        for key in programme.parameter_keys():
            registry.version(key, on)
    except LookupError:
        return False
    return True


# -- the compute voucher: one programme of this engine ------------------------------------------------------------

def vouchers() -> list[Programme]:
    """The voucher programmes of the active packs (claimed through the compute app's voucher pages)."""
    return [p for p in catalogue() if p.channel == "compute_voucher"]


def voucher(code: str) -> Programme | None:
    found = catalogue().programmes.get(code)
    return found if found is not None and found.channel == "compute_voucher" else None


def voucher_rate(code: str, *, on: dt.date, is_startup: bool, is_opc: bool, domestic_chips: bool) -> Decimal:
    """The rate a voucher pays on `on` for this holder (base, uplifts, maximum), as the engine computes it."""
    found = voucher(code)
    if found is None:
        raise LookupError(code)
    registry = parameters()
    scratch = Decision(rule=found.rule or found.code, effective_on=on)
    return rate_of(found, registry, scratch,
                   {"is_startup": is_startup, "is_opc": is_opc, "domestic_chips": domestic_chips},
                   lambda key: registry.version(key, on).citation)


def voucher_decision(code: str, *, on: dt.date, spend_cny: Decimal, used_this_year_cny: Decimal,
                     budget_left_cny: Decimal, is_startup: bool, is_opc: bool, domestic_chips: bool,
                     provider_affiliated: bool) -> Decision:
    """The engine's decision on one metered spend against a voucher programme (据实结算): its rate and uplifts, the
    annual cap over what the holder already redeemed this year, the budget left limiting the amount. The outcome
    keeps the redemption's words: `approved` (something is paid), `nothing_payable`, `ineligible`."""
    found = voucher(code)
    if found is None:
        raise LookupError(code)
    facts = {"spend_cny": spend_cny, "is_startup": is_startup, "is_opc": is_opc, "domestic_chips": domestic_chips,
             "provider_affiliated": provider_affiliated}
    used = [Award(found.code, on.year, used_this_year_cny)] if used_this_year_cny else []
    decision = evaluate(found, parameters(), facts=facts, on=on, history=used, budget_left_cny=budget_left_cny)
    if decision.outcome == "eligible":
        decision.outcome = "approved"
    return decision
