"""Reads of the measures app, always through `.restrict(user, "view")`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from aiplus.core.models import Organisation
from aiplus.measures.models import FinanceOffer, FinancingRequest, Indicators, Record


def records(user: Any) -> QuerySet[Record]:
    return Record.objects.restrict(user, "view").select_related("organisation", "jurisdiction", "submitted_by",
                                                                 "verified_by")


def offers(user: Any) -> QuerySet[FinanceOffer]:
    return FinanceOffer.objects.restrict(user, "view").select_related("organisation", "jurisdiction")


def published_offers() -> QuerySet[FinanceOffer]:
    """The offers every firm's request is matched against (published offers are public)."""
    return FinanceOffer.objects.filter(is_published=True).select_related("organisation", "jurisdiction")


def requests(user: Any) -> QuerySet[FinancingRequest]:
    return FinancingRequest.objects.restrict(user, "view").select_related("organisation", "jurisdiction",
                                                                          "secured_offer")


def indicators(user: Any) -> QuerySet[Indicators]:
    return Indicators.objects.restrict(user, "view").select_related("organisation", "jurisdiction")


def organisations_acting_for(user: Any, kinds: tuple[str, ...] | None = None) -> QuerySet[Organisation]:
    """The organisations the user may register records or requests for (its members), all for a superuser."""
    from aiplus.core import permissions

    queryset = Organisation.objects.all() if getattr(user, "is_superuser", False) else Organisation.objects.filter(
        pk__in=permissions.user_organisation_ids(user, "add"))
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset.order_by("name")


def firms(user: Any) -> QuerySet[Organisation]:
    """The enterprises the user may see, for the cultivation lists."""
    return Organisation.objects.restrict(user, "view").filter(kind__in=["enterprise", "opc"]).select_related(
        "jurisdiction").order_by("name")


def organisations_in_scope(user: Any) -> QuerySet[Organisation]:
    """The organisations an official may record indicators for (those of the jurisdictions they act in)."""
    from aiplus.core import permissions

    if getattr(user, "is_superuser", False):
        return Organisation.objects.all().order_by("name")
    return Organisation.objects.filter(
        jurisdiction_id__in=permissions.user_jurisdiction_ids(user, "add")).order_by("name")
