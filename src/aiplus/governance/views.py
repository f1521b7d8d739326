"""Ethics review pages: committees (members, composition checked with its reasons, registration) and applications
(materials, the one notice of everything missing, reviews with quorum, votes and decision, the expert re-review of
listed activities, follow-up reviews). Thin: parse, authorise through the selectors, call one service, render."""

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
from aiplus.core.page_forms import PageForm, post_one_of, unbound
from aiplus.core.routing import Routes
from aiplus.experts import selectors as expert_selectors
from aiplus.governance import ethics, incidents, selectors, services
from aiplus.governance import ethics_rules as rules
from aiplus.governance.forms import (
    ActivityRegistrationForm,
    AdviceForm,
    AdviserForm,
    AnnualReportForm,
    ApplicationForm,
    CommitteeForm,
    DrawForm,
    EntrustmentForm,
    ExamineForm,
    FollowUpForm,
    MaterialsForm,
    MemberForm,
    OpinionForm,
    RegistrationForm,
    ReviewForm,
    SubmitForm,
)
from aiplus.governance.listings import ANNUAL_REPORTS, APPLICATIONS, COMMITTEES, ENTRUSTMENTS, UNREPORTED, last_year
from aiplus.governance.models import (
    Advice,
    AnnualReport,
    ApplicationStatus,
    CommitteeMember,
    EthicsApplication,
    EthicsCommittee,
)

route = Routes("governance")
_ROLES = {permissions.ENTERPRISE_MEMBER, permissions.PROVIDER, permissions.EXPERT, permissions.OFFICIAL,
          permissions.AUDITOR}


# -- committees --------------------------------------------------------------------------------------------------

class CommitteesPage(ListPage):
    page_forms = {"create": PageForm(
        make=lambda request, data: CommitteeForm(data, user=request.user),
        write=lambda request, form: services.create_committee(acting_user=acting_user(request), **form.arguments()),
        done=_("伦理委员会已设立，请添加委员。"),
        back=lambda request, committee: f"/governance/ethics/committees/{committee.pk}/")}


def _committees_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_create": selectors.organisations_acting_for(request.user).exists()}


committees = route.list_page("ethics/committees/", COMMITTEES, page=CommitteesPage, signed_in=True,
                             template_name="governance/committees.html", extra_context=_committees_context,
                             menu=_("科技伦理审查"), roles=_ROLES, order=60)


def composition_of(committee: EthicsCommittee, members: list[CommitteeMember]) -> list[rules.Check]:
    today = timezone.localdate()
    return rules.composition([m.as_rule() for m in members], ethics.rules_on(today), today)


@route("ethics/committees/<int:committee_id>/", "committee")
@login_required
@record_page(selectors.committee, "committee_id")
def committee(request: HttpRequest, committee: EthicsCommittee) -> HttpResponse:
    manage = committee.organisation_id in permissions.user_organisation_ids(request.user, "add") \
        or request.user.is_superuser
    specs = {
        "member": PageForm(make=lambda request, data: MemberForm(data),
                           write=lambda request, form: services.add_member(
                               acting_user=acting_user(request), committee_id=committee.pk, **form.arguments()),
                           done=_("委员已添加。")),
        "register": PageForm(make=lambda request, data: RegistrationForm(data),
                             write=lambda request, form: services.register_committee(
                                 acting_user=acting_user(request), committee_id=committee.pk,
                                 **form.cleaned_data),
                             done=_("登记信息已保存。")),
    } if manage else {}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        members = list(committee.members.all())
        today = timezone.localdate()
        due = committee.established_on + dt.timedelta(
            days=int(ethics.value("ethics.committee.registration_days", today)))
        return render(request, "governance/committee.html", {
            "committee": committee, "members": members, "checks": composition_of(committee, members),
            "composition_ok": rules.holds(composition_of(committee, members)), "forms": forms, "manage": manage,
            "registration_due": due, "registration_parameter": ethics.version("ethics.committee.registration_days",
                                                                              today),
            "parameters": ethics.parameter_rows(today),
            "applications": selectors.applications(request.user).filter(committee=committee)[:50],
            "entrusted_by": selectors.entrustments(request.user).filter(committee=committee),
        })

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


