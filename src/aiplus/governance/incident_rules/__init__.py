"""The rules of incident reporting and response as pure functions: the grading of a network security incident by
its quantitative triggers (《网络安全事件分级指南》, annex to 《国家网络安全事件报告管理办法》), the reporting and
handling clocks (Art. 4: 1 / 2 / 4 hours by operator, and for a major incident the receiving department's report up
the chain within half an hour or one hour; Art. 8: a summary report within 30 days of the end of
handling; the platform's own triage and response clocks in working days), the state of a clock, the redaction of
personal data from the public record, and the matching of an incident against the red lines (Guangdong art. 33).

No Django: numbers arrive in an `IncidentRules` built by the caller from the pack parameters (`incidents.*`), the
working-day calendar arrives as a function (`aiplus.core.calendar.add_working_days`), and every check comes back
with its reason in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# Grades of the guide (特别重大 / 重大 / 较大 / 一般), most severe first. Only 较大 and above must be reported (Art. 4).
ESPECIALLY_MAJOR, MAJOR, LARGE, GENERAL = "especially_major", "major", "large", "general"
SEVERITIES = (ESPECIALLY_MAJOR, MAJOR, LARGE, GENERAL)
REPORTABLE = frozenset({ESPECIALLY_MAJOR, MAJOR, LARGE})
# A 重大 or 特别重大 incident is also reported up the chain by the department that received it (Art. 4).
ESCALATED = frozenset({ESPECIALLY_MAJOR, MAJOR})
_SEVERITY_NAMES = {ESPECIALLY_MAJOR: ("特别重大", "especially major"), MAJOR: ("重大", "major"),
                   LARGE: ("较大", "large"), GENERAL: ("一般", "general")}

# Who the operator is decides the reporting clock (Art. 4).
CII, STATE_ORGAN, OTHER = "cii", "state_organ", "other"
OPERATOR_KINDS = (CII, STATE_ORGAN, OTHER)

# Units a clock is counted in.
MINUTES, HOURS, DAYS, WORKING_DAYS = "minutes", "hours", "days", "working_days"

# The clocks of an incident.
TRIAGE, OPERATOR_REPORT, RESPONSE, FINAL_REPORT = "triage", "operator_report", "response", "final_report"
# The escalation of a major incident: the receiving department's report up the chain (Art. 4: half an hour or one
# hour), and its follow-up reports while handling goes on (the text says only "及时补报": a platform setting).
ESCALATION, FOLLOW_UP = "escalation", "follow_up"
CLOCKS = (TRIAGE, OPERATOR_REPORT, ESCALATION, FOLLOW_UP, RESPONSE, FINAL_REPORT)

# States of a clock.
OPEN, MET, LATE, OVERDUE = "open", "met", "late", "overdue"


@dataclass(frozen=True, slots=True)
class Check:
    """One rule applied: its code, whether it holds, and why, in both languages."""

    code: str
    ok: bool
    text_zh: str
    text_en: str

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "ok": self.ok, "text_zh": self.text_zh, "text_en": self.text_en}


@dataclass(frozen=True, slots=True)
class Period:
    """A clock's length: an amount in a unit, and the pack parameter it was read from."""

    amount: int
    unit: str
    parameter: str


@dataclass(frozen=True, slots=True)
class IncidentRules:
    """The numbers of the reporting rules as the pack has them on a day (see `governance.incidents.rules_on`).

    Thresholds are "at or above" (the guide: "本指南中的'以上'均包括本数"), most severe first."""

    pi_persons: Mapping[str, int] = field(default_factory=lambda: {
        ESPECIALLY_MAJOR: 100_000_000, MAJOR: 10_000_000, LARGE: 1_000_000})
    loss_cny: Mapping[str, Decimal] = field(default_factory=lambda: {
        ESPECIALLY_MAJOR: Decimal(100_000_000), MAJOR: Decimal(20_000_000), LARGE: Decimal(5_000_000)})
    report_hours: Mapping[str, int] = field(default_factory=lambda: {CII: 1, STATE_ORGAN: 2, OTHER: 4})
    escalation_minutes: Mapping[str, int] = field(default_factory=lambda: {CII: 30, STATE_ORGAN: 60, OTHER: 60})
    follow_up_working_days: int = 5
    triage_working_days: int = 1
    response_working_days: int = 10
    final_report_days: int = 30


