"""Incident pages: the public report form (anonymous-capable, with its abuse limits), the list of incidents with the
company's own report form, an incident with its clocks, triage, assignment, response actions and closure, and the
public record (redacted). Thin: parse, authorise through the selectors, call one service, render."""

from __future__ import annotations

import datetime as dt
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
from aiplus.core.page_forms import PageForm, post_form, post_one_of, unbound
from aiplus.core.signin import client_ip
from aiplus.governance import incident_selectors as selectors
from aiplus.governance import incident_services as services
from aiplus.governance import incidents, red_line_services, violation_services
from aiplus.governance import selectors as ethics_selectors
from aiplus.governance.incident_forms import (
    ActionForm,
    AppealDecisionForm,
    AppealForm,
    AssignForm,
    CloseForm,
    CompanyReportForm,
    DecisionForm,
    DismissForm,
    EndHandlingForm,
    EscalationForm,
    OperatorReportForm,
    PublicReportForm,
    RedLineDecisionForm,
    TriageForm,
    ViolationForm,
)
from aiplus.governance.incident_listings import INCIDENT_RECORDS, INCIDENTS, VIOLATIONS
from aiplus.governance.incident_rules import ESCALATED
from aiplus.governance.listings import ETHICS_RED_LINES
from aiplus.governance.models import OPEN_STATUSES, ClockName, EthicsApplication, Incident, IncidentStatus
from aiplus.governance.views import route

_ROLES = {permissions.ENTERPRISE_MEMBER, permissions.PROVIDER, permissions.OFFICIAL, permissions.AUDITOR}

PUBLIC_REPORT = PageForm(
    make=lambda request, data: PublicReportForm(data),
    write=lambda request, form: services.report_public(acting_user=acting_user(request), client_ip=client_ip(request),
                                                       **form.arguments()),
    done=_("举报已提交，主管部门将按时限研判。举报人身份不向涉事单位和公众公开。"))


@route("incidents/report/", "incident_report", menu=_("举报人工智能安全事件"), order=70)
def incident_report(request: HttpRequest) -> HttpResponse:
    """The public report form: anybody, signed in or not."""

    def draw(form: Any) -> HttpResponse:
        return render(request, "governance/incident_report.html", {
            "form": form, "mine": selectors.reported_by_me(request.user)[:20],
            "parameters": incidents.parameter_rows(timezone.localdate())})

    if request.method == "POST":
        return post_form(request, PUBLIC_REPORT, draw)
    return draw(PUBLIC_REPORT.make(request, None))


class IncidentsPage(ListPage):
    page_forms = {"report": PageForm(
        make=lambda request, data: CompanyReportForm(data, user=request.user),
        write=lambda request, form: services.report_incident(acting_user=acting_user(request), **form.arguments()),
        done=_("事件已报告。"),
        back=lambda request, incident: f"/governance/incidents/{incident.pk}/")}


def _incidents_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_report": bool(permissions.user_organisation_ids(request.user, "add"))}


incidents_page = route.list_page("incidents/", INCIDENTS, page=IncidentsPage, signed_in=True,
                                 template_name="governance/incidents.html", extra_context=_incidents_context,
                                 menu=_("事件与应急响应"), roles=_ROLES, order=65)

incident_records = route.list_page("incidents/records/", INCIDENT_RECORDS,
                                   template_name="governance/incident_records.html",
                                   menu=_("事件公开记录"), order=71)


