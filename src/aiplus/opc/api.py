"""The OPC API under /api/v1/opc/: the register, communities with their KPIs, residencies, entitlements (claimed as
support applications) and the jurisdictions' figures against the targets. Every write is the page's service; every
answer is the row read back through its selector."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.core import permissions
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.opc import kpis, selectors, services
from aiplus.opc.listings import COMMUNITIES, PROFILES
from aiplus.opc.models import MAX_FOUNDERS, Community, Profile, Residency, Service
from aiplus.regulation.runtime import cite, cited_in_active_language

router = Router(tags=["opc"])

ToolCode = Literal["foundation_model_api", "private_model", "ai_coding", "agents", "aigc", "data_tools"]
StageCode = Literal["idea", "prototype", "revenue", "scaling"]
ServiceCode = Literal["private_office", "shared_desk", "smart_equipment", "compute", "data", "financing",
                      "registration", "talent_housing"]
FounderName = Annotated[str, Field(min_length=1, max_length=50)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ProfileOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    founders: list[str]
    headcount: int
    ai_tools: list[str]
    stage: str
    registered_on: dt.date
    policy_matched_on: dt.date | None
    financed_on: dt.date | None
    meets_definition: bool


class ProfileDetail(ProfileOut):
    definition_check: dict[str, Any]

    @staticmethod
    def resolve_definition_check(obj: Any) -> Any:
        return cited_in_active_language(obj.definition_check)


class CommunityOut(Schema):
    id: int
    name: str
    operator_id: int
    operator: str = Field(..., alias="operator.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    area_m2: Decimal
    seats: int
    occupied: int
    services: list[str]
    bundle: str


class ResidencyOut(Schema):
    id: int
    community_id: int
    profile_id: int
    organisation: str = Field(..., alias="profile.organisation.name")
    status: str
    term_months: int
    seat: str
    rent_relief_rate: Decimal | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    decision_note: str


class CommunityKpis(Schema):
    seats: int
    occupied: int
    occupancy: Decimal
    firms: int
    talents: int


class CommunityDetail(Schema):
    id: int
    name: str
    operator_id: int
    operator: str
    jurisdiction: str
    area_m2: Decimal
    seats: int
    occupied: int
    services: list[str]
    bundle: str
    kpis: CommunityKpis
    residencies: list[ResidencyOut]


lists.add_operation(router, "/profiles", PROFILES, ProfileOut, auth=AUTHENTICATED)
lists.add_operation(router, "/communities", COMMUNITIES, CommunityOut, auth=AUTHENTICATED)


@router.get("/profiles/{profile_id}", response=ProfileDetail, auth=AUTHENTICATED)
def get_profile(request: HttpRequest, profile_id: int) -> Any:
    """An OPC's profile with the working definition's verdict and its reasons (each with its source)."""
    return selectors.profile(acting_user(request), profile_id)


def _community(user: Any, community_id: int) -> dict[str, Any]:
    found = selectors.community(user, community_id)
    figures = selectors.community_figures(selectors.communities(user).filter(pk=found.pk),
                                          timezone.localdate()).get()
    occupied = getattr(figures, "occupied", 0) or 0
    talents = getattr(figures, "talents", 0) or 0
    data = {name: getattr(figures, name) for name in ("id", "name", "operator_id", "area_m2", "seats", "services",
                                                       "bundle")}
    return {**data, "operator": found.operator.name, "jurisdiction": found.jurisdiction.code, "occupied": occupied,
            "kpis": {"seats": found.seats, "occupied": occupied, "firms": occupied,
                     "occupancy": kpis.occupancy(found.seats, occupied), "talents": talents},
            "residencies": list(selectors.residencies(user).filter(community=found))}


@router.get("/communities/{community_id}", response=CommunityDetail, auth=AUTHENTICATED)
def get_community(request: HttpRequest, community_id: int) -> Any:
    """A community with its KPIs (occupancy, firms, talents) and the residencies the caller may see."""
    return _community(acting_user(request), community_id)


@router.get("/residencies/{residency_id}", response=ResidencyOut, auth=AUTHENTICATED)
def get_residency(request: HttpRequest, residency_id: int) -> Any:
    """A residency: the OPC's, the operator's and the community's officials'."""
    return selectors.residency(acting_user(request), residency_id)


class KpiOut(Schema):
    kpi: str
    label: str
    current: int
    target: Decimal
    target_key: str
    reached: Decimal | None
    min_area_m2: Decimal | None
    source: str


class PlaceKpisOut(Schema):
    jurisdiction: str
    kpis: list[KpiOut]


@router.get("/kpis", response=list[PlaceKpisOut], auth=AUTHENTICATED)
def list_kpis(request: HttpRequest) -> Any:
    """The OPC figures of the jurisdictions the caller serves against the packs' targets, each with its source."""
    user = acting_user(request)
    seen = permissions.user_jurisdiction_ids(user, "view")
    return [{"jurisdiction": place.code,
             "kpis": [{"kpi": r.kpi, "label": str(r.label), "current": r.current, "target": r.target_value,
                       "target_key": r.target.key, "reached": r.reached,
                       "min_area_m2": r.condition.decimal if r.condition else None, "source": cite(r.target.citation)}
                      for r in kpis.jurisdiction_rows(place)]}
            for place in kpis.targeted_places() if user.is_superuser or place.pk in seen]


