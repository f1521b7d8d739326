"""Support programme pages: the catalogue and one programme (with its numbers, sources and the apply form), the
"what can my company get" finder, applications (documents, formal check, decision, tranches) and budgets. Thin:
parse, authorise through the selectors, call one service or the engine, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from aiplus.core import imports, permissions, signin
from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm, post_one_of, serve, unbound
from aiplus.core.routing import Routes
from aiplus.regulation.runtime import parameters
from aiplus.support import programmes, selectors, services
from aiplus.support.engine import Programme
from aiplus.support.forms import (
    AnswerForm,
    ApplyForm,
    AwardImportForm,
    BudgetForm,
    ClawbackForm,
    DecisionForm,
    EmptyForm,
    FinderForm,
    MilestoneForm,
    ObjectionForm,
    ScoreForm,
    UploadForm,
)
from aiplus.support.listings import APPLICATIONS, BUDGETS, NOTICES, REVIEWS, programme_name
from aiplus.support.models import Application, Status, Tranche

route = Routes("support")


def parameter_rows(programme: Programme) -> list[Any]:
    """The programme's numbers on today's date, each with its version (value, status and source)."""
    today = timezone.localdate()
    rows = []
    for key in dict.fromkeys(programme.parameter_keys()):
        try:
            rows.append(parameters().version(key, today))
        except LookupError:
            continue
    return rows


def _card(programme: Programme) -> dict[str, Any]:
    return {"programme": programme, "title": programmes.title(programme.title),
            "summary": programmes.title(programme.summary), "kind": programmes.KIND_LABELS[programme.kind],
            "documents": [programmes.title(d.title) for d in programme.documents],
            "in_force": programmes.in_force(programme, timezone.localdate())}


@route("programmes/", "programmes", menu=_("扶持政策"), order=70)
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "support/programmes.html", {"cards": [_card(p) for p in programmes.catalogue()]})


@route("programmes/<str:code>/", "programme")
def programme(request: HttpRequest, code: str) -> HttpResponse:
    found = programmes.programme(code)
    if found is None:
        return render(request, "core/not_found.html", status=404)
    may_apply = (found.channel == "application" and request.user.is_authenticated
                 and selectors.organisations_acting_for(request.user).exists())
    specs = {"apply": PageForm(
        make=lambda request, data: ApplyForm(data, user=request.user),
        write=lambda request, form: services.create_application(acting_user=acting_user(request),
                                                                programme_code=found.code, **form.arguments()),
        done=_("申请已保存为草稿，请补充材料后提交。"),
        back=lambda request, application: f"/support/applications/{application.pk}/")} if may_apply else {}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "support/programme.html", {
            **_card(found), "parameters": parameter_rows(found), "forms": forms,
            "tranches": [(t.share, programmes.title(t.title)) for t in found.tranches],
            "conditions": [programmes.title(c.text) for c in found.eligibility],
            "exclusive": [programme_name(c) for c in found.stacking.exclusive_with]})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


def evaluate_all(organisation: Any, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Each programme in force today for the organisation: the engine's decision, estimated amount and what is
    missing."""
    today = timezone.localdate()
    history = services.history(organisation.pk)
    known = programmes.known_facts(organisation)  # once per page: every programme reads the same facts
    results = []
    for item in programmes.catalogue():
        if item.channel != "application" or not programmes.in_force(item, today):
            continue
        decision = programmes.decide(item, organisation, answers, on=today, history=history, known=known)
        results.append({"programme": item, "title": programmes.title(item.title), "decision": decision,
                        "outcome": decision.outcome, "amount": decision.amounts.get("amount_cny"),
                        "missing": programmes.missing_labels(decision.missing),
                        "why_not": [(w["en"] if programmes.english() else w["zh"])
                                    for w in decision.data.get("why_not", [])]})
    order = {"eligible": 0, "incomplete": 1, "nothing_payable": 2, "over_budget": 3, "ineligible": 4}
    return sorted(results, key=lambda r: order.get(r["outcome"], 9))


