"""Sandbox and fault-tolerance pages: the list of sandbox cases with the application form, one case (the panel, the
admission with its conditions, the report schedule with overdue clocks, incidents and the exit decisions), and the
fault-tolerance cases with the decision form. Thin: parse, authorise through the selectors, call one service,
render."""

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
from aiplus.experts import selectors as expert_selectors
from aiplus.governance import incident_selectors as governance_selectors
from aiplus.sandbox import rules, selectors, services
from aiplus.sandbox.forms import (
    AdmissionForm,
    ApplyForm,
    DrawForm,
    ExitForm,
    IncidentForm,
    PanelVoteForm,
    ReportForm,
    ToleranceForm,
)
from aiplus.sandbox.listings import APPLICATIONS, TOLERANCE_CASES
from aiplus.sandbox.models import SandboxApplication, Status

route = Routes("sandbox")

_ROLES = {permissions.ENTERPRISE_MEMBER, permissions.PROVIDER, permissions.OFFICIAL, permissions.AUDITOR}


class ApplicationsPage(ListPage):
    page_forms = {"apply": PageForm(
        make=lambda request, data: ApplyForm(data, organisations=selectors.organisations_acting_for(request.user)),
        write=lambda request, form: services.apply(acting_user=acting_user(request), **form.arguments()),
        done=_("沙盒监管申请已提交。"),
        back=lambda request, application: f"/sandbox/applications/{application.pk}/")}


def _applications_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_apply": selectors.organisations_acting_for(request.user).exists(),
            "parameters": rules.parameter_rows(timezone.localdate())}


applications_page = route.list_page("applications/", APPLICATIONS, page=ApplicationsPage, signed_in=True,
                                    template_name="sandbox/applications.html", extra_context=_applications_context,
                                    menu=_("沙盒监管"), roles=_ROLES, order=74)


def panel(application: SandboxApplication) -> list[tuple[int, str]]:
    if application.draw is None:
        return []
    names = {c["expert_id"]: c["name"] for c in application.draw.candidates}
    return [(int(i), names.get(i, str(i))) for i in application.draw.selected]


def _specs(request: HttpRequest, application: SandboxApplication, official: bool, member: bool) -> dict[str, Any]:
    user = acting_user(request)
    pk = application.pk
    status = application.status
    specs: dict[str, PageForm] = {}
    if official and status == Status.SUBMITTED:
        minimum = rules.limits(timezone.localdate()).panel_min_experts
        specs["draw"] = PageForm(
            make=lambda request, data: DrawForm(data, field_choices=expert_selectors.field_choices(),
                                                minimum=minimum),
            write=lambda request, form: services.draw_panel(acting_user=user, application_id=pk,
                                                            fields=form.cleaned_data["domains"],
                                                            size=form.cleaned_data["size"]),
            done=_("评审专家组已抽取。"))
    if services.awaiting_vote_of(user, application):
        specs["vote"] = PageForm(make=lambda request, data: PanelVoteForm(data),
                                 write=lambda request, form: services.vote_admission(
                                     acting_user=user, application_id=pk, **form.cleaned_data),
                                 done=_("评审意见已提交。"))
    if official and status == Status.REVIEWING and application.draw is not None \
            and len(application.votes or {}) == len(application.draw.selected):
        specs["admission"] = PageForm(
            make=lambda request, data: AdmissionForm(data, initial={
                "user_cap": application.planned_users, "geography_condition": application.geography}),
            write=lambda request, form: services.decide_admission(acting_user=user, application_id=pk,
                                                                  **form.arguments()),
            done=_("入盒决定已记录。"))
    if member and status == Status.ADMITTED:
        open_reports = application.reports.filter(filed_on__isnull=True)
        if open_reports.exists():
            specs["report"] = PageForm(
                make=lambda request, data: ReportForm(data, reports=open_reports),
                write=lambda request, form: services.file_report(acting_user=user, **form.arguments()),
                done=_("定期报告已提交。"))
        specs["incident"] = PageForm(
            make=lambda request, data: IncidentForm(data),
            write=lambda request, form: services.report_incident(acting_user=user, application_id=pk,
                                                                 **form.cleaned_data),
            done=_("事件已报告。"))
    if official and status == Status.ADMITTED:
        specs["exit"] = PageForm(
            make=lambda request, data: ExitForm(data),
            write=lambda request, form: services.decide_exit(acting_user=user, application_id=pk,
                                                             **form.cleaned_data),
            done=_("决定已作出。"))
    return specs


@route("applications/<int:application_id>/", "application")
@login_required
@record_page(selectors.application, "application_id")
def application_page(request: HttpRequest, application: SandboxApplication) -> HttpResponse:
    user = acting_user(request)
    official = selectors.is_official_of(user, application.jurisdiction_id) and (
        user.is_superuser or not selectors.is_member_of(user, application.organisation_id))
    member = application.organisation_id in permissions.user_organisation_ids(user, "change")
    specs = _specs(request, application, official, member)
    today = timezone.localdate()

    def draw(forms: dict[str, Any]) -> HttpResponse:
        votes = application.votes or {}
        opinions = application.opinions or {}
        return render(request, "sandbox/application.html", {
            "application": application, "forms": forms,
            "panel": [(i, name, votes.get(str(i), ""), opinions.get(str(i), "")) for i, name in panel(application)],
            "clocks": [rules.report_clock(r, today) for r in application.reports.all()],
            "incidents": selectors.incidents(user).filter(application=application),
            "exits": selectors.exits(user).filter(application=application),
            "tolerance_cases": selectors.tolerance_cases(user).filter(application=application),
            "parameters": rules.parameter_rows(today)})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


class TolerancePage(ListPage):
    page_forms = {"decide": PageForm(
        make=lambda request, data: ToleranceForm(
            data, violations=governance_selectors.violations(request.user),
            applications=selectors.applications(request.user),
            initial={"violation": request.GET.get("violation")} if request.method == "GET" else None),
        write=lambda request, form: services.decide_tolerance(acting_user=acting_user(request), **form.arguments()),
        done=_("容错免责认定已作出。"), back=lambda request, case: f"/sandbox/tolerance/{case.pk}/")}


def _tolerance_context(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    return {"may_decide": bool(permissions.user_jurisdiction_ids(request.user, "change"))
            or request.user.is_superuser, "criteria": rules.criteria(),
            "parameters": rules.parameter_rows(today, rules.TOLERANCE_KEYS)}


tolerance_page = route.list_page("tolerance/", TOLERANCE_CASES, page=TolerancePage, signed_in=True,
                                 template_name="sandbox/tolerance_cases.html", extra_context=_tolerance_context,
                                 menu=_("容错免责认定"), roles=_ROLES, order=75)


@route("tolerance/<int:case_id>/", "tolerance_case")
@login_required
@record_page(selectors.tolerance_case, "case_id")
def tolerance_case(request: HttpRequest, case: Any) -> HttpResponse:
    catalogue = rules.criteria()
    met = set(case.criteria)
    return render(request, "sandbox/tolerance_case.html", {
        "case": case, "criteria": [(item, item.code in met) for item in catalogue.items],
        "criteria_citation": catalogue.citation})
