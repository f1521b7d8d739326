"""Every write of participation: one atomic function each, permission checked before writing, one audit event.

- Officials of a jurisdiction (and of the jurisdictions above it) publish notices, policy documents and events there
  and check registrations in; anyone signed in registers for a published event within its capacity and deadline.
- A file attached to a notice is read within the platform's upload limit (`core.imports.read_upload`, 413) and
  accepted only as what its bytes are: a PDF pypdf opens, or a PNG or JPEG Pillow verifies (422 otherwise).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from aiplus.core import access, audit, imports, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError, from_validation_error
from aiplus.core.models import Jurisdiction, Organisation, OrganisationKind, User
from aiplus.participation import search
from aiplus.participation.models import (
    Association,
    AssociationMember,
    Attachment,
    Comment,
    CommentGroup,
    CommentStatus,
    Consultation,
    Event,
    GroupStandard,
    Notice,
    NoticeKind,
    Pledge,
    PledgeSignature,
    Registration,
    RegistrationStatus,
    SubjectKind,
)
from aiplus.regulation.runtime import parameters

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: Any, field: str, *, required: bool = False) -> str:
    """A text as given, stripped; control characters (a NUL, escapes) are refused naming the field."""
    text = str(value or "").strip()
    if CONTROL.search(text):
        raise ServiceError("control_characters", _("不能包含控制字符。"), field)
    if required and not text:
        raise ServiceError("required", _("此项为必填项。"), field)
    return text


def _clean(row: Any, exclude: list[str] | None = None) -> None:
    try:
        row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise from_validation_error(error) from None


def _jurisdiction_for(acting_user: Any, jurisdiction_id: Any) -> Jurisdiction:
    place = Jurisdiction.objects.filter(pk=jurisdiction_id).first() if str(jurisdiction_id or "").isdigit() \
        else None
    if place is None:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在。"), "jurisdiction_id")
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("只有该辖区的政府工作人员可以发布。"))
    return place


def _locked[M: Any](acting_user: Any, action: str, model: type[M], pk: Any) -> M:
    """The row `pk` of `model`, locked for this transaction, if the user may see it (else 404) and `action` it
    (else 403)."""
    rows = model.objects.restrict(acting_user, "view").select_for_update(of=("self",))  # type: ignore[attr-defined]
    return access.get_for(acting_user, action, rows, pk=pk)


def _demo(user: Any) -> bool:
    return bool(getattr(user, "is_demo", False))


# -- notices and policy documents ----------------------------------------------------------------------------------

NOTICE_FIELDS = ("kind", "title", "title_en", "body", "document_number", "issuer", "effective_on", "expires_on")


def _notice_fields(notice: Notice, given: dict[str, Any]) -> None:
    for name in ("title", "title_en", "document_number", "issuer"):
        if name in given:
            setattr(notice, name, _text(given[name], name, required=name == "title"))
    if "body" in given:
        body = str(given["body"] or "")
        if "\x00" in body:
            raise ServiceError("control_characters", _("不能包含控制字符。"), "body")
        notice.body = body.strip()
    if "kind" in given:
        if given["kind"] not in NoticeKind.values:
            raise ServiceError("invalid_choice", _("类别无效。"), "kind")
        notice.kind = given["kind"]
    for name in ("effective_on", "expires_on"):
        if name in given:
            setattr(notice, name, given[name] or None)
    if notice.effective_on and notice.expires_on and notice.expires_on <= notice.effective_on:
        raise ServiceError("expires_before_effective", _("失效日期须晚于施行日期。"), "expires_on")
    _clean(notice, exclude=["jurisdiction"])
    notice.search_tokens = search.notice_tokens(notice)


@transaction.atomic
def create_notice(*, acting_user: User, jurisdiction_id: int, title: str, kind: str = NoticeKind.NOTICE,
                  title_en: str = "", body: str = "", document_number: str = "", issuer: str = "",
                  effective_on: dt.date | None = None, expires_on: dt.date | None = None,
                  is_published: bool = False) -> Notice:
    """A notice or policy document of a jurisdiction, kept as a draft or published at once."""
    place = _jurisdiction_for(acting_user, jurisdiction_id)
    notice = Notice(jurisdiction=place, is_demo=_demo(acting_user))
    _notice_fields(notice, {"kind": kind, "title": title, "title_en": title_en, "body": body,
                            "document_number": document_number, "issuer": issuer, "effective_on": effective_on,
                            "expires_on": expires_on})
    if is_published:
        notice.is_published, notice.published_at, notice.published_by = True, timezone.now(), acting_user
    notice.save()
    audit.record(actor=acting_user, action="participation.notice.published" if is_published
                 else "participation.notice.created", instance=notice)
    return notice


@transaction.atomic
def update_notice(*, acting_user: User, notice_id: int, **fields: Any) -> Notice:
    """Correct a notice's text, number, issuer or dates (each field given is changed; the others kept)."""
    notice = _locked(acting_user, "change", Notice, notice_id)
    before = audit.snapshot(notice)
    unknown = set(fields) - set(NOTICE_FIELDS)
    if unknown:
        raise ServiceError("unknown_field", _("未知字段。"), sorted(unknown)[0])
    _notice_fields(notice, fields)
    notice.save()
    audit.record(actor=acting_user, action="participation.notice.updated", instance=notice, before=before)
    return notice


