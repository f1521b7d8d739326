"""The participation API under /api/v1/participation/: notices and policy documents (with their files) and events
(registration, check-in). Lists are the pages' listings; every write is the page's service; every answer is the row
read back through its selector, as the caller may see it. Reading needs no sign-in; writing does."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED, OPTIONAL
from aiplus.core import imports, signin
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.participation import selectors, services
from aiplus.participation.listings import ASSOCIATIONS, CONSULTATIONS, EVENTS, NOTICES
from aiplus.participation.models import BODY_MAX_CHARS, Event

router = Router(tags=["participation"])

Body = Annotated[str, Field(max_length=BODY_MAX_CHARS)]
Title = Annotated[str, Field(min_length=1, max_length=200)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("participation:attachment", args=[obj.notice_id, obj.pk])


class NoticeOut(Schema):
    id: int
    jurisdiction_id: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    kind: str
    title: str
    title_en: str
    document_number: str
    issuer: str
    effective_on: dt.date | None
    expires_on: dt.date | None
    is_published: bool
    published_at: dt.datetime | None


class NoticeDetail(NoticeOut):
    body: str
    in_force: bool | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return selectors.attachments_of(obj)


class NoticeIn(_In):
    jurisdiction_id: int
    kind: Annotated[str, Field(max_length=16)] = "notice"
    title: Title
    title_en: Annotated[str, Field(max_length=200)] = ""
    body: Body = ""
    document_number: Annotated[str, Field(max_length=64)] = ""
    issuer: Annotated[str, Field(max_length=200)] = ""
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    is_published: bool = False


class NoticePatch(_In):
    kind: Annotated[str, Field(max_length=16)] | None = None
    title: Title | None = None
    title_en: Annotated[str, Field(max_length=200)] | None = None
    body: Body | None = None
    document_number: Annotated[str, Field(max_length=64)] | None = None
    issuer: Annotated[str, Field(max_length=200)] | None = None
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None


class PublishIn(_In):
    is_published: bool


def _notice_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.notice(user, result.pk)


lists.add_operation(router, "/notices", NOTICES, NoticeOut, auth=OPTIONAL)


@router.get("/notices/{notice_id}", response=NoticeDetail, auth=OPTIONAL)
def get_notice(request: HttpRequest, notice_id: int) -> Any:
    """A notice or policy document with its text, the dates it is in force and its files."""
    return selectors.notice(acting_user(request), notice_id)


writes.add_action(router, "POST", "/notices", services.create_notice, payload=NoticeIn, response=NoticeDetail,
                  created=True, reply=_notice_reply)
writes.add_action(router, "PATCH", "/notices/{notice_id}", services.update_notice, payload=NoticePatch,
                  response=NoticeDetail, partial=True, reply=_notice_reply)
writes.add_action(router, "POST", "/notices/{notice_id}/publish", services.publish_notice, payload=PublishIn,
                  response=NoticeDetail, reply=_notice_reply)


@router.post("/notices/{notice_id}/files", response={201: AttachmentOut}, auth=AUTHENTICATED)
def add_attachment(request: HttpRequest, notice_id: int, file: UploadedFile | None = File(None)) -> Any:
    """Attach a file to a notice as a multipart upload (PDF, PNG or JPEG by its bytes; up to the upload limit,
    413 above it; 422 for any other content)."""
    imports.check_request_size(request)
    return Status(201, services.add_attachment(acting_user=acting_user(request), notice_id=notice_id, file=file))


# -- events -------------------------------------------------------------------------------------------------------

class EventOut(Schema):
    id: int
    jurisdiction_id: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    title: str
    title_en: str
    venue: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    registration_closes_at: dt.datetime
    capacity: int
    seats_taken: int
    is_published: bool


class EventDetail(EventOut):
    description: str


class EventIn(_In):
    jurisdiction_id: int
    title: Title
    title_en: Annotated[str, Field(max_length=200)] = ""
    venue: Title
    starts_at: dt.datetime
    ends_at: dt.datetime
    registration_closes_at: dt.datetime | None = None
    capacity: Annotated[int, bounds(Event, "capacity")]
    description: Body = ""
    is_published: bool = False


class RegistrationIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    organisation_name: Annotated[str, Field(max_length=200)] = ""


class RegistrationOut(Schema):
    id: int
    event_id: int
    name: str
    organisation_name: str
    status: str
    checked_in_at: dt.datetime | None


def _event_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.event(user, result.pk)


lists.add_operation(router, "/events", EVENTS, EventOut, auth=OPTIONAL)


@router.get("/events/{event_id}", response=EventDetail, auth=OPTIONAL)
def get_event(request: HttpRequest, event_id: int) -> Any:
    """An event with its capacity and the seats taken."""
    return selectors.event(acting_user(request), event_id)


@router.get("/events/{event_id}/registrations", response=list[RegistrationOut], auth=AUTHENTICATED)
def list_registrations(request: HttpRequest, event_id: int) -> Any:
    """The event's registrations: all of them for its officials, the caller's own for anyone else."""
    return selectors.registrations_of(acting_user(request), selectors.event(acting_user(request), event_id))


writes.add_action(router, "POST", "/events", services.create_event, payload=EventIn, response=EventDetail,
                  created=True, reply=_event_reply)
writes.add_action(router, "POST", "/events/{event_id}/publish", services.publish_event, payload=PublishIn,
                  response=EventDetail, reply=_event_reply)
writes.add_action(router, "POST", "/events/{event_id}/registrations", services.register_for_event,
                  payload=RegistrationIn, response=RegistrationOut, created=True)
writes.add_action(router, "POST", "/registrations/{registration_id}/cancel", services.cancel_registration,
                  response=RegistrationOut)
writes.add_action(router, "POST", "/registrations/{registration_id}/check-in", services.check_in,
                  response=RegistrationOut)


# -- public consultation ------------------------------------------------------------------------------------------

class CommentOut(Schema):
    id: int
    display_name: str
    text: str
    status: str
    group_id: int | None
    created_at: dt.datetime


class GroupOut(Schema):
    id: int
    title: str
    response: str
    is_published: bool
    responded_at: dt.datetime | None
    comments: list[CommentOut]

    @staticmethod
    def resolve_comments(obj: Any) -> list[Any]:
        return list(getattr(obj, "public", []))

    @staticmethod
    def resolve_response(obj: Any) -> str:
        return obj.response if obj.is_published else ""


class ConsultationOut(Schema):
    id: int
    jurisdiction_id: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    subject_kind: str
    title: str
    title_en: str
    comment_days: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    is_open: bool
    comments_public: int


class ConsultationDetail(ConsultationOut):
    draft: str
    groups: list[GroupOut]

    @staticmethod
    def resolve_groups(obj: Any) -> list[Any]:
        return selectors.public_groups(obj)


class ConsultationIn(_In):
    jurisdiction_id: int
    subject_kind: Annotated[str, Field(max_length=16)]
    title: Title
    title_en: Annotated[str, Field(max_length=200)] = ""
    draft: Body


class CommentIn(_In):
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    display_name: Annotated[str, Field(max_length=50)] = ""
    website: Annotated[str, Field(max_length=200)] = ""  # the trap: people leave it empty


class GroupIn(_In):
    title: Title


class ModerationIn(_In):
    decision: Annotated[str, Field(max_length=16)]
    group_id: int | None = None
    note: Annotated[str, Field(max_length=200)] = ""


class ResponseIn(_In):
    response: Annotated[str, Field(min_length=1, max_length=BODY_MAX_CHARS)]


class ModeratedCommentOut(CommentOut):
    moderation_note: str


def _consultation_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.consultation(user, getattr(result, "consultation_id", None) or result.pk)


lists.add_operation(router, "/consultations", CONSULTATIONS, ConsultationOut, auth=OPTIONAL)


@router.get("/consultations/{consultation_id}", response=ConsultationDetail, auth=OPTIONAL)
def get_consultation(request: HttpRequest, consultation_id: int) -> Any:
    """A consultation with its draft, its period and the approved comments by group with their published
    responses."""
    return selectors.consultation(acting_user(request), consultation_id)


@router.post("/consultations/{consultation_id}/comments", response={201: CommentOut}, auth=OPTIONAL)
def submit_comment(request: HttpRequest, consultation_id: int, payload: CommentIn) -> Any:
    """Comment on an open consultation, signed in or anonymously. It is public only once moderated. Abuse
    protection: the trap field `website` must be empty; a source sends a limited number of comments an hour (429)."""
    return Status(201, services.submit_comment(acting_user=acting_user(request), consultation_id=consultation_id,
                                               client_address=signin.client_ip(request), **payload.dict()))


@router.get("/consultations/{consultation_id}/comments", response=list[ModeratedCommentOut], auth=AUTHENTICATED)
def list_comments(request: HttpRequest, consultation_id: int) -> Any:
    """Every comment of the consultation for its officials (pending first); the caller's own for anyone else."""
    user = acting_user(request)
    found = selectors.consultation(user, consultation_id)
    if selectors.may_manage(user, found):
        return selectors.comments_to_moderate(user, found)
    return selectors.my_comments(user, found)