def severity_name(code: str) -> tuple[str, str]:
    return _SEVERITY_NAMES.get(code, (code, code))


def more_severe(a: str, b: str) -> str:
    """The more severe of two grades."""
    return a if SEVERITIES.index(a) <= SEVERITIES.index(b) else b


def grade(*, pi_persons: int | None, loss_cny: Decimal | None, rules: IncidentRules) -> tuple[str, list[Check]]:
    """The grade the quantitative triggers give (personal information of so many people leaked; a direct economic
    loss), with a reason per trigger; `GENERAL` when none is reached. The official judges the other criteria (system
    losses, threats to national security) and may grade higher, never lower than this."""
    found = GENERAL
    checks: list[Check] = []
    for name, value, thresholds, unit_zh, unit_en in (
            ("pi_persons", pi_persons, rules.pi_persons, "人", "people"),
            ("loss_cny", loss_cny, rules.loss_cny, "元", "CNY")):
        if value is None:
            continue
        if value < 0:
            raise ValueError(f"{name} must not be negative")
        reached = next((s for s in SEVERITIES if s in thresholds and value >= thresholds[s]), GENERAL)
        found = more_severe(found, reached)
        zh, en = severity_name(reached)
        if reached == GENERAL:
            limit = thresholds.get(LARGE)
            checks.append(Check(name, False,
                                f"{_label_zh(name)}{_n(value)}{unit_zh}，未达到较大事件标准（{_n(limit)}{unit_zh}）",
                                f"{_label_en(name)} {_n(value)} {unit_en}, below a large incident "
                                f"({_n(limit)} {unit_en})"))
        else:
            checks.append(Check(name, True,
                                f"{_label_zh(name)}{_n(value)}{unit_zh}，达到{zh}事件标准（{_n(thresholds[reached])}{unit_zh}以上）",
                                f"{_label_en(name)} {_n(value)} {unit_en}: {en} incident "
                                f"({_n(thresholds[reached])} {unit_en} or more)"))
    return found, checks


def _label_zh(name: str) -> str:
    return {"pi_persons": "泄露公民个人信息", "loss_cny": "直接经济损失"}[name]


def _label_en(name: str) -> str:
    return {"pi_persons": "personal information leaked of", "loss_cny": "direct economic loss of"}[name]


def _n(value: object) -> str:
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    return f"{value:,}" if isinstance(value, (int, Decimal)) else str(value)


def period(clock: str, rules: IncidentRules, *, operator_kind: str = OTHER) -> Period:
    """How long `clock` runs, in which unit, and from which parameter."""
    if clock == TRIAGE:
        return Period(rules.triage_working_days, WORKING_DAYS, "incidents.triage_working_days")
    if clock == OPERATOR_REPORT:
        if operator_kind not in OPERATOR_KINDS:
            raise ValueError(f"unknown operator kind {operator_kind!r}")
        return Period(rules.report_hours[operator_kind], HOURS, f"incidents.report_hours.{operator_kind}")
    if clock == ESCALATION:
        if operator_kind not in OPERATOR_KINDS:
            raise ValueError(f"unknown operator kind {operator_kind!r}")
        return Period(rules.escalation_minutes[operator_kind], MINUTES,
                      f"incidents.escalation_minutes.{operator_kind}")
    if clock == FOLLOW_UP:
        return Period(rules.follow_up_working_days, WORKING_DAYS, "incidents.follow_up_working_days")
    if clock == RESPONSE:
        return Period(rules.response_working_days, WORKING_DAYS, "incidents.response_working_days")
    if clock == FINAL_REPORT:
        return Period(rules.final_report_days, DAYS, "incidents.final_report_days")
    raise ValueError(f"unknown clock {clock!r}")