def _set_published[M: Notice | Event](acting_user: User, model: type[M], pk: int, is_published: bool,
                                      actions: tuple[str, str]) -> M:
    """Publish a draft, or withdraw a published one: the one rule notices and events share (withdrawing keeps the
    first publication's time and author; publishing again records the new ones). `actions` are the audit codes
    of publishing and of withdrawing."""
    row = _locked(acting_user, "change", model, pk)
    before = audit.snapshot(row)
    if row.is_published == is_published:
        raise ServiceError("unchanged", _("已发布。") if is_published else _("尚未发布。"), "is_published",
                           status=409)
    row.is_published = is_published
    if is_published:
        row.published_at, row.published_by = timezone.now(), acting_user
    row.save()
    audit.record(actor=acting_user, action=actions[0] if is_published else actions[1], instance=row, before=before)
    return row


@transaction.atomic
def publish_notice(*, acting_user: User, notice_id: int, is_published: bool = True) -> Notice:
    """Publish a draft notice, or withdraw a published one (it leaves the public lists and the feeds)."""
    return _set_published(acting_user, Notice, notice_id, is_published,
                          ("participation.notice.published", "participation.notice.withdrawn"))


FILE_TYPES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
MAX_ATTACHMENTS = 20


def file_type(data: bytes) -> str:
    """What the bytes are (PDF, PNG or JPEG), read by pypdf or Pillow; anything else, or a damaged file, is a 422
    naming `file`."""
    refused = ServiceError("file_type", _("只接受 PDF、PNG 或 JPEG 文件（按文件内容判断）。"), "file", status=422)
    if data.startswith(b"%PDF-"):
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages) < 1:
                raise refused
        except ServiceError:
            raise
        except Exception:  # any parse failure is a damaged file
            raise refused from None
        return "application/pdf"
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except Exception:  # not an image Pillow reads, a damaged one, or a decompression bomb
        raise refused from None
    if kind == "PNG":
        return "image/png"
    if kind == "JPEG":
        return "image/jpeg"
    raise refused


def safe_file_name(name: str, content_type: str) -> str:
    """The uploaded name without folders or control characters, ending in the extension of what it is."""
    stem = CONTROL.sub("", PurePath(str(name or "").replace("\\", "/")).name).strip().strip(".")[:150] or "file"
    extension = FILE_TYPES[content_type]
    if not stem.lower().endswith(extension) and not (extension == ".jpg" and stem.lower().endswith(".jpeg")):
        stem += extension
    return stem


