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
from aiplus.core import imports
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.participation import selectors, services
from aiplus.participation.listings import EVENTS, NOTICES
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
