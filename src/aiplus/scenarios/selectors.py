"""Every read of the scenarios module, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from aiplus.core import permissions
from aiplus.core.errors import NotFoundError
from aiplus.core.lists import facet_counts
from aiplus.core.models import Jurisdiction, Organisation
from aiplus.scenarios import search as scenario_search
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
    Visibility,
)


def _co_published_need_ids(user: Any) -> QuerySet[Any] | None:
    """A subquery of the needs co-published with a jurisdiction the user oversees (Suzhou art. 6, Guangdong
    art. 24), or None when there are none to add (anonymous users, organisation roles, superusers who see all).

    Officials of a partner jurisdiction may view such a need and the open calls and pilots that come from it;
    they may not change them: services check "change" through `restrict`, which this does not widen."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_superuser", False):
        return None
    place_ids = permissions.user_jurisdiction_ids(user, "view")
    if not place_ids:
        return None
    return Need.co_publishers.through.objects.filter(jurisdiction_id__in=place_ids).values("need_id")


def needs(user: Any, *, search: str = "", domain: str = "", status: str = "", jurisdiction: str = ""
          ) -> QuerySet[Need]:
    # The restriction's own condition (not a subquery of it), so that counting and sorting a page of needs reads
    # the table once.
    visible = permissions.allowed_rows(Need, user, "view")
    if visible is not None:
        co_published = _co_published_need_ids(user)
        if co_published is not None:
            visible |= Q(pk__in=co_published)
        if getattr(user, "is_authenticated", False):
            # "仅注册用户": a published need any signed-in user may read, and nobody anonymous (the Scope's public
            # flag covers public needs only)
            visible |= Q(visibility=Visibility.REGISTERED, status__in=(NeedStatus.PUBLISHED, NeedStatus.CLOSED))
    qs = (Need.objects.all() if visible is None else Need.objects.filter(visible)).select_related(
        "owner", "jurisdiction", "scenario_list")
    search = search.strip()
    if search:
        qs = scenario_search.NEEDS.apply(qs, search)
    if domain:
        qs = qs.filter(Q(domain=domain) | Q(domain__startswith=f"{domain}."))
    if status:
        qs = qs.filter(status=status)
    if jurisdiction:
        qs = qs.filter(Q(jurisdiction__code=jurisdiction) | Q(jurisdiction__parent__code=jurisdiction))
    return qs


def needs_to_call(user: Any) -> QuerySet[Need]:
    """The published needs the user may put into an open call (their jurisdiction's), newest first (a picker's
    choices: unsliced, so a chosen need is checked against them)."""
    return Need.objects.restrict(user, "change").filter(status=NeedStatus.PUBLISHED).order_by("-pk") \
        .select_related("owner")


def needs_for_a_call(user: Any, limit: int = 200) -> QuerySet[Need]:
    """The published needs the user may put into an open call (their jurisdiction's), newest first."""
    return needs_to_call(user)[:limit]


def facets(qs: QuerySet[Need]) -> dict[str, list[tuple[Any, ...]]]:
    """Counts of the listed needs for the facet links: by status and by domain (code, count), by jurisdiction
    (code, name, count); one grouped query (`core.lists.facet_counts`)."""
    counts = facet_counts(qs, ("status", "domain", "jurisdiction_id"))
    places = Jurisdiction.objects.filter(pk__in=list(counts["jurisdiction_id"])).values_list("pk", "code", "name_zh")
    return {"status": sorted(counts["status"].items()), "domain": sorted(counts["domain"].items()),
            "jurisdiction": sorted((code, name, counts["jurisdiction_id"][pk]) for pk, code, name in places)}


def need(user: Any, need_id: int) -> Need:
    found = needs(user).prefetch_related("kpis", "co_publishers").filter(pk=need_id).first()
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


def _serves(code: str) -> Q:
    """Profiles whose JSON list of domain codes holds `code` itself or one of its sub-scenarios ("code.x")."""
    return Q(domains__icontains=f'"{code}"') | Q(domains__icontains=f'"{code}.')


