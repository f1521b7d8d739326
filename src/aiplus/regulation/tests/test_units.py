"""Every unit the shipped packs use has a name in both languages."""

from __future__ import annotations

import re

from django.utils import translation

from aiplus.regulation.runtime import active_packs
from aiplus.regulation.units import UNIT_LABELS, unit_label


def test_every_pack_unit_is_named_in_chinese_and_english():
    units = {v.unit for v in active_packs().parameters if v.unit}
    assert units and not units - set(UNIT_LABELS), sorted(units - set(UNIT_LABELS))
    for unit in units:
        with translation.override("zh-hans"):
            assert re.search(r"[\u4e00-\u9fff]|[（［/–-]", unit_label(unit)), unit
        with translation.override("en"):
            assert not re.search(r"[\u4e00-\u9fff]", unit_label(unit).replace("超过", "")), unit


def test_an_unknown_unit_is_shown_as_written():
    assert unit_label("furlongs") == "furlongs" and unit_label("") == ""
