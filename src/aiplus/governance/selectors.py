"""Reads of ethics review, always through the rows' Scope (`restrict(user, "view")`): the committee's members and
the applying organisation's members; officials of the jurisdiction only for a listed activity referred to them.
Distinct, since a committee's members are joined to find the rows they see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from aiplus.core.errors import NotFoundError
from aiplus.governance.models import (
    Attendance,
    CommitteeMember,
    EthicsApplication,
    EthicsCommittee,
    FollowUp,
    ReReview,
    Review,
)


def _visible[M: Any](model: type[M], user: Any) -> QuerySet[M]:
    allowed = model.objects.restrict(user, "view").values("pk")  # type: ignore[attr-defined]
    return model.objects.filter(pk__in=allowed)  # type: ignore[attr-defined, no-any-return]


def committees(user: Any) -> QuerySet[EthicsCommittee]:
    return _visible(EthicsCommittee, user).select_related("organisation", "organisation__jurisdiction")


def committee(user: Any, committee_id: int) -> EthicsCommittee:
    found = committees(user).prefetch_related(
        Prefetch("members", CommitteeMember.objects.select_related("user").order_by("role", "id"))
    ).filter(pk=committee_id).first()
    if found is None:
        raise NotFoundError()
    return found


def applications(user: Any) -> QuerySet[EthicsApplication]:
    """The applications the user sees: by their Scope, and the ones whose re-review panel they were drawn for."""
    allowed = Q(pk__in=EthicsApplication.objects.restrict(user, "view").values("pk"))  # type: ignore[attr-defined]
    if getattr(user, "pk", None):
        allowed |= Q(pk__in=ReReview.objects.filter(panel_users=user.pk).values("application_id"))
    return EthicsApplication.objects.filter(allowed).select_related("organisation", "committee", "submitted_by",
                                                           "referred_jurisdiction")


def application(user: Any, application_id: int) -> EthicsApplication:
    found = applications(user).filter(pk=application_id).first()
    if found is None:
        raise NotFoundError()
    return found


def reviews(application: EthicsApplication) -> list[Review]:
    """The application's reviews with attendance and votes (only ever read after the application was found)."""
    return list(application.reviews.select_related("recorded_by").prefetch_related(
        Prefetch("attendance", Attendance.objects.select_related("member__user").order_by("member_id"))))


def re_review_of(application: EthicsApplication) -> ReReview | None:
    return ReReview.objects.select_related("draw", "jurisdiction").filter(application=application).first()


def follow_ups(user: Any) -> QuerySet[FollowUp]:
    return _visible(FollowUp, user).select_related("application", "application__committee")


def follow_ups_of(application: EthicsApplication) -> list[FollowUp]:
    return list(application.follow_ups.select_related("recorded_by").order_by("due_on", "id"))


def membership(user: Any, committee: EthicsCommittee) -> CommitteeMember | None:
    if not getattr(user, "pk", None):
        return None
    return CommitteeMember.objects.filter(committee=committee, user_id=user.pk).first()


def committees_to_apply_to(user: Any) -> QuerySet[EthicsCommittee]:
    """The committees of the organisations the user acts for (where they may apply)."""
    from aiplus.core import permissions

    return EthicsCommittee.objects.filter(
        organisation_id__in=permissions.user_organisation_ids(user, "add")).select_related("organisation")


def organisations_acting_for(user: Any) -> QuerySet[Any]:
    from aiplus.core import permissions
    from aiplus.core.models import Organisation

    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add"))


def candidate_users() -> QuerySet[Any]:
    from aiplus.core.models import User

    return User.objects.filter(is_active=True).order_by("username")
