"""Thin views of the registers: parse, authorise, call one selector or service, render. The four registers share
one page of each kind (list, detail, form, publish), described by a `Register`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aiplus.algorithms import aigc, dossier_pdf, listings, selectors, services
from aiplus.algorithms.forms import (
    AIModelForm,
    AlgorithmForm,
    FilingChangeForm,
    FilingEndForm,
    FilingForm,
    FilingNumberForm,
    FindingsForm,
    HardwareForm,
    LabelCheckForm,
    LabelWriteForm,
    ProjectForm,
    PublishForm,
    RegisterForm,
    SubmitFilingForm,
    UnlabelledExportForm,
    UploadCheckForm,
    UploadReviewForm,
)
from aiplus.algorithms.models import FilingKind, GenAIFunction
from aiplus.core import formatting, imports, permissions
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import Listing, ListPage
from aiplus.core.page_forms import PageForm, post_form, post_one_of, unbound
from aiplus.core.routing import Routes
from aiplus.core.vocabularies import Modality

route = Routes("algorithms")


@dataclass(frozen=True)
class Register:
    noun: str  # the URL names' stem: "model" → algorithms:model, algorithms:model_create, …
    listing: Listing
    form: type[RegisterForm]
    one: Callable[[Any, int], Any]  # the selector of one row
    create: Callable[..., Any]
    update: Callable[..., Any]
    publish: Callable[..., Any]
    id_name: str  # the services' id argument
    title_new: Any
    title_edit: Any
    fields: tuple[str, ...]  # what the detail page shows, in order


MODELS = Register("model", listings.MODELS, AIModelForm, selectors.model, services.create_model,
                  services.update_model, services.publish_model, "model_id", _("登记模型"), _("编辑模型"),
                  ("kind", "base_model", "modalities", "parameters_billion", "licence", "open_weights", "summary",
                   "filing_status", "filing_number"))
ALGORITHMS = Register("algorithm", listings.ALGORITHMS, AlgorithmForm, selectors.algorithm,
                      services.create_algorithm, services.update_algorithm, services.publish_algorithm,
                      "algorithm_id", _("登记算法"), _("编辑算法"),
                      ("algorithm_type", "application_field", "service_name", "mechanism_summary", "model"))
HARDWARE = Register("device", listings.HARDWARE, HardwareForm, selectors.hardware, services.create_hardware,
                    services.update_hardware, services.publish_hardware, "hardware_id", _("登记硬件"),
                    _("编辑硬件"), ("kind", "vendor", "domestic", "fp16_tflops", "memory_gb", "summary"))
PROJECTS = Register("project", listings.PROJECTS, ProjectForm, selectors.project, services.create_project,
                    services.update_project, services.publish_project, "project_id", _("登记开源项目"),
                    _("编辑开源项目"), ("repository_url", "licence", "summary", "support_received",
                                    "support_amount_cny"))


def _value(row: Any, name: str) -> str:
    """A field as a person reads it: choices by label, numbers and yes/no through the one formatter."""
    field = row._meta.get_field(name)
    if field.choices:
        return formatting.label(row, name)
    if name == "modalities":
        labels = dict(Modality.choices)
        return formatting.text([labels.get(code, code) for code in row.modalities])
    if name == "algorithm_type":
        return dict(selectors.algorithm_types()).get(row.algorithm_type, row.algorithm_type)
    if name in ("model", "base_model"):  # a linked model by name, only where the user may see it (selector)
        return formatting.text(getattr(row, f"{name}_name", None))
    if name.endswith("_cny"):
        return formatting.money(getattr(row, name))
    return formatting.text(getattr(row, name))


def _links(user: Any, register: Register, row: Any) -> list[tuple[Any, list[tuple[str, str]]]]:
    """The rows this one links to, each as (heading, [(url, text)])."""
    def to(url_name: str, rows: Any) -> list[tuple[str, str]]:
        return [(reverse(url_name, args=[r.pk]), r.name) for r in rows]

    if register is MODELS:
        dossiers = [(reverse("algorithms:filing", args=[f.pk]),
                     f"{f.get_kind_display()} · {f.subject} · {f.filing_number or f.get_status_display()}")
                    for f in selectors.model_filings(user, row)]
        return [(_("派生模型"), to("algorithms:model", selectors.derived_models(user, row))),
                (_("使用该模型的算法"), to("algorithms:algorithm", selectors.algorithms_on(user, row))),
                (_("生成式人工智能备案与登记"), dossiers),
                (_("安全测评运行"), _evaluation_runs(user, row))]
    if register is HARDWARE:
        pools = [(reverse("compute:capacity"),
                  f"{p.centre.name} · {p.get_accelerator_model_display()}") for p in selectors.pools_of(row)]
        return [(_("部署的算力资源池"), pools),
                (_("内置模型"), to("algorithms:model", row.visible_models))]
    return []


def _evaluation_runs(user: Any, row: Any) -> list[tuple[str, str]]:
    """The evaluation runs of the endpoints linked to the model (aiplus.evaluation), the user may see."""
    from aiplus.evaluation.selectors import runs_of_model

    return [(reverse("evaluation:run", args=[r.pk]), f"#{r.pk} · {r.get_plan_display()} · {r.get_status_display()}")
            for r in runs_of_model(user, row.pk)]


def _evaluation_reports(user: Any, register: Register, row: Any) -> list[Any]:
    """The signed evaluation reports of the model, or of the hardware's built-in models, the user may open."""
    from aiplus.evaluation.selectors import reports_of_models

    if register is MODELS:
        return reports_of_models(user, [row.pk])
    if register is HARDWARE:
        return reports_of_models(user, [m.pk for m in row.visible_models])
    return []