def _specs(request: HttpRequest, incident: Incident, roles: dict[str, bool]) -> dict[str, PageForm]:
    user = acting_user(request)
    pk = incident.pk
    status = incident.status
    specs: dict[str, PageForm] = {}
    if roles["official"] and status in (IncidentStatus.REPORTED, IncidentStatus.TRIAGED):
        specs["triage"] = PageForm(
            make=lambda request, data: TriageForm(data, initial={
                "severity": incident.severity, "operator_kind": incident.operator_kind or "other",
                "harms": incident.harms, "pi_persons": incident.pi_persons, "loss_cny": incident.loss_cny}),
            write=lambda request, form: services.triage_incident(acting_user=user, incident_id=pk,
                                                                 **form.cleaned_data),
            done=_("研判结果已记录。"))
    if roles["official"] and status == IncidentStatus.REPORTED:
        specs["dismiss"] = PageForm(make=lambda request, data: DismissForm(data),
                                    write=lambda request, form: services.dismiss_incident(
                                        acting_user=user, incident_id=pk, **form.cleaned_data),
                                    done=_("已不予立案。"))
    if roles["official"] and status in (IncidentStatus.TRIAGED, IncidentStatus.RESPONDING):
        specs["assign"] = PageForm(
            make=lambda request, data: AssignForm(data, departments=selectors.departments_for(incident),
                                                  handlers=selectors.handlers_for(incident)),
            write=lambda request, form: services.assign_incident(acting_user=user, incident_id=pk,
                                                                 **form.arguments()),
            done=_("事件已分派。"))
    if (roles["official"] or roles["member"]) and status in OPEN_STATUSES and incident.severity \
            and incident.operator_reported_at is None and incident.clocks.filter(name="operator_report").exists():
        specs["operator_report"] = PageForm(
            make=lambda request, data: OperatorReportForm(data),
            write=lambda request, form: services.record_operator_report(acting_user=user, incident_id=pk,
                                                                        **form.cleaned_data),
            done=_("报告时间已记录。"))
    stage = _escalation_stage(incident)
    if roles["official"] and stage:
        specs["escalation"] = PageForm(
            make=lambda request, data: EscalationForm(data, stage=stage),
            write=lambda request, form: services.record_escalation(acting_user=user, incident_id=pk,
                                                                   **form.cleaned_data),
            done=_("上报已记录。"))
    if (roles["official"] or roles["member"]) and status in (IncidentStatus.TRIAGED, IncidentStatus.RESPONDING,
                                                             IncidentStatus.HANDLED):
        specs["action"] = PageForm(make=lambda request, data: ActionForm(data),
                                   write=lambda request, form: services.add_response_action(
                                       acting_user=user, incident_id=pk, **form.cleaned_data),
                                   done=_("处置措施已记录。"))
    if roles["official"] and status == IncidentStatus.RESPONDING:
        specs["end"] = PageForm(make=lambda request, data: EndHandlingForm(data),
                                write=lambda request, form: services.end_handling(acting_user=user, incident_id=pk,
                                                                                  **form.cleaned_data),
                                done=_("已记录处置结束。"))
    if roles["official"] and status == IncidentStatus.HANDLED:
        specs["close"] = PageForm(make=lambda request, data: CloseForm(data, initial={
            "public_title": incident.title}),
            write=lambda request, form: services.close_incident(acting_user=user, incident_id=pk,
                                                                **form.cleaned_data),
            done=_("事件已结案。"))
    specs.update(red_line_specs(request, incident, lambda form: red_line_services.decide_incident_red_line(
        acting_user=user, incident_id=pk, **form.cleaned_data)))
    return specs


def _escalation_stage(incident: Incident) -> str:
    """Which report up the chain a major incident awaits now: the first, then follow-ups until handling ends."""
    if incident.status not in (IncidentStatus.TRIAGED, IncidentStatus.RESPONDING):
        return ""
    escalation = next((c for c in selectors.clocks_of(incident) if c.name == ClockName.ESCALATION), None)
    if escalation is None:
        return ""
    return ClockName.FOLLOW_UP if escalation.met_at is not None else ClockName.ESCALATION


def red_line_specs(request: HttpRequest, record: Any, write: Any) -> dict[str, PageForm]:
    """The form by which an official who is not of the organisation confirms or dismisses a pending red line."""
    pending = red_line_services.pending_codes(record)
    if not pending or not red_line_services.may_decide(acting_user(request), record):
        return {}
    names = dict(_red_line_choices())
    return {"red_line": PageForm(
        make=lambda request, data: RedLineDecisionForm(data, pending=[(c, names.get(c, c)) for c in pending],
                                                       provisions=_provision_choices()),
        write=lambda request, form: write(form), done=_("安全底线认定已记录。"))}