@route("finder/", "finder")
@login_required
def finder(request: HttpRequest) -> HttpResponse:
    form = FinderForm(request.GET or None, user=request.user)
    results = None
    status = 200
    if request.GET:
        if form.is_valid():
            results = evaluate_all(form.cleaned_data["organisation"], form.answers())
        else:
            status = 400
    return render(request, "support/finder.html", {"form": form, "results": results}, status=status)


# -- applications ------------------------------------------------------------------------------------------------

applications = route.list_page("applications/", APPLICATIONS, signed_in=True,
                               template_name="support/applications.html")


def _roles(user: Any, application: Application) -> dict[str, Any]:
    own = application.organisation_id in permissions.user_organisation_ids(user, "view")
    official = (user.is_superuser or application.jurisdiction_id in permissions.user_jurisdiction_ids(user, "add"))
    expert = selectors.panel_expert(user, application)
    return {"applicant": user.is_superuser or application.organisation_id in permissions.user_organisation_ids(
        user, "add"), "official": official and not own and application.submitted_by_id != user.pk,
        "expert": expert is not None and not own and application.submitted_by_id != user.pk,
        "scored": expert is not None and application.scores.filter(expert=expert).exists()}


def _answer_spec(user: Any, objection_id: int) -> PageForm:
    """The answer form of one open objection (prefixed by its id: a page may hold several)."""
    return PageForm(make=lambda request, data: AnswerForm(data, prefix=f"answer_{objection_id}"),
                    write=lambda request, form: services.answer_objection(
                        acting_user=user, objection_id=objection_id, **form.cleaned_data),
                    done=_("异议已答复。"))


def _button(write: Any, done: Any) -> PageForm:
    return PageForm(make=lambda request, data: EmptyForm(data), write=write, done=done)


def _specs(request: HttpRequest, application: Application, item: Programme,
           roles: dict[str, bool]) -> dict[str, PageForm]:
    user = acting_user(request)
    pk = application.pk
    specs: dict[str, PageForm] = {}
    status = application.status
    if roles["applicant"] and status in (Status.DRAFT, Status.INCOMPLETE):
        documents = [(d.code, programmes.title(d.title)) for d in item.documents]
        if documents:
            specs["document"] = PageForm(
                make=lambda request, data: UploadForm(data, documents=documents),
                write=lambda request, form: services.upload_document(
                    acting_user=user, application_id=pk, code=form.cleaned_data["code"],
                    file=form.cleaned_data["file"]),
                done=_("文件已上传并按内容检查，结果见材料表。"))
        specs["submit"] = PageForm(make=lambda request, data: EmptyForm(data),
                                   write=lambda request, form: services.submit_application(acting_user=user,
                                                                                           application_id=pk),
                                   done=_("申请已提交。"))
    if roles["official"] and status == Status.SUBMITTED:
        specs["examine"] = PageForm(make=lambda request, data: EmptyForm(data),
                                    write=lambda request, form: services.examine_application(acting_user=user,
                                                                                             application_id=pk),
                                    done=_("形式审查已记录。"))
    procedure = item.procedure
    review = services.panel_result(item, application) if procedure.panel_size and application.panel_id else None
    if roles["official"] and status == Status.ACCEPTED and procedure.panel_size and application.panel_id is None:
        specs["draw_panel"] = _button(lambda request, form: services.draw_review_panel(acting_user=user,
                                                                                       application_id=pk),
                                      _("评审专家已抽取。"))
    if roles["expert"] and not roles["scored"] and status == Status.ACCEPTED:
        criteria = [(c.code, programmes.title(c.title), c.weight) for c in procedure.criteria]
        specs["score"] = PageForm(make=lambda request, data: ScoreForm(data, criteria=criteria),
                                  write=lambda request, form: services.score_application(
                                      acting_user=user, application_id=pk, **form.arguments()),
                                  done=_("评分已提交。"))
    reviewed = not procedure.panel_size or (review is not None and not review["pending"])
    if roles["official"] and status == Status.ACCEPTED and reviewed:
        specs["decide"] = PageForm(make=lambda request, data: DecisionForm(data),
                                   write=lambda request, form: services.decide_application(
                                       acting_user=user, application_id=pk, **form.cleaned_data),
                                   done=_("决定已记录。"))
    if roles["official"] and status == Status.NOTICE:
        open_objections = list(application.objections.filter(answered_at__isnull=True))
        for objection in open_objections:
            specs[f"answer_{objection.pk}"] = _answer_spec(user, objection.pk)
        ended = application.notice_until is None or timezone.localdate() > application.notice_until
        if ended and not open_objections:
            specs["finalise"] = _button(lambda request, form: services.finalise_award(acting_user=user,
                                                                                      application_id=pk),
                                        _("公示期满，已确定支持。"))
    if roles["official"] and status == Status.APPROVED:
        following = application.tranches.filter(state=Tranche.State.PLANNED).order_by("number").first()
        if following is not None and following.number > 1 and following.accepted_at is None:
            specs["milestone"] = PageForm(make=lambda request, data: MilestoneForm(data),
                                          write=lambda request, form: services.accept_milestone(
                                              acting_user=user, tranche_id=following.pk, **form.cleaned_data),
                                          done=_("节点已验收。"))
        elif following is not None:
            specs["pay"] = _button(lambda request, form: services.pay_tranche(acting_user=user,
                                                                              tranche_id=following.pk),
                                   _("已拨付。"))
    if roles["official"] and status in (Status.APPROVED, Status.PAID):
        specs["claw_back"] = PageForm(make=lambda request, data: ClawbackForm(data),
                                      write=lambda request, form: services.claw_back(
                                          acting_user=user, application_id=pk, **form.cleaned_data),
                                      done=_("资金已追回，承诺金额已退回预算。"))
    return specs


