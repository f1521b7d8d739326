"""AI application, risk tier and supervision pages (Suzhou art. 47 行业监管; Guangdong art. 6 包容审慎监管): the
register with its registration form, an application with its questionnaire, tier, reasons and disclosure; the
inspection plans of a sector department with their reproducible draw; inspections with findings and rectification
orders; the public disclosure register. Thin: parse, authorise through the selectors, call one service, render."""

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
from aiplus.governance import incidents, red_line_services, risk
from aiplus.governance import risk_selectors as selectors
from aiplus.governance import risk_services as services
from aiplus.governance.incident_views import red_line_specs
from aiplus.governance.models import AIApplicationStatus, InspectionStatus, RectificationStatus
from aiplus.governance.risk_forms import (
    ApplicationChangeForm,
    ApplicationForm,
    CloseForm,
    FindingsForm,
    OrderForm,
    PlanForm,
    QuestionnaireForm,
    ReportForm,
    SelfCheckForm,
)
from aiplus.governance.risk_listings import (
    AI_APPLICATIONS,
    DISCLOSURES,
    INSPECTION_PLANS,
    INSPECTIONS,
    RECTIFICATIONS,
)
from aiplus.governance.views import route

_ROLES = {permissions.ENTERPRISE_MEMBER, permissions.PROVIDER, permissions.OFFICIAL, permissions.AUDITOR}
_OFFICIALS = {permissions.OFFICIAL, permissions.AUDITOR}


def _organisations(user: Any) -> Any:
    from aiplus.core.models import Organisation

    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add"))


def _departments(user: Any) -> Any:
    from aiplus.core.models import Department

    places = {o.jurisdiction_id for o in _organisations(user)}
    ids: set[int] = set()
    for place in places:
        ids |= set(selectors.departments_for(place).values_list("pk", flat=True))
    return Department.objects.filter(pk__in=ids).order_by("pack", "code")


def _links(user: Any) -> dict[str, Any]:
    return {"scenarios": selectors.scenarios_for(user), "models": selectors.models_for(user),
            "algorithms": selectors.algorithms_for(user)}


class ApplicationsPage(ListPage):
    page_forms = {"register": PageForm(
        make=lambda request, data: ApplicationForm(data, organisations=_organisations(request.user),
                                                   departments=_departments(request.user),
                                                   **_links(request.user)),
        write=lambda request, form: services.register_application(acting_user=acting_user(request),
                                                                  **form.arguments()),
        done=_("应用已登记，请填写风险问卷。"), back=lambda request, item: f"/governance/ai-applications/{item.pk}/")}


def _applications_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_register": bool(permissions.user_organisation_ids(request.user, "add")),
            "tiers": risk.tiers(), "parameters": risk.parameter_rows(timezone.localdate())}


applications_page = route.list_page("ai-applications/", AI_APPLICATIONS, page=ApplicationsPage, signed_in=True,
                                    template_name="governance/ai_applications.html",
                                    extra_context=_applications_context, menu=_("人工智能应用与风险分级"),
                                    roles=_ROLES, order=74)


@route("ai-applications/<int:application_id>/", "ai_application")
@login_required
@record_page(selectors.application, "application_id")
def ai_application(request: HttpRequest, item: Any) -> HttpResponse:
    user = acting_user(request)
    pk = item.pk
    member = item.organisation_id in permissions.user_organisation_ids(user, "change")
    today = timezone.localdate()
    scheme = risk.scheme(today)
    specs: dict[str, PageForm] = {}
    if member and item.status != AIApplicationStatus.WITHDRAWN:
        specs["assess"] = PageForm(
            make=lambda request, data: QuestionnaireForm(data, scheme=scheme),
            write=lambda request, form: services.assess_application(acting_user=user, application_id=pk,
                                                                    **form.arguments()),
            done=_("风险评估已完成。"))
        specs["change"] = PageForm(
            make=lambda request, data: ApplicationChangeForm(data, initial={
                "name": item.name, "purpose": item.purpose, "limits": item.limits, "data_used": item.data_used,
                "contact": item.contact, "scenario": item.scenario_id,
                "models": list(item.models_used.values_list("pk", flat=True)),
                "algorithms": list(item.algorithms_used.values_list("pk", flat=True))}, **_links(user)),
            write=lambda request, form: services.change_application(acting_user=user, application_id=pk,
                                                                    **form.arguments()),
            done=_("应用信息已变更。"))
        specs["ethics"] = PageForm(
            make=lambda request, data: SelfCheckForm(data, groups=risk.norm_groups()),
            write=lambda request, form: services.check_ethics_norms(acting_user=user, application_id=pk,
                                                                   **form.arguments()),
            done=_("伦理规范自查已提交。"))
    specs.update(red_line_specs(request, item, lambda form: red_line_services.decide_application_red_line(
        acting_user=user, application_id=pk, **form.cleaned_data)))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        assessments = selectors.assessments_of(item)
        checks = selectors.self_checks_of(item)
        return render(request, "governance/ai_application.html", {
            "item": item, "forms": forms, "assessments": assessments,
            "latest": assessments[0] if assessments else None,
            "tier_item": risk.tier_item(item.tier) if item.tier else None,
            "models_used": list(item.models_used.all()), "algorithms_used": list(item.algorithms_used.all()),
            "inspections": selectors.inspections_of(user, item),
            "red_lines": incidents.red_line_rows(item.red_lines),
            "red_line_citation": incidents.red_line_taxonomy().citation,
            "parameters": risk.parameter_rows(today),
            "self_check": checks[0] if checks else None,
            "self_check_total": item.ethics_self_checks.count() if checks else 0,
            "self_check_rows": risk.self_check_rows(checks[0]) if checks else [],
            "norms_citation": risk.norms_taxonomy().citation})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


