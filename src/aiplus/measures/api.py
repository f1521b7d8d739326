"""The measures API under /api/v1/measures/: the talent, IP and standards registers (submit, verify), financing
offers and requests with their matches and reasons, organisation indicators and the cultivation lists. Every write
is the page's service; every answer is the row read back through its selector."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.core.access import get_for
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.core.errors import ServiceError
from aiplus.measures import cultivation, finance, selectors, services
from aiplus.measures.listings import INDICATORS, OFFERS, RECORDS, REQUESTS
from aiplus.measures.models import FinanceOffer, FinancingRequest, Indicators
from aiplus.regulation.runtime import cited_in_active_language

router = Router(tags=["measures"])


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class RecordOut(Schema):
    id: int
    registry: str
    category: str
    role: str
    title: str
    number: str
    granted_on: dt.date
    evidence: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    status: str
    verified_at: dt.datetime | None
    note: str


class OfferOut(Schema):
    id: int
    title: str
    kind: str
    terms: str
    sectors: list[str]
    stages: list[str]
    nationwide: bool
    amount_min_cny: Decimal
    amount_max_cny: Decimal
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")


class RequestOut(Schema):
    id: int
    title: str
    purpose: str
    sector: str
    stage: str
    kinds: list[str]
    amount_cny: Decimal
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    status: str
    secured_offer_id: int | None


class MatchOut(Schema):
    offer_id: int
    title: str
    provider: str
    kind: str
    score: float
    reasons: list[str]


class RequestDetail(RequestOut):
    matched: list[MatchOut]
    set_apart: list[MatchOut]


class IndicatorsOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    year: int
    area_m2: int | None
    occupied_m2: int | None
    firms: int | None
    output_cny: Decimal | None
    revenue_growth_pct: Decimal | None
    valuation_cny: Decimal | None
    source: str


lists.add_operation(router, "/records", RECORDS, RecordOut, auth=AUTHENTICATED)
lists.add_operation(router, "/offers", OFFERS, OfferOut, auth=AUTHENTICATED)
lists.add_operation(router, "/requests", REQUESTS, RequestOut, auth=AUTHENTICATED)
lists.add_operation(router, "/indicators", INDICATORS, IndicatorsOut, auth=AUTHENTICATED)


@router.get("/records/{record_id}", response=RecordOut, auth=AUTHENTICATED)
def get_record(request: HttpRequest, record_id: int) -> Any:
    user = acting_user(request)
    return get_for(user, "view", selectors.records(user), pk=record_id)


def _request_detail(user: Any, found: FinancingRequest) -> FinancingRequest:
    result = finance.matches(found)
    found.matched, found.set_apart = result["matched"], result["set_apart"]  # type: ignore[attr-defined]
    return found


@router.get("/requests/{request_id}", response=RequestDetail, auth=AUTHENTICATED)
def get_request(request: HttpRequest, request_id: int) -> Any:
    """A financing request with the published offers matched to it, best first, each with its reasons, and the
    offers set apart (another stage or place) with why."""
    user = acting_user(request)
    return _request_detail(user, get_for(user, "view", selectors.requests(user), pk=request_id))


class TierOut(Schema):
    code: str
    title: str
    outcome: str
    decision: dict[str, Any]


class FirmTiersOut(Schema):
    organisation_id: int
    organisation: str
    top: str | None
    tiers: list[TierOut]


@router.get("/cultivation", response=list[FirmTiersOut], auth=AUTHENTICATED)
def list_cultivation(request: HttpRequest, tier: str = "") -> Any:
    """The firms the caller may see with the cultivation tiers of their jurisdiction: listed, not listed or unknown
    (a figure not yet registered), each criterion with its reason and source; `tier` keeps one tier's firms."""
    if tier and tier not in {code for code, _label in cultivation.tier_choices()}:
        raise ServiceError("invalid_choice", "unknown tier", "tier")
    rows = cultivation.tiered_firms(acting_user(request), tier=tier)
    return [{"organisation_id": r["organisation"].pk, "organisation": r["organisation"].name,
             "top": r["top"].tier.code if r["top"] else None,
             "tiers": [{"code": o["code"], "title": o["title"], "outcome": o["outcome"],
                        "decision": cited_in_active_language(o["decision"].as_dict())} for o in r["outcomes"]]}
            for r in rows]


