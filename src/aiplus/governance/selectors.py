"""Reads of ethics review, always through the rows' Scope (`restrict(user, "view")`): the committee's members and
the applying organisation's members; officials of the jurisdiction only for a listed activity referred to them.
Distinct, since a committee's members are joined to find the rows they see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, DateField, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone

from aiplus.core.errors import NotFoundError
from aiplus.governance.models import (
    Advice,
    AnnualReport,
    Attendance,
    CommitteeMember,
    Entrustment,
    EthicsApplication,
    EthicsCommittee,
    FollowUp,
    MemberRole,
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


# What the officials who decide a red-line flag read of an application (Guangdong art. 33): who applied, to which
# committee, its status and the flags; never its materials nor the committee's votes (they stay with the committee
# and the applicant's officers, as the Scope says).
RED_LINE_FIELDS = ("id", "title", "status", "submitted_at", "red_lines", "created_at", "updated_at",
                   "organisation_id", "committee_id", "organisation__id", "organisation__name",
                   "organisation__jurisdiction_id", "committee__id", "committee__name")


def flagged_in_place(user: Any) -> QuerySet[EthicsApplication]:
    """The applications flagged under the red lines whose applying unit lies in a jurisdiction the user acts for
    as an official (the one they serve or one below it; every one for the superuser), their own units included."""
    from aiplus.core import permissions

    if not getattr(user, "is_authenticated", False):
        return EthicsApplication.objects.none()
    rows = EthicsApplication.objects.exclude(red_lines=[])
    if not getattr(user, "is_superuser", False):
        rows = rows.filter(organisation__jurisdiction_id__in=permissions.user_jurisdiction_ids(user, "change"))
    return rows


def red_line_applications(user: Any) -> QuerySet[EthicsApplication]:
    """The officials' queue of flagged ethics applications: those of their place, never their own unit's (nobody
    decides their own organisation's flag), read without the materials (`RED_LINE_FIELDS`)."""
    from aiplus.core import permissions

    return flagged_in_place(user).exclude(
        organisation_id__in=permissions.user_organisation_ids(user, "view")).select_related(
        "organisation", "committee").only(*RED_LINE_FIELDS)


def red_line_application(user: Any, application_id: int) -> EthicsApplication:
    found = red_line_applications(user).filter(pk=application_id).first()
    if found is None:
        raise NotFoundError()
    return found


def deciders(flags: list[dict[str, Any]]) -> dict[int, Any]:
    """The officials who decided the flags, by id (for the page that shows who decided)."""
    from aiplus.core.models import User

    ids = {f["decided_by_id"] for f in flags if isinstance(f.get("decided_by_id"), int)}
    return {u.pk: u for u in User.objects.filter(pk__in=ids)} if ids else {}


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
    """The committees of the organisations the user acts for, and the committees those organisations entrusted
    with their reviews for a term running today (where they may apply)."""
    from aiplus.core import permissions

    today = timezone.localdate()
    mine = permissions.user_organisation_ids(user, "add")
    entrusted = Entrustment.objects.filter(organisation_id__in=mine, term_start__lte=today,
                                           term_end__gte=today).values("committee_id")
    return EthicsCommittee.objects.filter(Q(organisation_id__in=mine) | Q(pk__in=entrusted)).select_related(
        "organisation")


def entrusting_organisation_ids(user: Any, committee: EthicsCommittee) -> list[int]:
    """The organisations the user acts for that entrusted `committee` for a term running today."""
    from aiplus.core import permissions

    today = timezone.localdate()
    return list(Entrustment.objects.filter(
        committee=committee, organisation_id__in=permissions.user_organisation_ids(user, "add"),
        term_start__lte=today, term_end__gte=today).order_by("organisation_id").values_list(
        "organisation_id", flat=True))


def entrustable_committees() -> QuerySet[EthicsCommittee]:
    """Committees another unit may entrust: the registered ones (their name and unit are what the picker shows)."""
    return EthicsCommittee.objects.filter(registered_on__isnull=False).select_related("organisation").order_by(
        "name", "id")


def entrustments(user: Any) -> QuerySet[Entrustment]:
    """The entrusting unit's members and the entrusted committee's members."""
    return _visible(Entrustment, user).select_related("organisation", "committee", "committee__organisation")


def annual_reports(user: Any) -> QuerySet[AnnualReport]:
    """Filed reports: the committee's members and its unit's members, and the supervising department (officials
    and auditors of the unit's jurisdiction and the ones above it)."""
    return _visible(AnnualReport, user).select_related("committee", "committee__organisation", "jurisdiction",
                                                       "submitted_by")


def annual_report(user: Any, report_id: int) -> AnnualReport:
    found = annual_reports(user).filter(pk=report_id).first()
    if found is None:
        raise NotFoundError()
    return found


def supervised_committees(user: Any) -> QuerySet[EthicsCommittee]:
    """The registered committees whose unit lies in the jurisdictions where `user` sees filed annual reports (the
    reports' own scope: officials and auditors of the unit's jurisdiction and of the ones above it)."""
    from aiplus.core import permissions

    rows = EthicsCommittee.objects.filter(registered_on__isnull=False)
    if not (getattr(user, "is_superuser", False) and getattr(user, "is_active", False)):
        rows = rows.filter(organisation__jurisdiction_id__in=permissions.user_jurisdiction_ids(user, "view"))
    chair = CommitteeMember.objects.filter(committee=OuterRef("pk"), role=MemberRole.CHAIR).order_by(
        "-term_end", "-id")
    return rows.select_related("organisation", "organisation__jurisdiction").annotate(
        chair_name=Subquery(chair.values("user__display_name")[:1]),
        chair_username=Subquery(chair.values("user__username")[:1]))


def without_report(rows: QuerySet[EthicsCommittee], year: int) -> QuerySet[EthicsCommittee]:
    """Of `rows`, the committees expected to report for `year` (registered by its end) that have not; each carries
    the year it is missing (`report_year`) and the report's due date (`due_on`, the pack's platform setting)."""
    from aiplus.governance import ethics

    return rows.filter(registered_on__lte=dt.date(year, 12, 31)).exclude(
        pk__in=AnnualReport.objects.filter(year=year).values("committee_id")).annotate(
        report_year=Value(year, output_field=IntegerField()),
        due_on=Value(ethics.annual_report_due(year), output_field=DateField()))


def committees_without_report(user: Any, year: int) -> QuerySet[EthicsCommittee]:
    """The registered committees `user` supervises that have filed no annual report for `year`."""
    return without_report(supervised_committees(user), year).order_by("organisation__name", "name", "id")


def days_overdue(year: int, today: dt.date | None = None) -> int:
    """How many days past the due date of `year`'s report `today` is (0 up to and on the due date)."""
    from aiplus.governance import ethics

    return max(((today or timezone.localdate()) - ethics.annual_report_due(year)).days, 0)


def annual_figures(committee: EthicsCommittee, year: int, today: dt.date | None = None) -> dict[str, Any]:
    """The committee's year counted from the platform's own records: applications received, reviews held and
    decisions by outcome, follow-up reviews done and overdue, expert re-reviews concluded, and member changes."""
    today = today or timezone.localdate()
    end = min(dt.date(year, 12, 31), today)
    reviews_ = Review.objects.filter(application__committee=committee, held_on__year=year)
    outcomes = {row["outcome"] or "none": row["n"] for row in reviews_.values("outcome").annotate(n=Count("id"))}
    follow_ups_ = FollowUp.objects.filter(application__committee=committee)
    overdue = follow_ups_.filter(due_on__year=year, due_on__lt=end).filter(
        Q(done_on__isnull=True) | Q(done_on__gt=F("due_on")))
    re_reviews = ReReview.objects.filter(application__committee=committee, decided_on__year=year)
    members = CommitteeMember.objects.filter(committee=committee)
    return {
        "applications_received": EthicsApplication.objects.filter(committee=committee,
                                                                  submitted_at__year=year).count(),
        "reviews": reviews_.count(),
        "outcomes": dict(sorted(outcomes.items())),
        "follow_ups_done": follow_ups_.filter(done_on__year=year).count(),
        "follow_ups_overdue": overdue.count(),
        "re_reviews": re_reviews.count(),
        "re_review_outcomes": dict(sorted((row["outcome"], row["n"]) for row in
                                          re_reviews.values("outcome").annotate(n=Count("id")))),
        "members_serving": members.filter(term_start__lte=end, term_end__gte=end).count(),
        "members_joined": members.filter(term_start__year=year).count(),
        "members_left": members.filter(term_end__year=year, term_end__lt=end).count(),
        "members_trained": members.filter(trained_on__year=year).count(),
    }


def advice_for(user: Any) -> QuerySet[Advice]:
    """The invitations of the adviser themself: the one way an adviser reaches an application's materials."""
    if not getattr(user, "pk", None):
        return Advice.objects.none()
    return Advice.objects.filter(adviser_id=user.pk).select_related("application", "application__committee",
                                                                    "application__organisation")


def advice_of(application: EthicsApplication, user: Any) -> list[Advice]:
    """An application's advisers and their opinions, for its committee's members only (not for the applicant)."""
    allowed = _visible(Advice, user).filter(application=application)
    return list(allowed.select_related("adviser", "invited_by").order_by("id"))


def organisations_acting_for(user: Any) -> QuerySet[Any]:
    from aiplus.core import permissions
    from aiplus.core.models import Organisation

    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add"))


def candidate_users() -> QuerySet[Any]:
    from aiplus.core.models import User

    return User.objects.filter(is_active=True).order_by("username")


def advice(user: Any, advice_id: int) -> Advice:
    found = advice_for(user).filter(pk=advice_id).first()
    if found is None:
        raise NotFoundError()
    return found