@transaction.atomic
def add_attachment(*, acting_user: User, notice_id: int, file: Any) -> Attachment:
    """Attach a file (at most the upload limit; a PDF, PNG or JPEG by its bytes) to a notice."""
    notice = _locked(acting_user, "change", Notice, notice_id)
    data = imports.read_upload(file)
    content_type = file_type(data)
    if notice.attachments.count() >= MAX_ATTACHMENTS:
        raise ServiceError("too_many_files", _("每条通知最多 %(n)s 个附件。") % {"n": MAX_ATTACHMENTS}, "file")
    attachment = Attachment(notice=notice, name=safe_file_name(getattr(file, "name", ""), content_type),
                            content_type=content_type, size_bytes=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), data=data, added_by=acting_user,
                            is_demo=_demo(acting_user))
    attachment.save()
    audit.record(actor=acting_user, action="participation.attachment.added", instance=attachment,
                 jurisdiction_id=notice.jurisdiction_id)
    return attachment


# -- events -------------------------------------------------------------------------------------------------------

@transaction.atomic
def create_event(*, acting_user: User, jurisdiction_id: int, title: str, venue: str, starts_at: dt.datetime,
                 ends_at: dt.datetime, capacity: int, registration_closes_at: dt.datetime | None = None,
                 title_en: str = "", description: str = "", is_published: bool = False) -> Event:
    """An event of a jurisdiction with its capacity; registration closes when given, else when it starts."""
    place = _jurisdiction_for(acting_user, jurisdiction_id)
    if "\x00" in str(description or ""):
        raise ServiceError("control_characters", _("不能包含控制字符。"), "description")
    event = Event(jurisdiction=place, title=_text(title, "title", required=True),
                  title_en=_text(title_en, "title_en"), venue=_text(venue, "venue", required=True),
                  description=str(description or "").strip(), starts_at=starts_at, ends_at=ends_at,
                  capacity=capacity, registration_closes_at=registration_closes_at or starts_at,
                  is_demo=_demo(acting_user))
    if ends_at <= starts_at:
        raise ServiceError("ends_before_start", _("结束时间须晚于开始时间。"), "ends_at")
    if event.registration_closes_at > ends_at:
        raise ServiceError("closes_after_end", _("报名截止时间不能晚于活动结束时间。"), "registration_closes_at")
    _clean(event, exclude=["jurisdiction"])
    event.search_tokens = search.event_tokens(event)
    if is_published:
        event.is_published, event.published_at, event.published_by = True, timezone.now(), acting_user
    event.save()
    audit.record(actor=acting_user, action="participation.event.published" if is_published
                 else "participation.event.created", instance=event)
    return event


@transaction.atomic
def publish_event(*, acting_user: User, event_id: int, is_published: bool = True) -> Event:
    """Publish a draft event, or withdraw a published one (registrations already made are kept)."""
    return _set_published(acting_user, Event, event_id, is_published,
                          ("participation.event.published", "participation.event.withdrawn"))


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()


@transaction.atomic
def register_for_event(*, acting_user: User, event_id: int, name: str, organisation_name: str = "") -> Registration:
    """Register the signed-in user for a published event, before its deadline and within its capacity (the event
    row is locked, so two last registrations never both take the last seat)."""
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDeniedError(_("请先登录再报名。"))
    access.get_for(acting_user, "view", Event, pk=event_id)
    event = Event.objects.select_for_update().get(pk=event_id)
    if not event.is_published:
        raise NotFoundError()
    if timezone.now() >= event.registration_closes_at:
        raise ServiceError("registration_closed", _("报名已截止。"), "event_id", status=409)
    existing = Registration.objects.filter(event=event, user=acting_user).first()
    if existing is not None and existing.status == RegistrationStatus.REGISTERED:
        raise ServiceError("already_registered", _("您已报名该活动。"), "event_id", status=409)
    if seats_taken(event) >= event.capacity:
        raise ServiceError("full", _("名额已满。"), "event_id", status=409)
    registration = existing or Registration(event=event, user=acting_user, is_demo=_demo(acting_user))
    before = audit.snapshot(existing) if existing is not None else None
    registration.name = _text(name, "name", required=True)
    registration.organisation_name = _text(organisation_name, "organisation_name")
    registration.status = RegistrationStatus.REGISTERED
    _clean(registration, exclude=["event", "user"])
    registration.save()
    audit.record(actor=acting_user, action="participation.registration.created", instance=registration,
                 before=before, jurisdiction_id=event.jurisdiction_id)
    return registration