# -- applications ------------------------------------------------------------------------------------------------

class ApplicationsPage(ListPage):
    page_forms = {"create": PageForm(
        make=lambda request, data: ApplicationForm(data, user=request.user),
        write=lambda request, form: services.create_application(acting_user=acting_user(request),
                                                                **form.arguments()),
        done=_("申请已保存为草稿，补齐材料后提交。"),
        back=lambda request, application: f"/governance/ethics/applications/{application.pk}/")}


def _applications_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_apply": selectors.committees_to_apply_to(request.user).exists()}


applications = route.list_page("ethics/applications/", APPLICATIONS, page=ApplicationsPage, signed_in=True,
                               template_name="governance/applications.html", extra_context=_applications_context)


def _panel(re_review: Any) -> list[tuple[int, str]]:
    if re_review is None:
        return []
    names = {c["expert_id"]: c["name"] for c in re_review.draw.candidates}
    return [(int(i), names.get(i, str(i))) for i in re_review.draw.selected]


def _panel_rows(re_review: Any) -> list[tuple[int, str, str, str]]:
    votes = re_review.votes if re_review is not None else {}
    opinions = re_review.opinions if re_review is not None else {}
    return [(i, name, votes.get(str(i), ""), opinions.get(str(i), "")) for i, name in _panel(re_review)]


def _specs(request: HttpRequest, application: EthicsApplication, roles: dict[str, bool],
           members: list[CommitteeMember], re_review: Any) -> dict[str, PageForm]:
    user = acting_user(request)
    pk = application.pk
    status = application.status
    specs: dict[str, PageForm] = {}
    editable = status in (ApplicationStatus.DRAFT, ApplicationStatus.INCOMPLETE, ApplicationStatus.REVISE)
    if roles["applicant"] and editable:
        specs["materials"] = PageForm(
            make=lambda request, data: MaterialsForm(data, instance=application if data is None else None),
            write=lambda request, form: services.update_materials(acting_user=user, application_id=pk,
                                                                  **form.cleaned_data),
            done=_("材料已保存。"))
        specs["submit"] = PageForm(make=lambda request, data: SubmitForm(data),
                                   write=lambda request, form: services.submit_application(acting_user=user,
                                                                                           application_id=pk),
                                   done=_("申请已提交。"))
    if roles["committee"] and status == ApplicationStatus.SUBMITTED:
        specs["examine"] = PageForm(make=lambda request, data: ExamineForm(data),
                                    write=lambda request, form: services.examine_application(
                                        acting_user=user, application_id=pk, **form.cleaned_data),
                                    done=_("材料审查已记录。"))
    if roles["chair"] and status == ApplicationStatus.ACCEPTED:
        specs["review"] = PageForm(make=lambda request, data: ReviewForm(data, members=members),
                                   write=lambda request, form: services.record_review(
                                       acting_user=user, application_id=pk, **form.arguments()),
                                   done=_("审查已记录。"))
    if roles["authority"] and status == ApplicationStatus.RE_REVIEW and re_review is None:
        minimum = ethics.rules_on(timezone.localdate()).re_review_min_experts
        specs["draw"] = PageForm(
            make=lambda request, data: DrawForm(data, field_choices=expert_selectors.field_choices(),
                                                minimum=minimum),
            write=lambda request, form: services.draw_re_review_panel(
                acting_user=user, application_id=pk, fields=form.cleaned_data["domains"],
                size=form.cleaned_data["size"]),
            done=_("复核专家组已抽取。"))
    if roles["panel_expert"] and status == ApplicationStatus.RE_REVIEW:
        specs["opinion"] = PageForm(make=lambda request, data: OpinionForm(data),
                                    write=lambda request, form: services.submit_re_review_opinion(
                                        acting_user=user, application_id=pk, **form.cleaned_data),
                                    done=_("复核意见已提交。"))
    if roles["applicant"] and services.activity_registration_pending(application):
        specs["activity_registration"] = PageForm(
            make=lambda request, data: ActivityRegistrationForm(data),
            write=lambda request, form: services.register_activity(acting_user=user, application_id=pk,
                                                                   **form.cleaned_data),
            done=_("清单内活动登记信息已保存。"))
    if roles["committee"] and status in services.OPEN_FOR_ADVICE:
        specs["adviser"] = PageForm(
            make=lambda request, data: AdviserForm(data),
            write=lambda request, form: services.invite_adviser(acting_user=user, application_id=pk,
                                                                **form.arguments()),
            done=_("已邀请独立顾问。"))
    if roles["committee"]:
        open_ones = application.follow_ups.filter(done_on__isnull=True)
        if open_ones.exists():
            specs["follow_up"] = PageForm(
                make=lambda request, data: FollowUpForm(data, follow_ups=open_ones,
                                                        initial={"follow_up": open_ones.first()}),
                write=lambda request, form: services.record_follow_up(
                    acting_user=user, follow_up_id=form.cleaned_data["follow_up"].pk,
                    done_on=form.cleaned_data["done_on"], conclusion=form.cleaned_data["conclusion"]),
                done=_("跟踪审查已记录。"))
    return specs