Headcount = Annotated[int, bounds(Profile, "headcount")]


class ProfileFields(_In):
    founders: Annotated[list[FounderName], Field(min_length=1, max_length=MAX_FOUNDERS)]
    headcount: Headcount
    ai_tools: Annotated[list[ToolCode], Field(max_length=6)] = []
    stage: StageCode


class ProfileIn(ProfileFields):
    organisation_id: int
    registered_on: dt.date


class ProfileUpdateIn(ProfileFields):
    policy_matched_on: dt.date | None = None
    financed_on: dt.date | None = None


class CommunityIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    operator_id: int
    jurisdiction: Annotated[str, Field(min_length=1, max_length=40)]
    area_m2: Annotated[Decimal, bounds(Community, "area_m2")]
    seats: Annotated[int, bounds(Community, "seats")]
    services: Annotated[list[ServiceCode], Field(max_length=len(Service.values))] = []
    bundle: Annotated[str, Field(min_length=1, max_length=80)]


class ResidencyIn(_In):
    profile_id: int
    term_months: Annotated[int, bounds(Residency, "term_months")]
    note: Annotated[str, Field(max_length=500)] = ""


class DecisionIn(_In):
    admit: bool
    seat: Annotated[str, Field(max_length=40)] = ""
    rent_relief_rate: Annotated[Decimal, bounds(Residency, "rent_relief_rate")] | None = None
    starts_on: dt.date | None = None
    note: Annotated[str, Field(max_length=500)] = ""


class ClaimIn(_In):
    programme_code: Annotated[str, Field(min_length=1, max_length=80)]


class ClaimOut(Schema):
    application_id: int
    programme_code: str
    status: str


def _profile_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.profile(user, result.pk)


def _community_reply(user: Any, result: Any, **ids: Any) -> Any:
    return _community(user, result.pk)


def _residency_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.residency(user, result.pk)


def _claim_reply(user: Any, result: Any, **ids: Any) -> Any:
    return {"application_id": result.pk, "programme_code": result.programme_code, "status": result.status}


writes.add_action(router, "POST", "/profiles", services.register_opc, payload=ProfileIn, response=ProfileDetail,
                  created=True, reply=_profile_reply)
writes.add_action(router, "PUT", "/profiles/{profile_id}", services.update_opc, payload=ProfileUpdateIn,
                  response=ProfileDetail, reply=_profile_reply)
writes.add_action(router, "POST", "/communities", services.create_community, payload=CommunityIn,
                  response=CommunityDetail, created=True, reply=_community_reply)
writes.add_action(router, "POST", "/communities/{community_id}/residencies", services.apply_residency,
                  payload=ResidencyIn, response=ResidencyOut, created=True, reply=_residency_reply)
writes.add_action(router, "POST", "/residencies/{residency_id}/decision", services.decide_residency,
                  payload=DecisionIn, response=ResidencyOut, reply=_residency_reply)
writes.add_action(router, "POST", "/residencies/{residency_id}/entitlements", services.claim_entitlement,
                  payload=ClaimIn, response=ClaimOut, created=True, reply=_claim_reply)
