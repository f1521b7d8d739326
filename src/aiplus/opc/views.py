"""OPC pages: the register (register and keep a profile, its milestones and the working definition's verdict), the
communities (recognise one, apply for a residency, the operator's decision, KPIs), the entitlements a residency
grants (claimed as support applications) and the jurisdictions' figures against the targets. Thin: parse,
authorise through the selectors, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm, post_one_of, unbound
from aiplus.core.routing import Routes
from aiplus.opc import kpis, register, selectors, services
from aiplus.opc.engine import TOOLS
from aiplus.opc.forms import ApplyForm, ClaimForm, CommunityForm, DecisionForm, RegisterForm, UpdateForm
from aiplus.opc.listings import COMMUNITIES, PROFILES
from aiplus.opc.models import Community, Profile, ResidencyStatus, Service
from aiplus.regulation.runtime import active_packs
from aiplus.rules.citations import Citation
from aiplus.support import programmes

route = Routes("opc")


def definition_terms() -> list[Any]:
    """The OPC definition the register uses, from the packs' glossaries, with its source (`|provenance`)."""
    return [term for pack in active_packs().packs.values() for term in pack.glossary if term.code == "opc"]


class ProfilesPage(ListPage):
    page_forms = {"register": PageForm(
        make=lambda request, data: RegisterForm(data, user=request.user),
        write=lambda request, form: services.register_opc(acting_user=acting_user(request), **form.arguments()),
        done=_("一人公司已登记。"),
        back=lambda request, profile: f"/opc/{profile.pk}/")}


profiles = route.list_page("", PROFILES, page=ProfilesPage, signed_in=True, template_name="opc/profiles.html",
                           extra_context=lambda request: {
                               "may_register": selectors.opc_organisations_acting_for(request.user).exists(),
                               "terms": definition_terms()},
                           menu=_("一人公司"), order=72)


def _tools(codes: list[str]) -> list[str]:
    return [TOOLS[c][1] if programmes.english() else TOOLS[c][0] for c in codes if c in TOOLS]


def _entitlements(user: Any, profile: Profile, residencies: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for residency in residencies:
        if residency.status != ResidencyStatus.ADMITTED:
            continue
        bundle = register.bundle(residency.community.bundle)
        if bundle is None:
            continue
        applied = selectors.applications_of(user, profile.organisation_id, bundle.programmes)
        rows.append({"residency": residency, "bundle": bundle, "title": programmes.title(bundle.title),
                     "source": Citation(instrument=bundle.follows, setting=True),
                     "items": [{"code": code, "title": services.programmes_title(code),
                                "application": applied.get(code)} for code in bundle.programmes]})
    return rows


@route("<int:profile_id>/", "profile")
@login_required
@record_page(selectors.profile, "profile_id")
def profile(request: HttpRequest, profile: Profile) -> HttpResponse:
    user = acting_user(request)
    mine = user.is_superuser or profile.organisation_id in permissions.user_organisation_ids(user, "add")
    specs: dict[str, PageForm] = {}
    if mine:
        initial = {"founders": "\n".join(profile.founders), "headcount": profile.headcount,
                   "ai_tools": profile.ai_tools, "stage": profile.stage,
                   "policy_matched_on": profile.policy_matched_on, "financed_on": profile.financed_on}
        specs["update"] = PageForm(
            make=lambda request, data: UpdateForm(data, initial=initial),
            write=lambda request, form: services.update_opc(acting_user=user, profile_id=profile.pk,
                                                            **form.cleaned_data),
            done=_("登记信息已更新。"))
        specs["claim"] = PageForm(
            make=lambda request, data: ClaimForm(data),
            write=lambda request, form: services.claim_entitlement(acting_user=user, **form.cleaned_data),
            done=_("已按扶持项目创建申请，请补充材料后提交。"),
            back=lambda request, application: f"/support/applications/{application.pk}/")
    residencies = list(selectors.residencies(user).filter(profile=profile))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "opc/profile.html", {
            "profile": profile, "mine": mine, "forms": forms, "tools": _tools(profile.ai_tools),
            "check": profile.definition_check, "terms": definition_terms(), "residencies": residencies,
            "entitlements": _entitlements(user, profile, residencies)})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


