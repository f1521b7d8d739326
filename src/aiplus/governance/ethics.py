"""The ethics rules as the pack has them on a day: `rules_on(day)` builds the pure engine's `EthicsRules` from the
`ethics.*` parameters, and `cited(key, day)` gives a parameter's citation for the pages (平台设置 where it is one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiplus.governance import ethics_rules as rules
from aiplus.regulation.runtime import parameters

# Every parameter the module reads, for the pages that show where each number comes from.
KEYS = ("ethics.committee.min_members", "ethics.committee.max_term_years", "ethics.committee.required_disciplines",
        "ethics.committee.requires_both_genders", "ethics.committee.min_external_members",
        "ethics.committee.registration_days", "ethics.meeting.min_present", "ethics.meeting.all_categories_present",
        "ethics.meeting.decision_share", "ethics.decision_days", "ethics.emergency_review_hours",
        "ethics.simplified.min_reviewers", "ethics.re_review.min_experts", "ethics.re_review.decision_share",
        "ethics.re_review.days", "ethics.follow_up_interval_months", "ethics.follow_up_interval_months_listed",
        "ethics.follow_up.reminder_days", "ethics.activity.registration_days", "ethics.annual_report.due")


def value(key: str, day: dt.date) -> Any:
    return parameters().value(key, day)


def version(key: str, day: dt.date) -> Any:
    return parameters().version(key, day)


def rules_on(day: dt.date) -> rules.EthicsRules:
    def v(key: str) -> Any:
        return value(key, day)

    return rules.EthicsRules(
        min_members=int(v("ethics.committee.min_members")),
        max_term_years=int(v("ethics.committee.max_term_years")),
        required_disciplines=tuple(v("ethics.committee.required_disciplines")),
        both_genders=bool(v("ethics.committee.requires_both_genders")),
        min_external=int(v("ethics.committee.min_external_members")),
        min_present=int(v("ethics.meeting.min_present")),
        all_categories_present=bool(v("ethics.meeting.all_categories_present")),
        decision_share=rules.share(v("ethics.meeting.decision_share")),
        re_review_min_experts=int(v("ethics.re_review.min_experts")),
        re_review_share=rules.share(v("ethics.re_review.decision_share")),
        follow_up_months=int(v("ethics.follow_up_interval_months")),
        follow_up_months_listed=int(v("ethics.follow_up_interval_months_listed")),
        simplified_min_reviewers=int(v("ethics.simplified.min_reviewers")),
    )


def parameter_rows(day: dt.date) -> list[Any]:
    """The parameter versions in force on `day`, for a page's "where the numbers come from" table."""
    return [version(key, day) for key in KEYS]


def activity_registration_due(approved_on: dt.date) -> dt.date:
    """The last day to register a listed activity approved on `approved_on` (calendar days, the pack's number)."""
    return approved_on + dt.timedelta(days=int(value("ethics.activity.registration_days", approved_on)))


def annual_report_due(year: int) -> dt.date:
    """The last day to file the annual report of `year`: the pack's month-day of the following year."""
    month, day = (int(part) for part in str(value("ethics.annual_report.due", dt.date(year + 1, 1, 1))).split("-"))
    return dt.date(year + 1, month, day)
