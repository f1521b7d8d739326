"""Every rule of the rules engine says what it decides in Chinese and English: the coverage page lists them."""

from __future__ import annotations


def test_every_registered_rule_says_what_it_decides_in_both_languages():
    import re

    import aiplus.datahub.crossborder.gba  # registers its rule, as the modules below do
    import aiplus.datahub.crossborder.pathway
    import aiplus.rules.library.vouchers  # noqa: F401
    from aiplus.rules import rules

    specs = list(rules())
    assert {s.name for s in specs} >= {"vouchers.redemption", "crossborder.pathway"}
    for spec in specs:
        assert spec.summary and spec.summary_zh, spec.name
        assert re.search(r"[\u4e00-\u9fff]", spec.summary_zh), spec.name
