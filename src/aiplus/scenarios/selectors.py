"""Every read of the scenarios module, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from aiplus.core.errors import NotFoundError
from aiplus.scenarios.models import (
    Application,
    CallStatus,
    CapabilityProfile,
    Case,
    Need,
    NeedStatus,
    OpenCall,
    Pilot,
    PilotStatus,
    PoolMembership,
    ScenarioList,
)


def needs(user: Any, *, search: str = "", domain: str = "", status: str = "", jurisdiction: str = ""
          ) -> QuerySet[Need]:
    qs = Need.objects.restrict(user, "view").select_related("owner", "jurisdiction", "scenario_list")
    search = search.strip()
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(problem__icontains=search) | Q(owner__name__icontains=search))
    if domain:
        qs = qs.filter(Q(domain=domain) | Q(domain__startswith=f"{domain}."))
    if status:
        qs = qs.filter(status=status)
    if jurisdiction:
        qs = qs.filter(Q(jurisdiction__code=jurisdiction) | Q(jurisdiction__parent__code=jurisdiction))
    return qs


def facets(qs: QuerySet[Need]) -> dict[str, list[tuple[str, int]]]:
    return {
        "status": list(qs.order_by().values_list("status").annotate(n=Count("id")).order_by("status")),
        "domain": list(qs.order_by().values_list("domain").annotate(n=Count("id")).order_by("domain")),
        "jurisdiction": list(qs.order_by().values_list("jurisdiction__code").annotate(n=Count("id"))
                             .order_by("jurisdiction__code")),
    }


def need(user: Any, need_id: int) -> Need:
    found = needs(user).prefetch_related("kpis").filter(pk=need_id).first()
    if found is None:
        raise NotFoundError()
    return found


def lists(user: Any) -> QuerySet[ScenarioList]:
    return (ScenarioList.objects.restrict(user, "view").select_related("jurisdiction")
            .prefetch_related("co_publishers").annotate(need_count=Count("needs")))


def scenario_list(user: Any, list_id: int) -> ScenarioList:
    found = lists(user).filter(pk=list_id).first()
    if found is None:
        raise NotFoundError()
    return found


def profiles(user: Any, *, search: str = "") -> QuerySet[CapabilityProfile]:
    qs = CapabilityProfile.objects.restrict(user, "view").select_related("organisation", "jurisdiction")
    if search.strip():
        s = search.strip()
        qs = qs.filter(Q(products__icontains=s) | Q(description__icontains=s) | Q(organisation__name__icontains=s))
    return qs


def pool(user: Any) -> QuerySet[PoolMembership]:
    return PoolMembership.objects.restrict(user, "view").select_related("organisation", "jurisdiction")


def calls(user: Any) -> QuerySet[OpenCall]:
    return OpenCall.objects.restrict(user, "view").select_related("jurisdiction").annotate(
        application_count=Count("applications", distinct=True), need_count=Count("needs", distinct=True))


def call(user: Any, call_id: int) -> OpenCall:
    found = OpenCall.objects.restrict(user, "view").select_related("jurisdiction").filter(pk=call_id).first()
    if found is None:
        raise NotFoundError()
    return found


def applications(user: Any, call_obj: OpenCall) -> QuerySet[Application]:
    return (Application.objects.restrict(user, "view").filter(call=call_obj)
            .select_related("need", "applicant").prefetch_related("scores"))


def pilots(user: Any) -> QuerySet[Pilot]:
    from aiplus.core import permissions

    own = permissions.user_organisation_ids(user, "view") if getattr(user, "is_authenticated", False) else set()
    qs = Pilot.objects.restrict(user, "view") | Pilot.objects.filter(supplier_id__in=own)
    return qs.select_related("need", "supplier", "jurisdiction").distinct()


def pilot(user: Any, pilot_id: int) -> Pilot:
    found = pilots(user).prefetch_related("milestones", "measurements__kpi", "need__kpis").filter(pk=pilot_id).first()
    if found is None:
        raise NotFoundError()
    return found


def cases(user: Any, *, search: str = "") -> QuerySet[Case]:
    qs = (Case.objects.restrict(user, "view").select_related("jurisdiction", "pilot__need__owner", "pilot__supplier")
          .annotate(replication_count=Count("replications", filter=~Q(replications__status="withdrawn"))))
    if search.strip():
        qs = qs.filter(Q(title__icontains=search.strip()) | Q(summary__icontains=search.strip()))
    return qs


def case(user: Any, case_id: int) -> Case:
    found = cases(user).filter(pk=case_id).first()
    if found is None:
        raise NotFoundError()
    return found


def _labelled(choices: Any, rows: Any) -> dict[str, int]:
    """Status counts keyed by the status's label in the active language, so charts and tables read as words."""
    return {str(choices(code).label): n for code, n in rows}


def dashboard(user: Any) -> dict[str, Any]:
    from aiplus.scenarios import rules

    nq = needs(user)
    by_domain: dict[str, int] = {}
    for code, n in nq.order_by().values_list("domain").annotate(n=Count("id")):
        top = rules.domain_name(rules.top_domain(code))
        by_domain[top] = by_domain.get(top, 0) + n
    return {
        "needs_by_domain": by_domain,
        "needs_by_district": dict(nq.order_by().values_list("jurisdiction__name_zh").annotate(n=Count("id"))),
        "needs_by_status": _labelled(NeedStatus, nq.order_by().values_list("status").annotate(n=Count("id"))),
        "calls_by_status": _labelled(
            CallStatus, calls(user).order_by().values_list("status").annotate(n=Count("id", distinct=True))),
        "pilots_by_status": _labelled(
            PilotStatus, pilots(user).order_by().values_list("status").annotate(n=Count("id"))),
        "cases": cases(user).count(),
    }