@transaction.atomic
def cancel_registration(*, acting_user: User, registration_id: int) -> Registration:
    """The registered person (or an official of the event) cancels a registration that has not been checked in."""
    registration = _locked(acting_user, "change", Registration, registration_id)
    if registration.status != RegistrationStatus.REGISTERED:
        raise ServiceError("not_registered", _("该报名已取消。"), "registration_id", status=409)
    if registration.checked_in_at is not None:
        raise ServiceError("checked_in", _("已签到的报名不能取消。"), "registration_id", status=409)
    before = audit.snapshot(registration)
    registration.status = RegistrationStatus.CANCELLED
    registration.save()
    audit.record(actor=acting_user, action="participation.registration.cancelled", instance=registration,
                 before=before, jurisdiction_id=registration.event.jurisdiction_id)
    return registration


@transaction.atomic
def check_in(*, acting_user: User, registration_id: int) -> Registration:
    """An official of the event's jurisdiction checks a registered person in (once)."""
    registration = access.get_for(acting_user, "view",
                                  Registration.objects.restrict(acting_user, "view").select_related("event"),
                                  pk=registration_id)
    if not permissions.can(acting_user, "change", registration.event):
        raise PermissionDeniedError(_("只有活动所在辖区的政府工作人员可以签到。"))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.REGISTERED:
        raise ServiceError("not_registered", _("该报名已取消。"), "registration_id", status=409)
    if registration.checked_in_at is not None:
        raise ServiceError("already_checked_in", _("已签到。"), "registration_id", status=409)
    before = audit.snapshot(registration)
    registration.checked_in_at, registration.checked_in_by = timezone.now(), acting_user
    registration.save()
    audit.record(actor=acting_user, action="participation.registration.checked_in", instance=registration,
                 before=before, jurisdiction_id=registration.event.jurisdiction_id)
    return registration


# -- public consultation -----------------------------------------------------------------------------------------

COMMENT_DAYS = "participation.consultation.comment_days"
COMMENTS_PER_HOUR = "participation.comment.max_per_hour"


@transaction.atomic
def open_consultation(*, acting_user: User, jurisdiction_id: int, subject_kind: str, title: str, draft: str,
                      title_en: str = "") -> Consultation:
    """Publish a draft for public comment, open from now for the period the pack sets."""
    place = _jurisdiction_for(acting_user, jurisdiction_id)
    if subject_kind not in SubjectKind.values:
        raise ServiceError("invalid_choice", _("征求意见对象无效。"), "subject_kind")
    if "\x00" in str(draft or ""):
        raise ServiceError("control_characters", _("不能包含控制字符。"), "draft")
    now = timezone.now()
    days = int(parameters().value(COMMENT_DAYS, timezone.localdate()))
    consultation = Consultation(jurisdiction=place, subject_kind=subject_kind,
                                title=_text(title, "title", required=True), title_en=_text(title_en, "title_en"),
                                draft=str(draft or "").strip(), comment_days=days, opens_at=now,
                                closes_at=now + dt.timedelta(days=days), published_by=acting_user,
                                is_demo=_demo(acting_user))
    if not consultation.draft:
        raise ServiceError("required", _("此项为必填项。"), "draft")
    _clean(consultation, exclude=["jurisdiction"])
    consultation.search_tokens = search.consultation_tokens(consultation)
    consultation.save()
    audit.record(actor=acting_user, action="participation.consultation.opened", instance=consultation)
    return consultation


def source_key(address: str | None) -> str:
    """A keyed hash of the sender's address (the platform's secret keys it): counts a source, stores no address."""
    return salted_hmac("aiplus.participation.comment", address, algorithm="sha256").hexdigest()[:64] \
        if address else ""


