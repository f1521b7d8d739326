"""The catalogue: search with facets, a dataset, DCAT-AP export and import, a dataset entered by hand."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aiplus.core import imports, permissions
from aiplus.core.access import get_for, record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.datahub import dcat, dcat_rdf, selectors, services
from aiplus.datahub.forms import (
    AccessRequestForm,
    BaseDistributionFormSet,
    CatalogueImportForm,
    DatasetForm,
    distribution_formset,
)
from aiplus.datahub.listings import CATALOGUE
from aiplus.datahub.models import DataService, Dataset, OpenAttribute
from aiplus.datahub.views import route
from aiplus.regulation.coverage import feature as coverage_feature
from aiplus.regulation.runtime import active_packs
from aiplus.rules.citations import Citation

FACET_LABELS = {"sector": _("所属行业"), "theme": _("主题分类"), "open_attribute": _("开放属性"), "modality": _("模态"),
                "high_quality": _("高质量训练数据集"), "format": _("资源格式")}



def _catalogue_context(request: HttpRequest) -> dict[str, Any]:
    """The facets of the current search (each link narrows it by one value, or removes it when chosen) and the
    publisher's links."""
    filters = {name: request.GET.get(name, "").strip() for name in ("q", *FACET_LABELS)}
    facet_groups = []
    try:
        rows = CATALOGUE.rows(request.user, request.GET)
    except ServiceError:
        rows = None  # the page says which filter is wrong; no facets for a search that did not run
    for name, values in (selectors.facets(rows).items() if rows is not None else ()):
        items = []
        for item in values:
            chosen = filters[name] == str(item["value"])
            link = {k: v for k, v in filters.items() if v and k != name}
            if not chosen:
                link[name] = str(item["value"])
            items.append({**item, "chosen": chosen, "query": urlencode(link)})
        facet_groups.append({"name": name, "label": FACET_LABELS[name], "items": items})
    return {"facets": facet_groups, "dataset_count": rows.count() if rows is not None else 0,
            "publisher": selectors.organisations_acting_for(request.user, "add").exists()}


catalogue = route.list_page("", CATALOGUE, template_name="datahub/catalogue.html", extra_context=_catalogue_context,
                            menu=_("数据目录"), order=40)


