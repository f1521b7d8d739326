"""The units pack parameters are measured in, named in the page's language.

Packs write a parameter's unit in English (`unit: working days`); pages show it through this table, whose Chinese
names are the message ids (the UI is Chinese first) and whose English is the pack's own wording, kept in the
catalogue. A unit the table does not know is shown as the pack wrote it; a test keeps the table complete for the
packs shipped here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

UNIT_LABELS: dict[str, Any] = {
    "CNY": _("元"),
    "CNY (lower bound)": _("元（下限）"),
    "CNY [min, max]": _("元［下限，上限］"),
    "CNY per year": _("元/年"),
    "CNY per kg CO2": _("元/千克二氧化碳"),
    "CNY per year (upper bound)": _("元/年（上限）"),
    "applicants": _("个申报主体"),
    "applications": _("项申报"),
    "bodies": _("个机构"),
    "codes": _("个代码"),
    "comments": _("条意见"),
    "communities": _("个社区"),
    "communities (lower bound)": _("个社区（下限）"),
    "days": _("日"),
    "division codes": _("行政区划代码"),
    "document codes": _("文书代码"),
    "enterprises": _("家企业"),
    "enterprises (lower bound)": _("家企业（下限）"),
    "filings (lower bound)": _("项备案（下限）"),
    "flag": _("是/否"),
    "ftz codes": _("自贸试验区代码"),
    "hours": _("小时"),
    "minutes": _("分钟"),
    "items": _("项"),
    "jurisdiction codes": _("辖区代码"),
    "jurisdictions": _("个辖区"),
    "keywords": _("个关键词"),
    "models": _("个模型"),
    "models (lower bound)": _("个模型（下限）"),
    "month-day": _("月-日"),
    "months": _("个月"),
    "months (minimum)": _("个月（至少）"),
    "months [min, max]": _("个月［下限，上限］"),
    "m²": _("平方米"),
    "persons": _("人"),
    "percent": _("百分比"),
    "persons (lower bound)": _("人（下限）"),
    "questions": _("个问题"),
    "ratio": _("比例"),
    "ratio (added to the base rate)": _("比例（在基础比例上增加）"),
    'ratio (lower bound, "超过")': _("比例（下限，“超过”）"),
    "ratio of actual investment": _("占实际投资的比例"),
    "ratio of contract value": _("占合同金额的比例"),
    "ratio of eligible metered spend": _("占符合条件的计量费用的比例"),
    "ratio of investment": _("占投资的比例"),
    "ratio of the purchase": _("占采购金额的比例"),
    "ratio of the rent": _("占租金的比例"),
    "ratio of interest paid": _("占已付利息的比例"),
    "selections": _("次入选"),
    "share": _("比例"),
    "patents": _("件专利"),
    "standards": _("项标准"),
    "ratio of the service contract": _("占服务合同金额的比例"),
    "ratio per year (lower bound)": _("年比例（下限）"),
    "region codes": _("地区代码"),
    "reviewers": _("名评审专家"),
    "points (0-100)": _("分（0–100）"),
    "score (0-1)": _("分值（0–1）"),
    "seconds": _("秒"),
    "times": _("次"),
    "working days": _("个工作日"),
    "years": _("年"),
}


def unit_label(unit: str) -> str:
    """`unit` as the active language names it ("" for none; the pack's wording when the table lacks it)."""
    return str(UNIT_LABELS.get(unit, unit)) if unit else ""