@route("ethics/applications/<int:application_id>/", "application")
@login_required
@record_page(selectors.application, "application_id")
def application(request: HttpRequest, application: EthicsApplication) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    membership = selectors.membership(user, application.committee)
    serving = membership is not None and membership.term_start <= today <= membership.term_end \
        and application.submitted_by_id != user.pk
    roles = {
        "applicant": application.organisation_id in permissions.user_organisation_ids(user, "add"),
        "committee": serving,
        "chair": serving and membership is not None and membership.role in ("chair", "vice_chair"),
        "authority": application.referred_jurisdiction_id is not None and permissions.can_create_in(
            user, jurisdiction_id=application.referred_jurisdiction_id)
        and application.organisation_id not in permissions.user_organisation_ids(user, "view"),
    }
    members = list(application.committee.members.select_related("user").filter(term_start__lte=today,
                                                                                  term_end__gte=today))
    re_review = selectors.re_review_of(application)
    roles["panel_expert"] = services.awaiting_opinion_of(user, re_review)
    specs = _specs(request, application, roles, members, re_review)

    def draw(forms: dict[str, Any]) -> HttpResponse:
        labels = services.material_labels()
        return render(request, "governance/application.html", {
            "application": application, "roles": roles, "forms": forms,
            "overdue": application.status == ApplicationStatus.ACCEPTED and application.decision_due is not None
            and application.decision_due < timezone.now(),
            "materials": [(kind, labels[kind], value) for kind, value in application.materials().items()],
            "missing": [labels[kind] for kind in services.missing(application)],
            "reviews": selectors.reviews(application), "re_review": re_review, "panel": _panel_rows(re_review),
            "follow_ups": selectors.follow_ups_of(application),
            "parameters": ethics.parameter_rows(today),
            "red_lines": incidents.red_line_rows(application.red_lines),
            "red_line_citation": incidents.red_line_taxonomy().citation,
            "advice": selectors.advice_of(application, user),
            "activity_registration_due": ethics.activity_registration_due(application.decided_on)
            if application.listed and application.decided_on and application.status in services.APPROVED else None,
            "activity_registration_parameter": ethics.version("ethics.activity.registration_days", today),
        })

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


# -- annual reports ----------------------------------------------------------------------------------------------

def _report_years(committee: EthicsCommittee) -> list[int]:
    return list(range(timezone.localdate().year, committee.established_on.year - 1, -1))