@route("incidents/<int:incident_id>/", "incident")
@login_required
@record_page(selectors.incident, "incident_id")
def incident(request: HttpRequest, incident: Incident) -> HttpResponse:
    user = request.user
    roles = {"official": services.is_official_for(user, incident), "member": services.is_member_for(user, incident)}
    specs = _specs(request, incident, roles)

    def draw(forms: dict[str, Any]) -> HttpResponse:
        now = timezone.now()
        harm_names = dict(incidents.harm_choices())
        return render(request, "governance/incident.html", {
            "incident": incident, "roles": roles, "forms": forms,
            "reporter": selectors.reporter(user, incident),
            "description": selectors.description_for(user, incident),
            "clocks": [(c, c.state(now)) for c in selectors.clocks_of(incident)],
            "chain": selectors.escalation_chain(incident) if incident.severity in ESCALATED else [],
            "actions": selectors.actions_of(incident),
            "harms": [harm_names.get(h, h) for h in incident.harms],
            "red_lines": incidents.red_line_rows(incident.red_lines),
            "red_line_citation": incidents.red_line_taxonomy().citation,
            "parameters": incidents.parameter_rows(timezone.localdate()),
        })

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


@route("incidents/records/<int:incident_id>/", "incident_record")
@record_page(selectors.public_record, "incident_id")
def incident_record(request: HttpRequest, record: Incident) -> HttpResponse:
    """One entry of the public record: the redacted title and summary, the grade, the harms; nothing else."""
    harm_names = dict(incidents.harm_choices())
    return render(request, "governance/incident_record.html", {
        "record": record, "harms": [harm_names.get(h, h) for h in record.harms]})


@route("red-lines/", "red_lines", menu=_("安全底线"), order=72)
def red_lines(request: HttpRequest) -> HttpResponse:
    """The red lines of Guangdong art. 33: the prohibited uses and mandatory duties, each with its instrument."""
    taxonomy = incidents.red_line_taxonomy()
    harm_names = dict(incidents.harm_choices())
    return render(request, "governance/red_lines.html", {
        "taxonomy": taxonomy, "groups": [(group, list(group.children)) for group in taxonomy.items],
        "harm_names": harm_names, "jurisdiction": incidents.red_line_jurisdiction_code()})


# -- red lines flagged on ethics review applications (Guangdong art. 33) ---------------------------------------
# The officials of the applying unit's place decide these flags on pages of their own: the application's page stays
# the committee's and the applicant's (its materials and votes are theirs alone).

def _ethics_red_lines_context(request: HttpRequest) -> dict[str, Any]:
    return {"red_line_citation": incidents.red_line_taxonomy().citation}


ethics_red_lines = route.list_page("red-lines/ethics/", ETHICS_RED_LINES, signed_in=True,
                                   template_name="governance/ethics_red_lines.html",
                                   extra_context=_ethics_red_lines_context,
                                   menu=_("伦理审查安全底线认定"), roles={permissions.OFFICIAL}, order=73)


