"""Compute broker explanations in the reader's language.

The pure broker (`compute.broker`) explains each placement and each unplaced job twice: an English sentence (logs,
benchmarks) and facts, a code with parameters (`broker.Explanation`: pool, model, centre and region codes, money,
card-hours, carbon, latency, weights). The facts are stored on the rows (`Placement.reason_facts`,
`JobRequest.unplaced_facts`); this module renders them through gettext, Chinese first, in the active language: the
page's, the API request's, or one given explicitly. Accelerator models read as their labels and places (a centre's
location, a residency region, the home country) as jurisdiction names in that language. Rows stored before the
facts existed keep showing their stored sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aiplus.compute.broker import PlacementCode, UnplacedCode
from aiplus.compute.models import AcceleratorModel
from aiplus.core import formatting

PLACEMENT_MESSAGES: dict[str, Any] = {
    PlacementCode.ONLY_ELIGIBLE: _(
        "选定位于%(place)s的%(model)s 资源池，它是唯一符合条件的资源池：%(card_hours)s 卡时 × %(price)s 元/卡时，"
        "费用 %(cost)s 元；碳排放 %(carbon)s kg；时延 %(latency)s 毫秒。"),
    PlacementCode.BEST_SCORE: _(
        "选定位于%(place)s的%(model)s 资源池：%(card_hours)s 卡时 × %(price)s 元/卡时，费用 %(cost)s 元"
        "（符合条件的资源池中最低 %(cheapest)s 元）；碳排放 %(carbon)s kg（最低 %(lowest_carbon)s kg）；"
        "时延 %(latency)s 毫秒（最低 %(lowest_latency)s 毫秒）。按权重（%(weights)s）计，"
        "它在 %(eligible)s 个符合条件的资源池中综合得分最优。"),
    PlacementCode.BEST_FOR_BATCH: _(
        "选定位于%(place)s的%(model)s 资源池：%(card_hours)s 卡时 × %(price)s 元/卡时，费用 %(cost)s 元"
        "（符合条件的资源池中最低 %(cheapest)s 元）；碳排放 %(carbon)s kg（最低 %(lowest_carbon)s kg）；"
        "时延 %(latency)s 毫秒（最低 %(lowest_latency)s 毫秒）。按权重（%(weights)s）计，这样分配使同批作业的"
        "总得分最优：%(eligible)s 个符合条件的资源池中更优的已分给同批其他作业。"),
}

UNPLACED_MESSAGES: dict[str, Any] = {
    UnplacedCode.NO_MODEL: _("没有资源池提供可接受的加速卡型号（%(models)s）。"),
    UnplacedCode.RESIDENCY: _("提供可接受型号的资源池均不在%(region)s。"),
    UnplacedCode.TOO_LARGE: _("作业需要 %(cards)s 张卡，而符合型号与地域要求的资源池最多只有 %(largest)s 张卡。"),
    UnplacedCode.OVER_BUDGET: _("扣除算力券抵扣后，最便宜的资源池仍需 %(cheapest)s 元，超出预算 %(budget)s 元。"),
    UnplacedCode.DEADLINE: _(
        "在所有剩余资源池中，排队等待（最短 %(wait)s 小时）加上运行 %(hours)s 小时都超过截止时间 %(deadline)s 小时。"),
    UnplacedCode.CAPACITY: _(
        "%(eligible)s 个符合条件的资源池空闲卡数均不足：作业需要 %(cards)s 张卡，空闲最多的资源池只剩 %(free)s 张。"),
    UnplacedCode.VOUCHER: _(
        "算力券额度仅剩 %(left)s 元，而在有空闲卡的资源池中，本作业至少需要抵扣 %(needed)s 元。"),
    UnplacedCode.UNKNOWN_VOUCHER: _("算力券额度 %(voucher)s 不存在。"),
}
# Variants of a code, chosen by its parameters.
RESIDENCY_IN_COUNTRY = _("提供可接受型号的资源池均不在%(country)s境内的%(region)s。")
RESIDENCY_BORDER = _("提供可接受型号的资源池均不在%(country)s境内，且不允许出境使用。")
CAPACITY_DURING_PLACEMENT = _("调度期间资源池的空闲卡数已不足：作业需要 %(cards)s 张卡，只剩 %(free)s 张。")

WEIGHTS = {"cost": _("成本 %(value)s"), "carbon": _("碳排放 %(value)s"), "latency": _("时延 %(value)s"),
           "wait": _("排队等待 %(value)s")}
LIST_SEPARATOR = _("、")
ANY_MODEL = _("任意型号")
UNKNOWN = _("未知")


def _num(value: Any, places: int = 2) -> str:
    """A figure with at most `places` decimals, trailing zeros dropped, thousands grouped."""
    return str(UNKNOWN) if value is None else formatting.figure(value, places)


def _money(value: Any) -> str:
    # The sentences say 元 themselves, so the amount alone: the formatter's grouping, always two places.
    return str(UNKNOWN) if value is None else f"{Decimal(str(value)):,.2f}"


def model_label(value: str) -> str:
    """An accelerator model's name in the active language (the code itself when the register does not know it)."""
    return str(AcceleratorModel(value).label) if value in AcceleratorModel.values else value



