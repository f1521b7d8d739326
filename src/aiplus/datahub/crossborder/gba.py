"""Rule `crossborder.gba_standard_contract`: may two parties use the GBA personal-information standard
contract?

Guangdong art. 23 (cross-border data flows) builds on the 粤港澳大湾区个人信息跨境流动标准合同 (mechanisms.md
§9):
- the processor and the recipient are registered (organisations) or located (individuals) in one of the nine
  mainland GBA cities on one side and in Hong Kong, or, under the Macao guideline (2024-09-10), Macao on the
  other;
  flows in both directions; each contract pairs the mainland with Hong Kong or with Macao, never HK with
  Macao;
- personal information only, excluding PI notified or published as important data;
- voluntary; filed within 10 working days of the contract taking effect, with the documents listed in the
  pack.
Cities, partner regions, documents and periods are pack parameters `crossborder.gba.*`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from aiplus.datahub.crossborder.deadlines import WorkingDayCalendar, parameter_clock
from aiplus.datahub.crossborder.pathway import GUANGDONG_23
from aiplus.datahub.crossborder.schema import DataCategory, GbaContractCase, GbaParty
from aiplus.rules import Citation, Decision, ParameterError, ParameterRegistry, rule

RULE_NAME = "crossborder.gba_standard_contract"
GUIDELINE_HK = "粤港澳大湾区（内地、香港）个人信息跨境流动标准合同实施指引"
GUIDELINE_MO = "粤港澳大湾区（内地、澳门）个人信息跨境流动标准合同实施指引"

KEY_CITIES = "crossborder.gba.mainland_cities"
KEY_DIVISIONS = "crossborder.gba.mainland_city_division_codes"
KEY_PARTNERS = "crossborder.gba.partner_regions"
KEY_FILING = "crossborder.gba.filing_working_days"
KEY_DOCUMENTS = "crossborder.gba.required_documents"
KEY_PIA = "crossborder.gba.pia_expected"
KEY_NO_THRESHOLDS = "crossborder.gba.volume_thresholds_apply"
KEY_BODIES = "crossborder.gba.filing_bodies"

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
INCOMPLETE = "incomplete"

MAINLAND_GBA = "mainland_gba"
MAINLAND_OTHER = "mainland_other"
ABROAD = "abroad"
HK = "HK"
MO = "MO"

SIDE_TEXT = {
    MAINLAND_GBA: ("大湾区内地九市", "one of the nine mainland GBA cities"),
    MAINLAND_OTHER: ("大湾区九市以外的内地地区", "the mainland outside the nine GBA cities"),
    ABROAD: ("港澳以外的境外", "outside China, Hong Kong and Macao"),
    HK: ("香港", "Hong Kong"),
    MO: ("澳门", "Macao"),
}
ROLE_TEXT = {"processor": ("个人信息处理者", "processor"), "recipient": ("接收方", "recipient")}
DOCUMENT_TEXT = {
    "legal_representative_id_copy": ("法定代表人身份证件复印件", "copy of the legal representative's ID"),
    "undertaking": ("承诺书", "undertaking (承诺书)"),
    "signed_contract": ("已签署的标准合同", "the signed standard contract"),
    "pia": ("个人信息保护影响评估报告", "personal-information protection impact assessment"),
}


def resolve_location(location: str | None, cities: Sequence[str], divisions: Sequence[str]) -> str | None:
    """Which side of the GBA a location code is on (None when unknown)."""
    if location is None or not location.strip():
        return None
    text = location.strip()
    lowered = text.lower().replace(" ", "").replace("_", "-")
    if lowered in {"hk", "hongkong", "hong-kong", "810000"} or text == "香港":
        return HK
    if lowered in {"mo", "macao", "macau", "820000"} or text == "澳门":
        return MO
    if text.isdigit() and len(text) == 6:
        if any(text[:4] == code[:4] for code in divisions):
            return MAINLAND_GBA
        return HK if text.startswith("81") else MO if text.startswith("82") else MAINLAND_OTHER
    if any(lowered == city or lowered.startswith(city + "-") for city in cities):
        return MAINLAND_GBA
    if len(text) == 2 and text.isalpha() and text.isupper():  # an ISO country code other than HK/MO
        return MAINLAND_OTHER if text == "CN" else ABROAD
    return MAINLAND_OTHER  # another jurisdiction code of the platform (e.g. suzhou, shaoguan)


def _ended(decision: Decision, outcome: str, eligible: bool | None,
           reasons: Sequence[tuple[str, str, str, Citation]]) -> Decision:
    """The decision ends before any contract clock: its outcome, whether the case is eligible (None: not known
    yet), and why."""
    decision.outcome = outcome
    decision.data.update(eligible=eligible, deadlines=[])
    for code, zh, en, citation in reasons:
        decision.because(code, zh, en, citation)
    return decision


def assess_gba_contract(
    registry: ParameterRegistry, case: GbaContractCase, calendar: WorkingDayCalendar | None = None
) -> Decision:
    decision = Decision(rule=RULE_NAME, effective_on=case.effective_on)
    decision.data.update(processor=case.processor.name, recipient=case.recipient.name)
    try:
        partners = [str(code).upper() for code in decision.use(registry, KEY_PARTNERS)]
    except ParameterError:
        history = registry.history(KEY_PARTNERS)
        citation = history[0].citation if history else Citation(instrument=GUIDELINE_HK)
        return _ended(decision, INELIGIBLE, False, [(
            "not_in_force",
            f"{case.effective_on.isoformat()} 大湾区个人信息跨境流动标准合同尚未施行。",
            f"No GBA personal-information standard contract was in force on {case.effective_on.isoformat()}.",
            citation,
        )])
    partners_citation = registry.version(KEY_PARTNERS, case.effective_on).citation
    cities = [str(code).lower() for code in decision.use(registry, KEY_CITIES)]
    divisions = [str(code) for code in decision.use(registry, KEY_DIVISIONS)]
    cities_citation = registry.version(KEY_CITIES, case.effective_on).citation

    problems: list[tuple[str, str, str, Citation]] = []
    missing: list[str] = []
    sides: dict[str, str] = {}
    for role, party in (("processor", case.processor), ("recipient", case.recipient)):
        side = resolve_location(party.location, cities, divisions)
        if side is None:
            missing.append(f"{role}.location")
            continue
        sides[role] = side
        if side in (MAINLAND_OTHER, ABROAD) or (side in (HK, MO) and side not in partners):
            role_zh, role_en = ROLE_TEXT[role]
            where_zh, where_en = SIDE_TEXT[side]
            basis = _basis(party)
            problems.append(
                (
                    f"{role}_outside_gba",
                    f"{role_zh}“{party.name}”{basis[0]}于{where_zh}（{party.location}），"
                    f"不在大湾区标准合同适用范围内（内地九市与{'、'.join(SIDE_TEXT[p][0] for p in partners)}"
                    "）。",
                    f"The {role_en} '{party.name}' is {basis[1]} {where_en} ({party.location}), outside the "
                    "scope of the GBA standard contract (the nine mainland cities and "
                    f"{' or '.join(SIDE_TEXT[p][1] for p in partners)}).",
                    partners_citation if side in (HK, MO) else cities_citation,
                )
            )
    if len(sides) == 2 and not problems:
        pair = {sides["processor"], sides["recipient"]}
        if pair == {MAINLAND_GBA}:
            problems.append(
                (
                    "same_side",
                    "双方均在内地，不构成跨境（跨关境）流动。",
                    "Both parties are in the mainland: there is no cross-boundary flow.",
                    cities_citation,
                )
            )
        elif MAINLAND_GBA not in pair:
            problems.append(
                (
                    "no_mainland_party",
                    "一方须在大湾区内地九市；香港与澳门之间的流动不在此标准合同范围内。",
                    "One party must be in the nine mainland GBA cities; flows between Hong Kong and Macao "
                    "are not covered by this contract.",
                    partners_citation,
                )
            )

    categories = set(case.data_categories)
    if not categories & {DataCategory.PERSONAL, DataCategory.SENSITIVE_PERSONAL}:
        problems.append(
            (
                "no_personal_information",
                "大湾区标准合同适用于个人信息跨境流动，本次数据不含个人信息。",
                "The GBA standard contract covers personal information; these data contain none.",
                cities_citation,
            )
        )
    if case.important_data_designated:
        problems.append(
            (
                "important_data",
                "已被告知或公开发布为重要数据的个人信息不适用大湾区标准合同，须按国家规定申报安全评估。",
                "Personal information notified or published as important data is excluded from the GBA "
                "standard contract; it needs a national security assessment.",
                cities_citation,
            )
        )
    elif case.important_data_designated is None and DataCategory.IMPORTANT in categories:
        missing.append("important_data_designated")

    if problems:
        return _ended(decision, INELIGIBLE, False, problems)
    if missing:
        decision.missing = missing
        return _ended(decision, INCOMPLETE, None, [(
            "facts_missing",
            f"尚缺以下事实：{'、'.join(missing)}。",
            f"These facts are still needed: {', '.join(missing)}.",
            cities_citation,
        )])

    processor_side, recipient_side = sides["processor"], sides["recipient"]
    partner = recipient_side if processor_side == MAINLAND_GBA else processor_side
    guideline = GUIDELINE_HK if partner == HK else GUIDELINE_MO
    decision.outcome = ELIGIBLE
    direction = f"{_short(processor_side)}_to_{_short(recipient_side)}"
    decision.because(
        "parties_in_gba",
        f"双方分别位于{SIDE_TEXT[processor_side][0]}与{SIDE_TEXT[recipient_side][0]}，"
        "属于大湾区标准合同适用范围（可自愿选用）。",
        f"The parties are in {SIDE_TEXT[processor_side][1]} and {SIDE_TEXT[recipient_side][1]}: within the "
        "GBA standard contract's scope (its use is voluntary).",
        partners_citation if partner == MO else cities_citation,
    )
    decision.because(
        "no_important_data",
        "所涉个人信息未被告知或公开发布为重要数据。",
        "The personal information has not been notified or published as important data.",
        cities_citation,
    )
    if not decision.use(registry, KEY_NO_THRESHOLDS):
        decision.because(
            "no_volume_thresholds",
            "大湾区标准合同不设出境人数门槛（本地设置，须运营方确认）。",
            "The GBA standard contract applies no volume thresholds (a local setting the operator must "
            "confirm).",
            registry.version(KEY_NO_THRESHOLDS, case.effective_on).citation,
        )

    documents = [str(code) for code in decision.use(registry, KEY_DOCUMENTS)]
    if decision.use(registry, KEY_PIA):
        documents.append("pia")
    provided = set(case.documents_provided)
    bodies = {str(item["side"]): str(item["body"]) for item in decision.use(registry, KEY_BODIES)}
    filing_side = "mainland" if processor_side == MAINLAND_GBA else processor_side
    filing = parameter_clock(
        decision,
        registry,
        KEY_FILING,
        kind="gba_standard_contract_filing",
        starts_with="contract_effective",
        start_on=case.contract_effective_on,
        calendar=calendar,
        text_zh="标准合同生效之日起 {days} 个工作日内备案。",
        text_en="File within {days} working days of the contract taking effect.",
    )
    decision.because("filing", filing.text_zh, filing.text_en, filing.citation)
    decision.data.update(
        eligible=True,
        instrument=guideline,
        direction=direction,
        filing_body=bodies.get(filing_side),
        required_documents=[
            {
                "code": code,
                "title_zh": DOCUMENT_TEXT.get(code, (code, code))[0],
                "title_en": DOCUMENT_TEXT.get(code, (code, code))[1],
                "provided": code in provided,
            }
            for code in documents
        ],
        documents_outstanding=[code for code in documents if code not in provided],
        deadlines=[filing.as_dict()],
    )
    return decision


def _short(side: str) -> str:
    return {MAINLAND_GBA: "mainland", HK: "hk", MO: "mo"}[side]


def _basis(party: GbaParty) -> tuple[str, str]:
    if party.kind.value == "individual":
        return "位", "located in"
    return "注册", "registered in"


@rule(
    RULE_NAME,
    citations=(GUANGDONG_23, Citation(instrument=GUIDELINE_HK), Citation(instrument=GUIDELINE_MO)),
    summary="Eligibility for the GBA personal-information standard contract, its documents and filing clock.",
    summary_zh="粤港澳大湾区个人信息跨境流动标准合同的适用条件、所需材料和备案时限。",
)
def gba_standard_contract(
    registry: ParameterRegistry,
    *,
    processor: GbaParty | Mapping[str, Any],
    recipient: GbaParty | Mapping[str, Any],
    data_categories: Sequence[str],
    effective_on: dt.date,
    important_data_designated: bool | None = None,
    contract_effective_on: dt.date | None = None,
    documents_provided: Sequence[str] = (),
    calendar: WorkingDayCalendar | None = None,
) -> Decision:
    """Keyword form of `assess_gba_contract`."""
    case = GbaContractCase.model_validate(
        {
            "processor": processor,
            "recipient": recipient,
            "data_categories": list(data_categories),
            "effective_on": effective_on,
            "important_data_designated": important_data_designated,
            "contract_effective_on": contract_effective_on,
            "documents_provided": list(documents_provided),
        }
    )
    return assess_gba_contract(registry, case, calendar)