@transaction.atomic
def submit_comment(*, acting_user: User, consultation_id: int, text: str, display_name: str = "",
                   website: str = "", client_address: str | None = None) -> Comment:
    """A comment on an open consultation, anonymous or signed. Abuse protection: the trap field `website`, which
    people never see, must stay empty; one source (a signed-in user, or a sender's address) may send at most
    `participation.comment.max_per_hour` comments an hour. The comment waits for moderation."""
    consultation = access.get_for(acting_user, "view", Consultation, pk=consultation_id)
    if str(website or "").strip():
        raise ServiceError("rejected", _("提交被拒绝。"), "website")
    if not consultation.is_open:
        raise ServiceError("consultation_closed", _("征求意见已截止。"), "consultation_id", status=409)
    author = acting_user if getattr(acting_user, "is_authenticated", False) else None
    key = source_key(client_address)
    limit = int(parameters().value(COMMENTS_PER_HOUR, timezone.localdate()))
    since = timezone.now() - dt.timedelta(hours=1)
    recent = Comment.objects.filter(created_at__gt=since)
    sent = recent.filter(author=author).count() if author is not None else \
        recent.filter(source_key=key).count() if key else 0
    if sent >= limit:
        raise ServiceError("too_many_comments", _("提交过于频繁，请一小时后再试。"), "text", status=429)
    if "\x00" in str(text or ""):
        raise ServiceError("control_characters", _("不能包含控制字符。"), "text")
    comment = Comment(consultation=consultation, author=author, text=str(text or "").strip(),
                      display_name=_text(display_name, "display_name"), source_key=key,
                      is_demo=_demo(acting_user))
    if not comment.text:
        raise ServiceError("required", _("此项为必填项。"), "text")
    _clean(comment, exclude=["consultation"])
    comment.save()
    audit.record(actor=acting_user, action="participation.comment.submitted", instance=comment,
                 jurisdiction_id=consultation.jurisdiction_id)
    return comment


def _consultation_to_manage(acting_user: Any, consultation_id: Any) -> Consultation:
    return access.get_for(acting_user, "change", Consultation, pk=consultation_id)


@transaction.atomic
def create_comment_group(*, acting_user: User, consultation_id: int, title: str) -> CommentGroup:
    """A heading under which an official gathers comments on one point, to answer them together."""
    consultation = _consultation_to_manage(acting_user, consultation_id)
    group = CommentGroup(consultation=consultation, title=_text(title, "title", required=True),
                         is_demo=_demo(acting_user))
    _clean(group, exclude=["consultation"])
    group.save()
    audit.record(actor=acting_user, action="participation.comment_group.created", instance=group,
                 jurisdiction_id=consultation.jurisdiction_id)
    return group


MODERATION = ("approve", "reject")


@transaction.atomic
def moderate_comment(*, acting_user: User, comment_id: int, decision: str, group_id: int | None = None,
                     note: str = "") -> Comment:
    """An official of the consultation's jurisdiction approves a comment into a group (it becomes public) or
    rejects it (with a note); nobody moderates their own comment."""
    found = access.get_for(acting_user, "view", Comment.objects.restrict(acting_user, "view")
                           .select_related("consultation"), pk=comment_id)
    consultation = _consultation_to_manage(acting_user, found.consultation_id)
    comment = Comment.objects.select_for_update(of=("self",)).get(pk=found.pk)
    if comment.author_id is not None and comment.author_id == acting_user.pk:
        raise PermissionDeniedError(_("不能审核自己提交的意见。"))
    if decision not in MODERATION:
        raise ServiceError("invalid_choice", _("审核结论无效。"), "decision")
    if comment.status != CommentStatus.PENDING:
        raise ServiceError("already_moderated", _("该意见已审核。"), "decision", status=409)
    before = audit.snapshot(comment)
    if decision == "approve":
        group = CommentGroup.objects.filter(pk=int(str(group_id)), consultation=consultation).first() \
            if str(group_id or "").isdigit() else None
        if group is None:
            raise ServiceError("group_required", _("请选择意见归类。"), "group_id")
        comment.status, comment.is_public, comment.group = CommentStatus.APPROVED, True, group
    else:
        comment.status, comment.is_public = CommentStatus.REJECTED, False
    comment.moderation_note = _text(note, "note")
    comment.moderated_by, comment.moderated_at = acting_user, timezone.now()
    _clean(comment, exclude=["consultation", "group"])
    comment.save()
    audit.record(actor=acting_user, action="participation.comment.moderated", instance=comment, before=before,
                 jurisdiction_id=consultation.jurisdiction_id)
    return comment