@route("datasets/<int:dataset_id>/", "dataset")
@record_page(selectors.dataset, "dataset_id")
def dataset_detail(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    return dataset_page(request, dataset)


def dataset_page(request: HttpRequest, dataset: Dataset, *, request_form: AccessRequestForm | None = None
                 ) -> HttpResponse:
    """A dataset's page, with the form to request it when it is conditional (bound when a request was refused)."""
    editable = bool(getattr(request.user, "is_authenticated", False) and not dataset.harvest_source_id
                    and dataset.provider_id in permissions.user_organisation_ids(request.user, "change"))
    return render(request, "datahub/dataset_detail.html", {
        "dataset": dataset, "conditional": dataset.open_attribute == OpenAttribute.CONDITIONAL,
        "editable": editable, "request_form": request_form or AccessRequestForm()})


def _dcat_response(request: HttpRequest, document: dict[str, Any], name: str) -> HttpResponse:
    """A DCAT-AP 3 document in the format asked for, as CKAN's DCAT extension serves it: `?format=jsonld|ttl|rdf`,
    else the Accept header (application/ld+json, text/turtle, application/rdf+xml), else JSON-LD; an unknown
    ?format= is a 400 naming it."""
    try:
        fmt = dcat_rdf.negotiate(request.GET.get("format"), request.headers.get("Accept"))
    except dcat_rdf.UnknownFormat:
        return JsonResponse({"code": "unknown_format", "field": "format", "message": str(
            _("未知格式：%(f)s（可选 jsonld、ttl、rdf）。") % {"f": request.GET.get("format", "")})}, status=400)
    response = HttpResponse(dcat_rdf.render(document, fmt), content_type=f"{fmt.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt.extension}"'
    response["Vary"] = "Accept"
    return response


@route("datasets/<int:dataset_id>/dcat.jsonld", "dataset_dcat")
@record_page(selectors.dataset, "dataset_id")
def dataset_dcat(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    return _dcat_response(request, dcat.dataset_document(dataset), dataset.identifier)


@route("catalogue.jsonld", "catalogue_dcat")
def catalogue_dcat(request: HttpRequest) -> HttpResponse:
    return _dcat_response(request, selectors.catalogue_document(request.user), "catalogue")


@route("catalogue/import/", "catalogue_import")
@login_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload a DCAT-AP catalogue (JSON-LD, Turtle or RDF/XML; `services.import_catalogue`), optionally for an
    organisation the user acts for (records whose publisher is not on the platform): every entry is checked first
    and a bad one
    refuses the file (each bad entry named, 400; a publisher or place the user may not act for, 403); then entries
    are written in short batches, a big file by the worker (its job page shows the report)."""
    error: dict[str, str] | None = None
    report: dict[str, Any] | None = None
    status = 200
    form = CatalogueImportForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        try:
            imports.check_request_size(request)
            if not form.is_valid():
                name, problems = next(iter(form.errors.items()))
                raise ServiceError("invalid", problems[0], name)
            upload = request.FILES.get("file")
            provider = form.cleaned_data.get("provider")
            if form.cleaned_data.get("validate_only"):
                validation = services.validate_catalogue_file(
                    imports.read_upload(upload), form.cleaned_data.get("format") or "",
                    getattr(upload, "name", "") or "")
                return render(request, "datahub/catalogue_import.html", {
                    "form": form, "validation": {"shapes": ", ".join(validation.shapes),
                                                 "lines": validation.lines(), "conforms": validation.conforms}})
            result = services.import_catalogue_file(
                acting_user=acting_user(request), data=imports.read_upload(upload),
                fmt=form.cleaned_data.get("format") or "", name=getattr(upload, "name", "") or "",
                provider_id=provider.pk if provider is not None else None)
        except ServiceError as exc:
            error = {"message": str(exc.message), "field": exc.field or ""}
            rejected = getattr(exc, "report", None)
            report = rejected.as_dict() if rejected is not None else None
            status = exc.status
        else:
            if isinstance(result, imports.ImportReport) and result.notes:
                # what was kept without being modelled is shown, not only counted
                messages.success(request, result.summary())
                report = result.as_dict()
            else:
                return imports.done(request, result, "datahub:catalogue")
    return render(request, "datahub/catalogue_import.html", {"error": error, "report": report, "form": form},
                  status=status)


# --- catalogue entry by hand: a dataset with its distributions, a data service ---------------------------------

CATALOGUE_FEATURE = "datahub.catalogue"


def _feature_citations(code: str) -> list[Citation]:
    """The articles a feature implements (its declaration in features.py), each cited in the page's language
    (《苏州条例（送审稿）》第32条 / Suzhou Regulation (submitted draft) art. 32); articles of packs this deployment
    does not load are left out."""
    loaded = active_packs().packs
    feature = coverage_feature(code)
    return [Citation(pack=pack, article=str(number)) for pack, number in (feature.articles if feature else ())
            if pack in loaded]


def editable_entry[M: Dataset | DataService](user: Any, visible: QuerySet[M], pk: int | None, *,
                                             missing: str | Promise, refused: str | Promise,
                                             no_publisher: str | Promise) -> M | HttpResponse | None:
    """What a catalogue entry's create-or-edit form works on: the entry (a dataset, a data service) to edit, or None
    to register a new one. Only members of the providing organisation edit an entry by hand; others get 403
    `refused` (they may see it) or 404 `missing`; registering needs a publishing organisation (403 `no_publisher`)."""
    if pk is None:
        if not selectors.organisations_acting_for(user, "add").exists():
            return HttpResponse(no_publisher, status=403)
        return None
    try:
        entry: M | None = get_for(user, "change", visible, pk=pk)
    except NotFoundError:
        return HttpResponse(missing, status=404)
    except PermissionDeniedError:
        entry = None
    # An official may change rows of their jurisdiction, but the entry by hand is the provider's own.
    if entry is None or entry.provider_id not in permissions.user_organisation_ids(user, "change"):
        return HttpResponse(refused, status=403)
    return entry


def _put_beside_its_field(problem: ServiceError, form: DatasetForm,
                          distributions: BaseDistributionFormSet) -> None:
    """The service's refusal beside the field it names: `distributions[2].byte_size` is the third filled row's
    size, `organisation` the provider picker."""
    field = problem.field or ""
    if field.startswith("distributions["):
        index, _sep, rest = field[len("distributions["):].partition("]")
        rows = distributions.filled()
        if index.isdigit() and int(index) < len(rows):
            problem.add_to_form(rows[int(index)], rest.lstrip(".") or None)
            return
    problem.add_to_form(form, {"organisation": "provider", "jurisdiction": "place"}.get(field))


@route("datasets/<int:dataset_id>/edit/", "dataset_edit")
@route("datasets/new/", "dataset_create")
@login_required
def dataset_form(request: HttpRequest, dataset_id: int | None = None) -> HttpResponse:
    """A provider registers (or edits) a catalogue dataset with its distributions; errors appear beside their field
    and nothing is written."""
    dataset = editable_entry(request.user, selectors.datasets(request.user), dataset_id,
                             missing=_("数据集不存在。"), refused=_("只有数据提供方的成员可以编辑该数据集。"),
                             no_publisher=_("只有数据提供方组织的成员可以登记数据集。"))
    if isinstance(dataset, HttpResponse):
        return dataset
    if dataset is not None and dataset.harvest_source_id:
        return HttpResponse(_("采集的记录为只读副本，由其采集源维护。"), status=403)
    data = request.POST if request.method == "POST" else None
    form = DatasetForm(data, instance=dataset, user=request.user)
    distributions = distribution_formset(data, dataset=dataset)
    if data is not None:
        valid = form.is_valid()
        if distributions.is_valid() and valid:
            rows = [row.values() for row in distributions.filled()]
            try:
                if dataset is None:
                    saved = services.create_dataset(
                        acting_user=acting_user(request), provider_id=form.cleaned_data["provider"].pk,
                        identifier=form.cleaned_data["identifier"].strip(), distributions=rows,
                        jurisdiction=getattr(form.cleaned_data.get("place"), "code", None), **form.changes())
                    messages.success(request, _("数据集已登记。"))
                else:
                    saved = services.update_dataset(acting_user=acting_user(request), dataset_id=dataset.pk,
                                                    distributions=rows, **form.changes())
                    messages.success(request, _("数据集已保存。"))
            except ServiceError as problem:
                if problem.status == 403 and problem.field != "jurisdiction":
                    return HttpResponse(str(problem.message), status=403)
                _put_beside_its_field(problem, form, distributions)
            else:
                return redirect("datahub:dataset", dataset_id=saved.pk)
    return render(request, "datahub/dataset_form.html", {
        "dataset": dataset, "form": form, "distributions": distributions,
        "citations": _feature_citations(CATALOGUE_FEATURE)}, status=400 if data is not None else 200)
