"""The scenarios module's rules that come from the regulation packs: which pack governs a jurisdiction, its
parameters, the taxonomy, the responsible department, the workflows of needs and open calls, and score aggregation.

(Named for what it holds, so it is not mistaken for the pure rule engine `aiplus.rules`.) Which packs set a local
scenario process is data: an active pack that sets `scenarios.<pack>.review_working_days` governs its jurisdiction
and, through `extends`, the packs built on it (the GBA on Guangdong)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from aiplus.core.errors import ServiceError
from aiplus.core.workflow import TimerSpec, Transition, Workflow
from aiplus.regulation.runtime import active_packs, parameters
from aiplus.scenarios.models import SCORE_MAX, SCORE_MIN, CallStatus, NeedStatus

SCENARIO_PROCESS_PARAMETER = "scenarios.{pack}.review_working_days"  # a pack that sets it runs its own process
OFFICIAL = frozenset({"official"})
MEMBER = frozenset({"enterprise_member", "provider"})

DEFAULT_RUBRIC: list[dict[str, Any]] = [
    {"code": "technical", "name": "技术方案先进性", "name_en": "Technical merit", "weight": 40},
    {"code": "feasibility", "name": "实施可行性", "name_en": "Feasibility", "weight": 30},
    {"code": "kpi", "name": "验收指标达成能力", "name_en": "Ability to meet the acceptance indicators", "weight": 20},
    {"code": "cost", "name": "成本效益", "name_en": "Cost-effectiveness", "weight": 10},
]

# The workflows' states are the models' status vocabularies: one list of codes and labels.
NEED_STATES = dict(NeedStatus.choices)
CALL_STATES = dict(CallStatus.choices)


def scenario_packs() -> tuple[str, ...]:
    """The active packs that set a local scenario process, in load order (ancestors first)."""
    packs = active_packs()
    return tuple(code for code in packs.packs
                 if SCENARIO_PROCESS_PARAMETER.format(pack=code) in packs.parameters)


_GOVERNING: dict[int, dict[str, str]] = {}  # id of the loaded PackSet → its map (a reload of the packs starts anew)


def _governing_packs() -> dict[str, str]:
    """Jurisdiction code → the scenario pack that governs it: a pack's own, else the first it extends that has one."""
    loaded = active_packs()
    if id(loaded) not in _GOVERNING:
        _GOVERNING.clear()
        _GOVERNING[id(loaded)] = _governing_map(loaded)
    return _GOVERNING[id(loaded)]


def _governing_map(loaded: Any) -> dict[str, str]:
    packs = loaded.packs
    local = {code for code in packs if SCENARIO_PROCESS_PARAMETER.format(pack=code) in loaded.parameters}

    def governing(code: str, depth: int = 0) -> str | None:
        if code in local:
            return code
        for parent in packs[code].extends if code in packs and depth < 8 else ():
            found = governing(parent, depth + 1)
            if found:
                return found
        return None

    return {pack.jurisdiction: found for code, pack in packs.items() if (found := governing(code))}


def pack_of(jurisdiction: Any) -> str:
    """The local pack that governs a jurisdiction: Suzhou below Suzhou, Guangdong below Guangdong or the GBA (read
    from the active packs); the first scenario pack where none does."""
    governing = _governing_packs()
    node = jurisdiction
    seen = 0
    while node is not None and seen < 8:
        if node.code in governing:
            return governing[node.code]
        node = node.parent
        seen += 1
    return scenario_packs()[0]


def param(jurisdiction: Any, module: str, name: str, on: dt.date | None = None) -> Any:
    key = f"{module}.{pack_of(jurisdiction)}.{name}"
    return parameters().value(key, on or dt.date.today())


def param_key(jurisdiction: Any, module: str, name: str) -> str:
    return f"{module}.{pack_of(jurisdiction)}.{name}"


def param_or_default_key(jurisdiction: Any, module: str, name: str) -> str:
    """The jurisdiction's pack parameter when its pack sets one, else the national default `module.name`."""
    key = param_key(jurisdiction, module, name)
    return key if key in parameters() else f"{module}.{name}"


@cache
def _domain_codes() -> tuple[str, ...]:
    return active_packs().taxonomy("scenario_domains").codes()


def domain_choices(language: str = "zh") -> list[tuple[str, str]]:
    tax = active_packs().taxonomy("scenario_domains")
    out = []
    for item in tax.flatten():
        name = item.name_zh if language.startswith("zh") else item.name_en
        out.append((item.code, ("— " if item.parent else "") + name))
    return out


def domain_name(code: str, language: str = "zh") -> str:
    try:
        item = active_packs().taxonomy("scenario_domains").item(code)
    except KeyError:
        return code
    return item.name_zh if language.startswith("zh") else item.name_en