def _list_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_register": selectors.organisations_acting_for(request.user).exists()}


def _list(register: Register, template: str) -> Callable[..., Any]:
    # Public: a visitor sees the published rows (the selector decides), a member also their organisation's own.
    return ListPage.as_view(listing=register.listing, template_name=template, extra_context=_list_context)


def _detail(register: Register) -> Callable[..., HttpResponse]:
    def page(request: HttpRequest, pk: int) -> HttpResponse:
        try:
            row = register.one(request.user, pk)
        except ServiceError:
            return render(request, "core/not_found.html", status=404)
        owner = row.organisation_id in selectors.member_organisation_ids(request.user)
        context = {
            "register": register, "row": row, "owner": owner,
            "rows": [(row._meta.get_field(name).verbose_name, _value(row, name)) for name in register.fields],
            "links": _links(request.user, register, row),
            # the secret endpoint: on the model's page, for its owner's members only (the selector's annotation)
            "endpoint": getattr(row, "shown_endpoint", "") if owner else "",
            "type_item": selectors.algorithm_type_item(row.algorithm_type) if register is ALGORITHMS else None,
            "filing": selectors.filing_of(request.user, row) if register is ALGORITHMS else None,
            "reports": _evaluation_reports(request.user, register, row),
        }
        return render(request, "algorithms/detail.html", context)

    return page


def _form(register: Register) -> Callable[..., HttpResponse]:
    @login_required
    def page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
        row = None
        if pk is not None:
            try:
                row = register.one(request.user, pk)
            except ServiceError:
                return render(request, "core/not_found.html", status=404)
            if row.organisation_id not in selectors.member_organisation_ids(request.user):
                return HttpResponse(_("只有所属组织的成员可以修改。"), status=403)
        elif not selectors.organisations_acting_for(request.user).exists():
            return HttpResponse(_("只有组织的成员可以登记。"), status=403)
        data = request.POST if request.method == "POST" else None
        form = register.form(data, instance=row, user=request.user)
        if data is not None and form.is_valid():
            try:
                if row is None:
                    row = register.create(acting_user=acting_user(request), **form.arguments())
                else:
                    row = register.update(acting_user=acting_user(request), **{register.id_name: row.pk},
                                          **form.arguments())
            except ServiceError as problem:
                if problem.status == 403:
                    return HttpResponse(str(problem.message), status=403)
                problem.add_to_form(form, {"models": "embedded_models"}.get(problem.field or "", problem.field))
            else:
                messages.success(request, _("已保存。"))
                return redirect(f"algorithms:{register.noun}", row.pk)
        title = register.title_new if row is None else register.title_edit
        return render(request, "algorithms/form.html", {"form": form, "row": row, "title": title,
                                                        "register": register},
                      status=400 if data is not None else 200)

    return page


