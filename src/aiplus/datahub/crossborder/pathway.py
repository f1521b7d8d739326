"""Rule `crossborder.pathway`: which mechanism a transfer of data abroad needs under CAC Order No. 16.

Implements Suzhou art. 32 and Guangdong arts. 8 and 23 (data factors and cross-border data flows) on top of
the
national 促进和规范数据跨境流动规定 (2024-03-22). Every number comes from the pack parameters `crossborder.*`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiplus.datahub.crossborder.counters import PERIOD_START_KEY, parse_month_day, period_start
from aiplus.datahub.crossborder.deadlines import (
    Deadline,
    WorkingDayCalendar,
    add_months,
    parameter_clock,
    working_days_before,
)
from aiplus.datahub.crossborder.logic import (
    EXEMPT,
    INCOMPLETE,
    OUTSIDE_RULES,
    SECURITY_ASSESSMENT,
    STANDARD_CONTRACT,
    Determination,
    Facts,
    Thresholds,
    claims_in_order,
    determine,
    part_outcomes,
)
from aiplus.datahub.crossborder.schema import (
    BELOW_THRESHOLD,
    Cumulative,
    DataCategory,
    Exemption,
    Milestones,
    Processor,
    Transfer,
    TransferCase,
)
from aiplus.rules import Citation, Decision, ParameterRegistry, rule

ORDER_16 = "促进和规范数据跨境流动规定"
ORDER_16_URL = "https://www.cac.gov.cn/2024-03/22/c_1712776611775634.htm"
PIPL = "中华人民共和国个人信息保护法"


def order16(article: str) -> Citation:
    return Citation(instrument=ORDER_16, article=article, url=ORDER_16_URL)


SUZHOU_32 = Citation(pack="suzhou", article="32")
GUANGDONG_8 = Citation(pack="guangdong", article="8")
GUANGDONG_23 = Citation(pack="guangdong", article="23")

RULE_NAME = "crossborder.pathway"

KEY_PI_CONTRACT = "crossborder.pi_threshold_contract"
KEY_PI_ASSESSMENT = "crossborder.pi_threshold_assessment"
KEY_SENSITIVE_ASSESSMENT = "crossborder.sensitive_pi_threshold_assessment"
KEY_FTZ_LISTS = "crossborder.ftz_negative_lists"
KEY_CONTRACT_FILING = "crossborder.standard_contract_filing_working_days"
KEY_ASSESSMENT_DECISION = "crossborder.assessment_decision_working_days"
KEY_VALIDITY = "crossborder.assessment_validity_months"
KEY_RENEWAL_LEAD = "crossborder.assessment_renewal_lead_working_days"

# Where each unknown fact is asked for, as input field paths.
MISSING_FIELDS: dict[str, tuple[str, ...]] = {
    "important": ("transfer.important_data_designated",),
    "is_ciio": ("processor.is_ciio",),
    "in_ftz": ("processor.in_ftz",),
    "ftz_listed": ("processor.ftz_code",),
    "pi_total": ("cumulative.pi_people", "transfer.pi_people"),
    "sensitive_total": ("cumulative.sensitive_pi_people", "transfer.sensitive_pi_people"),
}

CLAIM_TEXT: dict[Exemption, tuple[str, str, str]] = {
    # claim: (article, zh, en)
    Exemption.TRADE_ACADEMIC_NO_PI: (
        "3",
        "国际贸易、跨境运输、学术合作、跨国生产制造和市场营销等活动中收集和产生的数据",
        "data collected or generated in international trade, transport, academic cooperation, "
        "transnational manufacturing or marketing",
    ),
    Exemption.ABROAD_COLLECTED_RETURNED: (
        "4",
        "境外收集和产生的个人信息传输至境内处理后向境外提供，未引入境内个人信息或者重要数据",
        "PI collected abroad, processed in China and sent back without adding domestic PI or important data",
    ),
    Exemption.CONTRACT_WITH_INDIVIDUAL: (
        "5",
        "为订立、履行个人作为一方当事人的合同所必需（第五条第一项）",
        "necessary to conclude or perform a contract to which the individual is a party (art. 5 item 1)",
    ),
    Exemption.CROSS_BORDER_HR: (
        "5",
        "依法实施跨境人力资源管理所必需（第五条第二项）",
        "necessary for cross-border HR management under lawful labour rules (art. 5 item 2)",
    ),
    Exemption.EMERGENCY: (
        "5",
        "紧急情况下为保护自然人的生命健康和财产安全所必需（第五条第三项）",
        "necessary in an emergency to protect a person's life, health or property (art. 5 item 3)",
    ),
    Exemption.FTZ_NEGATIVE_LIST: (
        "6",
        "自由贸易试验区内数据处理者向境外提供负面清单外的数据",
        "a processor in a free-trade zone sending data that are not on the zone's negative list",
    ),
}


def thresholds_of(decision: Decision, registry: ParameterRegistry) -> Thresholds:
    return Thresholds(
        pi_contract=int(decision.use(registry, KEY_PI_CONTRACT)),
        pi_assessment=int(decision.use(registry, KEY_PI_ASSESSMENT)),
        sensitive_assessment=int(decision.use(registry, KEY_SENSITIVE_ASSESSMENT)),
    )


def thresholds_on(registry: ParameterRegistry, day: dt.date) -> Thresholds:
    return Thresholds(
        pi_contract=int(registry.value(KEY_PI_CONTRACT, day)),
        pi_assessment=int(registry.value(KEY_PI_ASSESSMENT, day)),
        sensitive_assessment=int(registry.value(KEY_SENSITIVE_ASSESSMENT, day)),
    )


@dataclass(frozen=True, slots=True)
class Normalised:
    facts: Facts
    period_start: dt.date
    counter_reset: bool
    cumulative_pi: int | None
    cumulative_sensitive: int | None


def normalise(case: TransferCase, month_day: tuple[int, int], ftz_with_lists: Sequence[str]) -> Normalised:
    """Turn the input into the facts the decision table reads (None where a relevant fact is unknown)."""
    transfer, processor = case.transfer, case.processor
    categories = transfer.categories
    start = period_start(transfer.transfer_on, month_day)
    reset = case.cumulative.year is not None and case.cumulative.year < start.year
    cumulative_pi = 0 if reset else case.cumulative.pi_people
    cumulative_sensitive = 0 if reset else case.cumulative.sensitive_pi_people

    has_pi = DataCategory.PERSONAL in categories or (transfer.pi_people or 0) > 0
    has_sensitive = DataCategory.SENSITIVE_PERSONAL in categories or (transfer.sensitive_pi_people or 0) > 0

    important: bool | None
    if transfer.important_data_designated is not None:
        important = transfer.important_data_designated
    else:
        # Art. 2: data are important only once notified or published; ask only when the processor's own
        # classification flags some of them as (candidate) important data.
        important = None if DataCategory.IMPORTANT in categories else False

    def total(cumulative: int | None, new: int | None, present: bool) -> tuple[int | None, int]:
        if not present:
            return 0, 0
        if cumulative is not None and new is not None:
            return cumulative + new, cumulative + new
        low = (cumulative or 0) + (new if new is not None else 1)
        return None, low

    pi_total, pi_low = total(cumulative_pi, transfer.pi_people, has_pi)
    sensitive_total, sensitive_low = total(cumulative_sensitive, transfer.sensitive_pi_people, has_sensitive)

    claims = claims_in_order(case.exemptions_claimed)
    ftz_claimed = Exemption.FTZ_NEGATIVE_LIST in claims
    in_ftz: bool | None = processor.in_ftz if ftz_claimed else False
    ftz_listed: bool | None = False
    if ftz_claimed:
        ftz_listed = (
            None if processor.ftz_code is None else processor.ftz_code.strip().lower() in ftz_with_lists
        )

    facts = Facts(
        cross_border=transfer.country_or_region != "CN",
        has_pi=has_pi,
        has_sensitive=has_sensitive,
        important=important,
        is_ciio=processor.is_ciio,
        in_ftz=in_ftz,
        ftz_listed=ftz_listed,
        pi_total=pi_total,
        sensitive_total=sensitive_total,
        pi_low=pi_low,
        sensitive_low=sensitive_low,
        claims=claims,
    )
    return Normalised(facts, start, reset, cumulative_pi, cumulative_sensitive)


def _people(n: int) -> str:
    return f"{n:,}"


def assess_transfer(
    registry: ParameterRegistry, case: TransferCase, calendar: WorkingDayCalendar | None = None
) -> Decision:
    """The pathway for one validated transfer case."""
    transfer = case.transfer
    decision = Decision(rule=RULE_NAME, effective_on=transfer.transfer_on)
    decision.data.update(
        recipient=transfer.recipient, country_or_region=transfer.country_or_region, purpose=transfer.purpose
    )
    if case.processor.jurisdiction:
        decision.data["processor_jurisdiction"] = case.processor.jurisdiction

    if transfer.country_or_region == "CN":
        decision.outcome = OUTSIDE_RULES
        decision.data.update(pathway=OUTSIDE_RULES, exemption=None, deadlines=[])
        decision.because(
            "not_cross_border",
            "接收方位于中国境内（内地），不属于向境外提供数据，无需数据出境安全评估、标准合同或认证。",
            "The recipient is in the Chinese mainland: this is not a transfer abroad, so no security "
            "assessment, standard contract or certification is needed.",
            Citation(instrument=PIPL, article="38"),
        )
        return decision

    month_day = parse_month_day(decision.use(registry, PERIOD_START_KEY))
    thresholds = thresholds_of(decision, registry)
    ftz_lists: list[str] = []
    if Exemption.FTZ_NEGATIVE_LIST in case.exemptions_claimed:
        ftz_lists = [str(code).lower() for code in decision.use(registry, KEY_FTZ_LISTS)]
    norm = normalise(case, month_day, ftz_lists)
    facts = norm.facts
    result = determine(facts, thresholds)

    counts: dict[str, Any] = {
        "period_start": norm.period_start.isoformat(),
        "counter_reset": norm.counter_reset,
    }
    if facts.has_pi:
        counts["pi_people_total"] = facts.pi_total
    if facts.has_sensitive:
        counts["sensitive_pi_people_total"] = facts.sensitive_total
    decision.data["counts"] = counts
    decision.data["claims"] = [
        {
            "exemption": claim.value,
            "accepted": result.verdict in ((EXEMPT, claim.value), (OUTSIDE_RULES, claim.value)),
        }
        for claim in facts.claims
    ]
    if norm.counter_reset:
        decision.because(
            "counter_reset",
            f"累计人数自每年1月1日起重新计算：{case.cumulative.year} 年的累计数不计入 "
            f"{norm.period_start.year} 年。",
            f"Cumulative numbers restart on 1 January: the {case.cumulative.year} totals do not count in "
            f"{norm.period_start.year}.",
            registry.version(PERIOD_START_KEY, decision.effective_on).citation,
        )

    _explain(decision, registry, case, facts, thresholds, result, norm.counter_reset)
    deadlines = _deadlines(decision, registry, case.milestones, calendar) if result.verdict else []
    decision.data["deadlines"] = [deadline.as_dict() for deadline in deadlines]
    return decision


def _explain(
    decision: Decision,
    registry: ParameterRegistry,
    case: TransferCase,
    facts: Facts,
    thresholds: Thresholds,
    result: Determination,
    reset: bool,
) -> None:
    verdict = result.verdict
    transfer = case.transfer
    if transfer.important_data_designated is False and DataCategory.IMPORTANT in transfer.categories:
        decision.because(
            "important_not_designated",
            "分类分级中标记为重要数据的数据未被有关部门、地区告知或公开发布为重要数据，不作为重要数据申报。",
            "Data the processor's classification flags as important have not been notified or published as "
            "important data by the authorities, so they are not treated as important data.",
            order16("2"),
        )

    if verdict is None:
        decision.outcome = INCOMPLETE
        missing: list[str] = []
        for dimension in result.missing_dimensions:
            for path in MISSING_FIELDS[dimension]:
                if _unknown(case, path, reset) and path not in missing:
                    missing.append(path)
        decision.missing = missing
        outcomes = sorted({outcome for outcome, _ in result.possible}, key=_outcome_rank)
        decision.data.update(pathway=INCOMPLETE, exemption=None, possible_outcomes=outcomes)
        _rejected_claims(decision, facts)
        decision.because(
            "facts_missing",
            f"尚缺以下事实，不同取值将导致不同路径（{'、'.join(outcomes)}）：{'、'.join(missing)}。",
            "These facts are still needed; their values lead to different pathways "
            f"({', '.join(outcomes)}): {', '.join(missing)}.",
            order16("7"),
        )
        return

    outcome, exemption = verdict
    decision.outcome = outcome
    decision.data.update(pathway=outcome, exemption=exemption)

    if outcome == OUTSIDE_RULES:
        decision.because(
            "no_pi_no_important_data",
            "出境数据不包含个人信息，也不属于重要数据，免予申报安全评估、订立标准合同或通过认证。",
            "The data contain no personal information and no important data: no security assessment, "
            "standard contract or certification is needed.",
            order16("3"),
        )
        return

    if outcome == EXEMPT and exemption is not None and exemption != BELOW_THRESHOLD:
        claim = Exemption(exemption)
        _rejected_claims(decision, facts, before=claim)
        article, zh, en = CLAIM_TEXT[claim]
        decision.because(
            f"exemption_{claim.value}",
            f"属于{zh}的情形，免予申报数据出境安全评估、订立个人信息出境标准合同、"
            "通过个人信息保护认证（第七条、第八条第二款：从其规定）。",
            f"Exempt: {en}. No security assessment, standard contract or certification is needed (arts. 7 "
            "and 8, para. 2: the exemption prevails).",
            order16(article),
        )
        return

    _rejected_claims(decision, facts)
    if outcome == SECURITY_ASSESSMENT:
        _assessment_triggers(decision, registry, facts, thresholds)
        return
    # Standard contract or the art. 5 item 4 exemption: a non-CIIO weighed on its cumulative numbers.
    decision.because(
        "not_ciio",
        "数据处理者不是关键信息基础设施运营者，按自当年1月1日起累计出境人数确定路径。",
        "The processor is not a critical information infrastructure operator: the pathway follows the "
        "people sent abroad since 1 January.",
        order16("8" if outcome == STANDARD_CONTRACT else "5"),
    )
    pi_part, sensitive_part = part_outcomes(facts, thresholds)
    if pi_part == STANDARD_CONTRACT:
        _because_parameter(
            decision,
            registry,
            "pi_volume_contract",
            KEY_PI_CONTRACT,
            f"累计向境外提供个人信息（不含敏感个人信息）{_people(facts.pi_total or 0)} 人，达到 "
            f"{_people(thresholds.pi_contract)} 人、不满 {_people(thresholds.pi_assessment)} 人，"
            "应当订立个人信息出境标准合同或者通过个人信息保护认证。",
            f"PI (excluding sensitive PI) of {_people(facts.pi_total or 0)} people sent abroad this year: "
            f"at least {_people(thresholds.pi_contract)} but fewer than "
            f"{_people(thresholds.pi_assessment)}, so a standard contract or certification is required.",
        )
    elif pi_part == EXEMPT:
        decision.because(
            "pi_volume_below",
            f"累计向境外提供个人信息（不含敏感个人信息）{_people(facts.pi_total or 0)} 人，不满 "
            f"{_people(thresholds.pi_contract)} 人，该部分免予申报安全评估、"
            "订立标准合同或认证（第五条第四项）。",
            f"PI (excluding sensitive PI) of {_people(facts.pi_total or 0)} people sent abroad this year, "
            f"fewer than {_people(thresholds.pi_contract)}: exempt for this part (art. 5 item 4).",
            order16("5"),
        )
    if sensitive_part == STANDARD_CONTRACT:
        _because_parameter(
            decision,
            registry,
            "sensitive_volume_contract",
            KEY_SENSITIVE_ASSESSMENT,
            f"累计向境外提供敏感个人信息 {_people(facts.sensitive_total or 0)} 人，不满 "
            f"{_people(thresholds.sensitive_assessment)} 人，应当订立标准合同或者通过认证（第八条）。",
            f"Sensitive PI of {_people(facts.sensitive_total or 0)} people sent abroad this year, fewer "
            f"than {_people(thresholds.sensitive_assessment)}: a standard contract or certification is "
            "required (art. 8).",
            citation=order16("8"),
        )
    if outcome == STANDARD_CONTRACT:
        decision.because(
            "standard_contract_or_certification",
            "结论：与境外接收方订立个人信息出境标准合同（并备案），或者通过个人信息保护认证。",
            "Result: sign the personal-information standard contract with the recipient (and file it), or "
            "obtain personal-information protection certification.",
            order16("8"),
        )


def _assessment_triggers(
    decision: Decision, registry: ParameterRegistry, facts: Facts, thresholds: Thresholds
) -> None:
    if facts.important:
        decision.because(
            "important_data",
            "出境数据包含已被告知或公开发布的重要数据，应当通过所在地省级网信部门申报数据出境安全评估。",
            "The data include important data that has been notified or published as such: a security "
            "assessment must be filed through the provincial cyberspace office.",
            order16("7"),
        )
    if facts.is_ciio and facts.any_pi:
        decision.because(
            "ciio_personal_information",
            "关键信息基础设施运营者向境外提供个人信息，应当申报数据出境安全评估。",
            "A critical information infrastructure operator sending personal information abroad must file "
            "for a security assessment.",
            order16("7"),
        )
    either_way = "" if facts.is_ciio is not None else "（无论是否为关键信息基础设施运营者）"
    either_way_en = "" if facts.is_ciio is not None else " (whether or not the processor is a CIIO)"
    # An unknown total still triggers when its lower bound (the numbers known so far) reaches the threshold.
    pi_count = facts.pi_total if facts.pi_total is not None else facts.pi_low
    at_least = ("", "") if facts.pi_total is not None else ("至少", "at least ")
    if facts.has_pi and pi_count >= thresholds.pi_assessment:
        _because_parameter(
            decision,
            registry,
            "pi_volume_assessment",
            KEY_PI_ASSESSMENT,
            f"自当年1月1日起累计向境外提供个人信息（不含敏感个人信息）{at_least[0]}{_people(pi_count)} 人，"
            f"达到 {_people(thresholds.pi_assessment)} 人以上，应当申报数据出境安全评估{either_way}。",
            f"PI (excluding sensitive PI) of {at_least[1]}{_people(pi_count)} people sent abroad since 1 "
            f"January: {_people(thresholds.pi_assessment)} or more, so a security assessment is "
            f"required{either_way_en}.",
        )
    sensitive_count = facts.sensitive_total if facts.sensitive_total is not None else facts.sensitive_low
    at_least = ("", "") if facts.sensitive_total is not None else ("至少", "at least ")
    if facts.has_sensitive and sensitive_count >= thresholds.sensitive_assessment:
        _because_parameter(
            decision,
            registry,
            "sensitive_volume_assessment",
            KEY_SENSITIVE_ASSESSMENT,
            f"自当年1月1日起累计向境外提供敏感个人信息 {at_least[0]}{_people(sensitive_count)} 人，达到 "
            f"{_people(thresholds.sensitive_assessment)} 人以上，应当申报数据出境安全评估{either_way}。",
            f"Sensitive PI of {at_least[1]}{_people(sensitive_count)} people sent abroad since 1 January: "
            f"{_people(thresholds.sensitive_assessment)} or more, so a security assessment is "
            f"required{either_way_en}.",
        )
    if not decision.reasons or decision.reasons[-1].code == "counter_reset":  # pragma: no cover - defensive
        decision.because(
            "security_assessment",
            "结论：应当申报数据出境安全评估。",
            "Result: a security assessment must be filed.",
            order16("7"),
        )


def _because_parameter(
    decision: Decision,
    registry: ParameterRegistry,
    code: str,
    key: str,
    zh: str,
    en: str,
    citation: Citation | None = None,
) -> None:
    version = registry.version(key, decision.effective_on)
    decision.because(code, zh, en, citation or version.citation)


def _rejected_claims(decision: Decision, facts: Facts, before: Exemption | None = None) -> None:
    """A reason for each claimed exemption that known facts already defeat (claims after `before` are
    moot)."""
    for claim in facts.claims:
        if claim is before:
            return
        why = _why_claim_fails(claim, facts)
        if why is None:
            continue
        article, zh_name, en_name = CLAIM_TEXT[claim]
        zh, en = why
        decision.because(
            f"claim_rejected_{claim.value}",
            f"所主张的豁免（{zh_name}）不适用：{zh}",
            f"The claimed exemption ({en_name}) does not apply: {en}",
            order16(article),
        )


def _why_claim_fails(claim: Exemption, facts: Facts) -> tuple[str, str] | None:
    if claim is Exemption.TRADE_ACADEMIC_NO_PI and facts.any_pi:
        return "出境数据包含个人信息。", "the data include personal information."
    if claim in (Exemption.TRADE_ACADEMIC_NO_PI, Exemption.ABROAD_COLLECTED_RETURNED) and facts.important:
        return "出境数据包含重要数据。", "the data include important data."
    if claim in (Exemption.CONTRACT_WITH_INDIVIDUAL, Exemption.CROSS_BORDER_HR, Exemption.EMERGENCY):
        if facts.important:
            return (
                "第五条所称向境外提供的个人信息不包括重要数据，重要数据部分仍须申报安全评估。",
                "art. 5 does not cover important data (art. 5 para. 2); the important data still need a "
                "security assessment.",
            )
        if not facts.any_pi:
            return "出境数据不包含个人信息。", "the data contain no personal information."
    if claim is Exemption.FTZ_NEGATIVE_LIST:
        if facts.in_ftz is False:
            return "数据处理者不在自由贸易试验区内。", "the processor is not in a free-trade zone."
        if facts.ftz_listed is False:
            return (
                "该自由贸易试验区尚无经登记的数据出境负面清单（本地设置，须运营方确认）。",
                "no negative list is on record for this free-trade zone (a local setting the operator must "
                "confirm).",
            )
    return None


def _unknown(case: TransferCase, path: str, reset: bool) -> bool:
    section, field = path.split(".")
    if section == "cumulative" and reset:
        return False  # last year's numbers: the counter restarted on 1 January
    return getattr(getattr(case, section), field) is None


def _outcome_rank(outcome: str) -> int:
    return (OUTSIDE_RULES, EXEMPT, STANDARD_CONTRACT, SECURITY_ASSESSMENT).index(outcome)


def _deadlines(
    decision: Decision,
    registry: ParameterRegistry,
    milestones: Milestones,
    calendar: WorkingDayCalendar | None,
) -> list[Deadline]:
    found: list[Deadline] = []
    if decision.outcome == STANDARD_CONTRACT:
        found.append(
            parameter_clock(
                decision,
                registry,
                KEY_CONTRACT_FILING,
                kind="standard_contract_filing",
                starts_with="contract_effective",
                start_on=milestones.contract_effective_on,
                calendar=calendar,
                text_zh="标准合同生效之日起 {days} "
                "个工作日内向所在地省级网信部门备案（附个人信息保护影响评估报告）；"
                "选择认证的无此备案期限。",
                text_en="File the standard contract with the provincial cyberspace office within {days} "
                "working days of it taking effect, with the impact assessment; certification has "
                "no filing clock.",
            )
        )
    elif decision.outcome == SECURITY_ASSESSMENT:
        found.append(
            parameter_clock(
                decision,
                registry,
                KEY_ASSESSMENT_DECISION,
                kind="security_assessment_decision",
                starts_with="assessment_accepted",
                start_on=milestones.assessment_accepted_on,
                calendar=calendar,
                extendable=True,
                text_zh="国家网信部门自书面受理通知之日起 {days} 个工作日内完成评估，情况复杂的可延长。",
                text_en="The national cyberspace administration decides within {days} working days of the "
                "written acceptance notice; extendable for complex cases.",
            )
        )
        months = int(decision.use(registry, KEY_VALIDITY))
        issued = milestones.assessment_issued_on
        expires = add_months(issued, months) if issued is not None else None
        found.append(
            Deadline(
                kind="security_assessment_validity",
                months=months,
                parameter=KEY_VALIDITY,
                citation=registry.version(KEY_VALIDITY, decision.effective_on).citation,
                starts_with="assessment_issued",
                start_on=issued,
                due_on=expires,
                text_zh=f"评估结果自出具之日起有效 {months} 个月。",
                text_en=f"The result is valid for {months} months from the day it is issued.",
            )
        )
        lead = int(decision.use(registry, KEY_RENEWAL_LEAD))
        reminder = working_days_before(expires, lead, calendar) if expires and calendar else None
        found.append(
            Deadline(
                kind="security_assessment_renewal_reminder",
                working_days=lead,
                parameter=KEY_RENEWAL_LEAD,
                citation=registry.version(KEY_RENEWAL_LEAD, decision.effective_on).citation,
                starts_with="assessment_issued",
                start_on=issued,
                due_on=reminder,
                before_kind="security_assessment_validity",
                text_zh=f"有效期届满前 {lead} 个工作日起可申请延长（本地设置，须确认）。",
                text_en=f"An extension may be requested from {lead} working days before expiry (a local "
                "setting to confirm).",
            )
        )
    return found


def _model(value: Any, model: type[Any]) -> Any:
    if value is None or isinstance(value, model):
        return value
    return model.model_validate(value)


@rule(
    RULE_NAME,
    citations=(order16("7"), order16("8"), order16("5"), SUZHOU_32, GUANGDONG_8, GUANGDONG_23),
    summary="Cross-border transfer pathway (Order No. 16): outside the rules, exempt, standard contract or "
    "certification, or security assessment, with the facts still missing and the legal clocks.",
    summary_zh="数据出境路径判定（网信办令第16号）：不属于监管范围、免予申报、标准合同或认证、安全评估，"
    "并列出尚缺的事实和法定时限。",
)
def crossborder_pathway(
    registry: ParameterRegistry,
    *,
    transfer: Transfer | Mapping[str, Any],
    processor: Processor | Mapping[str, Any] | None = None,
    cumulative: Cumulative | Mapping[str, Any] | None = None,
    exemptions_claimed: Sequence[str] = (),
    milestones: Milestones | Mapping[str, Any] | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Decision:
    """The pathway a transfer abroad needs under CAC Order No. 16 (keyword form of `assess_transfer`)."""
    raw: dict[str, Any] = {
        "transfer": _model(transfer, Transfer),
        "exemptions_claimed": list(exemptions_claimed),
    }
    for name, value, model in (
        ("processor", processor, Processor),
        ("cumulative", cumulative, Cumulative),
        ("milestones", milestones, Milestones),
    ):
        if value is not None:
            raw[name] = _model(value, model)
    return assess_transfer(registry, TransferCase.model_validate(raw), calendar)