def profiles(user: Any, *, search: str = "", domain: str = "") -> QuerySet[CapabilityProfile]:
    qs = CapabilityProfile.objects.restrict(user, "view").select_related("organisation", "jurisdiction")
    if search.strip():
        qs = scenario_search.PROFILES.apply(qs, search)
    if domain:
        qs = qs.filter(_serves(domain))
    return qs


def profile_facets(qs: QuerySet[CapabilityProfile], codes: list[str]) -> dict[str, int]:
    """How many of the listed profiles serve each domain (a top-level one counting its sub-scenarios), in one query."""
    counts = qs.order_by().aggregate(**{f"d{i}": Count("id", filter=_serves(code)) for i, code in enumerate(codes)})
    return {code: counts[f"d{i}"] for i, code in enumerate(codes)}


def member_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations the user may act for (add needs, profiles, applications on their behalf)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add")).order_by("name")


def jurisdictions(levels: tuple[str, ...]) -> QuerySet[Jurisdiction]:
    """Jurisdictions of the given levels (reference data everyone may see), by code."""
    return Jurisdiction.objects.filter(level__in=levels).order_by("code")


def pool(user: Any) -> QuerySet[PoolMembership]:
    return PoolMembership.objects.restrict(user, "view").select_related("organisation", "jurisdiction")


def _visible_calls(user: Any) -> QuerySet[OpenCall]:
    qs = OpenCall.objects.restrict(user, "view")
    co_published = _co_published_need_ids(user)
    if co_published is not None:
        from_co_published = OpenCall.needs.through.objects.filter(need_id__in=co_published).values("opencall_id")
        qs = OpenCall.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk__in=from_co_published))
    return qs


def calls(user: Any) -> QuerySet[OpenCall]:
    return _visible_calls(user).select_related("jurisdiction").annotate(
        application_count=Count("applications", distinct=True), need_count=Count("needs", distinct=True))


def call(user: Any, call_id: int) -> OpenCall:
    found = _visible_calls(user).select_related("jurisdiction").filter(pk=call_id).first()
    if found is None:
        raise NotFoundError()
    return found


def applications(user: Any, call_obj: OpenCall) -> QuerySet[Application]:
    """The call's applications the user may see; an expert drawn onto the call's review panel sees every one of
    them (they must score them all), on the page and in the API alike."""
    if call_obj.draw_id and is_drawn_reviewer(user, call_obj):
        qs = Application.objects.filter(call=call_obj)
    else:
        qs = Application.objects.restrict(user, "view").filter(call=call_obj)
    return qs.select_related("need", "applicant").prefetch_related("scores")


def is_drawn_reviewer(user: Any, call_obj: OpenCall) -> bool:
    """Was the user drawn onto the call's review panel?"""
    if not call_obj.draw_id or not getattr(user, "is_authenticated", False):
        return False
    from aiplus.experts import selectors as expert_selectors

    return expert_selectors.is_drawn(call_obj.draw_id, user)


