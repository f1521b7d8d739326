"""Question-bank pages: the banks (public: names, kinds, counts; evaluators create banks and are designated there),
a bank (its versions with counts; for its evaluators the import through a mapping, the import reports with every
unmapped row, publishing and the next version), a version's coverage against the standard's minimums (public), and
the review queue (evaluators only; nobody reviews their own items). Thin: parse, authorise, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aiplus.core import imports, jobs
from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm, post_form, post_one_of, unbound
from aiplus.core.routing import Routes
from aiplus.evaluation import results, run_services, selectors, services, standard
from aiplus.evaluation.forms import (
    BankForm,
    ConfirmForm,
    EndpointForm,
    EvaluatorForm,
    ImportForm,
    ItemReviewForm,
    ReviewForm,
    RunForm,
    VerifyForm,
)
from aiplus.evaluation.listings import BANKS, ITEMS
from aiplus.evaluation.models import Bank, BankVersion, VersionStatus

route = Routes("evaluation")


# -- banks -------------------------------------------------------------------------------------------------------

class BanksPage(ListPage):
    page_forms = {
        "create": PageForm(
            make=lambda request, data: BankForm(data, user=request.user),
            write=lambda request, form: services.create_bank(acting_user=acting_user(request), **form.arguments()),
            done=_("题库已创建，请导入题目。"),
            back=lambda request, bank: reverse("evaluation:bank", args=[bank.pk])),
        "designate": PageForm(
            make=lambda request, data: EvaluatorForm(data, user=request.user),
            write=lambda request, form: services.designate_evaluator(acting_user=acting_user(request),
                                                                     **form.arguments()),
            done=_("评估人员已指定。")),
    }


def _banks_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_create": selectors.evaluator_organisations(request.user).exists(),
            "may_designate": request.user.is_authenticated
            and selectors.designating_organisations(request.user).exists()}


banks = route.list_page("banks/", BANKS, page=BanksPage, template_name="evaluation/banks.html",
                        extra_context=_banks_context, menu=_("测试题库"), order=70)


def _import(request: HttpRequest, bank: Bank, form: Any) -> Any:
    imports.check_request_size(request)
    services.import_bank_file(acting_user=acting_user(request), bank_id=bank.pk, **form.arguments())
    return bank


@route("banks/<int:bank_id>/", "bank")
@record_page(selectors.bank, "bank_id")
def bank(request: HttpRequest, bank: Bank) -> HttpResponse:
    readers = selectors.may_read_items(request.user, bank)
    versions = selectors.versions(bank)
    latest = versions[0] if versions else None
    draft = latest if latest is not None and latest.status == VersionStatus.DRAFT else None
    user = acting_user(request) if request.user.is_authenticated else None
    specs: dict[str, PageForm] = {}
    if readers and user is not None:
        if draft is not None:
            specs["import"] = PageForm(make=lambda request, data: ImportForm(data),
                                       write=lambda request, form: _import(request, bank, form),
                                       done=_("导入完成，见下方导入报告。"))
            specs["publish"] = PageForm(make=lambda request, data: ConfirmForm(data),
                                        write=lambda request, form: services.publish_version(
                                            acting_user=user, version_id=draft.pk),
                                        done=_("版本已发布，此后不可更改。"))
        else:
            specs["new_version"] = PageForm(make=lambda request, data: ConfirmForm(data),
                                            write=lambda request, form: services.start_version(
                                                acting_user=user, bank_id=bank.pk),
                                            done=_("新版本已创建。"))

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "evaluation/bank.html", {
            "bank": bank, "versions": versions, "draft": draft, "readers": readers, "forms": forms,
            "import_records": selectors.imports_of(request.user, draft or latest) if latest else [],
        })

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        try:
            request.FILES  # noqa: B018 (parsing the upload marks a file over the limit)
            imports.check_request_size(request)
        except ServiceError as problem:
            form = ImportForm(request.POST)
            problem.add_to_form(form)
            response = draw({**unbound(request, specs), "import": form})
            response.status_code = problem.status
            return response
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


@route("versions/<int:version_id>/coverage/", "coverage")
@record_page(selectors.version, "version_id")
def coverage(request: HttpRequest, version: BankVersion) -> HttpResponse:
    """A version's coverage against the standard's minimums (counts only: public)."""
    report = selectors.coverage_of(version)
    names = {r.code: r for r in standard.risks()}
    return render(request, "evaluation/coverage.html", {
        "version": version, "bank": version.bank, "report": report,
        "rows": [(row, names[row.code]) for row in report.rows],
        "parameters": standard.parameter_versions(version.bank.kind),
    })


# -- the review queue --------------------------------------------------------------------------------------------

class ItemsPage(ListPage):
    page_forms = {"review": PageForm(
        make=lambda request, data: ReviewForm(data, user=request.user),
        write=lambda request, form: services.review_items(acting_user=acting_user(request), **form.arguments()),
        done=_("审核结论已记录。"))}


items = route.list_page("items/", ITEMS, page=ItemsPage, signed_in=True, template_name="evaluation/items.html")


# -- systems under test, runs, reports (issue 14 §2) ---------------------------------------------------------------

@route("endpoints/", "endpoints", menu=_("被测接口与测试运行"), order=71)
@login_required
def endpoints(request: HttpRequest) -> HttpResponse:
    """The systems under test the user may see; evaluators register one (the key encrypted, never shown back)."""
    spec = PageForm(make=lambda request, data: EndpointForm(data, user=request.user),
                    write=lambda request, form: run_services.register_endpoint(acting_user=acting_user(request),
                                                                               **form.arguments()),
                    done=_("被测接口已登记。"),
                    back=lambda request, endpoint: reverse("evaluation:endpoint", args=[endpoint.pk]))
    may_register = selectors.evaluator_organisations(request.user).exists()

    def draw(form: Any) -> HttpResponse:
        return render(request, "evaluation/endpoints.html", {
            "endpoints": selectors.endpoints(request.user)[:200], "form": form if may_register else None})

    if request.method == "POST":
        if not may_register:
            return render(request, "core/not_found.html", status=403)
        return post_form(request, spec, draw)
    return draw(spec.make(request, None))


@route("endpoints/<int:endpoint_id>/", "endpoint")
@login_required
@record_page(selectors.endpoint, "endpoint_id")
def endpoint(request: HttpRequest, endpoint: Any) -> HttpResponse:
    spec = PageForm(make=lambda request, data: RunForm(data, user=request.user, endpoint=endpoint),
                    write=lambda request, form: run_services.start_run(acting_user=acting_user(request),
                                                                       **form.arguments()),
                    done=_("测试运行已排队。"),
                    back=lambda request, run: reverse("evaluation:run", args=[run.pk]))

    def draw(form: Any) -> HttpResponse:
        return render(request, "evaluation/endpoint.html", {
            "endpoint": endpoint, "runs": endpoint.runs.select_related("version", "version__bank")[:100],
            "form": form if services.is_evaluator(request.user, endpoint.organisation_id) else None})

    if request.method == "POST":
        return post_form(request, spec, draw)
    return draw(spec.make(request, None))


@route("runs/<int:run_id>/", "run")
@login_required
@record_page(selectors.run, "run_id")
def run(request: HttpRequest, run: Any) -> HttpResponse:
    """A run: its progress bar while it runs; then the plan's rate, interval and verdict, the same per risk, the
    items (disputed first) with the human review, the signed reports, re-test comparison and resuming."""
    user = acting_user(request)
    specs: dict[str, PageForm] = {
        "review": PageForm(make=lambda request, data: ItemReviewForm(data),
                           write=lambda request, form: run_services.review_run_item(acting_user=user,
                                                                                   **form.arguments()),
                           done=_("复核结论已记录，结果已重新计算。")),
        "report": PageForm(make=lambda request, data: ConfirmForm(data),
                           write=lambda request, form: run_services.issue_report(acting_user=user, run_id=run.pk),
                           done=_("测试报告已签发。")),
        "resume": PageForm(make=lambda request, data: ConfirmForm(data),
                           write=lambda request, form: run_services.resume_run(acting_user=user, run_id=run.pk),
                           done=_("未答题目已重新排队。")),
    }
    names = {r.code: r.name for r in standard.risks()}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        items = selectors.run_items(run)
        return render(request, "evaluation/run.html", {
            "run": run, "job": jobs.shown_to(request.user, run.job), "forms": forms,
            "risks": [(row, names.get(row["code"], "")) for row in run.results.get("risks", [])],
            "items": sorted(items, key=lambda r: (not r.disputed, r.position)),
            "reports": selectors.reports_of(run), "others": selectors.comparable_runs(run),
            "evaluator": services.is_evaluator(request.user, run.organisation_id)})

    if request.method == "POST":
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


@route("runs/<int:run_id>/compare/<int:other_id>/", "compare")
@login_required
@record_page(selectors.run, "run_id")
def compare(request: HttpRequest, run: Any, other_id: int) -> HttpResponse:
    """Re-test: this run (the earlier) against another of the same endpoint and plan, item by item."""
    other = selectors.run(request.user, other_id)
    try:
        run_services.check_comparable(run, other)
    except ServiceError as problem:
        return render(request, "evaluation/compare.html", {"before": run, "after": other, "error": problem.message},
                      status=400)
    comparison = results.compare(run, other)
    positions = dict(other.items.values_list("item_id", "position"))
    return render(request, "evaluation/compare.html", {
        "before": run, "after": other, "comparison": comparison,
        "regressions": [positions[i] for i in comparison["regressions"]],
        "fixes": [positions[i] for i in comparison["fixes"]]})


@route("reports/<int:report_id>/pdf/", "report_pdf")
@login_required
@record_page(selectors.report, "report_id")
def report_pdf(request: HttpRequest, report: Any) -> HttpResponse:
    return pdf_response(report)


def pdf_response(report: Any) -> HttpResponse:
    """A signed report's PDF as a download (the page's and the API's)."""
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-report-{report.payload_sha256[:12]}.pdf"'
    return response


@route("reports/verify/", "verify")
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone verifies a report: its PDF or its SHA-256."""
    found = None
    valid = False
    status = 200
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                data = imports.read_upload(upload, "file") if upload else None
                found, valid = results.verify(data=data, digest=form.cleaned_data.get("digest") or "")
            except ServiceError as problem:
                problem.add_to_form(form)
                status = problem.status
        else:
            status = 400
    return render(request, "evaluation/verify.html", {"form": form, "found": found, "valid": valid,
                                                      "checked": request.method == "POST" and status == 200},
                  status=status)