def decided_rows(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The flags for a page, each with who decided it and when (the decider's name, the moment)."""
    deciders = ethics_selectors.deciders(flags)
    rows = incidents.red_line_rows(flags)
    for row in rows:
        row["decided_by"] = deciders.get(row["decided_by_id"] or 0)
        try:
            row["decided_moment"] = dt.datetime.fromisoformat(row["decided_at"]) if row["decided_at"] else None
        except (TypeError, ValueError):
            row["decided_moment"] = None
    return rows


@route("red-lines/ethics/<int:application_id>/", "ethics_red_line")
@login_required
@record_page(ethics_selectors.red_line_application, "application_id")
def ethics_red_line(request: HttpRequest, application: EthicsApplication) -> HttpResponse:
    """The flags of one ethics application for the officials who decide them: the rule, its citation, what matched,
    who applied to which committee and where it stands, the decision form; never the materials nor the votes."""
    user = acting_user(request)
    specs = red_line_specs(request, application, lambda form: red_line_services.decide_ethics_red_line(
        acting_user=user, application_id=application.pk, **form.cleaned_data))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "governance/ethics_red_line.html", {
            "application": application, "forms": forms, "red_lines": decided_rows(application.red_lines),
            "red_line_citation": incidents.red_line_taxonomy().citation})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


# -- violations and penalties (Suzhou art. 49) -------------------------------------------------------------------

def _provision_choices() -> list[tuple[str, str]]:
    from aiplus.core.formatting import money
    from aiplus.regulation.runtime import citation_of, cite, parameter_title

    return [(v.key, f"{parameter_title(v.key)}（{money(v.value[0])}–{money(v.value[1])}，{cite(citation_of(v))}）")
            for v in incidents.penalty_provisions(timezone.localdate())]


def _red_line_choices() -> list[tuple[str, str]]:
    from aiplus.portal.templatetags.localized import localized_value

    return [(item.code, localized_value(item, "name")) for item in incidents.red_line_items()]


class ViolationsPage(ListPage):
    page_forms = {"open": PageForm(
        make=lambda request, data: ViolationForm(data, organisations=selectors.organisations_for_cases(request.user),
                                                 provisions=_provision_choices(), red_lines=_red_line_choices()),
        write=lambda request, form: violation_services.open_violation(acting_user=acting_user(request),
                                                                      **form.arguments()),
        done=_("已立案。"), back=lambda request, case: f"/governance/violations/{case.pk}/")}


def _violations_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_open": bool(permissions.user_jurisdiction_ids(request.user, "change"))
            or request.user.is_superuser}


violations_page = route.list_page("violations/", VIOLATIONS, page=ViolationsPage, signed_in=True,
                                  template_name="governance/violations.html", extra_context=_violations_context,
                                  menu=_("违法行为与处罚"), roles=_ROLES, order=73)


@route("violations/<int:violation_id>/", "violation")
@login_required
@record_page(selectors.violation, "violation_id")
def violation(request: HttpRequest, case: Any) -> HttpResponse:
    user = acting_user(request)
    pk = case.pk
    official = violation_services._official(user, case.jurisdiction_id)
    member = case.organisation_id in permissions.user_organisation_ids(user, "change")
    specs: dict[str, PageForm] = {}
    if official and case.status == "open":
        specs["decide"] = PageForm(make=lambda request, data: DecisionForm(data),
                                   write=lambda request, form: violation_services.decide_violation(
                                       acting_user=user, violation_id=pk, **form.cleaned_data),
                                   done=_("处罚决定已作出。"))
    if member and case.status == "decided":
        specs["appeal"] = PageForm(make=lambda request, data: AppealForm(data),
                                   write=lambda request, form: violation_services.appeal_violation(
                                       acting_user=user, violation_id=pk, **form.cleaned_data),
                                   done=_("复议申请已提交。"))
    if official and case.status == "appealed" and case.decided_by_id != user.pk:
        specs["appeal_decision"] = PageForm(make=lambda request, data: AppealDecisionForm(data),
                                            write=lambda request, form: violation_services.decide_appeal(
                                                acting_user=user, violation_id=pk, **form.cleaned_data),
                                            done=_("复议决定已作出。"))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        from aiplus.regulation.runtime import parameter_title

        items = {item.code: item for item in incidents.red_line_items()}
        return render(request, "governance/violation.html", {
            "case": case, "forms": forms, "provision": parameter_title(case.provision),
            "provision_version": incidents.penalty_range(case.provision, case.decided_on or timezone.localdate())[2],
            "red_line": items.get(case.red_line), "red_line_citation": incidents.red_line_taxonomy().citation,
            "basis_checks": case.basis.get("checks", []) if case.basis else [],
            "source": selectors.case_source(user, case),
            "parameters": [incidents.version("penalties.appeal_days", timezone.localdate())]})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))