writes.add_action(router, "POST", "/consultations", services.open_consultation, payload=ConsultationIn,
                  response=ConsultationDetail, created=True, reply=_consultation_reply)
writes.add_action(router, "POST", "/consultations/{consultation_id}/groups", services.create_comment_group,
                  payload=GroupIn, response=ConsultationDetail, created=True, reply=_consultation_reply)
writes.add_action(router, "POST", "/comments/{comment_id}/moderation", services.moderate_comment,
                  payload=ModerationIn, response=ModeratedCommentOut)
writes.add_action(router, "POST", "/groups/{group_id}/response", services.respond_to_group, payload=ResponseIn,
                  response=ConsultationDetail, reply=_consultation_reply)


# -- industry associations ------------------------------------------------------------------------------------------

class MemberOut(Schema):
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    joined_on: dt.date


class StandardOut(Schema):
    id: int
    code: str
    title: str
    summary: str
    published_on: dt.date
    effective_on: dt.date | None


class SignatureOut(Schema):
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    created_at: dt.datetime


class PledgeOut(Schema):
    id: int
    title: str
    text: str
    published_on: dt.date
    signatures: list[SignatureOut]

    @staticmethod
    def resolve_signatures(obj: Any) -> list[Any]:
        return list(obj.signatures.all())


