"""The risk questionnaire of an AI application, scored as pure functions (no Django): the raw impact score, the
mitigation score, the final score and the tier, each with its reasons.

The design is Canada's Algorithmic Impact Assessment (canada-ca/aia-eia-js, `src/store.ts`,
`calculateFinalScore()`): impact questions add to the raw impact score, mitigation questions to the mitigation
score; a single-choice question counts the weight of the choice given (its maximum is its heaviest choice), a
multiple-choice question the sum of the choices given (its maximum the sum of all). When the mitigation score
reaches `mitigation_share` of the maximum mitigation score, the raw score is cut by `mitigation_reduction` and
rounded half up (the AIA's `Math.round`). The tier compares the final score with shares of the maximum RAW score
(also after the cut), "at or below" a threshold being the lower tier, as the AIA's levels do.

Not the AIA: the AIA halves the maximum mitigation score for its design/implementation fork; this questionnaire
has no fork, so the share applies to the whole maximum. The questions, weights, shares and thresholds are the
platform's settings (pack parameters `risk.*`, status local-setting): no Chinese instrument publishes them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

IMPACT = "impact"
MITIGATION = "mitigation"
KINDS = (IMPACT, MITIGATION)

HIGH = "high"
MEDIUM = "medium"
LOW = "low"
TIERS = (HIGH, MEDIUM, LOW)


class AnswerError(ValueError):
    """An answer the questionnaire does not accept: `code` says why, `question` which question."""

    def __init__(self, code: str, question: str, detail: str = "") -> None:
        super().__init__(f"{code}: {question} {detail}".strip())
        self.code = code
        self.question = question
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    weight: int
    text_zh: str
    text_en: str


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    kind: str
    text_zh: str
    text_en: str
    choices: tuple[Choice, ...]
    multiple: bool = False

    @property
    def maximum(self) -> int:
        weights = [c.weight for c in self.choices]
        if not weights:
            return 0
        return sum(w for w in weights if w > 0) if self.multiple else max(0, max(weights))

    def choice(self, code: str) -> Choice:
        for choice in self.choices:
            if choice.code == code:
                return choice
        raise AnswerError("unknown_choice", self.code, code)


@dataclass(frozen=True, slots=True)
class Scheme:
    """The questionnaire and its numbers. `low_at_most` and `medium_at_most` are shares of the maximum raw
    score: a final score at or below `low_at_most × max_raw` is low, at or below `medium_at_most × max_raw` medium,
    above it high."""

    questions: tuple[Question, ...]
    low_at_most: Decimal
    medium_at_most: Decimal
    mitigation_share: Decimal
    mitigation_reduction: Decimal
    version: str = ""

    def __post_init__(self) -> None:
        codes = [q.code for q in self.questions]
        if len(codes) != len(set(codes)):
            raise ValueError("question codes repeat")
        for q in self.questions:
            if q.kind not in KINDS:
                raise ValueError(f"question {q.code}: kind {q.kind!r}")
            if len({c.code for c in q.choices}) != len(q.choices) or not q.choices:
                raise ValueError(f"question {q.code}: choices empty or repeated")
            if any(c.weight < 0 for c in q.choices):
                raise ValueError(f"question {q.code}: a negative weight")
        if not (Decimal(0) <= self.low_at_most <= self.medium_at_most <= Decimal(1)):
            raise ValueError("thresholds: 0 <= low <= medium <= 1")
        if not (Decimal(0) <= self.mitigation_share <= Decimal(1)) \
                or not (Decimal(0) <= self.mitigation_reduction <= Decimal(1)):
            raise ValueError("mitigation share and reduction are shares")

    def of(self, kind: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind == kind)

    @property
    def max_raw(self) -> int:
        return sum(q.maximum for q in self.of(IMPACT))

    @property
    def max_mitigation(self) -> int:
        return sum(q.maximum for q in self.of(MITIGATION))

    def question(self, code: str) -> Question:
        for q in self.questions:
            if q.code == code:
                return q
        raise AnswerError("unknown_question", code)


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text_zh: str
    text_en: str
    question: str = ""
    points: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "text_zh": self.text_zh, "text_en": self.text_en, "question": self.question,
                "points": self.points}


@dataclass(frozen=True, slots=True)
class Assessment:
    raw: int
    max_raw: int
    mitigation: int
    max_mitigation: int
    mitigated: bool
    final: int
    tier: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    version: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"raw": self.raw, "max_raw": self.max_raw, "mitigation": self.mitigation,
                "max_mitigation": self.max_mitigation, "mitigated": self.mitigated, "final": self.final,
                "tier": self.tier, "version": self.version, "reasons": [r.as_dict() for r in self.reasons]}


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _percent(share: Decimal) -> str:
    return _n(share * 100) + "%"


def chosen(question: Question, answer: object) -> tuple[Choice, ...]:
    """The choices an answer gives, checked: one code for a single-choice question, a list of distinct codes for
    a multiple-choice one (possibly empty)."""
    if question.multiple:
        if isinstance(answer, str) or not isinstance(answer, Sequence):
            raise AnswerError("not_a_list", question.code)
        codes = [str(a) if isinstance(a, str) else "" for a in answer]
        if any(not c for c in codes):
            raise AnswerError("unknown_choice", question.code)
        if len(set(codes)) != len(codes):
            raise AnswerError("repeated_choice", question.code)
        return tuple(question.choice(c) for c in codes)
    if not isinstance(answer, str) or not answer:
        raise AnswerError("unanswered", question.code)
    return (question.choice(answer),)


def tier_of(final: int, max_raw: int, low_at_most: Decimal, medium_at_most: Decimal) -> str:
    """The tier of a final score: at or below the low share of the maximum raw score is low, at or below the
    medium share medium, above it high (exact decimal comparison, both thresholds inclusive of their tier)."""
    score = Decimal(final)
    if score <= low_at_most * max_raw:
        return LOW
    if score <= medium_at_most * max_raw:
        return MEDIUM
    return HIGH


_TIER_NAMES = {HIGH: ("高风险", "high risk"), MEDIUM: ("中风险", "medium risk"), LOW: ("低风险", "low risk")}


def score(scheme: Scheme, answers: Mapping[str, object]) -> Assessment:
    """Score the answers (every question answered; no other keys) into the raw impact score, the mitigation score,
    the final score and the tier, with a reason for each scoring answer, for the mitigation test and for the tier."""
    unknown = sorted(set(answers) - {q.code for q in scheme.questions})
    if unknown:
        raise AnswerError("unknown_question", unknown[0])
    reasons: list[Reason] = []
    totals = {IMPACT: 0, MITIGATION: 0}
    for q in scheme.questions:
        if q.code not in answers:
            raise AnswerError("unanswered", q.code)
        picks = chosen(q, answers[q.code])
        points = sum(c.weight for c in picks)
        totals[q.kind] += points
        if points:
            names_zh = "、".join(c.text_zh for c in picks)
            names_en = "; ".join(c.text_en for c in picks)
            label_zh, label_en = ("影响", "impact") if q.kind == IMPACT else ("缓解", "mitigation")
            reasons.append(Reason(q.kind, f"{q.text_zh}：{names_zh}（{label_zh}+{points}）",
                                  f"{q.text_en}: {names_en} ({label_en} +{points})", q.code, points))
    raw, mitigation = totals[IMPACT], totals[MITIGATION]
    max_raw, max_mitigation = scheme.max_raw, scheme.max_mitigation
    needed = scheme.mitigation_share * max_mitigation
    mitigated = max_mitigation > 0 and Decimal(mitigation) >= needed
    if mitigated:
        final = int((Decimal(raw) * (1 - scheme.mitigation_reduction)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        reasons.append(Reason(
            "mitigation_applied",
            f"缓解得分{mitigation}，达到最高缓解分{max_mitigation}的{_percent(scheme.mitigation_share)}（{_n(needed)}），"
            f"原始影响分{raw}减少{_percent(scheme.mitigation_reduction)}后为{final}",
            f"mitigation score {mitigation} reaches {_percent(scheme.mitigation_share)} of the maximum "
            f"{max_mitigation} ({_n(needed)}): the raw impact score {raw} less "
            f"{_percent(scheme.mitigation_reduction)} is {final}"))
    else:
        final = raw
        reasons.append(Reason(
            "mitigation_not_applied",
            f"缓解得分{mitigation}，未达到最高缓解分{max_mitigation}的{_percent(scheme.mitigation_share)}"
            f"（{_n(needed)}），最终得分即原始影响分{raw}",
            f"mitigation score {mitigation} is below {_percent(scheme.mitigation_share)} of the maximum "
            f"{max_mitigation} ({_n(needed)}): the final score is the raw impact score {raw}"))
    tier = tier_of(final, max_raw, scheme.low_at_most, scheme.medium_at_most)
    low_line, medium_line = scheme.low_at_most * max_raw, scheme.medium_at_most * max_raw
    zh, en = _TIER_NAMES[tier]
    if tier == LOW:
        cmp_zh = f"不高于低风险上限{_n(low_line)}（最高原始影响分{max_raw}的{_percent(scheme.low_at_most)}）"
        cmp_en = f"at or below the low-risk limit {_n(low_line)} ({_percent(scheme.low_at_most)} of the maximum raw " \
                 f"score {max_raw})"
    elif tier == MEDIUM:
        cmp_zh = f"高于低风险上限{_n(low_line)}、不高于中风险上限{_n(medium_line)}（最高原始影响分{max_raw}的" \
                 f"{_percent(scheme.low_at_most)}、{_percent(scheme.medium_at_most)}）"
        cmp_en = f"above the low-risk limit {_n(low_line)} and at or below the medium-risk limit {_n(medium_line)} " \
                 f"({_percent(scheme.low_at_most)} and {_percent(scheme.medium_at_most)} of the maximum raw score " \
                 f"{max_raw})"
    else:
        cmp_zh = f"高于中风险上限{_n(medium_line)}（最高原始影响分{max_raw}的{_percent(scheme.medium_at_most)}）"
        cmp_en = f"above the medium-risk limit {_n(medium_line)} ({_percent(scheme.medium_at_most)} of the maximum " \
                 f"raw score {max_raw})"
    reasons.append(Reason("tier", f"最终得分{final}，{cmp_zh}，定为{zh}", f"final score {final}, {cmp_en}: {en}",
                          points=final))
    return Assessment(raw=raw, max_raw=max_raw, mitigation=mitigation, max_mitigation=max_mitigation,
                      mitigated=mitigated, final=final, tier=tier, reasons=tuple(reasons), version=scheme.version)


def build_scheme(questions: Sequence[Mapping[str, object]], *, low_at_most: Decimal, medium_at_most: Decimal,
                 mitigation_share: Decimal, mitigation_reduction: Decimal, version: str = "") -> Scheme:
    """The scheme from the pack's data: questions as mappings `{code, kind, multiple, text: {zh, en},
    choices: [{code, weight, text: {zh, en}}]}`."""

    def text(node: object) -> tuple[str, str]:
        if not isinstance(node, Mapping):
            raise ValueError("a text is {zh, en}")
        return str(node.get("zh", "")), str(node.get("en", ""))

    built = []
    for raw in questions:
        choices = []
        raw_choices = raw.get("choices")
        if not isinstance(raw_choices, Sequence):
            raise ValueError("choices are a list")
        for c in raw_choices:
            if not isinstance(c, Mapping):
                raise ValueError("a choice is a mapping")
            weight = c.get("weight", 0)
            if isinstance(weight, bool) or not isinstance(weight, (int, str, Decimal)):
                raise ValueError("a weight is a whole number")
            zh, en = text(c.get("text"))
            choices.append(Choice(str(c.get("code")), int(weight), zh, en))
        zh, en = text(raw.get("text"))
        built.append(Question(str(raw.get("code")), str(raw.get("kind")), zh, en, tuple(choices),
                              bool(raw.get("multiple", False))))
    return Scheme(tuple(built), low_at_most=low_at_most, medium_at_most=medium_at_most,
                  mitigation_share=mitigation_share, mitigation_reduction=mitigation_reduction, version=version)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter): the re-assessment due date."""
    year, month, dom = day.year, day.month, day.day
    y, m = divmod(year * 12 + (month - 1) + months, 12)
    return dt.date(y, m + 1, min(dom, calendar.monthrange(y, m + 1)[1]))
