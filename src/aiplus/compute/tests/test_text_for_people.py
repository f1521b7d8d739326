"""Compute records read for people: audit values formatted through the one formatter, records named."""

from __future__ import annotations

import pytest
from django.utils import translation

from aiplus.core import audit_story


def test_values_are_formatted_for_people() -> None:
    from aiplus.compute.models import JobRequest, VoucherProgramme

    budget = VoucherProgramme._meta.get_field("budget_cny")
    hours = JobRequest._meta.get_field("hours")
    with translation.override("zh-hans"):
        assert audit_story.value_text(budget, "1500000.00") == "150.00 万元"
        assert audit_story.value_text(hours, "1E+1") == "10"
        assert audit_story.value_text(JobRequest._meta.get_field("cross_border_allowed"), True) == "是"
        assert audit_story.value_text(JobRequest._meta.get_field("status"), "placing") == "调度中"
        assert audit_story.value_text(JobRequest._meta.get_field("title"), {"a": 1}) == "（结构化内容）"
        assert audit_story.value_text(JobRequest._meta.get_field("title"), "x" * 200).endswith("…")


@pytest.mark.django_db
def test_a_redemption_reads_as_its_usage_record(world) -> None:
    from aiplus.compute.models import Redemption, UsageRecord

    redemption = Redemption(pk=1, usage=UsageRecord(record_id="U-42"))
    assert str(redemption) == "用量记录 U-42 的算力券兑付"
    assert "object (" not in str(redemption)
