"""Every read of participation, restricted to what the user may see (`restrict(user, "view")`): the public sees
what is published, officials also the drafts of their jurisdictions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from aiplus.core import permissions
from aiplus.core.errors import NotFoundError
from aiplus.participation.models import (
    Association,
    AssociationMember,
    Attachment,
    Comment,
    CommentGroup,
    CommentStatus,
    Consultation,
    Event,
    Notice,
    Pledge,
    PledgeSignature,
    Registration,
    RegistrationStatus,
)


def notices(user: Any) -> QuerySet[Notice]:
    """Notices and policy documents the user may see, newest first."""
    return Notice.objects.restrict(user, "view").select_related("jurisdiction")


def published_notices() -> QuerySet[Notice]:
    """What everyone sees (the feeds, the home page)."""
    return Notice.objects.filter(is_published=True).select_related("jurisdiction")


def notice(user: Any, notice_id: Any) -> Notice:
    found = notices(user).prefetch_related("attachments").filter(pk=notice_id).first() \
        if str(notice_id).isdigit() else None
    if found is None:
        raise NotFoundError()
    return found


def attachments_of(notice: Notice) -> list[Attachment]:
    return list(notice.attachments.defer("data").order_by("id"))


def attachment(user: Any, notice_id: Any, attachment_id: Any) -> Attachment:
    """A file of a notice the user may see (with its bytes)."""
    found = notice(user, notice_id).attachments.filter(pk=attachment_id).first() \
        if str(attachment_id).isdigit() else None
    if found is None:
        raise NotFoundError()
    return found


def events(user: Any) -> QuerySet[Event]:
    return Event.objects.restrict(user, "view").select_related("jurisdiction").annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)))


def event(user: Any, event_id: Any) -> Event:
    found = events(user).filter(pk=event_id).first() if str(event_id).isdigit() else None
    if found is None:
        raise NotFoundError()
    return found


def may_manage(user: Any, row: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and permissions.can(user, "change", row)


def registrations_of(user: Any, event: Event) -> list[Registration]:
    """The event's registrations the user may see: all of them for its officials, their own for a person."""
    return list(Registration.objects.restrict(user, "view").filter(event=event).order_by("created_at", "id"))


def my_registration(user: Any, event: Event) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(event=event, user=user).first()


def publishing_jurisdictions(user: Any) -> QuerySet[Any]:
    """The jurisdictions where the user may publish (an official's, and those below them)."""
    from aiplus.core.models import Jurisdiction

    if getattr(user, "is_superuser", False):
        return Jurisdiction.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.filter(pk__in=permissions.user_jurisdiction_ids(user, "add"))


def consultations(user: Any) -> QuerySet[Consultation]:
    return Consultation.objects.restrict(user, "view").select_related("jurisdiction").annotate(
        comments_public=Count("comments", filter=Q(comments__is_public=True)))


def consultation(user: Any, consultation_id: Any) -> Consultation:
    found = consultations(user).filter(pk=consultation_id).first() if str(consultation_id).isdigit() else None
    if found is None:
        raise NotFoundError()
    return found


def public_groups(consultation: Consultation) -> list[CommentGroup]:
    """The groups with published comments, each with its approved comments and its response once published."""
    approved = Comment.objects.filter(is_public=True).order_by("created_at", "id")
    return [g for g in consultation.groups.prefetch_related(Prefetch("comments", approved, to_attr="public"))
            if g.public]  # type: ignore[attr-defined]


def comments_to_moderate(user: Any, consultation: Consultation) -> list[Comment]:
    """Every comment of the consultation, for its officials (pending first)."""
    rows = Comment.objects.restrict(user, "view").filter(consultation=consultation).select_related("group")
    return sorted(rows, key=lambda c: (c.status != CommentStatus.PENDING, c.created_at, c.pk))


def groups_of(consultation: Consultation) -> list[CommentGroup]:
    return list(consultation.groups.annotate(
        approved=Count("comments", filter=Q(comments__status=CommentStatus.APPROVED))).order_by("id"))


def my_comments(user: Any, consultation: Consultation) -> list[Comment]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Comment.objects.filter(consultation=consultation, author=user).order_by("created_at", "id"))


def associations(user: Any) -> QuerySet[Association]:
    return Association.objects.restrict(user, "view").select_related("organisation", "jurisdiction").annotate(
        member_count=Count("members", distinct=True), standard_count=Count("standards", distinct=True))


def association(user: Any, association_id: Any) -> Association:
    found = associations(user).prefetch_related(
        Prefetch("members", AssociationMember.objects.select_related("organisation")),
        "standards",
        Prefetch("pledges", Pledge.objects.prefetch_related(
            Prefetch("signatures", PledgeSignature.objects.select_related("organisation")))),
    ).filter(pk=association_id).first() if str(association_id).isdigit() else None
    if found is None:
        raise NotFoundError()
    return found


def registrable_associations(user: Any) -> QuerySet[Any]:
    """Industry associations of the official's jurisdictions not yet on the register."""
    from aiplus.core.models import Organisation, OrganisationKind

    return Organisation.objects.filter(kind=OrganisationKind.INDUSTRY_ASSOCIATION,
                                       jurisdiction__in=publishing_jurisdictions(user),
                                       association__isnull=True).order_by("name")


def organisations_for_membership() -> QuerySet[Any]:
    from aiplus.core.models import Organisation

    return Organisation.objects.order_by("name")


def signing_organisations(user: Any, association: Association) -> QuerySet[Any]:
    """The member organisations the user acts for (who may sign the association's pledges)."""
    from aiplus.core.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add")).filter(
        pk__in=association.members.values("organisation_id"))
