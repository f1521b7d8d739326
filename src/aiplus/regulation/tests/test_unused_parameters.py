"""`manage.py check_packs --unused`: the parameters of the active packs that no code reads, grouped by prefix."""

from __future__ import annotations

import re
import textwrap
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from aiplus.regulation import usage


def test_the_report_lists_unread_keys_by_prefix_and_exits_zero() -> None:
    out = StringIO()
    call_command("check_packs", "--unused", stdout=out)  # a report: no CommandError, exit code 0
    text = out.getvalue()
    summary = re.search(r"parameters no code reads: (\d+) of (\d+)", text)
    assert summary and 0 < int(summary.group(1)) < int(summary.group(2))
    listed = set(re.findall(r"^  (\S+)  \[\w+\]$", text, re.M))
    assert len(listed) == int(summary.group(1))
    assert "genai.corpus.manual_sample_min" in listed  # a training-corpus rule nothing applies yet
    assert re.search(r"^genai: \d+$", text, re.M)
    assert not any(key.startswith("targets.") for key in listed)  # the insights app reads every target
    # keys the code reads: a literal, a module + name call, a voucher programme's prefix, a workflow timer
    for read in ("experts.min_reviewers", "crossborder.gba.mainland_cities", "opencalls.suzhou.trim_extremes",
                 "vouchers.suzhou_compute.rate", "vouchers.shenzhen_training.uplift.startup",
                 "scenarios.guangdong.review_working_days", "genai.refusal.sample_min"):
        assert read not in listed, read


def test_without_the_flag_only_validation_is_printed() -> None:
    out = StringIO()
    call_command("check_packs", stdout=out)
    assert "no code reads" not in out.getvalue()


def test_the_scan_finds_each_way_the_code_reads_a_parameter(tmp_path: Path) -> None:
    source = tmp_path / "app"
    (source / "tests").mkdir(parents=True)
    (source / "services.py").write_text(textwrap.dedent('''\
        KEY = "a.literal"

        def rate(programme, registry):
            prefix = f"vouchers.{programme}"
            return registry.value(f"{prefix}.rate")

        def cap(quota, registry):
            prefix = quota.parameter_prefix
            return registry.value(f"{prefix}.annual_cap_cny")

        def days(place):
            return param(place, "opencalls", "max_days"), f"scenarios.{place}.review_days", f"{place}.x.y"

        def demo():
            create_programme(parameter_prefix="grants.demo")
        '''), encoding="utf-8")
    (source / "cases.yaml").write_text("parameters:\n  - {key: b.from_yaml}\n", encoding="utf-8")
    (source / "tests" / "test_x.py").write_text('X = "c.only_tests"\n', encoding="utf-8")
    reads = usage.scan_reads(source)
    keys = ["a.literal", "vouchers.sz.rate", "vouchers.sz.budget", "grants.demo.annual_cap_cny",
            "opencalls.suzhou.max_days", "opencalls.max_days", "scenarios.suzhou.review_days", "b.from_yaml",
            "c.only_tests", "other.x.y"]
    assert usage.unread(keys, reads) == ["c.only_tests", "other.x.y", "vouchers.sz.budget"]
    assert usage.by_prefix(["t.b", "t.a", "s.c"]) == {"s": ["s.c"], "t": ["t.a", "t.b"]}
