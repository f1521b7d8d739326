"""Question-bank pages: the banks (public: names, kinds, counts; evaluators create banks and are designated there),
a bank (its versions with counts; for its evaluators the import through a mapping, the import reports with every
unmapped row, publishing and the next version), a version's coverage against the standard's minimums (public), and
the review queue (evaluators only; nobody reviews their own items). Thin: parse, authorise, call one service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aiplus.core import imports
from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm, post_one_of, unbound
from aiplus.core.routing import Routes
from aiplus.evaluation import selectors, services, standard
from aiplus.evaluation.forms import BankForm, ConfirmForm, EvaluatorForm, ImportForm, ReviewForm
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