# -- communities -------------------------------------------------------------------------------------------------

class CommunitiesPage(ListPage):
    page_forms = {"create": PageForm(
        make=lambda request, data: CommunityForm(data),
        write=lambda request, form: services.create_community(acting_user=acting_user(request), **form.arguments()),
        done=_("OPC社区已认定。"),
        back=lambda request, community: f"/opc/communities/{community.pk}/")}


communities = route.list_page("communities/", COMMUNITIES, page=CommunitiesPage, signed_in=True,
                              template_name="opc/communities.html",
                              extra_context=lambda request: {"may_create": bool(
                                  request.user.is_superuser
                                  or permissions.user_jurisdiction_ids(request.user, "add"))},
                              menu=_("OPC社区"), order=73)


def _decider(user: Any, community: Community) -> bool:
    return bool(user.is_superuser or community.operator_id in permissions.user_organisation_ids(user, "add")
                or community.jurisdiction_id in permissions.user_jurisdiction_ids(user, "add"))


def _decision(user: Any, residency_id: int) -> PageForm:
    return PageForm(make=lambda request, data: DecisionForm(data),
                    write=lambda request, form: services.decide_residency(
                        acting_user=user, residency_id=residency_id, **form.cleaned_data),
                    done=_("入驻决定已记录。"))


def service_names(codes: list[str]) -> list[str]:
    names = dict(Service.choices)
    return [str(names[code]) for code in codes if code in names]


@route("communities/<int:community_id>/", "community")
@login_required
@record_page(selectors.community, "community_id")
def community(request: HttpRequest, community: Community) -> HttpResponse:
    user = acting_user(request)
    today = timezone.localdate()
    residencies = list(selectors.residencies(user).filter(community=community).order_by("-created_at", "-id"))
    specs: dict[str, PageForm] = {}
    if selectors.profiles_acting_for(user).exists():
        specs["apply"] = PageForm(
            make=lambda request, data: ApplyForm(data, user=request.user),
            write=lambda request, form: services.apply_residency(acting_user=user, community_id=community.pk,
                                                                 **form.arguments()),
            done=_("入驻申请已提交，等待社区运营单位决定。"))
    if _decider(user, community):
        for row in residencies:
            if row.status == ResidencyStatus.APPLIED:
                specs[f"decide_{row.pk}"] = _decision(user, row.pk)
    figures = selectors.community_figures(selectors.communities(user).filter(pk=community.pk), today).first()
    occupied = getattr(figures, "occupied", 0) or 0

    def draw(forms: dict[str, Any]) -> HttpResponse:
        bundle = register.bundle(community.bundle)
        return render(request, "opc/community.html", {
            "community": community, "forms": forms, "service_names": service_names(community.services),
            "rows": [(r, forms.get(f"decide_{r.pk}")) for r in residencies],
            "occupied": occupied, "talents": getattr(figures, "talents", 0) or 0,
            "occupancy": kpis.occupancy(community.seats, occupied),
            "bundle": bundle, "bundle_title": programmes.title(bundle.title) if bundle else community.bundle,
            "bundle_source": Citation(instrument=bundle.follows, setting=True) if bundle else None,
            "bundle_items": [services.programmes_title(c) for c in (bundle.programmes if bundle else ())]})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


@route("kpis/", "kpis", menu=_("OPC目标进展"), roles={permissions.OFFICIAL, permissions.AUDITOR}, order=74)
@login_required
def kpi_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    seen = permissions.user_jurisdiction_ids(user, "view")
    places = [(place, kpis.jurisdiction_rows(place)) for place in kpis.targeted_places()
              if user.is_superuser or place.pk in seen]
    return render(request, "opc/kpis.html", {"places": places})
