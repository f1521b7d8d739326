"""What the OPC app reads from the packs and gives to others: the entitlement bundles, the pack whose working
definition applies to an organisation, the targets per jurisdiction, and the OPC facts the support finder reads."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core.models import Organisation
from aiplus.opc.engine import Bundle, Target, load_bundles
from aiplus.support import programmes

# The targets the packs set for OPC communities, firms and talents, by the jurisdiction they are set for.
TARGETS: dict[str, tuple[Target, ...]] = {
    "suzhou": (Target("communities", "targets.suzhou.opc_communities_2028"),
               Target("firms", "targets.suzhou.opc_enterprises_2028"),
               Target("talents", "targets.suzhou.opc_talents_2028")),
    "guangdong": (Target("communities", "targets.guangdong.opc_communities_2026"),
                  Target("communities", "targets.guangdong.opc_communities_2028"),
                  Target("talents", "targets.guangdong.opc_talents_2028")),
    "shenzhen": (Target("communities", "targets.shenzhen.opc_communities_2027",
                        "targets.shenzhen.opc_min_community_area_m2"),),
}
KPI_LABELS: dict[str, Any] = {"communities": _("OPC社区数"), "firms": _("符合工作定义的一人公司数"),
                              "talents": _("OPC人才数（在册一人公司从业人数合计）")}
# The packs whose working definition (opc.<pack>.*) applies, by a jurisdiction code on the way up.
DEFINITION_PACKS = ("suzhou", "guangdong")

FACT_LABELS: dict[str, Any] = {"opc_status": _("一人公司（OPC）登记状态"), "opc_resident": _("OPC社区入驻状态")}


@lru_cache(maxsize=1)
def bundles() -> dict[str, Bundle]:
    return load_bundles(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)


def bundle(code: str) -> Bundle | None:
    return bundles().get(code)


def bundle_choices(jurisdiction_code: str | None = None) -> list[tuple[str, str]]:
    return [(b.code, programmes.title(b.title)) for b in bundles().values()
            if jurisdiction_code is None or b.jurisdiction == jurisdiction_code]


def definition_pack(jurisdiction_id: int) -> str | None:
    codes = programmes.jurisdiction_codes(jurisdiction_id)
    return next((code for code in codes if code in DEFINITION_PACKS), None)


def facts_of(organisation: Organisation) -> dict[str, Any]:
    """OPC status as facts of an applicant: a registered OPC meeting the working definition; admitted to a community
    and within the residency's term today."""
    return facts_in_bulk([organisation.pk])[organisation.pk]


def facts_in_bulk(organisation_ids: list[int]) -> dict[int, dict[str, Any]]:
    """`facts_of` of many organisations in two queries (the policy simulation asks for the whole register)."""
    from aiplus.opc.models import Profile, Residency, ResidencyStatus

    today = timezone.localdate()
    meets = set(Profile.objects.filter(meets_definition=True).values_list("organisation_id", flat=True))
    resident = set(Residency.objects.filter(status=ResidencyStatus.ADMITTED, starts_on__lte=today,
                                            ends_on__gte=today).values_list("profile__organisation_id", flat=True))
    return {pk: {"opc_status": pk in meets, "opc_resident": pk in resident} for pk in organisation_ids}
