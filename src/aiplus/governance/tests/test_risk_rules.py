"""The pure risk engine (no database): the raw impact and mitigation scores, the AIA-style mitigation cut, the
tier at and around its thresholds, the answers refused, and the pack's own questionnaire scored end to end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aiplus.governance import risk_rules as rules

# One impact question worth 0..20 (so a final score is a whole number of twentieths of the maximum) and one
# multiple-choice mitigation question worth 0..10.
IMPACT_CHOICES = tuple(rules.Choice(f"p{n}", n, f"{n}分", f"{n} points") for n in range(21))
SCHEME = rules.Scheme(
    questions=(
        rules.Question("impact", rules.IMPACT, "影响", "Impact", IMPACT_CHOICES),
        rules.Question("measures", rules.MITIGATION, "措施", "Measures",
                       tuple(rules.Choice(f"m{n}", 2, f"措施{n}", f"measure {n}") for n in range(5)), multiple=True),
    ),
    low_at_most=Decimal("0.25"), medium_at_most=Decimal("0.5"), mitigation_share=Decimal("0.8"),
    mitigation_reduction=Decimal("0.15"))


def answers(points: int, measures: int = 0) -> dict[str, object]:
    return {"impact": f"p{points}", "measures": [f"m{n}" for n in range(measures)]}


# max raw 20: low at or below 5, medium at or below 10, high above
@pytest.mark.parametrize(("points", "tier"), [
    (0, rules.LOW), (4, rules.LOW), (5, rules.LOW), (6, rules.MEDIUM), (9, rules.MEDIUM), (10, rules.MEDIUM),
    (11, rules.HIGH), (20, rules.HIGH),
])
def test_the_tier_at_its_thresholds(points: int, tier: str) -> None:
    result = rules.score(SCHEME, answers(points))
    assert (result.raw, result.final, result.tier) == (points, points, tier)
    assert result.reasons[-1].code == "tier" and str(points) in result.reasons[-1].text_zh


# the mitigation cut: 8 of 10 (80%) cuts 15% rounded half up; 6 of 10 does not
@pytest.mark.parametrize(("points", "measures", "mitigated", "final", "tier"), [
    (12, 4, True, 10, rules.MEDIUM),   # 12 × 0.85 = 10.2 → 10: medium, not high
    (12, 3, False, 12, rules.HIGH),    # 6 < 8: no cut
    (6, 5, True, 5, rules.LOW),        # 5.1 → 5: low at its limit
    (7, 4, True, 6, rules.MEDIUM),     # 5.95 → 6
    (10, 4, True, 9, rules.MEDIUM),    # 8.5 → 9 (half up, as Math.round)
    (0, 5, True, 0, rules.LOW),
])
def test_the_mitigation_cut(points: int, measures: int, mitigated: bool, final: int, tier: str) -> None:
    result = rules.score(SCHEME, answers(points, measures))
    assert (result.mitigation, result.mitigated, result.final, result.tier) == (measures * 2, mitigated, final, tier)
    codes = [r.code for r in result.reasons]
    assert ("mitigation_applied" if mitigated else "mitigation_not_applied") in codes


def test_thresholds_read_as_shares_of_the_raw_maximum_even_after_the_cut() -> None:
    result = rules.score(SCHEME, answers(20, 5))
    assert result.max_raw == 20 and result.final == 17 and result.tier == rules.HIGH


@pytest.mark.parametrize(("given", "code", "question"), [
    ({"impact": "p3"}, "unanswered", "measures"),
    ({"measures": []}, "unanswered", "impact"),
    ({"impact": "p99", "measures": []}, "unknown_choice", "impact"),
    ({"impact": "", "measures": []}, "unanswered", "impact"),
    ({"impact": ["p1"], "measures": []}, "unanswered", "impact"),
    ({"impact": "p1", "measures": "m1"}, "not_a_list", "measures"),
    ({"impact": "p1", "measures": ["m1", "m1"]}, "repeated_choice", "measures"),
    ({"impact": "p1", "measures": [1]}, "unknown_choice", "measures"),
    ({"impact": "p1", "measures": [], "extra": "x"}, "unknown_question", "extra"),
])
def test_answers_refused_name_the_question(given: dict[str, object], code: str, question: str) -> None:
    with pytest.raises(rules.AnswerError) as refused:
        rules.score(SCHEME, given)
    assert (refused.value.code, refused.value.question) == (code, question)


def test_a_scheme_refuses_thresholds_out_of_order() -> None:
    with pytest.raises(ValueError):
        rules.Scheme(questions=SCHEME.questions, low_at_most=Decimal("0.6"), medium_at_most=Decimal("0.5"),
                     mitigation_share=Decimal("0.8"), mitigation_reduction=Decimal("0.15"))


@pytest.mark.parametrize(("day", "months", "due"), [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)), (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 8, 15), 6, dt.date(2027, 2, 15)), (dt.date(2026, 12, 6), 12, dt.date(2027, 12, 6)),
])
def test_the_reassessment_date(day: dt.date, months: int, due: dt.date) -> None:
    assert rules.add_months(day, months) == due


def test_the_packs_questionnaire_scores_every_extreme() -> None:
    """The questionnaire of the pack (platform settings): all lowest is low, all highest without mitigation high,
    its maximum raw score is the sum of each question's maximum."""
    from pathlib import Path

    import yaml

    data = yaml.safe_load((Path(__file__).parents[4] / "packs/national/parameters/risk.yaml").read_text("utf-8"))
    values = {p["key"]: p["versions"][-1]["value"] for p in data["parameters"]}
    scheme = rules.build_scheme(values["risk.questionnaire"],
                                low_at_most=Decimal(str(values["risk.tier.low_at_most"])),
                                medium_at_most=Decimal(str(values["risk.tier.medium_at_most"])),
                                mitigation_share=Decimal(str(values["risk.mitigation_share"])),
                                mitigation_reduction=Decimal(str(values["risk.mitigation_reduction"])))
    lowest = {q.code: ([] if q.multiple else min(q.choices, key=lambda c: c.weight).code) for q in scheme.questions}
    highest = {q.code: ([c.code for c in q.choices] if q.multiple else max(q.choices, key=lambda c: c.weight).code)
               for q in scheme.questions}
    no_mitigation = {**highest, **{q.code: lowest[q.code] for q in scheme.of(rules.MITIGATION)}}
    assert rules.score(scheme, lowest).tier == rules.LOW
    top = rules.score(scheme, no_mitigation)
    assert top.tier == rules.HIGH and top.raw == top.max_raw == sum(q.maximum for q in scheme.of(rules.IMPACT))
    assert rules.score(scheme, highest).mitigated
