"""What the registers say about an organisation, as the facts programmes and cultivation tiers read.

Only verified records count (an official other than the submitter checked the evidence); a financing request
counts once the firm records the financing it obtained. The support app's programme engine gathers these facts
through its fact providers (`aiplus.support.programmes.register_fact_provider`, called in `apps.py`).
"""

from __future__ import annotations

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
    counts = {(row["registry"], row["category"], row["role"]): row["n"] for row in
              Record.objects.filter(organisation=organisation, status=RecordStatus.VERIFIED)
              .values("registry", "category", "role").annotate(n=Count("pk")).order_by()}

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
        "has_bank_financing": FinancingRequest.objects.filter(
            organisation=organisation, status=RequestStatus.FINANCED, secured_offer__kind="bank_loan").exists(),
    }
    if led:
        # the levels of the standards it led: the standards award reads them instead of asking
        facts["standard_level"] = sorted(led)
    figures = Indicators.objects.filter(organisation=organisation).first()
    if figures is not None:
        for name in ("output_cny", "revenue_growth_pct", "valuation_cny"):
            value = getattr(figures, name)
            if value is not None:
                facts[name] = str(value)
    return facts
