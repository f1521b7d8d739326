"""The experts API under /api/v1/experts/: profiles, conflict declarations, draws, consultations, opinions."""


import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from aiplus.api import lists
from aiplus.api.auth import AUTHENTICATED
from aiplus.api.pagination import PageNumberPagination
from aiplus.core import selectors as core_selectors
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.core.errors import ServiceError
from aiplus.experts import selectors, services
from aiplus.experts.listings import CONSULTATIONS, DRAWS, EXPERTS
from aiplus.experts.models import Draw, Relationship

router = Router(tags=["experts"])



class ProfileOut(Schema):
    id: int
    user_id: int
    name: str
    organisation_id: int | None
    organisation: str | None = None
    fields: list[str]
    technologies: list[str]
    title: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    available: bool
    unavailable_until: dt.date | None
    is_active: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_organisation(obj: Any) -> str | None:
        return obj.organisation.name if obj.organisation_id else None


class ProfileIn(Schema):
    user_id: int
    organisation_id: int | None = None
    fields: list[str]
    technologies: list[str] = []
    title: str = Field("", max_length=100)
    jurisdiction: str


class ProfilePatch(Schema):
    fields: list[str] | None = None
    technologies: list[str] | None = None
    title: str | None = Field(None, max_length=100)
    available: bool | None = None
    unavailable_until: dt.date | None = None
    is_active: bool | None = None


class ConflictOut(Schema):
    id: int
    expert_id: int
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    relationship: str
    note: str
    declared_at: dt.datetime


class ConflictIn(Schema):
    expert_id: int
    organisation_id: int
    relationship: Relationship
    note: str = Field("", max_length=500)


class DrawOut(Schema):
    id: int
    purpose: str
    subject_type: str
    subject_id: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    fields: list[str]
    size: int
    seed: int
    # The public inputs the seed was derived from (aiplus.experts.draws): anyone can recompute the seed from them.
    seed_inputs: dict[str, Any]
    conflicted_organisation_ids: list[int]
    candidates: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    selected: list[int]
    created_at: dt.datetime


