"""The working definition of an OPC, checked with reasons (pure: the packs' parameters only)."""

from __future__ import annotations

import datetime as dt

from aiplus.opc.engine import Applicant, check_definition, progress
from aiplus.regulation.runtime import parameters

DAY = dt.date(2026, 6, 1)


def test_a_micro_team_with_a_core_ai_tool_meets_the_definition_and_each_reason_is_a_platform_setting() -> None:
    decision = check_definition(Applicant(headcount=3, founders=1, tools=("ai_coding", "aigc")), parameters(),
                                pack="suzhou", on=DAY)
    assert decision.outcome == "meets"
    assert [r.code for r in decision.reasons] == ["met:headcount", "met:tools"]
    assert all(r.citation.setting for r in decision.reasons)
    assert "AI编程" in decision.reasons[1].text_zh


def test_too_many_people_no_founder_and_no_core_tool_each_fail_with_a_reason() -> None:
    decision = check_definition(Applicant(headcount=11, founders=0, tools=("aigc",)), parameters(), pack="suzhou",
                                on=DAY)
    assert decision.outcome == "does_not_meet"
    assert {r.code for r in decision.reasons} == {"failed:founders", "failed:headcount", "failed:tools"}
    assert len(decision.data["why_not"]) == 3


def test_progress_is_the_share_of_the_target_reached() -> None:
    from decimal import Decimal

    assert progress(3, Decimal(30)) == Decimal("0.1000")
    assert progress(3, Decimal(0)) is None