class AssociationOut(Schema):
    id: int
    organisation_id: int
    name: str = Field(..., alias="organisation.name")
    jurisdiction_id: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    member_count: int
    standard_count: int


class AssociationDetail(AssociationOut):
    description: str
    members: list[MemberOut]
    standards: list[StandardOut]
    pledges: list[PledgeOut]

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.members.all())

    @staticmethod
    def resolve_standards(obj: Any) -> list[Any]:
        return list(obj.standards.all())

    @staticmethod
    def resolve_pledges(obj: Any) -> list[Any]:
        return list(obj.pledges.all())


class AssociationIn(_In):
    organisation_id: int
    description: Body = ""


class AssociationMemberIn(_In):
    organisation_id: int
    joined_on: dt.date


class StandardIn(_In):
    code: Annotated[str, Field(min_length=1, max_length=64)]
    title: Title
    published_on: dt.date
    effective_on: dt.date | None = None
    summary: Body = ""


class PledgeIn(_In):
    title: Title
    text: Annotated[str, Field(min_length=1, max_length=BODY_MAX_CHARS)]


class SignIn(_In):
    organisation_id: int


def _association_reply(user: Any, result: Any, **ids: Any) -> Any:
    found = getattr(result, "association_id", None) or getattr(getattr(result, "pledge", None), "association_id",
                                                                None) or result.pk
    return selectors.association(user, found)


lists.add_operation(router, "/associations", ASSOCIATIONS, AssociationOut, auth=OPTIONAL)


@router.get("/associations/{association_id}", response=AssociationDetail, auth=OPTIONAL)
def get_association(request: HttpRequest, association_id: int) -> Any:
    """An industry association with its members, the group standards it published and its self-regulation pledges
    with the member companies that signed them."""
    return selectors.association(acting_user(request), association_id)


writes.add_action(router, "POST", "/associations", services.register_association, payload=AssociationIn,
                  response=AssociationDetail, created=True, reply=_association_reply)
writes.add_action(router, "POST", "/associations/{association_id}/members", services.add_association_member,
                  payload=AssociationMemberIn, response=AssociationDetail, created=True, reply=_association_reply)
writes.add_action(router, "POST", "/associations/{association_id}/standards", services.publish_standard,
                  payload=StandardIn, response=AssociationDetail, created=True, reply=_association_reply)
writes.add_action(router, "POST", "/associations/{association_id}/pledges", services.publish_pledge,
                  payload=PledgeIn, response=AssociationDetail, created=True, reply=_association_reply)
writes.add_action(router, "POST", "/pledges/{pledge_id}/signatures", services.sign_pledge, payload=SignIn,
                  response=AssociationDetail, created=True, reply=_association_reply)