def _join(values: Iterable[str]) -> str:
    return str(LIST_SEPARATOR).join(values)


class Renderer:
    """Renders stored facts in the active language. Places and centres already loaded with the rows are used as
    they are; any other place a fact names is read once (one query per missing code)."""

    def __init__(self, places: Mapping[str, Any] | None = None, centres: Mapping[str, Any] | None = None) -> None:
        self._places: dict[str, Any] = dict(places or {})
        self._centres: dict[str, Any] = dict(centres or {})

    @classmethod
    def for_requests(cls, requests: Iterable[Any]) -> Renderer:
        """A renderer that knows the residency regions and placement centres loaded with `requests`."""
        places: dict[str, Any] = {}
        centres: dict[str, Any] = {}
        for request in requests:
            if request.residency_region_id is not None:
                places[request.residency_region.code] = request.residency_region
            placement = getattr(request, "placement", None)  # the reverse one-to-one raises AttributeError if none
            if placement is not None:
                centres[str(placement.pool.centre_id)] = placement.pool.centre
        return cls(places, centres)

    def _place(self, code: Any) -> str:
        if not code:
            return str(UNKNOWN)
        key = str(code).lower()
        if key not in self._places:
            from aiplus.core.models import Jurisdiction

            self._places[key] = Jurisdiction.objects.filter(code=key).first()
        place = self._places[key]
        return place.display_name(translation.get_language() or "zh-hans") if place is not None else str(code)

    def _centre_place(self, centre_id: Any) -> str:
        key = str(centre_id)
        if key not in self._centres:
            from aiplus.compute.models import ComputeCentre

            self._centres[key] = (ComputeCentre.objects.select_related("jurisdiction").filter(pk=key).first()
                                  if key.isdigit() else None)
        centre = self._centres[key]
        if centre is None:
            return key
        self._places.setdefault(centre.jurisdiction.code, centre.jurisdiction)
        return self._place(centre.jurisdiction.code)

    def text(self, facts: Mapping[str, Any] | None, fallback: str = "") -> str:
        """The facts as a sentence in the active language; `fallback` (the stored sentence) when there are no facts
        or they cannot be read."""
        if not facts or not isinstance(facts, Mapping):
            return fallback
        code, params = str(facts.get("code", "")), facts.get("params") or {}
        try:
            if code in PLACEMENT_MESSAGES:
                return self._placement(code, params)
            if code in UNPLACED_MESSAGES:
                return self._unplaced(code, params)
        except (KeyError, TypeError, ValueError, InvalidOperation):
            pass
        return fallback or code  # facts from a newer broker than this renderer, or damaged: show what we have

    def _placement(self, code: str, p: Mapping[str, Any]) -> str:
        weights = p.get("weights") or {}
        shown = [str(WEIGHTS[name]) % {"value": f"{float(weights.get(name, 0)):g}"}
                 for name in ("cost", "carbon", "latency", "wait") if name != "wait" or weights.get("wait")]
        values = {
            "place": self._centre_place(p["centre_id"]), "model": model_label(str(p["accelerator_model"])),
            "card_hours": _num(p["card_hours"]), "price": _money(p["price_cny_per_card_hour"]),
            "cost": _money(p["cost_cny"]), "cheapest": _money(p.get("cheapest_cny")),
            "carbon": _num(p["carbon_kg"], 1), "lowest_carbon": _num(p.get("lowest_carbon_kg"), 1),
            "latency": _num(p["latency_ms"], 1), "lowest_latency": _num(p.get("lowest_latency_ms"), 1),
            "weights": _join(shown), "eligible": int(p.get("eligible_pools", 0)),
        }
        return str(PLACEMENT_MESSAGES[code]) % values

    def _unplaced(self, code: str, p: Mapping[str, Any]) -> str:
        if code == UnplacedCode.NO_MODEL:
            models = _join(model_label(str(m)) for m in p.get("models") or ()) or str(ANY_MODEL)
            return str(UNPLACED_MESSAGES[code]) % {"models": models}
        if code == UnplacedCode.RESIDENCY:
            country = self._place(p.get("home_country"))
            if p.get("region") is None:
                return str(RESIDENCY_BORDER) % {"country": country}
            message = UNPLACED_MESSAGES[code] if p.get("cross_border_allowed") else RESIDENCY_IN_COUNTRY
            return str(message) % {"region": self._place(p["region"]), "country": country}
        if code == UnplacedCode.TOO_LARGE:
            return str(UNPLACED_MESSAGES[code]) % {"cards": int(p["cards"]), "largest": int(p["largest_cards"])}
        if code == UnplacedCode.OVER_BUDGET:
            return str(UNPLACED_MESSAGES[code]) % {"cheapest": _money(p.get("cheapest_paid_cny")),
                                                   "budget": _money(p.get("budget_cny"))}
        if code == UnplacedCode.DEADLINE:
            return str(UNPLACED_MESSAGES[code]) % {"wait": _num(p["shortest_wait_hours"]), "hours": _num(p["hours"]),
                                                   "deadline": _num(p.get("deadline_hours"))}
        if code == UnplacedCode.CAPACITY:
            figures = {"cards": int(p["cards"]), "free": int(p["most_free_cards"])}
            if p.get("during_placement"):
                return str(CAPACITY_DURING_PLACEMENT) % figures
            return str(UNPLACED_MESSAGES[code]) % {**figures, "eligible": int(p["eligible_pools"])}
        if code == UnplacedCode.VOUCHER:
            return str(UNPLACED_MESSAGES[code]) % {"left": _money(p["left_cny"]), "needed": _money(p["needed_cny"])}
        if code == UnplacedCode.UNKNOWN_VOUCHER:
            return str(UNPLACED_MESSAGES[code]) % {"voucher": str(p.get("voucher_pool"))}
        raise KeyError(code)  # a message without a rendering here: the caller falls back to the stored sentence

    def placement(self, placement: Any) -> str:
        return self.text(placement.reason_facts, placement.reason)

    def unplaced(self, request: Any) -> str:
        return self.text(request.unplaced_facts, request.unplaced_message)


def placement_text(placement: Any, language: str | None = None) -> str:
    """A stored placement's reason in `language` (default: the active language)."""
    with translation.override(language or translation.get_language()):
        return Renderer(centres={str(placement.pool.centre_id): placement.pool.centre}).placement(placement)


def unplaced_text(request: Any, language: str | None = None) -> str:
    """Why a stored request was not placed, in `language` (default: the active language); "" when it was."""
    with translation.override(language or translation.get_language()):
        return Renderer.for_requests([request]).unplaced(request)