def due(start: dt.datetime, length: Period, add_working_days: Callable[[dt.date, int], dt.date]) -> dt.datetime:
    """When a clock started at `start` (an aware local time) runs out.

    Minutes and hours run from the moment itself. Days and working days follow the rule that the day of the event
    does not count (期间开始的当日不计入): the period ends at the end of its last day, calendar days counted one by
    one, working days on the official calendar given (`add_working_days(start_day, n)`, holidays skipped, adjusted
    weekends worked)."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if length.amount < 0:
        raise ValueError("a clock's length must not be negative")
    if length.unit == MINUTES:
        return start + dt.timedelta(minutes=length.amount)
    if length.unit == HOURS:
        return start + dt.timedelta(hours=length.amount)
    if length.unit == DAYS:
        last = start.date() + dt.timedelta(days=length.amount)
    elif length.unit == WORKING_DAYS:
        last = add_working_days(start.date(), length.amount)
    else:
        raise ValueError(f"unknown unit {length.unit!r}")
    return dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=start.tzinfo)


def state(due_at: dt.datetime, met_at: dt.datetime | None, now: dt.datetime) -> str:
    """open (running), met (stopped in time), late (stopped after it ran out), overdue (ran out, still running).
    A clock stopped at its very due time is met."""
    if met_at is not None:
        return MET if met_at <= due_at else LATE
    return OVERDUE if now > due_at else OPEN


# -- the public record -------------------------------------------------------------------------------------------

_PATTERNS = (
    re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"
               r"(?![0-9A-Za-z])"),                                        # 居民身份证号码
    re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"),  # mobile numbers
    re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"),                          # landlines with area codes
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),          # e-mail addresses
    re.compile(r"(?<!\d)(?:\d{1,3}\.){3}\d{1,3}(?!\d)"),                     # IPv4 addresses
)
MASK = "＊＊＊"


def redact(text: str, names: Iterable[str] = ()) -> str:
    """`text` for the public record: identity numbers, telephone numbers, e-mail and IP addresses, and the given
    names (the reporter's, the people the report names) replaced by a mask. Names shorter than two characters are
    not masked (a single character would mask ordinary words)."""
    result = text
    for pattern in _PATTERNS:
        result = pattern.sub(MASK, result)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        result = result.replace(name, MASK)
    return result


# -- red lines (Guangdong art. 33) -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RedLine:
    """A prohibited use or a mandatory duty from the pack: the harms and the words that point to it."""

    code: str
    name_zh: str
    name_en: str
    harms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    code: str
    by_harms: tuple[str, ...]
    by_keywords: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "harms": list(self.by_harms), "keywords": list(self.by_keywords)}


def match_red_lines(lines: Sequence[RedLine], *, harms: Iterable[str], text: str) -> list[Match]:
    """The red lines an incident (or an application) touches: any of its harms among a line's harms, or any of a
    line's keywords in its text (case-insensitive). A flag for an official to confirm, never a finding."""
    given = set(harms)
    folded = text.casefold()
    found = []
    for line in lines:
        by_harms = tuple(h for h in line.harms if h in given)
        by_words = tuple(k for k in line.keywords if k and k.casefold() in folded)
        if by_harms or by_words:
            found.append(Match(line.code, by_harms, by_words))
    return found


# -- penalties (Suzhou art. 49) ----------------------------------------------------------------------------------

def fine_check(amount: Decimal, low: Decimal, high: Decimal) -> Check:
    """A fine within the range the provision sets, both ends included."""
    ok = low <= amount <= high
    zh = f"罚款{_n(amount)}元，法定幅度{_n(low)}元至{_n(high)}元"
    en = f"a fine of CNY {_n(amount)}; the range is CNY {_n(low)} to {_n(high)}"
    return Check("fine_range", ok, zh if ok else f"{zh}，超出幅度", en if ok else f"{en}, outside it")


def appeal_open(decided_on: dt.date, days: int, on: dt.date) -> bool:
    """An appeal may be filed up to and including the last day of the period after the decision (the day of the
    decision not counted)."""
    return decided_on <= on <= decided_on + dt.timedelta(days=days)