class RecordIn(_In):
    organisation_id: int
    registry: Annotated[str, Field(max_length=10)]
    category: Annotated[str, Field(max_length=20)]
    role: Annotated[str, Field(max_length=8)] = ""
    title: Annotated[str, Field(min_length=1, max_length=200)]
    number: Annotated[str, Field(min_length=1, max_length=60)]
    granted_on: dt.date
    evidence: Annotated[str, Field(min_length=1, max_length=300)]


class VerifyIn(_In):
    approve: bool
    note: Annotated[str, Field(max_length=500)] = ""


class OfferIn(_In):
    organisation_id: int
    title: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Annotated[str, Field(max_length=12)]
    terms: Annotated[str, Field(min_length=1, max_length=2000)]
    sectors: Annotated[list[Annotated[str, Field(max_length=60)]], Field(min_length=1, max_length=40)]
    stages: Annotated[list[Annotated[str, Field(max_length=8)]], Field(min_length=1, max_length=4)]
    nationwide: bool = False
    amount_min_cny: Annotated[Decimal, bounds(FinanceOffer, "amount_min_cny")]
    amount_max_cny: Annotated[Decimal, bounds(FinanceOffer, "amount_max_cny")]


class RequestIn(_In):
    organisation_id: int
    title: Annotated[str, Field(min_length=1, max_length=200)]
    purpose: Annotated[str, Field(min_length=1, max_length=2000)]
    sector: Annotated[str, Field(max_length=60)]
    stage: Annotated[str, Field(max_length=8)]
    kinds: Annotated[list[Annotated[str, Field(max_length=12)]], Field(max_length=3)] = []
    amount_cny: Annotated[Decimal, bounds(FinancingRequest, "amount_cny")]


class FinancedIn(_In):
    offer_id: int


class IndicatorsIn(_In):
    organisation_id: int
    year: Annotated[int, Field(ge=2000, le=2100)]
    source: Annotated[str, Field(min_length=1, max_length=200)]
    area_m2: Annotated[int, bounds(Indicators, "area_m2")] | None = None
    occupied_m2: Annotated[int, bounds(Indicators, "occupied_m2")] | None = None
    firms: Annotated[int, bounds(Indicators, "firms")] | None = None
    output_cny: Annotated[Decimal, bounds(Indicators, "output_cny")] | None = None
    revenue_growth_pct: Annotated[Decimal, bounds(Indicators, "revenue_growth_pct")] | None = None
    valuation_cny: Annotated[Decimal, bounds(Indicators, "valuation_cny")] | None = None


def _record_reply(user: Any, result: Any, **ids: Any) -> Any:
    return get_for(user, "view", selectors.records(user), pk=result.pk)


def _request_reply(user: Any, result: Any, **ids: Any) -> Any:
    return _request_detail(user, get_for(user, "view", selectors.requests(user), pk=result.pk))


writes.add_action(router, "POST", "/records", services.submit_record, payload=RecordIn, response=RecordOut,
                  created=True, reply=_record_reply)
writes.add_action(router, "POST", "/records/{record_id}/verification", services.verify_record, payload=VerifyIn,
                  response=RecordOut, reply=_record_reply)
writes.add_action(router, "POST", "/offers", services.publish_offer, payload=OfferIn, response=OfferOut,
                  created=True, reply=lambda user, result, **ids: get_for(user, "view", selectors.offers(user),
                                                                          pk=result.pk))
writes.add_action(router, "POST", "/requests", services.create_request, payload=RequestIn, response=RequestDetail,
                  created=True, reply=_request_reply)
writes.add_action(router, "POST", "/requests/{request_id}/financing", services.record_financing,
                  payload=FinancedIn, response=RequestDetail, reply=_request_reply)
writes.add_action(router, "POST", "/indicators", services.record_indicators, payload=IndicatorsIn,
                  response=IndicatorsOut, created=True,
                  reply=lambda user, result, **ids: get_for(user, "view", selectors.indicators(user), pk=result.pk))