def _publish(register: Register) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def act(request: HttpRequest, pk: int) -> HttpResponse:
        form = PublishForm(request.POST)
        form.is_valid()
        try:
            register.publish(acting_user=acting_user(request), **{register.id_name: pk},
                             is_published=form.cleaned_data.get("is_published", False))
        except ServiceError as problem:
            return HttpResponse(str(problem.message), status=problem.status)
        return redirect(f"algorithms:{register.noun}", pk)

    return act


# One menu entry for the four registers: their pages link to one another (algorithms/tabs.html).
models_page = route("", "models", menu=_("模型与算法"), order=50)(_list(MODELS, "algorithms/models.html"))
algorithms_page = route("algorithms/", "algorithms")(_list(ALGORITHMS, "algorithms/algorithms.html"))
hardware_page = route("hardware/", "hardware")(_list(HARDWARE, "algorithms/hardware_list.html"))
projects_page = route("open-source/", "projects")(_list(PROJECTS, "algorithms/projects.html"))
REGISTERS = (MODELS, ALGORITHMS, HARDWARE, PROJECTS)
detail = {register.noun: _detail(register) for register in REGISTERS}
form = {register.noun: _form(register) for register in REGISTERS}
publish = {register.noun: _publish(register) for register in REGISTERS}
for stem, noun in (("models", "model"), ("algorithms", "algorithm"), ("hardware", "device"),
                   ("open-source", "project")):  # each register's record pages
    route(f"{stem}/new/", f"{noun}_create")(form[noun])
    route(f"{stem}/<int:pk>/", noun)(detail[noun])
    route(f"{stem}/<int:pk>/edit/", f"{noun}_edit")(form[noun])
    route(f"{stem}/<int:pk>/publish/", f"{noun}_publish")(publish[noun])



def _label_page(request: HttpRequest, *, form: Any = None, write_form: Any = None, verdict: Any = None,
                status: int = 200) -> HttpResponse:
    return render(request, "algorithms/label_check.html", {
        "form": form or LabelCheckForm(), "write_form": write_form or LABEL_WRITE.make(request, None),
        "verdict": verdict, "rule": aigc.rule()}, status=status)


@route("labels/", "label_check", menu=_("生成内容标识检测"), order=51)
def label_check(request: HttpRequest) -> HttpResponse:
    """Anyone drops a file and sees whether it carries the AIGC implicit label (GB 45438-2025 附录E), whether its
    seal holds, and why not; nothing is stored."""
    if request.method != "POST":
        return _label_page(request)
    form = LabelCheckForm(request.POST, request.FILES)
    try:
        imports.check_request_size(request)
        if not form.is_valid():
            raise ServiceError("required", _("请选择文件。"), "file")
        return _label_page(request, form=form, verdict=aigc.check(form.cleaned_data["file"]))
    except ServiceError as problem:
        if "file" not in form.errors:
            problem.add_to_form(form)
        return _label_page(request, form=form, status=problem.status)


def _download(request: HttpRequest, written: tuple[str, bytes, dict[str, Any]]) -> HttpResponse:
    name, data, _result = written
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, f"aigc-{name}")
    return response


def _write_label(request: HttpRequest, form: Any) -> tuple[str, bytes, dict[str, Any]]:
    imports.check_request_size(request)
    data = form.cleaned_data
    return aigc.labelled(data["file"], label=data["label"], producer=data["producer"], produce_id=data["produce_id"])


LABEL_WRITE = PageForm(make=lambda request, data: LabelWriteForm(data, values=aigc.label_values()),
                       write=_write_label, done=None, reply=_download)


@route("labels/write/", "label_write")
@login_required  # a seal under the platform's key is written for a signed-in user only
@require_POST
def label_write(request: HttpRequest) -> HttpResponse:
    """A producer labels a file: the labelled file comes back as a download, or the page with the errors."""
    return post_form(request, LABEL_WRITE, lambda form: _label_page(request, write_form=form))


# --- algorithm filing dossiers (算法备案) -------------------------------------------------------------------------
# Never public: the list shows a user the dossiers of their organisations and, to officials, those of their places.

