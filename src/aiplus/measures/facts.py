"""What the registers say about an organisation, as the facts programmes and cultivation tiers read.

Only verified records count (an official other than the submitter checked the evidence); a financing request
counts once the firm records the financing it obtained. The support app's programme engine gathers these facts
through its fact providers (`aiplus.support.programmes.register_fact_provider`, called in `apps.py`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from aiplus.measures.models import FinancingRequest, Indicators, Record, RecordStatus, RequestStatus, Role

FACT_LABELS: dict[str, Any] = {
    "talent_award_count": _("经核验的人才计划入选数"),
    "has_granted_invention_patent": _("经核验的已授权发明专利"),
    "invention_patent_count": _("经核验的已授权发明专利数"),
    "ip_record_count": _("经核验的专利和软件著作权数"),
    "standards_led_count": _("经核验的主导制定标准数"),
    "standards_joined_count": _("经核验的参与制定标准数"),
    "has_bank_financing": _("已登记获得的银行贷款"),
    "output_cny": _("年产值或营业收入"),
    "revenue_growth_pct": _("营业收入增长率"),
    "valuation_cny": _("最近一轮估值"),
}


def facts_for(organisation: Any) -> dict[str, Any]:
    """The facts of one organisation from the verified records, its financing and its recorded figures (a fact
    with no record behind it is left out, so a programme asks for it rather than assuming zero)."""
    return facts_in_bulk([organisation.pk])[organisation.pk]


SHORT_LIST = 500  # ids sent to the database up to this many; beyond, the rows are read whole and kept here


def facts_in_bulk(organisation_ids: list[int]) -> dict[int, dict[str, Any]]:
    """`facts_for` of many organisations in three queries (the policy simulation asks for the whole register). A long
    list of ids is not sent to the database (which may refuse that many parameters): the rows are read whole and
    kept by organisation here."""
    wanted = set(organisation_ids)
    few = {"organisation_id__in": organisation_ids} if len(organisation_ids) <= SHORT_LIST else {}
    counts: dict[int, dict[tuple[str, str, str], int]] = defaultdict(dict)
    for row in (Record.objects.filter(status=RecordStatus.VERIFIED, **few)
                .values("organisation_id", "registry", "category", "role").annotate(n=Count("pk")).order_by()):
        if row["organisation_id"] in wanted:
            counts[row["organisation_id"]][(row["registry"], row["category"], row["role"])] = row["n"]
    financed = set(FinancingRequest.objects.filter(status=RequestStatus.FINANCED, secured_offer__kind="bank_loan",
                                                   **few).values_list("organisation_id", flat=True))
    figures = {row.organisation_id: row for row in Indicators.objects.filter(**few).order_by("-pk")}
    return {pk: _facts(counts.get(pk, {}), pk in financed, figures.get(pk)) for pk in organisation_ids}


def _facts(counts: dict[tuple[str, str, str], int], financed: bool, figures: Any) -> dict[str, Any]:
    def total(registry: str, category: str | None = None, role: str | None = None) -> int:
        return sum(n for (r, c, o), n in counts.items()
                   if r == registry and (category is None or c == category) and (role is None or o == role))

    inventions = total("ip", "invention_patent")
    led = [c for (r, c, o), n in counts.items() if r == "standard" and o == Role.LED and n]
    facts: dict[str, Any] = {
        "talent_award_count": total("talent"), "invention_patent_count": inventions,
        "has_granted_invention_patent": inventions > 0, "ip_record_count": total("ip"),
        "standards_led_count": total("standard", role=Role.LED),
        "standards_joined_count": total("standard", role=Role.JOINED),
        "has_bank_financing": financed,
    }
    if led:
        # the levels of the standards it led: the standards award reads them instead of asking
        facts["standard_level"] = sorted(led)
    if figures is not None:
        for name in ("output_cny", "revenue_growth_pct", "valuation_cny"):
            value = getattr(figures, name)
            if value is not None:
                facts[name] = str(value)
    return facts
