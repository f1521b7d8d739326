"""Matching explanations in the reader's language.

The pure engine (`scenarios.matching`) explains a match as items, each a code with parameters (domain codes, place
codes, budget figures, the matched terms and their shares). This module renders them through gettext, Chinese
first: domain names come from the taxonomy and place names from the jurisdiction table, both in the active
language. What the users wrote themselves (terms, qualifications) is shown as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aiplus.scenarios import matching as engine_mod
from aiplus.scenarios import pack_rules

MESSAGES: dict[str, Any] = {
    "terms": _("文本相关度 %(score)s：%(terms)s"),
    "terms_none": _("文本相关度 %(score)s：无共同词语"),
    "domain_match": _("领域匹配：%(domains)s"),
    "domain_top_match": _("同属一个大类领域：%(domains)s"),
    "domain_mismatch": _("领域不同：需求为%(need)s，供给方为%(supplier)s"),
    "domain_unspecified": _("场景需求未指定领域"),
    "region_served": _("服务地区覆盖%(regions)s"),
    "region_partial": _("服务地区部分覆盖%(regions)s（服务：%(served)s）"),
    "region_not_served": _("服务地区不含%(regions)s（服务：%(served)s）"),
    "region_unspecified": _("场景需求未指定地区"),
    "budget_within": _("报价%(price)s在预算%(budget)s之内"),
    "budget_unknown": _("报价%(price)s或预算%(budget)s不明，无法比较"),
    "budget_outside": _("报价%(price)s不在预算%(budget)s之内"),
    "qualification_missing": _("缺少必备资质：%(missing)s"),
    "region_excluded": _("不服务所需地区：%(regions)s"),
}
LIST_SEPARATOR = _("、")
TERM = _("%(term)s %(share)s%%")
TERM_FORMS = _("%(term)s（%(forms)s）%(share)s%%")
MONEY_RANGE = _("%(low)s–%(high)s元")
UNKNOWN = _("未知")
NONE = _("无")


def _join(values: Iterable[str]) -> str:
    return str(LIST_SEPARATOR).join(values) or str(NONE)


def _money(value: Any) -> str:
    if value is None:
        return str(UNKNOWN)
    try:
        return f"{Decimal(str(value)):,.0f}"
    except InvalidOperation:
        return str(value)


class Renderer:
    """Renders explanation items in the active language. Place names are read once per renderer (one query)."""

    def __init__(self, place_codes: Iterable[str] = ()) -> None:
        from aiplus.core.models import Jurisdiction

        codes = set(place_codes)
        self._places: dict[str, Any] = (
            {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)} if codes else {})

    @staticmethod
    def place_codes(items: Iterable[engine_mod.ExplanationItem]) -> set[str]:
        out: set[str] = set()
        for item in items:
            for key in ("regions", "served"):
                out.update(item.params.get(key) or ())
        return out

    def _place(self, code: str) -> str:
        place = self._places.get(code)
        return place.display_name(translation.get_language() or "zh-hans") if place else code

    @staticmethod
    def _domain(code: str) -> str:
        return pack_rules.domain_name(code, translation.get_language() or "zh-hans")

    def text(self, item: engine_mod.ExplanationItem) -> str:
        p: Mapping[str, Any] = item.params
        message = MESSAGES.get(item.code)
        if message is None:  # an engine newer than this renderer: show the code rather than nothing
            return item.code
        price = str(MONEY_RANGE) % {"low": _money(p.get("price_min")), "high": _money(p.get("price_max"))}
        budget = str(MONEY_RANGE) % {"low": _money(p.get("budget_min")), "high": _money(p.get("budget_max"))}
        values = {
            "score": f"{float(p.get('text_score', 0)):.2f}",
            "terms": _join(self._term(t) for t in p.get("terms", ())),
            "domains": _join(self._domain(d) for d in p.get("domains", ())),
            "need": _join(self._domain(d) for d in p.get("need_domains", ())),
            "supplier": _join(self._domain(d) for d in p.get("supplier_domains", ())),
            "regions": _join(self._place(r) for r in p.get("regions", ())),
            "served": _join(self._place(r) for r in p.get("served", ())),
            "price": price, "budget": budget,
            "missing": _join(p.get("missing", ())),
        }
        return str(message) % values

    @staticmethod
    def _term(t: Mapping[str, Any]) -> str:
        share = round(float(t["share"]) * 100)
        if t.get("forms"):
            return str(TERM_FORMS) % {"term": t["term"], "forms": "/".join(t["forms"]), "share": share}
        return str(TERM) % {"term": t["term"], "share": share}

    def items(self, explanation: engine_mod.Explanation) -> list[dict[str, Any]]:
        """Each item as data for templates and API clients: the code, its parameters and the rendered text."""
        return [{"code": i.code, "params": i.params, "text": self.text(i)} for i in explanation.items()]


def renderer_for(explanations: Iterable[engine_mod.Explanation]) -> Renderer:
    """One renderer for a batch of explanations, with every place they name read in one query."""
    codes: set[str] = set()
    for exp in explanations:
        codes |= Renderer.place_codes(exp.items())
    return Renderer(codes)


def lines(explanation: engine_mod.Explanation, language: str | None = None) -> list[str]:
    """The rendered sentences of one explanation, in `language` (default: the active language)."""
    with translation.override(language or translation.get_language()):
        renderer = renderer_for([explanation])
        return [renderer.text(i) for i in explanation.items()]