filings_page = route("filings/", "filings")(ListPage.as_view(
    listing=listings.FILINGS, template_name="algorithms/filings.html",
    extra_context=lambda request: {"may_register": selectors.organisations_acting_for(request.user).exists(),
                                   "kinds": FilingKind.choices,
                                   "targets": selectors.genai_filing_targets(request.user)}))


@route("filings/new/", "filing_create")
@login_required
def filing_create(request: HttpRequest) -> HttpResponse:
    """A member starts a dossier of the kind chosen (`?kind=`): an algorithm filing, a generative-AI launch filing
    or a registration; the initial clock runs from launch."""
    if not selectors.organisations_acting_for(request.user).exists():
        return HttpResponse(_("只有组织的成员可以备案。"), status=403)
    kind = request.GET.get("kind") or FilingKind.ALGORITHM
    if kind not in FilingKind.values:
        return HttpResponse(_("未知的备案类型。"), status=400)
    data = request.POST if request.method == "POST" else None
    form = FilingForm(data, user=request.user, kind=kind)
    if data is not None and form.is_valid():
        try:
            filing = services.create_filing(acting_user=acting_user(request), **form.arguments())
        except ServiceError as problem:
            if problem.status == 403:
                return HttpResponse(str(problem.message), status=403)
            problem.add_to_form(form)
        else:
            messages.success(request, _("已建立备案材料。"))
            return redirect("algorithms:filing", filing.pk)
    return render(request, "algorithms/filing_form.html", {
        "form": form, "title": _("建立备案材料：%(kind)s") % {"kind": FilingKind(kind).label},
        "kinds": FilingKind.choices, "kind": kind}, status=400 if data is not None else 200)


def _filing_id(request: HttpRequest) -> int:
    return int(request.resolver_match.kwargs["pk"])  # type: ignore[union-attr]


def _one_filing_form(form_class: type[Any], write: Callable[..., Any], done: Any) -> PageForm:
    return PageForm(make=lambda request, data: form_class(data),
                    write=lambda request, form: write(acting_user=acting_user(request), filing_id=_filing_id(request),
                                                      **form.cleaned_data),
                    done=done)


FILING_FORMS = {
    "edit": PageForm(
        make=lambda request, data: FilingForm(
            data, user=request.user, instance=selectors.filing(request.user, _filing_id(request))),
        write=lambda request, form: services.update_filing(acting_user=acting_user(request),
                                                           filing_id=_filing_id(request), **form.arguments()),
        done=_("已保存。")),
    "findings": PageForm(
        make=lambda request, data: FindingsForm(data, filing=selectors.filing(request.user, _filing_id(request))),
        write=lambda request, form: services.record_findings(acting_user=acting_user(request),
                                                             filing_id=_filing_id(request), findings=form.findings()),
        done=_("已保存条款符合性结论。")),
    "submit": _one_filing_form(SubmitFilingForm, services.submit_filing, _("已记录提交（备案在网信部门系统中办理）。")),
    "number": _one_filing_form(FilingNumberForm, services.record_filing_number, _("已登记备案编号。")),
    "change": _one_filing_form(FilingChangeForm, services.report_change, _("已记录变更，变更备案时限已计算。")),
    "deregister": _one_filing_form(FilingEndForm, services.deregister_filing,
                                   _("已记录终止服务，注销备案时限已计算。")),
}


def _filing_actions(user: Any, filing: Any) -> list[str]:
    """The forms the viewer may use now: the members keep the dossier, an official of the place (not a member)
    records the number."""
    member = filing.organisation_id in selectors.member_organisation_ids(user)
    official = not member and permissions.OFFICIAL in permissions.user_roles_for(user, filing)
    status = filing.status
    if member and status == "draft":
        return ["edit", "findings", "submit"] if filing.kind == FilingKind.GENAI_FILING else ["edit", "submit"]
    if official and status == "submitted":
        return ["number"]
    if member and status in ("filed", "changed"):
        return ["change", "deregister"]
    return []


