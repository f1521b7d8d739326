"""Reads of the OPC register, always through the rows' Scope (`restrict(user, "view")`); a community operator's
members also see the residencies of their communities."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from aiplus.core import permissions
from aiplus.core.errors import NotFoundError
from aiplus.core.models import Organisation, User
from aiplus.opc.models import Community, Profile, Residency, ResidencyStatus
from aiplus.support.models import Application, Status


def profiles(user: Any) -> QuerySet[Profile]:
    return Profile.objects.restrict(user, "view").select_related("organisation", "organisation__jurisdiction")


def profile(user: Any, profile_id: int) -> Profile:
    found = profiles(user).filter(pk=profile_id).first()
    if found is None:
        raise NotFoundError()
    return found


def communities(user: Any) -> QuerySet[Community]:
    return Community.objects.restrict(user, "view").select_related("operator", "jurisdiction")


def community(user: Any, community_id: int) -> Community:
    found = communities(user).filter(pk=community_id).first()
    if found is None:
        raise NotFoundError()
    return found


def residencies(user: Any) -> QuerySet[Residency]:
    mine = Residency.objects.restrict(user, "view")
    operated = permissions.user_organisation_ids(user, "view") if getattr(user, "is_authenticated", False) else set()
    rows = Residency.objects.filter(Q(pk__in=mine.values("pk")) | Q(community__operator_id__in=operated))
    return rows.select_related("community", "community__jurisdiction", "profile", "profile__organisation")


def residency(user: Any, residency_id: int) -> Residency:
    found = residencies(user).filter(pk=residency_id).first()
    if found is None:
        raise NotFoundError()
    return found


def profiles_acting_for(user: Any) -> QuerySet[Profile]:
    """The OPC profiles of the organisations the user acts for."""
    rows = Profile.objects.select_related("organisation")
    if getattr(user, "is_superuser", False):
        return rows
    return rows.filter(organisation_id__in=permissions.user_organisation_ids(user, "add"))


def opc_organisations_acting_for(user: Any) -> QuerySet[Organisation]:
    """The one-person companies the user acts for that have no profile yet."""
    rows = Organisation.objects.filter(kind="opc", opc_profile__isnull=True)
    if getattr(user, "is_superuser", False):
        return rows
    return rows.filter(pk__in=permissions.user_organisation_ids(user, "add"))


def members_of(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(role_assignments__organisation_id=organisation_id,
                               role_assignments__active=True).distinct()


def claimed(organisation_id: int, programme_code: str) -> QuerySet[Application]:
    """The organisation's live applications to a programme (a rejected or clawed-back one may be claimed again)."""
    return Application.objects.filter(organisation_id=organisation_id, programme_code=programme_code).exclude(
        status__in=(Status.REJECTED, Status.CLAWED_BACK))


def applications_of(user: Any, organisation_id: int, codes: Any) -> dict[str, Application]:
    """The organisation's latest application to each programme, as far as the user may see them."""
    from aiplus.support import selectors as support

    found: dict[str, Application] = {}
    for row in support.applications(user).filter(organisation_id=organisation_id, programme_code__in=list(codes)) \
            .order_by("created_at", "id"):
        found[row.programme_code] = row
    return found


def community_figures(rows: QuerySet[Community], on: Any) -> QuerySet[Community]:
    """Each community with its occupied seats, resident firms and talents (admitted and within the term on `on`)."""
    live = Q(residencies__status=ResidencyStatus.ADMITTED, residencies__starts_on__lte=on,
             residencies__ends_on__gte=on)
    return rows.annotate(occupied=Count("residencies", filter=live),
                         talents=Sum("residencies__profile__headcount", filter=live))
