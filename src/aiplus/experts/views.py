"""Thin views of the expert pool: parse, authorise, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core import selectors as core_selectors
from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.models import Jurisdiction
from aiplus.core.routing import Routes
from aiplus.experts import draws, selectors, services
from aiplus.experts.forms import (
    ConflictForm,
    ConsultationForm,
    DrawForm,
    OpinionForm,
    ProfileForm,
    RegisterForm,
    WhichForm,
)
from aiplus.experts.listings import CONSULTATIONS, DRAWS, EXPERTS
from aiplus.experts.models import Consultation, Draw

route = Routes("experts")
_OFFICIALS = {permissions.OFFICIAL, permissions.AUDITOR}


def _places(user: Any) -> QuerySet[Jurisdiction]:
    """Where the official registers experts or draws panels; refused (403) when there is nowhere."""
    places = core_selectors.jurisdictions_to_add_in(user)
    if not places.exists():
        raise PermissionDenied
    return places


field_choices = selectors.field_choices


def _field_names() -> dict[str, str]:
    return selectors.field_names()


def _organisations() -> Any:
    # Conflicts are declared with any registered organisation (as the service accepts), chosen by name or code.
    return core_selectors.all_organisations()


def _error(form: forms.Form, error: ServiceError, mapping: dict[str, str] | None = None) -> None:
    error.add_to_form(form, ({"fields": "domains"} | (mapping or {})).get(error.field or "", error.field))


def _pool_actions(request: HttpRequest) -> dict[str, Any]:
    # Only an official who may add in some jurisdiction registers experts or draws panels.
    may_add = core_selectors.jurisdictions_to_add_in(request.user).exists()
    return {"can_register": may_add} if may_add else {"can_register": False, "next_step": None}


pool = route.list_page("", EXPERTS, signed_in=True, template_name="experts/pool.html", extra_context=_pool_actions,
                       menu=_("专家库"), roles=_OFFICIALS, order=40)


@route("register/", "register")
@login_required
def register(request: HttpRequest) -> HttpResponse:
    places = _places(request.user)
    form = RegisterForm(request.POST or None, jurisdictions=places, field_choices=field_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"]
        try:
            services.register_expert(
                acting_user=acting_user(request), user=data["username"],
                organisation_id=organisation.pk if organisation is not None else None,
                fields=data["domains"], technologies=form.technologies_list(), title=data["title"],
                jurisdiction=data["jurisdiction"].code)
        except ServiceError as error:
            _error(form, error, {"user": "username", "organisation_id": "organisation"})
        else:
            return redirect("experts:pool")
    return render(request, "experts/form.html", {"form": form, "heading": "register"},
                  status=400 if form.errors else 200)


@route("me/", "me", menu=_("我的专家档案"), roles={permissions.EXPERT}, order=42)
@login_required
def me(request: HttpRequest) -> HttpResponse:
    profile = selectors.my_profile(request.user)
    if profile is None:
        return render(request, "experts/me.html", {"profile": None})
    profile_form = ProfileForm(initial={
        "domains": profile.fields, "technologies": ", ".join(profile.technologies), "title": profile.title,
        "available": profile.available, "unavailable_until": profile.unavailable_until,
    }, field_choices=field_choices())
    conflict_form = ConflictForm(organisations=_organisations())
    status = 200
    which = WhichForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if which.is_conflict():
                conflict_form = ConflictForm(request.POST, organisations=_organisations())
                if conflict_form.is_valid():
                    data = dict(conflict_form.cleaned_data)
                    services.declare_conflict(acting_user=acting_user(request), expert_id=profile.pk,
                                              organisation_id=data.pop("organisation").pk, **data)
                    return redirect("experts:me")
            else:
                profile_form = ProfileForm(request.POST, field_choices=field_choices())
                if profile_form.is_valid():
                    data = profile_form.cleaned_data
                    services.update_expert(acting_user=acting_user(request), expert_id=profile.pk,
                                           fields=data["domains"],
                                           technologies=profile_form.technologies_list(), title=data["title"],
                                           available=data["available"],
                                           unavailable_until=data["unavailable_until"])
                    return redirect("experts:me")
        except ServiceError as error:
            _error(conflict_form if which.is_conflict() else profile_form, error,
                   {"organisation_id": "organisation"})
        status = 400
    return render(request, "experts/me.html", {
        "profile": profile, "profile_form": profile_form, "conflict_form": conflict_form,
        "conflicts": selectors.conflicts(request.user, expert_id=profile.pk), "field_names": _field_names(),
        "draws": selectors.draw_memberships(profile)[:20],
    }, status=status)


def _draw_actions(request: HttpRequest) -> dict[str, Any]:
    return {} if core_selectors.jurisdictions_to_add_in(request.user).exists() else {"next_step": None}


draw_list = route.list_page("draws/", DRAWS, signed_in=True, template_name="experts/draws.html",
                            extra_context=_draw_actions, menu=_("专家抽取"), roles=_OFFICIALS, order=41)


@route("draws/new/", "draw_create")
@login_required
def draw_create(request: HttpRequest) -> HttpResponse:
    places = _places(request.user)
    form = DrawForm(request.POST or None, jurisdictions=places, field_choices=field_choices(),
                    organisations=_organisations())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = services.draw_panel(
                acting_user=acting_user(request), purpose=data["purpose"], subject_type=data["subject_type"],
                subject_id=data["subject_id"], jurisdiction=data["jurisdiction"].code, fields=data["domains"],
                size=data["size"], conflicted_organisation_ids=[o.pk for o in data["conflicted"]])
        except ServiceError as error:
            _error(form, error, {"conflicted_organisation_ids": "conflicted"})
        else:
            return redirect("experts:draw", draw_id=draw.pk)
    return render(request, "experts/form.html", {"form": form, "heading": "draw"},
                  status=400 if form.errors else 200)


@route("draws/<int:draw_id>/", "draw")
@login_required
@record_page(selectors.draw, "draw_id")
def draw_detail(request: HttpRequest, draw: Draw, verify: bool = False) -> HttpResponse:
    names = {c["expert_id"]: c["name"] for c in draw.candidates}
    verification = None
    if verify:
        verification = services.verify_draw(draw)
        recomputed = verification["recomputed"]
        verification["recomputed_named"] = [(i, names.get(i, i)) for i in recomputed or []]
    form = ConsultationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                consultation = services.ask_panel(acting_user=acting_user(request), draw_id=draw.pk,
                                                  **form.cleaned_data)
            except ServiceError as error:
                _error(form, error)
            else:
                return redirect("experts:consultation", consultation_id=consultation.pk)
        status = 400
    return render(request, "experts/draw.html", {
        "draw": draw, "selected": [(i, names.get(i, i)) for i in draw.selected], "verification": verification,
        "canonical_inputs": draws.canonical_json(draw.seed_inputs) if draw.seed_inputs else "",
        "field_names": _field_names(), "form": form, "can_ask": permissions.can(request.user, "change", draw),
        "consultations": selectors.consultations_of_draw(draw),
    }, status=status)


@route("draws/<int:draw_id>/verify/", "draw_verify")
@login_required
def draw_verify(request: HttpRequest, draw_id: int) -> HttpResponse:
    return draw_detail(request, draw_id=draw_id, verify=True)


consultation_list = route.list_page("consultations/", CONSULTATIONS, signed_in=True, template_name="core/list.html",
                                    menu=_("专家咨询"), order=43, roles=_OFFICIALS | {permissions.EXPERT})


@route("consultations/<int:consultation_id>/", "consultation")
@login_required
@record_page(selectors.consultation, "consultation_id")
def consultation_detail(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    panel = services.panel_profiles(consultation)
    profile = selectors.my_profile(request.user)
    is_member = profile is not None and profile.pk in {p.pk for p in panel}
    opinions = list(selectors.opinions(request.user, consultation))
    mine = next((o for o in opinions if profile is not None and o.expert_id == profile.pk), None)
    form = OpinionForm(request.POST or None, initial={"text": mine.text if mine else ""})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_opinion(acting_user=acting_user(request), consultation_id=consultation.pk,
                                        text=form.cleaned_data["text"])
            except ServiceError as error:
                if error.status == 403:
                    raise PermissionDenied from error
                _error(form, error)
            else:
                return redirect("experts:consultation", consultation_id=consultation.pk)
        status = 400
    return render(request, "experts/consultation.html", {
        "consultation": consultation, "panel": panel, "opinions": opinions, "form": form, "is_member": is_member,
        "answered": {o.expert_id for o in opinions},
    }, status=status)
