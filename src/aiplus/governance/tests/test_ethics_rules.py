"""The pure ethics rules, table by table: shares (exactly two thirds passes, one vote short fails), quorum edges,
composition, the re-review panel, the simplified procedure, follow-up intervals and the one notice of Art. 10."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from aiplus.governance import ethics_rules as r

RULES = r.EthicsRules()
D = dt.date(2026, 1, 15)


def member(i: int, discipline: str = r.SCIENCE, gender: str = r.MALE, external: bool = False,
           role: str = r.MEMBER, start: dt.date = dt.date(2025, 1, 1), end: dt.date = dt.date(2029, 12, 31),
           trained: bool = True) -> r.Member:
    return r.Member(id=i, name=f"m{i}", discipline=discipline, gender=gender, external=external, role=role,
                    term_start=start, term_end=end, trained=trained)


def good_committee() -> list[r.Member]:
    return [member(1, r.SCIENCE, r.MALE, role=r.CHAIR), member(2, r.ETHICS, r.FEMALE),
            member(3, r.LAW, r.MALE, external=True), member(4, r.SCIENCE, r.FEMALE), member(5, r.SCIENCE),
            member(6, r.OTHER, r.FEMALE), member(7, r.ETHICS)]


@pytest.mark.parametrize(("value", "expected"), [
    ("0.6667", Fraction(2, 3)), ("2/3", Fraction(2, 3)), (0.5, Fraction(1, 2)), ("1", Fraction(1)),
])
def test_a_share_is_read_as_the_nearest_small_fraction(value: object, expected: Fraction) -> None:
    assert r.share(value) == expected


@pytest.mark.parametrize("value", ["0", "1.5", "-0.3", True])
def test_a_share_outside_zero_to_one_is_refused(value: object) -> None:
    with pytest.raises(ValueError):
        r.share(value)


@pytest.mark.parametrize(("votes", "total", "ok"), [
    (4, 6, True),    # exactly two thirds
    (3, 6, False),   # one vote short
    (5, 7, True), (4, 7, False),  # ceil(14/3) = 5
    (6, 9, True), (5, 9, False),
    (2, 3, True), (1, 3, False),
    (5, 5, True), (0, 5, False),
    (0, 0, False),   # nothing is reached of nobody
    (6, 5, False),   # more votes than members: nonsense, refused
])
def test_two_thirds(votes: int, total: int, ok: bool) -> None:
    assert r.reached(votes, total, Fraction(2, 3)) is ok


@pytest.mark.parametrize(("counts", "present", "outcome"), [
    ({r.APPROVE: 4, r.REJECT: 2}, 6, r.APPROVE),                   # exactly 2/3 approve
    ({r.APPROVE: 3, r.REJECT: 3}, 6, None),                        # one short: no decision
    ({r.APPROVE_WITH_CHANGES: 4, r.ABSTAIN: 2}, 6, r.APPROVE_WITH_CHANGES),  # abstentions count as present
    ({r.APPROVE: 3, r.ABSTAIN: 2}, 5, None),
    ({r.REJECT: 5}, 5, r.REJECT),
    ({r.REVISE_AND_RESUBMIT: 5, r.APPROVE: 2}, 7, r.REVISE_AND_RESUBMIT),
])
def test_decision_needs_two_thirds_of_those_present(counts: dict[str, int], present: int,
                                                    outcome: str | None) -> None:
    votes, i = {}, 0
    for choice, n in counts.items():
        for _ in range(n):
            i += 1
            votes[i] = choice
    tally = r.decide(votes, present, Fraction(2, 3))
    assert tally.outcome == outcome
    assert tally.checks[0].ok is (outcome is not None)


@pytest.mark.parametrize(("present", "codes_failing"), [
    ([1, 2, 3, 4, 5], []),                          # five, every category: quorum
    ([1, 2, 3, 4], ["present"]),                     # four: one short
    ([1, 2, 4, 5, 6, 7], ["discipline.law", "external"]),  # six but no lawyer and nobody external
    ([1, 3, 4, 5, 7], []),                           # both genders through member 4
    ([1, 3, 5, 7, 2], []),
    ([3, 5, 7, 1, 6], []),                           # ethics through 7, female through 6
    ([1, 3, 5, 7], ["present", "genders"]),
])
def test_quorum(present: list[int], codes_failing: list[str]) -> None:
    members = {m.id: m for m in good_committee()}
    checks = r.quorum([members[i] for i in present], RULES)
    assert sorted(c.code for c in checks if not c.ok) == sorted(codes_failing)
    assert r.holds(checks) is (not codes_failing)


def test_quorum_without_the_category_rule_counts_heads_only() -> None:
    rules = r.EthicsRules(all_categories_present=False)
    members = good_committee()
    assert r.holds(r.quorum([members[0], members[3], members[4], members[5], members[6]], rules))


@pytest.mark.parametrize(("change", "failing"), [
    (lambda ms: ms, []),
    (lambda ms: ms[:6], ["size"]),
    (lambda ms: [m if m.id != 3 else member(3, r.LAW, r.MALE) for m in ms], ["external"]),
    (lambda ms: [m if m.id != 3 else member(3, r.SCIENCE, r.MALE, external=True) for m in ms], ["discipline.law"]),
    (lambda ms: [member(m.id, m.discipline, r.MALE, m.external, m.role) for m in ms], ["genders"]),
    (lambda ms: [m if m.id != 1 else member(1, r.SCIENCE, r.MALE) for m in ms], ["chair"]),
    (lambda ms: [*ms, member(8, role=r.CHAIR)], ["chair"]),
    (lambda ms: [m if m.id != 7 else member(7, r.ETHICS, end=dt.date(2031, 1, 2)) for m in ms], ["terms"]),
    # a member whose term has ended no longer counts
    (lambda ms: [m if m.id != 7 else member(7, r.ETHICS, end=dt.date(2025, 12, 31)) for m in ms], ["size"]),
])
def test_composition(change: object, failing: list[str]) -> None:
    checks = r.composition(change(good_committee()), RULES, D)  # type: ignore[operator]
    assert sorted(c.code for c in checks if c.required and not c.ok) == sorted(failing)
    assert all(c.text_zh and c.text_en for c in checks)


def test_missing_training_is_advice_not_a_failure() -> None:
    members = [member(m.id, m.discipline, m.gender, m.external, m.role, trained=m.id != 2) for m in good_committee()]
    checks = r.composition(members, RULES, D)
    training = next(c for c in checks if c.code == "training")
    assert not training.ok and not training.required and "m2" in training.text_en
    assert r.holds(checks)


@pytest.mark.parametrize(("start", "end", "ok"), [
    (dt.date(2024, 2, 29), dt.date(2029, 2, 28), True),   # five years from a leap day
    (dt.date(2024, 2, 29), dt.date(2029, 3, 1), False),
    (dt.date(2025, 1, 1), dt.date(2030, 1, 1), True),
    (dt.date(2025, 1, 1), dt.date(2030, 1, 2), False),
    (dt.date(2025, 1, 1), dt.date(2024, 12, 31), False),  # ends before it starts
])
def test_term_at_most_five_years(start: dt.date, end: dt.date, ok: bool) -> None:
    assert r.term_check(member(1, start=start, end=end), RULES).ok is ok


@pytest.mark.parametrize(("agree", "panel", "outcome", "panel_ok"), [
    (4, 6, r.AGREE, True),     # exactly two thirds of ALL the panel
    (3, 6, r.DISAGREE, True),  # one short
    (4, 5, r.AGREE, True), (3, 5, r.DISAGREE, True),
    (3, 4, r.AGREE, False),    # a panel below five is flagged
])
def test_re_review_two_thirds_of_all_experts(agree: int, panel: int, outcome: str, panel_ok: bool) -> None:
    votes = {i: (r.AGREE if i <= agree else r.DISAGREE) for i in range(1, panel + 1)}
    tally = r.re_review(votes, panel, RULES)
    assert tally.outcome == outcome
    assert tally.checks[0].ok is panel_ok


def test_re_review_counts_missing_votes_against() -> None:
    # 4 agree of a 6-expert panel where two did not vote: 4/6 reaches two thirds; 3 agree does not
    assert r.re_review({1: r.AGREE, 2: r.AGREE, 3: r.AGREE, 4: r.AGREE}, 6, RULES).outcome == r.AGREE
    assert r.re_review({1: r.AGREE, 2: r.AGREE, 3: r.AGREE}, 6, RULES).outcome == r.DISAGREE


@pytest.mark.parametrize(("votes", "reviewers", "outcome"), [
    ({1: r.APPROVE, 2: r.APPROVE}, 2, r.APPROVE),
    ({1: r.APPROVE, 2: r.APPROVE_WITH_CHANGES}, 2, None),  # not alike: to a meeting
    ({1: r.REJECT, 2: r.REJECT}, 2, None),                  # a simplified review never rejects
    ({1: r.APPROVE}, 1, None),                              # too few designated reviewers
])
def test_simplified_procedure(votes: dict[int, str], reviewers: int, outcome: str | None) -> None:
    assert r.simplified(votes, reviewers, RULES)[0] == outcome


@pytest.mark.parametrize(("after", "listed", "due"), [
    (dt.date(2026, 1, 15), False, dt.date(2027, 1, 15)),
    (dt.date(2026, 1, 15), True, dt.date(2026, 7, 15)),
    (dt.date(2026, 8, 31), True, dt.date(2027, 2, 28)),   # to the month's last day
    (dt.date(2027, 8, 31), True, dt.date(2028, 2, 29)),   # leap year
    (dt.date(2024, 2, 29), False, dt.date(2025, 2, 28)),
])
def test_follow_up_intervals(after: dt.date, listed: bool, due: dt.date) -> None:
    assert r.follow_up_due(after, RULES, listed=listed) == due


def test_every_missing_material_is_named_at_once() -> None:
    given = {"overview": "x", "plan": " ", "qualifications": "", "consent": "y"}
    assert r.missing_materials(given, ["overview", "plan", "qualifications", "consent", "commitment"]) == [
        "plan", "qualifications", "commitment"]
