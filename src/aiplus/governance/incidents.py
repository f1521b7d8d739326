"""The incident rules as the pack has them on a day: `rules_on(day)` builds the pure engine's `IncidentRules` from the
`incidents.*` parameters; `harms()` is the harm taxonomy of the public record (`incident_harms`); `red_lines()` the
prohibited uses and mandatory duties of Guangdong art. 33 (`red_lines`), with the jurisdiction they apply in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from aiplus.governance import incident_rules as rules
from aiplus.regulation.runtime import active_packs, parameters

KEYS = ("incidents.report_hours.cii", "incidents.report_hours.state_organ", "incidents.report_hours.other",
        "incidents.escalation_minutes.cii", "incidents.escalation_minutes.state_organ",
        "incidents.escalation_minutes.other", "incidents.follow_up_working_days",
        "incidents.final_report_days", "incidents.triage_working_days", "incidents.response_working_days",
        "incidents.public_reports_per_hour",
        "incidents.grade.pi_persons.especially_major", "incidents.grade.pi_persons.major",
        "incidents.grade.pi_persons.large", "incidents.grade.loss_cny.especially_major",
        "incidents.grade.loss_cny.major", "incidents.grade.loss_cny.large")


def value(key: str, day: dt.date) -> Any:
    return parameters().value(key, day)


def version(key: str, day: dt.date) -> Any:
    return parameters().version(key, day)


def rules_on(day: dt.date) -> rules.IncidentRules:
    def v(key: str) -> Any:
        return value(key, day)

    grades = (rules.ESPECIALLY_MAJOR, rules.MAJOR, rules.LARGE)
    return rules.IncidentRules(
        pi_persons={g: int(v(f"incidents.grade.pi_persons.{g}")) for g in grades},
        loss_cny={g: Decimal(str(v(f"incidents.grade.loss_cny.{g}"))) for g in grades},
        report_hours={k: int(v(f"incidents.report_hours.{k}")) for k in rules.OPERATOR_KINDS},
        escalation_minutes={k: int(v(f"incidents.escalation_minutes.{k}")) for k in rules.OPERATOR_KINDS},
        follow_up_working_days=int(v("incidents.follow_up_working_days")),
        triage_working_days=int(v("incidents.triage_working_days")),
        response_working_days=int(v("incidents.response_working_days")),
        final_report_days=int(v("incidents.final_report_days")),
    )


def parameter_rows(day: dt.date) -> list[Any]:
    """The parameter versions in force on `day`, for a page's "where the numbers come from" table."""
    return [version(key, day) for key in KEYS]


def harms() -> Any:
    return active_packs().taxonomy("incident_harms")


def harm_choices() -> list[tuple[str, str]]:
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    return [(item.code, item.name_en if english else item.name_zh) for item in harms().flatten()]


# -- red lines (Guangdong art. 33) -------------------------------------------------------------------------------

HARM_PREFIX = "incident_harms:"


def red_line_taxonomy() -> Any:
    return active_packs().taxonomy("red_lines")


def red_line_items() -> list[Any]:
    """The prohibited uses and mandatory duties (the taxonomy's leaves), each with its group."""
    return [item for item in red_line_taxonomy().flatten() if item.parent is not None]


def red_lines() -> list[rules.RedLine]:
    return [rules.RedLine(code=item.code, name_zh=item.name_zh, name_en=item.name_en,
                          harms=tuple(t.removeprefix(HARM_PREFIX) for t in item.maps_to
                                      if t.startswith(HARM_PREFIX)),
                          keywords=tuple(item.keywords)) for item in red_line_items()]


def red_line_jurisdiction_code() -> str:
    """The jurisdiction whose regulation draws the red lines (the pack that defines the taxonomy)."""
    packs = active_packs()
    return str(packs.packs[red_line_taxonomy().pack].jurisdiction)


def red_lines_apply(jurisdiction_id: int) -> bool:
    """Whether a record located in this jurisdiction is under the red lines (Guangdong and the places in it)."""
    from aiplus.core import permissions
    from aiplus.core.models import Jurisdiction

    anchor = Jurisdiction.objects.filter(code=red_line_jurisdiction_code()).values_list("pk", flat=True).first()
    return anchor is not None and jurisdiction_id in permissions.jurisdiction_ids_in_scope(anchor)


def flag_red_lines(jurisdiction_id: int, *, harms: list[str], text: str) -> list[dict[str, object]]:
    """The red lines a record touches, stored with it: [{"code", "harms", "keywords"}]; none outside their place."""
    if not red_lines_apply(jurisdiction_id):
        return []
    return [m.as_dict() for m in rules.match_red_lines(red_lines(), harms=harms, text=text)]


DECISION_KEYS = ("decision", "reasons", "decided_by_id", "decided_at", "violation_id")


def merge_flags(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Re-flagging a changed record keeps what officials decided: a decided flag stays (with its decision) even
    when the text no longer matches; an undecided one is replaced by the new match, or dropped."""
    decided = {f["code"]: f for f in old if f.get("decision")}
    merged = [{**f, **{k: decided[f["code"]][k] for k in DECISION_KEYS if k in decided[f["code"]]}}
              if f["code"] in decided else f for f in new]
    seen = {f["code"] for f in merged}
    return merged + [f for code, f in decided.items() if code not in seen]


def red_line_rows(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored flags with their pack items, for a page (name, source) and the article they cite, and the
    official's decision on each once made (confirmed or dismissed, with reasons, the case it opened)."""
    items = {item.code: item for item in red_line_items()}
    return [{"item": items[f["code"]], "harms": f.get("harms", []), "keywords": f.get("keywords", []),
             "decision": f.get("decision", ""), "reasons": f.get("reasons", ""),
             "decided_at": f.get("decided_at", ""), "decided_by_id": f.get("decided_by_id"),
             "violation_id": f.get("violation_id")}
            for f in flags if f.get("code") in items]


# -- penalty provisions (Suzhou art. 49) -------------------------------------------------------------------------

def penalty_provisions(day: dt.date) -> list[Any]:
    """The pack's fine ranges in force on `day` (parameters `*.penalty_range_cny`: [min, max] with their
    citation): the provisions a violation case may be tied to."""
    registry = parameters()
    found = []
    for key in sorted(registry.keys()):
        if key.endswith("penalty_range_cny"):
            try:
                found.append(registry.version(key, day))
            except KeyError:
                continue
    return found


def penalty_range(key: str, day: dt.date) -> tuple[Decimal, Decimal, Any]:
    version = parameters().version(key, day)
    low, high = version.value
    return Decimal(str(low)), Decimal(str(high)), version
