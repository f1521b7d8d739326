"""The platform's working definition of an AI one-person company (OPC), checked for one applicant with reasons.

No Suzhou or Guangdong text defines an OPC; the packs' glossary gives the platform's working definition (following
Wuhan's "AI+超级个体", mechanisms.md §13 [V]) and its numbers are local settings (`opc.<pack>.max_headcount`,
`opc.<pack>.min_ai_tools`), so every reason cites 平台设置.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiplus.rules.decision import Decision
from aiplus.rules.parameters import ParameterRegistry

# The core AI tools the definition names (large models, AI coding, agents) and their neighbours: a bounded list.
TOOLS: dict[str, tuple[str, str]] = {
    "foundation_model_api": ("大模型接口", "Large-model API"),
    "private_model": ("私有化部署模型", "Privately deployed model"),
    "ai_coding": ("AI编程", "AI coding"),
    "agents": ("智能体", "Agents"),
    "aigc": ("生成式内容工具", "Generative content tools"),
    "data_tools": ("数据标注与处理工具", "Data labelling and processing tools"),
}
CORE_TOOLS = frozenset({"foundation_model_api", "private_model", "ai_coding", "agents"})


@dataclass(frozen=True, slots=True)
class Applicant:
    headcount: int
    founders: int
    tools: tuple[str, ...]


def check_definition(applicant: Applicant, registry: ParameterRegistry, *, pack: str, on: dt.date) -> Decision:
    """outcome "meets" or "does_not_meet"; data["why_not"] lists each failed test in both languages."""
    decision = Decision(rule=f"opc.{pack}.definition", effective_on=on)
    failed: list[dict[str, str]] = []
    most = int(decision.use_decimal(registry, f"opc.{pack}.max_headcount"))
    headcount_source = registry.version(f"opc.{pack}.max_headcount", on).citation
    if applicant.founders < 1:
        failed.append({"zh": "至少登记一名创办人", "en": "at least one founder is registered"})
        decision.because("failed:founders", "未登记创办人。", "No founder is registered.", headcount_source)
    if applicant.headcount <= most:
        decision.because("met:headcount", f"从业人数 {applicant.headcount} 人，不超过 {most} 人（微型团队）。",
                         f"Headcount {applicant.headcount}, at most {most} (a micro team).", headcount_source)
    else:
        failed.append({"zh": f"从业人数不超过 {most} 人", "en": f"a headcount of at most {most}"})
        decision.because("failed:headcount", f"从业人数 {applicant.headcount} 人，超过 {most} 人。",
                         f"Headcount {applicant.headcount} exceeds {most}.", headcount_source)
    fewest = int(decision.use_decimal(registry, f"opc.{pack}.min_ai_tools"))
    tools_source = registry.version(f"opc.{pack}.min_ai_tools", on).citation
    core = sorted(CORE_TOOLS.intersection(applicant.tools))
    if len(core) >= fewest:
        names_zh = "、".join(TOOLS[t][0] for t in core)
        names_en = ", ".join(TOOLS[t][1] for t in core)
        decision.because("met:tools", f"以{names_zh}为核心工具。", f"Core tools: {names_en}.", tools_source)
    else:
        failed.append({"zh": f"以大模型、AI编程或智能体为核心工具（至少 {fewest} 种）",
                       "en": f"large models, AI coding or agents as core tools (at least {fewest})"})
        decision.because("failed:tools", f"核心AI工具不足 {fewest} 种（大模型、AI编程、智能体）。",
                         f"Fewer than {fewest} core AI tools (large models, AI coding, agents).", tools_source)
    decision.data["why_not"] = failed
    decision.outcome = "does_not_meet" if failed else "meets"
    return decision