@route("ethics/committees/<int:committee_id>/annual-report/", "annual_report_file")
@login_required
@record_page(selectors.committee, "committee_id")
def annual_report_file(request: HttpRequest, committee: EthicsCommittee) -> HttpResponse:
    """The committee's annual report: the platform's figures for the chosen year and, for its chair or a
    vice-chair, the form that files them with the committee's remarks; the reports filed so far."""
    today = timezone.localdate()
    years = _report_years(committee)
    try:
        year = int(request.GET.get("year") or max(committee.established_on.year, today.year - 1))
    except ValueError:
        year = today.year - 1
    year = min(max(year, years[-1]), years[0])
    membership = selectors.membership(request.user, committee)
    chairing = membership is not None and membership.term_start <= today <= membership.term_end \
        and membership.role in ("chair", "vice_chair")
    filed = list(selectors.annual_reports(request.user).filter(committee=committee))
    specs = {"file": PageForm(
        make=lambda request, data: AnnualReportForm(data, years=years, initial={"year": year}),
        write=lambda request, form: services.file_annual_report(acting_user=acting_user(request),
                                                                committee_id=committee.pk, **form.cleaned_data),
        done=_("年度报告已报送。"),
        back=lambda request, report: f"/governance/ethics/annual-reports/{report.pk}/")} if chairing else {}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "governance/annual_report_file.html", {
            "committee": committee, "year": year, "years": years, "forms": forms, "filed": filed,
            "figures": selectors.annual_figures(committee, year, today),
            "already": any(r.year == year for r in filed), "due": ethics.annual_report_due(year),
            "due_parameter": ethics.version("ethics.annual_report.due", today),
        })

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


annual_reports = route.list_page("ethics/annual-reports/", ANNUAL_REPORTS, signed_in=True,
                                 template_name="governance/annual_reports.html",
                                 extra_context=lambda request: {"may_see_unreported": UNREPORTED.admits(request.user)})


def _unreported_context(request: HttpRequest) -> dict[str, Any]:
    """The chosen year's due date and where it comes from (a platform setting), for the page's header; a bad year
    is refused by the list itself, so the header falls back to last year."""
    year = request.GET.get("year", "")
    chosen = int(year) if year.isdigit() and 2000 <= int(year) <= timezone.localdate().year + 1 else last_year()
    return {"year": chosen, "due": ethics.annual_report_due(chosen),
            "due_parameter": ethics.version("ethics.annual_report.due", timezone.localdate()),
            "overdue_days": selectors.days_overdue(chosen)}


unreported_committees = route.list_page("ethics/annual-reports/missing/", UNREPORTED, signed_in=True,
                                        template_name="governance/unreported_committees.html",
                                        extra_context=_unreported_context)


@route("ethics/annual-reports/<int:report_id>/", "annual_report")
@login_required
@record_page(selectors.annual_report, "report_id")
def annual_report(request: HttpRequest, report: AnnualReport) -> HttpResponse:
    return render(request, "governance/annual_report.html", {
        "report": report, "due": ethics.annual_report_due(report.year),
        "due_parameter": ethics.version("ethics.annual_report.due", timezone.localdate())})


# -- entrustments ------------------------------------------------------------------------------------------------

class EntrustmentsPage(ListPage):
    page_forms = {"create": PageForm(
        make=lambda request, data: EntrustmentForm(data, user=request.user),
        write=lambda request, form: services.entrust_committee(acting_user=acting_user(request),
                                                               **form.arguments()),
        done=_("委托审查已登记：本单位可向受托委员会提交伦理审查申请。"))}


def _entrustments_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_entrust": selectors.organisations_acting_for(request.user).exists()}


entrustments = route.list_page("ethics/entrustments/", ENTRUSTMENTS, page=EntrustmentsPage, signed_in=True,
                               template_name="governance/entrustments.html", extra_context=_entrustments_context)


# -- independent advisers ----------------------------------------------------------------------------------------

@route("ethics/advice/<int:advice_id>/", "advice")
@login_required
@record_page(selectors.advice, "advice_id")
def advice(request: HttpRequest, advice: Advice) -> HttpResponse:
    """The adviser's own page: the one application's materials (nothing of its reviews or votes), the committee's
    question, and the declaration and opinion form while the application is under review."""
    application = advice.application
    open_ = advice.submitted_at is None and application.status in services.OPEN_FOR_ADVICE
    specs = {"opinion": PageForm(
        make=lambda request, data: AdviceForm(data),
        write=lambda request, form: services.submit_advice(acting_user=acting_user(request), advice_id=advice.pk,
                                                           **form.cleaned_data),
        done=_("咨询意见已提交。"))} if open_ else {}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        labels = services.material_labels()
        return render(request, "governance/advice.html", {
            "advice": advice, "application": application, "forms": forms,
            "materials": [(kind, labels[kind], value) for kind, value in application.materials().items()]})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))