class PlansPage(ListPage):
    page_forms = {"plan": PageForm(
        make=lambda request, data: PlanForm(data, departments=selectors.planning_departments(request.user)),
        write=lambda request, form: services.plan_inspections(acting_user=acting_user(request), **form.arguments()),
        done=_("检查对象已随机抽取。"), back=lambda request, plan: f"/governance/inspection-plans/{plan.pk}/")}


def _plans_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_plan": bool(permissions.user_jurisdiction_ids(request.user, "change"))
            or request.user.is_superuser}


plans_page = route.list_page("inspection-plans/", INSPECTION_PLANS, page=PlansPage, signed_in=True,
                             template_name="governance/inspection_plans.html", extra_context=_plans_context,
                             menu=_("行业监管检查计划"), roles=_OFFICIALS, order=75)


@route("inspection-plans/<int:plan_id>/", "inspection_plan")
@login_required
@record_page(selectors.plan, "plan_id")
def inspection_plan(request: HttpRequest, plan: Any) -> HttpResponse:
    return render(request, "governance/inspection_plan.html", {
        "plan": plan, "verification": services.verify_plan(plan),
        "inspections": list(selectors.inspections(request.user).filter(plan=plan))})


inspections_page = route.list_page("inspections/", INSPECTIONS, signed_in=True,
                                   template_name="governance/inspections.html", menu=_("检查与整改"),
                                   roles=_ROLES, order=76)
rectifications_page = route.list_page("rectifications/", RECTIFICATIONS, signed_in=True,
                                      template_name="governance/rectifications.html")


def _order_form(form: Any, service: Any, user: Any, order_id: int, done: Any) -> PageForm:
    """The form of one rectification order on the inspection page (its report, or its closure)."""
    return PageForm(make=lambda request, data: form(data),
                    write=lambda request, bound: service(acting_user=user, order_id=order_id, **bound.cleaned_data),
                    done=done)


@route("inspections/<int:inspection_id>/", "inspection")
@login_required
@record_page(selectors.inspection, "inspection_id")
def inspection(request: HttpRequest, found: Any) -> HttpResponse:
    user = acting_user(request)
    pk = found.pk
    supervisor = services._supervisor(user, found.application)
    member = found.application.organisation_id in permissions.user_organisation_ids(user, "change")
    orders = selectors.orders_of(user, found)
    specs: dict[str, PageForm] = {}
    if supervisor and found.status == InspectionStatus.PLANNED:
        specs["findings"] = PageForm(make=lambda request, data: FindingsForm(data),
                                     write=lambda request, form: services.record_findings(
                                         acting_user=user, inspection_id=pk, **form.cleaned_data),
                                     done=_("检查发现已记录。"))
    if supervisor and found.status == InspectionStatus.DONE:
        specs["order"] = PageForm(make=lambda request, data: OrderForm(data),
                                  write=lambda request, form: services.order_rectification(
                                      acting_user=user, inspection_id=pk, **form.cleaned_data),
                                  done=_("整改通知已下达。"))
    for order in orders:
        if member and order.status == RectificationStatus.OPEN:
            specs[f"report_{order.pk}"] = _order_form(ReportForm, services.report_rectification, user, order.pk,
                                                      _("整改情况已报告。"))
        if supervisor and order.status == RectificationStatus.REPORTED and order.reported_by_id != user.pk:
            specs[f"close_{order.pk}"] = _order_form(CloseForm, services.close_rectification, user, order.pk,
                                                     _("整改已核验销号。"))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        rows = [{"order": o, "report": forms.get(f"report_{o.pk}"), "report_action": f"report_{o.pk}",
                 "close": forms.get(f"close_{o.pk}"), "close_action": f"close_{o.pk}",
                 "late": o.status == RectificationStatus.OPEN and o.due_on < timezone.localdate()}
                for o in selectors.orders_of(user, found)]
        return render(request, "governance/inspection.html", {"inspection": found, "forms": forms, "orders": rows})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


disclosures_page = route.list_page("ai-disclosures/", DISCLOSURES, template_name="governance/disclosures.html",
                                   menu=_("人工智能应用公开披露"), order=77)


@route("ai-disclosures/<int:application_id>/", "disclosure")
@record_page(selectors.disclosure, "application_id")
def disclosure(request: HttpRequest, item: Any) -> HttpResponse:
    return render(request, "governance/disclosure.html", {"item": item,
                                                          "tier_item": risk.tier_item(item.tier)})