def call_review_subject(subject_id: str) -> Any:
    """The matter of a panel drawn for an open call (`experts.subjects`): the call's review, in the reader's
    language, linked to the page where the drawn experts read the proposals and score them."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from aiplus.experts.subjects import Subject

    found = OpenCall.objects.filter(pk=int(subject_id)).values_list("pk", "title").first() \
        if subject_id.isdigit() else None
    if found is None:
        return None
    pk, title = found
    return Subject(text=_("揭榜挂帅榜单“%(t)s”的评审") % {"t": title}, url=reverse("scenarios:call_review", args=[pk]))


def pilots(user: Any) -> QuerySet[Pilot]:
    own = permissions.user_organisation_ids(user, "view") if getattr(user, "is_authenticated", False) else set()
    qs = Pilot.objects.restrict(user, "view") | Pilot.objects.filter(supplier_id__in=own)
    co_published = _co_published_need_ids(user)
    if co_published is not None:
        qs = qs | Pilot.objects.filter(need_id__in=co_published)
    return qs.select_related("need", "supplier", "jurisdiction").distinct()


def pilot(user: Any, pilot_id: int) -> Pilot:
    found = pilots(user).prefetch_related("milestones", "measurements__kpi", "need__kpis").filter(pk=pilot_id).first()
    if found is None:
        raise NotFoundError()
    return found


def case_facets(qs: QuerySet[Case]) -> dict[str, list[tuple[Any, ...]]]:
    """Counts of the listed cases by top-level domain (code, count) and by jurisdiction (code, name, count)."""
    by_domain: dict[str, int] = {}
    for code, n in qs.order_by().values_list("domain").annotate(n=Count("id", distinct=True)):
        top = code.split(".")[0]
        by_domain[top] = by_domain.get(top, 0) + n
    return {"domain": sorted(by_domain.items()),
            "jurisdiction": list(qs.order_by().values_list("jurisdiction__code", "jurisdiction__name_zh")
                                 .annotate(n=Count("id", distinct=True)).order_by("jurisdiction__code"))}


def cases(user: Any, *, search: str = "", domain: str = "", jurisdiction: str = "") -> QuerySet[Case]:
    qs = (Case.objects.restrict(user, "view").select_related("jurisdiction", "pilot__need__owner", "pilot__supplier")
          .annotate(replication_count=Count("replications", filter=~Q(replications__status="withdrawn"))))
    if search.strip():
        qs = scenario_search.CASES.apply(qs, search)
    if domain:
        qs = qs.filter(Q(domain=domain) | Q(domain__startswith=f"{domain}."))
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
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
    from aiplus.scenarios import pack_rules

    nq = needs(user)
    by_domain: dict[str, int] = {}
    for code, n in nq.order_by().values_list("domain").annotate(n=Count("id")):
        top = pack_rules.domain_name(pack_rules.top_domain(code))
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


def taxonomy() -> dict[str, Any]:
    """The six "AI+" domains with their sub-scenarios (Suzhou arts. 11–30) and Guangdong's scenario categories
    (arts. 16–21, 24) with the domains each maps onto, as loaded from the active packs.

    Each item says where it comes from: `source_kind` (official, stated-in-explanation, other-instrument or
    working-classification), `source` (that, in the active language), `source_citation` (what it names, as a dict)
    and `citation` (its label; empty for the platform's own classification, which is never shown beside an
    article)."""
    from aiplus.regulation.provenance import describe, effective_source
    from aiplus.regulation.runtime import active_packs
    from aiplus.regulation.runtime import cite as runtime_cite

    packs = active_packs()

    def rows(code: str) -> list[dict[str, Any]]:
        try:
            tax = packs.taxonomy(code)
        except KeyError:
            return []
        out = []
        for item in tax.flatten():
            source = effective_source(item.source, tax.citation)
            named = source.citation if source.citation is not None and not source.is_platform else None
            out.append({"code": item.code, "name_zh": item.name_zh, "name_en": item.name_en, "parent": item.parent,
                        "maps_to": [target.split(":", 1)[-1] for target in item.maps_to],
                        "source_kind": source.kind, "source": describe(source),
                        "source_citation": source.citation.as_dict() if source.citation else {},
                        "citation": runtime_cite(named) if named else ""})
        return out

    return {"domains": rows("scenario_domains"), "gd_categories": rows("gd_scenario_categories")}


# -- filters of the lists (scenarios/listings.py): each narrows a selector's queryset, never widens it ----------------

def search_needs(qs: QuerySet[Need], text: str) -> QuerySet[Need]:
    """The needs matching a Chinese search (the same search as `needs(search=…)`)."""
    return scenario_search.NEEDS.apply(qs, text) if text.strip() else qs


def search_profiles(qs: QuerySet[CapabilityProfile], text: str) -> QuerySet[CapabilityProfile]:
    """The profiles matching a Chinese search (the same search as `profiles(search=…)`)."""
    return scenario_search.PROFILES.apply(qs, text) if text.strip() else qs


def search_cases(qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases matching a Chinese search (the same search as `cases(search=…)`)."""
    return scenario_search.CASES.apply(qs, text) if text.strip() else qs


def profiles_serving(qs: QuerySet[CapabilityProfile], domain: str) -> QuerySet[CapabilityProfile]:
    """The profiles serving a domain or one of its sub-scenarios."""
    return qs.filter(_serves(domain)) if domain else qs


def places_named(codes: list[str]) -> list[Jurisdiction]:
    """The jurisdictions stored by code (a profile's regions served), in the stored order, to be shown by name."""
    by_code = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]
