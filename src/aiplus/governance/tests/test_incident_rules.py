"""The incident rules, table by table: the grade at each threshold (at, one below; "以上" includes the number), the
clocks in hours, calendar days and official working days (across the 2025 National Day holiday and its adjusted
working weekends), the state of a clock at its due time, redaction for the public record, and red-line matching."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aiplus.core.calendar import add_working_days
from aiplus.governance import incident_rules as rules

SH = ZoneInfo("Asia/Shanghai")
R = rules.IncidentRules()


@pytest.mark.parametrize(("pi", "loss", "expected"), [
    (None, None, rules.GENERAL),
    (999_999, None, rules.GENERAL),
    (1_000_000, None, rules.LARGE),            # exactly the threshold: "以上" includes the number
    (9_999_999, None, rules.LARGE),
    (10_000_000, None, rules.MAJOR),
    (99_999_999, None, rules.MAJOR),
    (100_000_000, None, rules.ESPECIALLY_MAJOR),
    (None, Decimal("4999999.99"), rules.GENERAL),
    (None, Decimal("5000000"), rules.LARGE),
    (None, Decimal("19999999.99"), rules.LARGE),
    (None, Decimal("20000000"), rules.MAJOR),
    (None, Decimal("100000000.00"), rules.ESPECIALLY_MAJOR),
    (1_000_000, Decimal("20000000"), rules.MAJOR),   # the more severe trigger wins
    (0, Decimal("0"), rules.GENERAL),
])
def test_grade_at_its_thresholds(pi, loss, expected):
    grade, checks = rules.grade(pi_persons=pi, loss_cny=loss, rules=R)
    assert grade == expected
    assert len(checks) == (pi is not None) + (loss is not None)
    assert all(c.text_zh and c.text_en for c in checks)


def test_grade_refuses_negative_numbers():
    with pytest.raises(ValueError):
        rules.grade(pi_persons=-1, loss_cny=None, rules=R)


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.mark.parametrize(("clock", "kind", "start", "expected"), [
    # hours run from the moment itself, across midnight
    (rules.OPERATOR_REPORT, rules.OTHER, "2025-10-01 22:30", "2025-10-02 02:30"),
    (rules.OPERATOR_REPORT, rules.CII, "2025-10-01 22:30", "2025-10-01 23:30"),
    (rules.OPERATOR_REPORT, rules.STATE_ORGAN, "2025-12-31 23:00", "2026-01-01 01:00"),
    # working days: the day of the event does not count; the 2025 National Day holiday (1–8 Oct) is skipped
    (rules.TRIAGE, rules.OTHER, "2025-09-30 18:00", "2025-10-09 23:59:59"),
    (rules.TRIAGE, rules.OTHER, "2025-09-26 10:00", "2025-09-28 23:59:59"),   # Sunday 28 Sep was worked
    (rules.TRIAGE, rules.OTHER, "2025-10-10 09:00", "2025-10-11 23:59:59"),   # Saturday 11 Oct was worked
    (rules.TRIAGE, rules.OTHER, "2025-10-01 09:00", "2025-10-09 23:59:59"),   # reported on a holiday
    # 10 working days: 30 Sep, 9-11 Oct (Saturday 11th worked), 13-17 Oct, 20 Oct
    (rules.RESPONSE, rules.OTHER, "2025-09-29 09:00", "2025-10-20 23:59:59"),
    # calendar days: 30 days after the end of handling, to the end of the last day
    (rules.FINAL_REPORT, rules.OTHER, "2025-01-31 15:00", "2025-03-02 23:59:59"),
    (rules.FINAL_REPORT, rules.OTHER, "2025-09-30 00:00", "2025-10-30 23:59:59"),
])
def test_clocks_in_hours_days_and_working_days(clock, kind, start, expected):
    length = rules.period(clock, R, operator_kind=kind)
    assert rules.due(_at(start), length, add_working_days) == _at(expected)


def test_a_clock_needs_an_aware_start_and_a_known_unit():
    with pytest.raises(ValueError):
        rules.due(dt.datetime(2025, 1, 1), rules.Period(1, rules.HOURS, "x"), add_working_days)
    with pytest.raises(ValueError):
        rules.due(_at("2025-01-01 00:00"), rules.Period(1, "fortnights", "x"), add_working_days)
    with pytest.raises(ValueError):
        rules.period(rules.OPERATOR_REPORT, R, operator_kind="alien")


@pytest.mark.parametrize(("met", "now", "expected"), [
    (None, "2025-10-02 02:30", rules.OPEN),           # at the due time itself the clock still runs
    (None, "2025-10-02 02:30:01", rules.OVERDUE),
    ("2025-10-02 02:30", "2025-10-09 00:00", rules.MET),   # stopped exactly at its due time: met
    ("2025-10-02 02:30:01", "2025-10-09 00:00", rules.LATE),
])
def test_clock_state_at_its_due_time(met, now, expected):
    due = _at("2025-10-02 02:30")
    assert rules.state(due, _at(met) if met else None, _at(now)) == expected


@pytest.mark.parametrize(("text", "names", "kept", "gone"), [
    ("张三的身份证号320502199001011234被泄露", ["张三"], ["被泄露"], ["张三", "320502199001011234"]),
    ("联系13912345678或0512-66668888", [], ["联系"], ["13912345678", "66668888"]),
    ("邮件 someone@example.com，来源 10.1.2.3", [], ["邮件"], ["someone@example.com", "10.1.2.3"]),
    ("2025年损失500万元，影响100万人", [], ["2025年", "500万元", "100万人"], []),
    ("王", ["王"], ["王"], []),                       # one character is not masked
])
def test_redaction_for_the_public_record(text, names, kept, gone):
    out = rules.redact(text, names)
    for word in kept:
        assert word in out
    for word in gone:
        assert word not in out


def test_red_lines_match_by_harm_or_keyword():
    lines = [rules.RedLine("deepfake", "深度伪造", "Deepfakes", harms=("reputation",), keywords=("换脸",)),
             rules.RedLine("label", "标识", "Labels", harms=("label_tamper",), keywords=("去除标识",))]
    found = rules.match_red_lines(lines, harms=["privacy"], text="有人用AI换脸冒充他人")
    assert [m.code for m in found] == ["deepfake"] and found[0].by_keywords == ("换脸",)
    found = rules.match_red_lines(lines, harms=["label_tamper", "reputation"], text="")
    assert [m.code for m in found] == ["deepfake", "label"]
    assert rules.match_red_lines(lines, harms=[], text="一切正常") == []


# -- escalation of a major incident (Art. 4: half an hour / one hour up the chain; follow-ups a platform setting) --

@pytest.mark.parametrize(("clock", "kind", "start", "expected"), [
    # minutes run from the moment itself, across midnight and through holidays and weekends alike
    (rules.ESCALATION, rules.CII, "2025-10-01 23:45", "2025-10-02 00:15"),          # National Day itself
    (rules.ESCALATION, rules.STATE_ORGAN, "2025-09-27 23:30", "2025-09-28 00:30"),  # a Saturday night
    (rules.ESCALATION, rules.OTHER, "2025-12-31 23:30", "2026-01-01 00:30"),        # into New Year's Day
    # follow-ups: five working days, the day of the report not counted
    (rules.FOLLOW_UP, rules.OTHER, "2025-12-05 16:00", "2025-12-12 23:59:59"),      # over a plain weekend
    (rules.FOLLOW_UP, rules.OTHER, "2025-09-26 10:00", "2025-10-10 23:59:59"),      # Sun 28 Sep worked; 1-8 Oct off
    (rules.FOLLOW_UP, rules.OTHER, "2025-10-04 10:00", "2025-10-14 23:59:59"),      # reported during the holiday
    (rules.FOLLOW_UP, rules.OTHER, "2025-10-10 23:59", "2025-10-16 23:59:59"),      # Sat 11 Oct was worked
])
def test_escalation_clocks_across_weekends_and_holidays(clock, kind, start, expected):
    length = rules.period(clock, R, operator_kind=kind)
    assert rules.due(_at(start), length, add_working_days) == _at(expected)


def test_escalation_periods_name_their_parameters():
    assert rules.period(rules.ESCALATION, R, operator_kind=rules.CII) == rules.Period(
        30, rules.MINUTES, "incidents.escalation_minutes.cii")
    assert rules.period(rules.FOLLOW_UP, R) == rules.Period(5, rules.WORKING_DAYS, "incidents.follow_up_working_days")
    assert {rules.MAJOR, rules.ESPECIALLY_MAJOR} == rules.ESCALATED
    with pytest.raises(ValueError):
        rules.period(rules.ESCALATION, R, operator_kind="alien")


@pytest.mark.parametrize(("met", "now", "expected"), [
    (None, "2025-10-02 00:14", rules.OPEN),
    (None, "2025-10-02 00:15", rules.OPEN),               # exactly at the boundary: still in time
    (None, "2025-10-02 00:16", rules.OVERDUE),            # one minute late
    ("2025-10-02 00:15", "2025-10-03 00:00", rules.MET),
    ("2025-10-02 00:16", "2025-10-03 00:00", rules.LATE),
])
def test_the_escalation_clock_at_its_boundary(met, now, expected):
    due = rules.due(_at("2025-10-01 23:45"), rules.period(rules.ESCALATION, R, operator_kind=rules.CII),
                    add_working_days)
    assert rules.state(due, _at(met) if met else None, _at(now)) == expected