@transaction.atomic
def respond_to_group(*, acting_user: User, group_id: int, response: str) -> CommentGroup:
    """Publish the answer to a group of approved comments (what was adopted, and why or why not)."""
    found = access.get_for(acting_user, "view", CommentGroup.objects.restrict(acting_user, "view"), pk=group_id)
    consultation = _consultation_to_manage(acting_user, found.consultation_id)
    group = CommentGroup.objects.select_for_update().get(pk=found.pk)
    if not group.comments.filter(status=CommentStatus.APPROVED).exists():
        raise ServiceError("no_comments", _("该归类下还没有已公开的意见。"), "group_id", status=409)
    if "\x00" in str(response or ""):
        raise ServiceError("control_characters", _("不能包含控制字符。"), "response")
    before = audit.snapshot(group)
    group.response = str(response or "").strip()
    if not group.response:
        raise ServiceError("required", _("此项为必填项。"), "response")
    group.is_published, group.responded_at, group.responded_by = True, timezone.now(), acting_user
    _clean(group, exclude=["consultation"])
    group.save()
    audit.record(actor=acting_user, action="participation.comment_group.responded", instance=group, before=before,
                 jurisdiction_id=consultation.jurisdiction_id)
    return group


# -- industry associations ------------------------------------------------------------------------------------------

def _organisation(organisation_id: Any, field: str = "organisation_id") -> Organisation:
    found = Organisation.objects.filter(pk=organisation_id).first() if str(organisation_id or "").isdigit() \
        else None
    if found is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), field)
    return found


@transaction.atomic
def register_association(*, acting_user: User, organisation_id: int, description: str = "") -> Association:
    """An official of the association's jurisdiction puts an industry association on the public register."""
    organisation = _organisation(organisation_id)
    if organisation.kind != OrganisationKind.INDUSTRY_ASSOCIATION:
        raise ServiceError("not_an_association", _("该组织不是行业协会。"), "organisation_id")
    if not permissions.can_create_in(acting_user, jurisdiction_id=organisation.jurisdiction_id):
        raise PermissionDeniedError(_("只有该辖区的政府工作人员可以登记行业协会。"))
    if Association.objects.filter(organisation=organisation).exists():
        raise ServiceError("already_registered", _("该协会已登记。"), "organisation_id", status=409)
    if "\x00" in str(description or ""):
        raise ServiceError("control_characters", _("不能包含控制字符。"), "description")
    association = Association(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id,
                              description=str(description or "").strip(), registered_by=acting_user,
                              is_demo=_demo(acting_user))
    _clean(association, exclude=["organisation", "jurisdiction"])
    association.search_tokens = search.association_tokens(association)
    association.save()
    audit.record(actor=acting_user, action="participation.association.registered", instance=association)
    return association


def _association_to_manage(acting_user: Any, association_id: Any) -> Association:
    """The association, for its own members or the officials of its jurisdiction."""
    return access.get_for(acting_user, "change", Association, pk=association_id)