def normalise_domain(code: str) -> str:
    """A scenario_domains code; Guangdong's categories are mapped through their maps_to."""
    code = (code or "").strip()
    if code in _domain_codes():
        return code
    try:
        gd = active_packs().taxonomy("gd_scenario_categories").item(code)
    except KeyError:
        gd = None
    if gd is not None and gd.maps_to:
        return gd.maps_to[0].split(":", 1)[1]
    raise ServiceError("unknown_domain", _("场景领域不在场景领域分类中：%(v)s") % {"v": code or "—"}, "domain")


def top_domain(code: str) -> str:
    return code.split(".")[0]


def responsible_department(jurisdiction: Any) -> str:
    """The pack's lead department, which reviews and publishes scenario lists."""
    pack = pack_of(jurisdiction)
    for department in active_packs().departments():
        if department.pack == pack and department.lead:
            return department.name_zh
    return ""


@cache
def _need_workflow(pack: str) -> Workflow:
    return Workflow(
        name="scenario_need", action_prefix="scenarios.need",
        states=NEED_STATES,
        transitions=[
            Transition("submit", ("draft",), "submitted", _("提交审核"), roles=MEMBER,
                       timer=TimerSpec("review", parameter=f"scenarios.{pack}.review_working_days")),
            Transition("review", ("submitted",), "reviewed", _("审核通过"), roles=OFFICIAL),
            Transition("return", ("submitted",), "draft", _("退回修改"), roles=OFFICIAL),
            Transition("publish", ("reviewed",), "published", _("发布"), roles=OFFICIAL,
                       guard=lambda need: None if need.scenario_list_id else _("须通过场景清单批次发布。")),
            Transition("close", ("published",), "closed", _("关闭"), roles=OFFICIAL),
            Transition("withdraw", ("draft", "submitted", "reviewed", "published"), "withdrawn", _("撤回"),
                       roles=MEMBER | OFFICIAL),
        ],
    )


@cache
def _call_workflow(pack: str) -> Workflow:
    return Workflow(
        name="open_call", action_prefix="scenarios.call",
        states=CALL_STATES,
        transitions=[
            Transition("open", ("draft",), "open", _("发布榜单"), roles=OFFICIAL),
            Transition("close_applications", ("open",), "reviewing", _("截止申报并评审"), roles=OFFICIAL),
            Transition("start_notice", ("reviewing",), "notice", _("公示评审结果"), roles=OFFICIAL,
                       timer=TimerSpec("public_notice", parameter=f"scenarios.{pack}.public_notice_days")),
            Transition("award", ("notice",), "awarded", _("确认揭榜"), roles=OFFICIAL),
        ],
    )


def need_workflow(need: Any) -> Workflow:
    return _need_workflow(pack_of(need.jurisdiction))


def call_workflow(call: Any) -> Workflow:
    return _call_workflow(pack_of(call.jurisdiction))


def weighted_total(rubric: list[dict[str, Any]], criteria: dict[str, Any]) -> tuple[dict[str, str], Decimal]:
    """Validate per-criterion scores (0–100) against the rubric and return them with the weighted total."""
    clean: dict[str, str] = {}
    total = Decimal(0)
    weights = Decimal(0)
    for item in rubric:
        code = item["code"]
        raw = criteria.get(code)
        if raw is None or raw == "":
            raise ServiceError("score_missing", _("缺少评分项“%(n)s”。") % {"n": item["name"]}, f"criteria.{code}")
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            raise ServiceError("score_invalid", _("评分须为数字。"), f"criteria.{code}") from None
        if not value.is_finite() or not SCORE_MIN <= value <= SCORE_MAX:
            raise ServiceError("score_range", _("“%(n)s”的评分须在0到100之间。") % {"n": item["name"]},
                               f"criteria.{code}")
        weight = Decimal(str(item["weight"]))
        clean[code] = str(value)
        total += weight * value
        weights += weight
    unknown = set(criteria) - {item["code"] for item in rubric}
    if unknown:
        raise ServiceError("score_unknown", _("未知评分项：%(c)s") % {"c": ", ".join(sorted(unknown))}, "criteria")
    result = (total / weights).quantize(Decimal("0.001"), ROUND_HALF_UP) if weights else Decimal(0)
    return clean, result


def aggregate(totals: list[Decimal], *, trim: bool, min_reviewers: int) -> tuple[Decimal, dict[str, Any]]:
    """Mean of the reviewers' totals, without the highest and the lowest when there are enough reviewers."""
    values = sorted(totals)
    dropped: list[str] = []
    if trim and len(values) >= min_reviewers and len(values) >= 3:
        dropped = [str(values[0]), str(values[-1])]
        values = values[1:-1]
    mean = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.001"), ROUND_HALF_UP) if values \
        else Decimal(0)
    return mean, {"reviewers": len(totals), "dropped": dropped, "used": [str(v) for v in values],
                  "trimmed": bool(dropped), "min_reviewers_for_trim": min_reviewers}
