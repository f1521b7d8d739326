"""The rules of science and technology ethics review (科技伦理审查办法（试行）, 国科发监〔2023〕167号) as pure
functions: committee composition (Art. 7), meeting quorum (Art. 14), the two-thirds majority of a decision and of an
expert re-review (Art. 30), and follow-up intervals. No Django: numbers arrive in an `EthicsRules`, built by the
caller from the pack parameters (`ethics.*`), and every check comes back with its reason in Chinese and English.

Shares: a pack writes two thirds as "0.6667"; it is read as the nearest fraction with a denominator up to 100 (2/3),
and a share is reached when `votes × denominator ≥ total × numerator`, so exactly two thirds passes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

# Member categories of Art. 7: disciplines, genders, inside or outside the unit.
SCIENCE, ETHICS, LAW, OTHER = "science", "ethics", "law", "other"
DISCIPLINES = (SCIENCE, ETHICS, LAW, OTHER)
FEMALE, MALE = "female", "male"
CHAIR, VICE_CHAIR, MEMBER = "chair", "vice_chair", "member"

# Outcomes of a review (批准 / 修改后批准 / 修改后再审 / 不予批准) and the votes a member may cast.
APPROVE, APPROVE_WITH_CHANGES, REVISE_AND_RESUBMIT, REJECT = (
    "approve", "approve_with_changes", "revise_and_resubmit", "reject")
OUTCOMES = (APPROVE, APPROVE_WITH_CHANGES, REVISE_AND_RESUBMIT, REJECT)
APPROVING = frozenset({APPROVE, APPROVE_WITH_CHANGES})
ABSTAIN = "abstain"
AGREE, DISAGREE = "agree", "disagree"

_DISCIPLINE_NAMES = {SCIENCE: ("科技（同行）专家", "peer scientist"), ETHICS: ("伦理专家", "ethics expert"),
                     LAW: ("法律专家", "legal expert"), OTHER: ("其他", "other")}


def share(value: object) -> Fraction:
    """A share from a pack ("0.6667", 0.5, "2/3") as the nearest fraction with a denominator up to 100."""
    if isinstance(value, bool):
        raise ValueError("a share is a number")
    fraction = Fraction(str(value)) if not isinstance(value, (Fraction, Decimal)) else Fraction(value)
    fraction = fraction.limit_denominator(100)
    if not 0 < fraction <= 1:
        raise ValueError(f"a share is above 0 and at most 1: {value!r}")
    return fraction


def reached(votes: int, total: int, needed: Fraction) -> bool:
    """`votes` of `total` reach the share `needed` (`votes × den ≥ total × num`); nothing is reached of nobody."""
    if total <= 0 or votes < 0 or votes > total:
        return False
    return votes * needed.denominator >= total * needed.numerator


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


@dataclass(frozen=True, slots=True)
class EthicsRules:
    """The numbers of the Measures, as the pack has them on a day (see `governance.ethics.rules_on`)."""

    min_members: int = 7
    max_term_years: int = 5
    required_disciplines: tuple[str, ...] = (SCIENCE, ETHICS, LAW)
    both_genders: bool = True
    min_external: int = 1
    min_present: int = 5
    all_categories_present: bool = True
    decision_share: Fraction = Fraction(2, 3)
    re_review_min_experts: int = 5
    re_review_share: Fraction = Fraction(2, 3)
    follow_up_months: int = 12
    follow_up_months_listed: int = 6
    simplified_min_reviewers: int = 2


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    name: str = ""
    discipline: str = OTHER
    gender: str = ""
    external: bool = False
    role: str = MEMBER
    term_start: dt.date | None = None
    term_end: dt.date | None = None
    trained: bool = False


@dataclass(frozen=True, slots=True)
class Check:
    """One rule checked: its code, whether it holds, and why, in both languages. `required` False: advice only."""

    code: str
    ok: bool
    text_zh: str
    text_en: str
    required: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "ok": self.ok, "text_zh": self.text_zh, "text_en": self.text_en,
                "required": self.required}


def holds(checks: Iterable[Check]) -> bool:
    return all(c.ok for c in checks if c.required)


def _categories(members: Sequence[Member], rules: EthicsRules, *, where_zh: str, where_en: str) -> list[Check]:
    checks = []
    for discipline in rules.required_disciplines:
        zh, en = _DISCIPLINE_NAMES.get(discipline, (discipline, discipline))
        count = sum(1 for m in members if m.discipline == discipline)
        checks.append(Check(f"discipline.{discipline}", count > 0,
                            f"{where_zh}{zh}{count}名（应至少1名）", f"{count} {en}(s) {where_en} (at least 1 needed)"))
    if rules.both_genders:
        genders = Counter(m.gender for m in members if m.gender in (FEMALE, MALE))
        ok = genders[FEMALE] > 0 and genders[MALE] > 0
        checks.append(Check("genders", ok,
                            f"{where_zh}女性{genders[FEMALE]}名、男性{genders[MALE]}名（应有不同性别委员）",
                            f"{genders[FEMALE]} women and {genders[MALE]} men {where_en} (both genders needed)"))
    if rules.min_external:
        external = sum(1 for m in members if m.external)
        checks.append(Check("external", external >= rules.min_external,
                            f"{where_zh}单位外委员{external}名（应至少{rules.min_external}名）",
                            f"{external} member(s) from outside the unit {where_en} "
                            f"(at least {rules.min_external} needed)"))
    return checks


def serving(members: Iterable[Member], on: dt.date) -> list[Member]:
    """The members whose term covers `on` (a member without dates serves)."""
    return [m for m in members if (m.term_start is None or m.term_start <= on)
            and (m.term_end is None or on <= m.term_end)]


def term_check(member: Member, rules: EthicsRules) -> Check:
    """A term runs at most `max_term_years` (renewable): the end is no later than the start plus that many years."""
    if member.term_start is None or member.term_end is None:
        return Check("term", False, f"{member.name}未填写任期", f"{member.name} has no term")
    limit = add_years(member.term_start, rules.max_term_years)
    ok = member.term_start <= member.term_end <= limit
    return Check("term", ok,
                 f"{member.name}任期{member.term_start.isoformat()}至{member.term_end.isoformat()}"
                 f"（不超过{rules.max_term_years}年，即至{limit.isoformat()}）",
                 f"{member.name}: term {member.term_start.isoformat()} to {member.term_end.isoformat()} "
                 f"(at most {rules.max_term_years} years, i.e. until {limit.isoformat()})")


def composition(members: Iterable[Member], rules: EthicsRules, on: dt.date) -> list[Check]:
    """Art. 7: size, one chair, the disciplines, both genders, members from outside the unit, terms, training."""
    everyone = list(members)
    current = serving(everyone, on)
    chairs = sum(1 for m in current if m.role == CHAIR)
    checks = [
        Check("size", len(current) >= rules.min_members, f"在任委员{len(current)}名（应不少于{rules.min_members}名）",
              f"{len(current)} serving members (at least {rules.min_members} needed)"),
        Check("chair", chairs == 1, f"主任委员{chairs}名（应为1名）", f"{chairs} chair(s) (exactly 1 needed)"),
        *_categories(current, rules, where_zh="在任委员中", where_en="among serving members"),
    ]
    bad_terms = [term_check(m, rules) for m in everyone]
    bad_terms = [c for c in bad_terms if not c.ok]
    checks.append(Check("terms", not bad_terms,
                        "；".join(c.text_zh for c in bad_terms) or f"各委员任期均不超过{rules.max_term_years}年",
                        "; ".join(c.text_en for c in bad_terms)
                        or f"every term is at most {rules.max_term_years} years"))
    untrained = [m.name for m in current if not m.trained]
    checks.append(Check("training", not untrained,
                        ("未记录伦理培训：" + "、".join(untrained)) if untrained else "在任委员均有伦理培训记录",
                        ("no ethics training recorded: " + ", ".join(untrained)) if untrained
                        else "every serving member has an ethics training record", required=False))
    return checks


def quorum(present: Iterable[Member], rules: EthicsRules) -> list[Check]:
    """Art. 14: at least `min_present` members present (those excluded for a conflict not counted) and, where the
    rules say so, every category of Art. 7 among them."""
    members = list(present)
    checks = [Check("present", len(members) >= rules.min_present,
                    f"到会且无需回避的委员{len(members)}名（应不少于{rules.min_present}名）",
                    f"{len(members)} members present and not excluded (at least {rules.min_present} needed)")]
    if rules.all_categories_present:
        checks += _categories(members, rules, where_zh="到会委员中", where_en="present")
    return checks


@dataclass(frozen=True, slots=True)
class Tally:
    """The votes of a meeting or a panel: counts per choice, the total they are measured against, the outcome."""

    counts: Mapping[str, int]
    total: int
    outcome: str | None
    needed: Fraction
    checks: tuple[Check, ...] = field(default=())


def decide(votes: Mapping[int, str], present: int, needed: Fraction) -> Tally:
    """The outcome that `needed` of the `present` voting members chose (abstentions count among those present);
    None when no outcome reaches it."""
    counts = Counter(v for v in votes.values() if v in OUTCOMES or v == ABSTAIN)
    outcome = next((o for o in OUTCOMES if reached(counts[o], present, needed)), None)
    need = -(-present * needed.numerator // needed.denominator) if present else 0
    text = (f"{present}名到会委员中，需{need}票同意同一决定" if present else "无到会委员")
    text_en = (f"{need} of the {present} members present must vote for the same decision" if present
               else "nobody present")
    return Tally(dict(counts), present, outcome, needed, (Check("majority", outcome is not None, text, text_en),))


def simplified(votes: Mapping[int, str], reviewers: int, rules: EthicsRules) -> tuple[str | None, list[Check]]:
    """Simplified procedure: the designated reviewers (at least `simplified_min_reviewers`) decide only when all of
    them choose the same approving outcome; anything else goes to a meeting (None)."""
    checks = [Check("reviewers", reviewers >= rules.simplified_min_reviewers,
                    f"指定审查委员{reviewers}名（应不少于{rules.simplified_min_reviewers}名）",
                    f"{reviewers} designated reviewers (at least {rules.simplified_min_reviewers} needed)")]
    chosen = set(votes.values())
    unanimous = len(votes) == reviewers and len(chosen) == 1 and chosen <= APPROVING
    checks.append(Check("unanimous", unanimous,
                        "指定委员一致同意批准" if unanimous else "指定委员未一致同意批准，转会议审查",
                        "the designated reviewers all approve" if unanimous
                        else "the designated reviewers do not all approve: the meeting reviews it"))
    return (next(iter(chosen)) if unanimous and holds(checks[:1]) else None), checks


def re_review(votes: Mapping[int, str], panel: int, rules: EthicsRules) -> Tally:
    """Art. 30: the panel agrees when `re_review_share` of ALL its experts agree (not only those who voted)."""
    checks = [Check("panel", panel >= rules.re_review_min_experts,
                    f"复核专家{panel}名（应不少于{rules.re_review_min_experts}名）",
                    f"{panel} experts on the panel (at least {rules.re_review_min_experts} needed)")]
    counts = Counter(v for v in votes.values() if v in (AGREE, DISAGREE))
    agreed = reached(counts[AGREE], panel, rules.re_review_share)
    need = -(-panel * rules.re_review_share.numerator // rules.re_review_share.denominator)
    checks.append(Check("majority", True, f"全体{panel}名复核专家中{counts[AGREE]}名同意（需{need}名）",
                        f"{counts[AGREE]} of all {panel} panel experts agree ({need} needed)"))
    return Tally(dict(counts), panel, AGREE if agreed else DISAGREE, rules.re_review_share, tuple(checks))


def follow_up_due(after: dt.date, rules: EthicsRules, *, listed: bool) -> dt.date:
    """The latest day of the next follow-up review: `follow_up_months` after `after`, `follow_up_months_listed` for
    an activity on the expert re-review list."""
    return add_months(after, rules.follow_up_months_listed if listed else rules.follow_up_months)


def missing_materials(given: Mapping[str, str], required: Iterable[str]) -> list[str]:
    """Art. 10: every required kind of material that is empty, all at once (一次性告知)."""
    return [kind for kind in required if not (given.get(kind) or "").strip()]