@route("applications/<int:application_id>/", "application")
@login_required
@record_page(selectors.application, "application_id")
def application(request: HttpRequest, application: Application) -> HttpResponse:
    item = programmes.programme(application.programme_code)
    if item is None:
        return render(request, "core/not_found.html", status=404)
    roles = _roles(request.user, application)
    specs = _specs(request, application, item, roles)

    def draw(forms: dict[str, Any]) -> HttpResponse:
        given = {d.code: d for d in application.documents.all()}
        english = programmes.english()
        objections = [(o, forms.get(f"answer_{o.pk}"), f"answer_{o.pk}") for o in application.objections.all()]
        return render(request, "support/application.html", {
            "application": application, "programme": item, "programme_title": programmes.title(item.title),
            "roles": roles, "forms": forms,
            "documents": [(d.code, programmes.title(d.title), given.get(d.code),
                           _problem(given.get(d.code), english)) for d in item.documents],
            "notice": [(m["en"] if english else m["zh"]) for m in application.missing_notice],
            "tranches": list(application.tranches.all()),
            "estimate": application.decision or application.estimate,
            "budget": services.budget_figures(application.budget) if application.budget else None,
            "review": review_of(item, application, roles),
            "objections": objections,
            "next_tranche": application.tranches.filter(state=Tranche.State.PLANNED).order_by("number").first(),
        })

    if request.method == "POST" and "document" in specs:
        try:  # a file over the upload limit was skipped as it arrived: 413, beside the file field
            request.FILES  # noqa: B018 - parses the upload, so the upload handler has had its say
            imports.check_request_size(request)
        except ServiceError as problem:
            form = specs["document"].make(request, {})
            problem.add_to_form(form)
            response = draw({**unbound(request, specs), "document": form})
            response.status_code = problem.status
            return response
    return serve(request, specs, draw)


@route("applications/<int:application_id>/documents/<str:code>/", "document")
@login_required
def document_file(request: HttpRequest, application_id: int, code: str) -> HttpResponse:
    """An uploaded document, to whoever may read the application (its organisation, the officials, its drawn
    experts); always a download, never rendered in the platform's origin."""
    try:
        found = selectors.application(request.user, application_id)
    except ServiceError:
        return render(request, "core/not_found.html", status=404)
    document = found.documents.filter(code=code).exclude(data=b"").first()
    if document is None or not document.content_type:
        return render(request, "core/not_found.html", status=404)
    response = HttpResponse(bytes(document.data), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.reference)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _problem(document: Any, english: bool) -> str:
    if document is None or not document.problem:
        return ""
    return str(document.problem.get("en" if english else "zh", ""))