def _findings_table(filing: Any) -> list[tuple[str, str, Any]]:
    """Each clause of the conformity table with its finding: (code, name, the finding or None)."""
    if filing.kind != FilingKind.GENAI_FILING:
        return []
    recorded = {finding.clause: finding for finding in filing.findings.all()}
    return [(code, name, recorded.get(code)) for code, name in selectors.safety_clauses()]


@route("filings/<int:pk>/dossier.pdf", "filing_pdf")
@login_required
def filing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier as a printable PDF (its parts, the checklist, the clock and, for a launch filing, the
    conformity table), for whoever may see the dossier."""
    try:
        filing = selectors.filing(request.user, pk)
    except ServiceError:
        return render(request, "core/not_found.html", status=404)
    return dossier_pdf.response(filing)


@route("filings/<int:pk>/", "filing")
@login_required
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier: its parts, the checklist of what is missing, the open clock with its citation, and the
    actions the viewer may take."""
    try:
        filing = selectors.filing(request.user, pk)
    except ServiceError:
        return render(request, "core/not_found.html", status=404)

    def draw(forms: dict[str, Any]) -> HttpResponse:
        shown = selectors.filing(request.user, pk)
        actions = _filing_actions(request.user, shown)
        return render(request, "algorithms/filing.html", {
            "filing": shown, "missing": services.missing_items(shown),
            "type_name": dict(selectors.algorithm_types()).get(shown.algorithm.algorithm_type,
                                                               shown.algorithm.algorithm_type)
            if shown.algorithm is not None else "",
            "functions": formatting.text([GenAIFunction(code).label for code in shown.main_functions]),
            "findings": _findings_table(shown), "expected": services.expected_review(shown),
            "forms": [(name, forms[name]) for name in actions]})

    if request.method == "POST":
        return post_one_of(request, FILING_FORMS, draw)
    del filing
    return draw(unbound(request, FILING_FORMS))


# --- AIGC labels at a distribution platform -----------------------------------------------------------------------
# A platform organisation's members check uploads (the labelled file comes back as the answer) and review what the
# check could not decide; the provider's members log content handed out without its explicit label.

def _labelled_or_back(request: HttpRequest, result: Any) -> HttpResponse:
    """The file with the label it must carry, as a download; back to the list when nothing was written."""
    check, data = result
    if data is None:
        messages.success(request, _("已核验：%(action)s。") % {"action": check.get_action_display()})
        return redirect(request.get_full_path())
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, f"labelled-{check.file_name}")
    return response


class UploadChecksPage(ListPage):
    """Upload checks of a distribution platform (人工智能生成合成内容标识办法 Art. 6, GB 45438-2025 6.1)."""

    page_forms = {
        "check": PageForm(make=lambda request, data: UploadCheckForm(data, user=request.user),
                          write=lambda request, form: services.check_upload(acting_user=acting_user(request),
                                                                            **form.arguments()),
                          done=_("已核验。"), reply=_labelled_or_back),
        "review": PageForm(make=lambda request, data: UploadReviewForm(data, user=request.user),
                           write=lambda request, form: services.review_upload(acting_user=acting_user(request),
                                                                              **form.arguments()),
                           done=_("已复核。")),
    }


def _label_workflow_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_act": selectors.organisations_acting_for(request.user).exists(), "rule": aigc.rule(),
            "retention": aigc.export_rule(timezone.localdate())}


uploads_page = route.list_page("labels/uploads/", listings.UPLOAD_CHECKS, page=UploadChecksPage, signed_in=True,
                               template_name="algorithms/upload_checks.html", extra_context=_label_workflow_context)


class UnlabelledExportsPage(ListPage):
    """The provider's log of content handed out without its explicit label (Measures Art. 9)."""

    page_forms = {
        "log": PageForm(make=lambda request, data: UnlabelledExportForm(data, user=request.user),
                        write=lambda request, form: services.log_unlabelled_export(acting_user=acting_user(request),
                                                                                   **form.arguments()),
                        done=_("已记录，日志留存期限已计算。")),
    }


exports_page = route.list_page("labels/exports/", listings.UNLABELLED_EXPORTS, page=UnlabelledExportsPage,
                               signed_in=True, template_name="algorithms/unlabelled_exports.html",
                               extra_context=_label_workflow_context)