class DrawIn(Schema):
    """What an official asks for. There is no seed: it is derived from the draw's recorded public inputs, and an
    unknown field (a `seed` included) is refused with 422 naming it rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(..., max_length=300)
    subject_type: str = Field("", max_length=80)
    subject_id: str = Field("", max_length=64)
    jurisdiction: str
    fields: list[str]
    size: Annotated[int, bounds(Draw, "size")]
    conflicted_organisation_ids: list[int] = []


class VerifyOut(Schema):
    draw_id: int
    seed: int  # as recorded
    recomputed_seed: int | None  # from the recorded inputs (None: no inputs recorded, or malformed)
    seed_matches: bool
    recorded: list[int]  # the recorded selection
    recomputed: list[int] | None  # the sample re-run with the recomputed seed
    selection_matches: bool
    inputs_match: bool  # the recorded inputs are the draw's own candidates, exclusions, fields, size...
    inputs_disagreeing: list[str]
    matches: bool  # all three
    seed_inputs: dict[str, Any]
    canonical_json: str  # the exact text hashed with SHA-256


class ConsultationOut(Schema):
    id: int
    title: str
    question: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    draw_id: int | None
    deadline: dt.date
    created_at: dt.datetime


class ConsultationIn(Schema):
    title: str = Field(..., max_length=200)
    question: str
    deadline: dt.date
    draw_id: int | None = None
    # Hand-picked experts instead of a draw (then `jurisdiction` is required).
    expert_ids: list[int] | None = None
    jurisdiction: str | None = None


class OpinionOut(Schema):
    id: int
    consultation_id: int
    expert_id: int
    expert: str
    text: str
    submitted_at: dt.datetime

    @staticmethod
    def resolve_expert(obj: Any) -> str:
        return str(obj.expert)


class OpinionIn(Schema):
    text: str


# -- profiles --------------------------------------------------------------------------------------------------

lists.add_operation(router, "/profiles", EXPERTS, ProfileOut, auth=AUTHENTICATED)


@router.get("/profiles/{expert_id}", response=ProfileOut, auth=AUTHENTICATED)
def get_profile(request: HttpRequest, expert_id: int) -> Any:
    return selectors.expert(acting_user(request), expert_id)


@router.post("/profiles", response={201: ProfileOut}, auth=AUTHENTICATED)
def register_expert(request: HttpRequest, payload: ProfileIn) -> Any:
    user = core_selectors.active_user(pk=payload.user_id)
    if user is None:
        raise ServiceError("unknown_user", _("用户不存在：%(v)s") % {"v": payload.user_id}, "user_id")
    profile = services.register_expert(
        acting_user=acting_user(request), user=user, organisation_id=payload.organisation_id, fields=payload.fields,
        technologies=payload.technologies, title=payload.title, jurisdiction=payload.jurisdiction)
    return Status(201, selectors.experts(acting_user(request)).get(pk=profile.pk))


@router.patch("/profiles/{expert_id}", response=ProfileOut, auth=AUTHENTICATED)
def update_expert(request: HttpRequest, expert_id: int, payload: ProfilePatch) -> Any:
    profile = services.update_expert(acting_user=acting_user(request), expert_id=expert_id,
                                     **payload.dict(exclude_unset=True))
    return selectors.experts(acting_user(request)).get(pk=profile.pk)


# -- conflicts -------------------------------------------------------------------------------------------------

@router.get("/conflicts", response=list[ConflictOut], auth=AUTHENTICATED)
@paginate(PageNumberPagination)
def list_conflicts(request: HttpRequest, expert_id: int | None = None) -> Any:
    return selectors.conflicts(acting_user(request), expert_id=expert_id)


@router.post("/conflicts", response={201: ConflictOut}, auth=AUTHENTICATED)
def declare_conflict(request: HttpRequest, payload: ConflictIn) -> Any:
    declaration = services.declare_conflict(
        acting_user=acting_user(request), expert_id=payload.expert_id, organisation_id=payload.organisation_id,
        relationship=str(payload.relationship), note=payload.note)
    return Status(201, declaration)


# -- draws -----------------------------------------------------------------------------------------------------

lists.add_operation(router, "/draws", DRAWS, DrawOut, auth=AUTHENTICATED)


@router.post("/draws", response={201: DrawOut}, auth=AUTHENTICATED)
def draw_panel(request: HttpRequest, payload: DrawIn) -> Any:
    draw = services.draw_panel(acting_user=acting_user(request), **payload.dict())
    return Status(201, draw)


@router.get("/draws/{draw_id}", response=DrawOut, auth=AUTHENTICATED)
def get_draw(request: HttpRequest, draw_id: int) -> Any:
    return selectors.draw(acting_user(request), draw_id)


@router.get("/draws/{draw_id}/verify", response=VerifyOut, auth=AUTHENTICATED)
def verify_draw(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    return services.verify_draw(selectors.draw(acting_user(request), draw_id))


# -- consultations and opinions --------------------------------------------------------------------------------

lists.add_operation(router, "/consultations", CONSULTATIONS, ConsultationOut, auth=AUTHENTICATED)


@router.post("/consultations", response={201: ConsultationOut}, auth=AUTHENTICATED)
def ask(request: HttpRequest, payload: ConsultationIn) -> Any:
    if payload.draw_id is not None:
        consultation = services.ask_panel(acting_user=acting_user(request), title=payload.title,
                                          question=payload.question, draw_id=payload.draw_id,
                                          deadline=payload.deadline)
    else:
        if not payload.jurisdiction:
            raise ServiceError("required", _("请指定抽取记录或辖区与专家。"), "draw_id")
        consultation = services.ask_experts(acting_user=acting_user(request), title=payload.title,
                                            question=payload.question, jurisdiction=payload.jurisdiction,
                                            expert_ids=payload.expert_ids or [], deadline=payload.deadline)
    return Status(201, consultation)


@router.get("/consultations/{consultation_id}", response=ConsultationOut, auth=AUTHENTICATED)
def get_consultation(request: HttpRequest, consultation_id: int) -> Any:
    return selectors.consultation(acting_user(request), consultation_id)


@router.get("/consultations/{consultation_id}/opinions", response=list[OpinionOut], auth=AUTHENTICATED)
def list_opinions(request: HttpRequest, consultation_id: int) -> Any:
    consultation = selectors.consultation(acting_user(request), consultation_id)
    return list(selectors.opinions(acting_user(request), consultation))


@router.post("/consultations/{consultation_id}/opinions", response={201: OpinionOut}, auth=AUTHENTICATED)
def submit_opinion(request: HttpRequest, consultation_id: int, payload: OpinionIn) -> Any:
    opinion = services.submit_opinion(acting_user=acting_user(request), consultation_id=consultation_id,
                                      text=payload.text)
    return Status(201, opinion)