@transaction.atomic
def add_association_member(*, acting_user: User, association_id: int, organisation_id: int,
                           joined_on: dt.date) -> AssociationMember:
    association = _association_to_manage(acting_user, association_id)
    organisation = _organisation(organisation_id)
    if organisation.pk == association.organisation_id:
        raise ServiceError("self_member", _("协会不能成为自己的会员。"), "organisation_id")
    if AssociationMember.objects.filter(association=association, organisation=organisation).exists():
        raise ServiceError("already_member", _("该单位已是会员。"), "organisation_id", status=409)
    member = AssociationMember(association=association, organisation=organisation, joined_on=joined_on,
                               is_demo=_demo(acting_user))
    _clean(member, exclude=["association", "organisation"])
    member.save()
    audit.record(actor=acting_user, action="participation.association.member_added", instance=member,
                 jurisdiction_id=association.jurisdiction_id, organisation_id=association.organisation_id)
    return member


@transaction.atomic
def publish_standard(*, acting_user: User, association_id: int, code: str, title: str, published_on: dt.date,
                     effective_on: dt.date | None = None, summary: str = "") -> GroupStandard:
    """A group standard the association publishes (its number unique within the association)."""
    association = _association_to_manage(acting_user, association_id)
    standard = GroupStandard(association=association, code=_text(code, "code", required=True),
                             title=_text(title, "title", required=True), published_on=published_on,
                             effective_on=effective_on, summary=str(summary or "").strip(),
                             is_demo=_demo(acting_user))
    if "\x00" in standard.summary:
        raise ServiceError("control_characters", _("不能包含控制字符。"), "summary")
    if effective_on is not None and effective_on < published_on:
        raise ServiceError("effective_before_published", _("实施日期不能早于发布日期。"), "effective_on")
    if GroupStandard.objects.filter(association=association, code=standard.code).exists():
        raise ServiceError("duplicate_code", _("该标准编号已存在。"), "code", status=409)
    _clean(standard, exclude=["association"])
    standard.save()
    audit.record(actor=acting_user, action="participation.standard.published", instance=standard,
                 jurisdiction_id=association.jurisdiction_id, organisation_id=association.organisation_id)
    return standard


@transaction.atomic
def publish_pledge(*, acting_user: User, association_id: int, title: str, text: str) -> Pledge:
    """A self-regulation pledge the association publishes for its member companies to sign."""
    association = _association_to_manage(acting_user, association_id)
    if "\x00" in str(text or ""):
        raise ServiceError("control_characters", _("不能包含控制字符。"), "text")
    pledge = Pledge(association=association, title=_text(title, "title", required=True),
                    text=str(text or "").strip(), published_on=timezone.localdate(), is_demo=_demo(acting_user))
    if not pledge.text:
        raise ServiceError("required", _("此项为必填项。"), "text")
    _clean(pledge, exclude=["association"])
    pledge.save()
    audit.record(actor=acting_user, action="participation.pledge.published", instance=pledge,
                 jurisdiction_id=association.jurisdiction_id, organisation_id=association.organisation_id)
    return pledge


@transaction.atomic
def sign_pledge(*, acting_user: User, pledge_id: int, organisation_id: int) -> PledgeSignature:
    """A member company signs its association's pledge, by a person acting for it."""
    pledge = access.get_for(acting_user, "view", Pledge.objects.restrict(acting_user, "view")
                            .select_related("association"), pk=pledge_id)
    organisation = _organisation(organisation_id)
    if organisation.pk not in permissions.user_organisation_ids(acting_user, "add") \
            and not getattr(acting_user, "is_superuser", False):
        raise PermissionDeniedError(_("只有代表该单位的用户可以签署。"))
    if not AssociationMember.objects.filter(association=pledge.association, organisation=organisation).exists():
        raise ServiceError("not_a_member", _("只有协会会员单位可以签署公约。"), "organisation_id")
    if PledgeSignature.objects.filter(pledge=pledge, organisation=organisation).exists():
        raise ServiceError("already_signed", _("该单位已签署。"), "organisation_id", status=409)
    signature = PledgeSignature(pledge=pledge, organisation=organisation, signed_by=acting_user,
                                is_demo=_demo(acting_user))
    signature.save()
    audit.record(actor=acting_user, action="participation.pledge.signed", instance=signature,
                 jurisdiction_id=pledge.association.jurisdiction_id, organisation_id=organisation.pk)
    return signature
