"""The decision table of CAC Order No. 16 over normalised facts, and the search for the facts still missing.

Kept free of text and of the parameter registry so the scalar rule (`pathway.py`) and the numpy batch path
(`batch.py`) share one definition of the law.

Order of the articles as applied:
1. No personal information (PI) and no important data → outside the three mechanisms (art. 3; art. 2: data are
   important only once notified or published as such).
2. A claimed exemption that holds → exempt; it prevails over arts. 7 and 8 (their second paragraphs):
   art. 4 (collected abroad, returned), art. 5 items 1–3 (not covering important data, art. 5 para. 2),
   art. 6 (FTZ, data not on the zone's negative list).
3. Important data, or a CIIO sending PI → security assessment (art. 7).
4. A non-CIIO: each kind of PI the transfer carries is weighed against the cumulative people since 1 January,
   this transfer included: PI ≥ 1,000,000 or sensitive PI ≥ 10,000 → security assessment (art. 7);
   PI ≥ 100,000 or any sensitive PI → standard contract or certification (art. 8); PI below 100,000 and no
   sensitive PI → exempt (art. 5 item 4). The strictest pathway of the kinds carried applies.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from aiplus.datahub.crossborder.schema import BELOW_THRESHOLD, Exemption

OUTSIDE_RULES = "outside_rules"
EXEMPT = "exempt"
STANDARD_CONTRACT = "standard_contract_or_certification"
SECURITY_ASSESSMENT = "security_assessment"
INCOMPLETE = "incomplete"
OUTCOMES = (OUTSIDE_RULES, EXEMPT, STANDARD_CONTRACT, SECURITY_ASSESSMENT, INCOMPLETE)

# Claims are tried in the order of the articles; the first that holds is the exemption reported.
CLAIM_ORDER: tuple[Exemption, ...] = (
    Exemption.TRADE_ACADEMIC_NO_PI,
    Exemption.ABROAD_COLLECTED_RETURNED,
    Exemption.CONTRACT_WITH_INDIVIDUAL,
    Exemption.CROSS_BORDER_HR,
    Exemption.EMERGENCY,
    Exemption.FTZ_NEGATIVE_LIST,
)
ARTICLE_5_CLAIMS = frozenset(
    {Exemption.CONTRACT_WITH_INDIVIDUAL, Exemption.CROSS_BORDER_HR, Exemption.EMERGENCY}
)

Verdict = tuple[str, str | None]  # (outcome, exemption)


@dataclass(frozen=True, slots=True)
class Thresholds:
    pi_contract: int  # 100,000
    pi_assessment: int  # 1,000,000
    sensitive_assessment: int  # 10,000


@dataclass(frozen=True, slots=True)
class Facts:
    """Normalised facts; None = unknown. Totals include this transfer (cumulative since 1 January + new)."""

    cross_border: bool
    has_pi: bool  # the transfer carries PI other than sensitive PI
    has_sensitive: bool  # the transfer carries sensitive PI
    important: bool | None
    is_ciio: bool | None
    in_ftz: bool | None
    ftz_listed: bool | None  # the processor's FTZ has a negative list in force
    pi_total: int | None
    sensitive_total: int | None
    pi_low: int = 0  # lower bound of pi_total when it is unknown
    sensitive_low: int = 0
    claims: tuple[Exemption, ...] = ()

    @property
    def any_pi(self) -> bool:
        return self.has_pi or self.has_sensitive


def claim_holds(claim: Exemption, facts: Facts) -> bool:
    """Whether a claimed exemption holds on fully known facts."""
    if claim is Exemption.TRADE_ACADEMIC_NO_PI:
        return not facts.any_pi and not facts.important
    if claim is Exemption.ABROAD_COLLECTED_RETURNED:
        return not facts.important
    if claim in ARTICLE_5_CLAIMS:
        return facts.any_pi and not facts.important
    if claim is Exemption.FTZ_NEGATIVE_LIST:
        return bool(facts.in_ftz) and bool(facts.ftz_listed)
    raise AssertionError(claim)  # pragma: no cover


def part_outcomes(facts: Facts, thresholds: Thresholds) -> tuple[str | None, str | None]:
    """(non-sensitive PI part, sensitive PI part) for a non-CIIO on known totals; None = part absent."""
    pi_part: str | None = None
    if facts.has_pi:
        total = facts.pi_total or 0
        if total >= thresholds.pi_assessment:
            pi_part = SECURITY_ASSESSMENT
        elif total >= thresholds.pi_contract:
            pi_part = STANDARD_CONTRACT
        else:
            pi_part = EXEMPT
    sensitive_part: str | None = None
    if facts.has_sensitive:
        sensitive_part = (
            SECURITY_ASSESSMENT
            if (facts.sensitive_total or 0) >= thresholds.sensitive_assessment
            else STANDARD_CONTRACT
        )
    return pi_part, sensitive_part


def verdict(facts: Facts, thresholds: Thresholds) -> Verdict:
    """The pathway on fully known facts."""
    if not facts.cross_border:
        return OUTSIDE_RULES, None
    if not facts.any_pi and not facts.important:
        accepted = (
            Exemption.TRADE_ACADEMIC_NO_PI.value if Exemption.TRADE_ACADEMIC_NO_PI in facts.claims else None
        )
        return OUTSIDE_RULES, accepted
    for claim in CLAIM_ORDER:
        if claim in facts.claims and claim_holds(claim, facts):
            return EXEMPT, claim.value
    if facts.important or facts.is_ciio:
        return SECURITY_ASSESSMENT, None
    parts = part_outcomes(facts, thresholds)
    if SECURITY_ASSESSMENT in parts:
        return SECURITY_ASSESSMENT, None
    if STANDARD_CONTRACT in parts:
        return STANDARD_CONTRACT, None
    return EXEMPT, BELOW_THRESHOLD


# The unknown facts that can be asked for, in the order they are listed in `missing`.
DIMENSIONS = ("important", "is_ciio", "in_ftz", "ftz_listed", "pi_total", "sensitive_total")


def _candidates(facts: Facts, thresholds: Thresholds) -> dict[str, Sequence[object]]:
    """For each unknown fact, values that represent every region of the decision table it could fall in."""
    found: dict[str, Sequence[object]] = {}
    for name in ("important", "is_ciio", "in_ftz", "ftz_listed"):
        if getattr(facts, name) is None:
            found[name] = (False, True)
    if facts.pi_total is None:
        low = facts.pi_low
        found["pi_total"] = sorted(
            {low, max(low, thresholds.pi_contract), max(low, thresholds.pi_assessment)}
        )
    if facts.sensitive_total is None:
        low = facts.sensitive_low
        found["sensitive_total"] = sorted({low, max(low, thresholds.sensitive_assessment)})
    return found


@dataclass(frozen=True, slots=True)
class Determination:
    verdict: Verdict | None  # None when the known facts do not settle the pathway
    missing_dimensions: tuple[str, ...]
    possible: tuple[Verdict, ...]


def determine(facts: Facts, thresholds: Thresholds) -> Determination:
    """Settle the pathway, or name the unknown facts that could change it.

    Every combination of representative values of the unknown facts is tried. A fact is reported missing only
    if
    changing it alone changes the pathway for some values of the other unknowns.
    """
    options = _candidates(facts, thresholds)
    if not options:
        result = verdict(facts, thresholds)
        return Determination(result, (), (result,))
    names = list(options)
    outcomes: dict[tuple[object, ...], Verdict] = {}
    for values in itertools.product(*(options[name] for name in names)):
        assigned = replace(facts, **dict(zip(names, values, strict=True)))  # type: ignore[arg-type]
        outcomes[values] = verdict(assigned, thresholds)
    possible = tuple(sorted(set(outcomes.values()), key=_verdict_order))
    if len(possible) == 1:
        return Determination(possible[0], (), possible)
    missing = tuple(name for index, name in enumerate(names) if _matters(outcomes, index))
    return Determination(None, tuple(sorted(missing, key=DIMENSIONS.index)), possible)


def _matters(outcomes: dict[tuple[object, ...], Verdict], index: int) -> bool:
    groups: dict[tuple[object, ...], set[Verdict]] = {}
    for values, result in outcomes.items():
        groups.setdefault(values[:index] + values[index + 1 :], set()).add(result)
    return any(len(results) > 1 for results in groups.values())


def _verdict_order(item: Verdict) -> tuple[int, str]:
    return OUTCOMES.index(item[0]), item[1] or ""


def claims_in_order(claims: Iterable[Exemption]) -> tuple[Exemption, ...]:
    chosen = set(claims)
    return tuple(claim for claim in CLAIM_ORDER if claim in chosen)