def review_of(item: Programme, application: Application, roles: dict[str, Any]) -> dict[str, Any] | None:
    """The expert review as the page shows it: the panel's progress and mean to officials and the applicant (each
    expert's scores and comments to officials only)."""
    if not item.procedure.panel_size or not (roles["official"] or roles["applicant"] or roles["expert"]):
        return None
    result = services.panel_result(item, application) if application.panel_id else None
    labels = {c.code: programmes.title(c.title) for c in item.procedure.criteria}
    rows = [{"expert": s.expert, "scores": [(labels.get(k, k), v) for k, v in s.scores.items()], "total": s.total,
             "comment": s.comment} for s in application.scores.select_related("expert__user")] \
        if roles["official"] else []
    return {"drawn": application.panel_id is not None, "result": result, "rows": rows}


reviews = route.list_page("reviews/", REVIEWS, signed_in=True, menu=_("我的评审任务"),
                          roles={permissions.EXPERT}, order=72)


# -- public notice (公示) ------------------------------------------------------------------------------------------

notices = route.list_page("notices/", NOTICES, menu=_("扶持项目公示"), order=73)


@route("notices/<int:application_id>/", "notice")
def notice(request: HttpRequest, application_id: int) -> HttpResponse:
    """One award under public notice, to anyone, with the objection form (trap field, rate limit per source)."""
    found = selectors.under_notice().filter(pk=application_id).first()
    if found is None:
        return render(request, "core/not_found.html", status=404)
    user = acting_user(request)
    ended = found.notice_until is not None and timezone.localdate() > found.notice_until
    specs = {} if ended else {"object": PageForm(
        make=lambda request, data: ObjectionForm(data),
        write=lambda request, form: services.object_to_award(
            acting_user=user, application_id=found.pk, client_address=signin.client_ip(request),
            **form.cleaned_data),
        done=_("异议已提交，主管部门将在公示期满前答复。"))}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "support/notice.html", {
            "application": found, "programme_title": programme_name(found.programme_code), "forms": forms,
            "ended": ended})

    return serve(request, specs, draw)


# -- award list import ------------------------------------------------------------------------------------------

@route("awards/import/", "import_awards")
@login_required
def import_awards(request: HttpRequest) -> HttpResponse:
    """An official imports a programme's award list (`aiplus.support.awards` on `aiplus.core.imports`): a refused
    file shows every bad row with its column, and nothing is written."""
    from aiplus.support import awards

    if not (request.user.is_superuser or permissions.user_jurisdiction_ids(request.user, "add")):
        return render(request, "core/not_found.html", status=403)
    form = AwardImportForm(request.POST or None, request.FILES or None,
                           initial={"year": timezone.localdate().year})
    report: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        try:
            imports.check_request_size(request)
            if not form.is_valid():
                status = 400
            else:
                result = awards.import_awards_file(
                    acting_user=acting_user(request), data=imports.read_upload(form.cleaned_data["file"]),
                    programme_code=form.cleaned_data["programme_code"], year=form.cleaned_data["year"])
                return imports.done(request, result, "support:applications")
        except ServiceError as error:
            form.is_valid()  # bound and cleaned, so the error can sit beside its field
            error.add_to_form(form)
            rejected = getattr(error, "report", None)
            report = rejected.as_dict() if rejected is not None else None
            status = error.status if error.status in (403, 404, 409, 413, 422) else 400
    return render(request, "support/import_awards.html", {"form": form, "report": report}, status=status)


# -- budgets -----------------------------------------------------------------------------------------------------

class BudgetsPage(ListPage):
    page_forms = {"open": PageForm(
        make=lambda request, data: BudgetForm(data, initial={"year": timezone.localdate().year}),
        write=lambda request, form: services.open_budget(acting_user=acting_user(request), **form.cleaned_data),
        done=_("预算已开立并记入账本。"))}


budgets = route.list_page("budgets/", BUDGETS, page=BudgetsPage, signed_in=True,
                          template_name="support/budgets.html",
                          extra_context=lambda request: {"may_open": bool(
                              request.user.is_superuser or permissions.user_jurisdiction_ids(request.user, "add"))},
                          menu=_("扶持预算"), roles={permissions.OFFICIAL, permissions.AUDITOR}, order=71)
