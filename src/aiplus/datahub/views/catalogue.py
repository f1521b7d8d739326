"""The catalogue: search with facets, a dataset, DCAT-AP export and import, a dataset entered by hand."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.access import get_for, record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.lists import ListPage
from aiplus.datahub import dcat, selectors, services
from aiplus.datahub.listings import CATALOGUE
from aiplus.datahub.models import (
    DataService,
    Dataset,
    Grade,
    Modality,
    OpenAttribute,
    UpdateFrequency,
)
from aiplus.datahub.views.parsing import _date_or_none, _int_or_none
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


catalogue = ListPage.as_view(listing=CATALOGUE, template_name="datahub/catalogue.html",
                             extra_context=_catalogue_context)


@record_page(selectors.dataset, "dataset_id")
def dataset_detail(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    editable = bool(getattr(request.user, "is_authenticated", False)
                    and dataset.provider_id in permissions.user_organisation_ids(request.user, "change"))
    return render(request, "datahub/dataset_detail.html", {
        "dataset": dataset, "conditional": dataset.open_attribute == OpenAttribute.CONDITIONAL,
        "editable": editable})


@record_page(selectors.dataset, "dataset_id")
def dataset_dcat(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    response = JsonResponse(dcat.dataset_document(dataset), content_type="application/ld+json",
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{dataset.identifier}.jsonld"'
    return response


def catalogue_dcat(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(dcat.serialise(selectors.catalogue_document(request.user)),
                            content_type="application/ld+json")
    response["Content-Disposition"] = 'attachment; filename="catalogue.jsonld"'
    return response


@login_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload a DCAT-AP JSON-LD catalogue: every entry is created or updated, or nothing is (one transaction)."""
    error: dict[str, str] | None = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError("required", _("请选择 JSON-LD 文件。"), "file")
            try:
                document = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ServiceError("invalid_json", _("文件不是有效的 JSON：%(e)s") % {"e": exc}, "file") from exc
            counts = services.import_catalogue(acting_user=acting_user(request), document=document)
        except ServiceError as exc:
            error = {"message": str(exc.message), "field": exc.field or ""}
        else:
            messages.success(request, _("已导入 %(d)s 个数据集、%(s)s 个数据服务。") % {
                "d": counts["datasets"], "s": counts["services"]})
            return redirect("datahub:catalogue")
    return render(request, "datahub/catalogue_import.html", {"error": error}, status=400 if error else 200)


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


DATASET_FORM = (
    ("title", "text", _("数据集名称")), ("description", "textarea", _("摘要")),
    ("keywords", "keywords", _("数据标签（以逗号分隔）")), ("sector", "text", _("所属行业")),
    ("theme", "text", _("主题分类")), ("update_frequency", "choice", _("更新频率")),
    ("open_attribute", "choice", _("开放属性")), ("record_count", "int", _("数据量（条）")),
    ("spatial_coverage", "text", _("空间范围")), ("temporal_start", "date", _("时间范围起")),
    ("temporal_end", "date", _("时间范围止")), ("licence", "text", _("许可")),
    ("issued", "date", _("首次发布日期")), ("modified", "date", _("更新日期")),
    ("high_quality", "bool", _("高质量训练数据集")), ("annotation_method", "text", _("标注方式")),
    ("annotation_quality", "text", _("标注质量")), ("modality", "choice", _("模态")),
    ("language", "text", _("语言")), ("size_bytes", "int", _("大小（字节）")),
    ("lineage", "textarea", _("来源与加工过程")), ("grade", "choice", _("数据分级")),
    ("is_published", "bool", _("发布到目录")),
)
DATASET_CHOICES = {"update_frequency": UpdateFrequency.choices, "open_attribute": OpenAttribute.choices,
                   "modality": Modality.choices, "grade": Grade.choices}
DISTRIBUTION_FORM = (
    ("identifier", "text", _("标识符")), ("title", "text", _("名称")), ("format", "text", _("资源格式")),
    ("media_type", "text", _("媒体类型")), ("access_url", "text", _("访问地址")),
    ("download_url", "text", _("下载地址")), ("byte_size", "int", _("大小（字节）")), ("licence", "text", _("许可")),
)
BLANK_DISTRIBUTIONS = 2


def _form_value(kind: str, raw: str, field: str) -> Any:
    raw = raw.strip()
    if kind == "int":
        return _int_or_none(raw, field)
    if kind == "date":
        return _date_or_none(raw, field)
    if kind == "keywords":
        return [k.strip() for k in raw.replace("，", ",").split(",") if k.strip()]
    return raw


def _dataset_post(post: Any) -> tuple[dict[str, Any], list[dict[str, Any]], list[int]]:
    """The service's arguments from the form; blank distribution rows are left out (their row numbers kept so an
    error lands beside the right row)."""
    fields: dict[str, Any] = {}
    for name, kind, _label in DATASET_FORM:
        if kind == "bool":
            fields[name] = post.get(name) == "on"
        else:
            fields[name] = _form_value(kind, post.get(name, ""), name)
    distributions: list[dict[str, Any]] = []
    rows: list[int] = []
    count = _int_or_none(post.get("distribution_rows", "0"), "distribution_rows") or 0
    for row in range(min(count, 50)):
        raw = {name: post.get(f"dist-{row}-{name}", "") for name, _kind, _label in DISTRIBUTION_FORM}
        if not any(v.strip() for v in raw.values()):
            continue
        values = {name: _form_value(kind, raw[name], f"dist-{row}-{name}") for name, kind, _label in DISTRIBUTION_FORM}
        if not values["identifier"]:
            values.pop("identifier")
        distributions.append(values)
        rows.append(row)
    return fields, distributions, rows


def _error_key(field: str, rows: list[int]) -> str:
    """`distributions[2].byte_size` (the service's name) → the form input `dist-<row>-byte_size`."""
    if field.startswith("distributions["):
        index, _sep, rest = field[len("distributions["):].partition("]")
        if index.isdigit() and int(index) < len(rows):
            return f"dist-{rows[int(index)]}-{rest.lstrip('.')}"
    return field


def _entry_form_subject[M: Dataset | DataService](
        user: Any, visible: QuerySet[M], pk: int | None, *, missing: str | Promise, refused: str | Promise,
        no_provider: str | Promise) -> tuple[M | None, list[Any]] | HttpResponse:
    """What a catalogue entry's form (a dataset's, a data service's) works on: the entry `pk` to edit (None: a new
    one) and the organisations a new one may be registered for; or the refusal: 404 `missing`, 403 `refused` (only
    members of the providing organisation edit an entry by hand), 403 `no_provider` (nobody to register for)."""
    if pk is None:
        providers = _providers(user)
        return (None, providers) if providers else HttpResponse(no_provider, status=403)
    try:
        entry: M | None = get_for(user, "change", visible, pk=pk)
    except NotFoundError:
        return HttpResponse(missing, status=404)
    except PermissionDeniedError:
        entry = None
    # An official may change rows of their jurisdiction, but the entry by hand is the provider's own.
    if entry is None or entry.provider_id not in permissions.user_organisation_ids(user, "change"):
        return HttpResponse(refused, status=403)
    return entry, []


def _dataset_form_context(post: Any, dataset: Dataset | None, errors: dict[str, str],
                          providers: list[Any]) -> dict[str, Any]:
    if post is not None:
        values = {name: post.get(name, "") for name, _kind, _label in DATASET_FORM}
        for name, kind, _label in DATASET_FORM:
            if kind == "bool":
                values[name] = post.get(name) == "on"
        count = _int_or_none(post.get("distribution_rows", "0"), "distribution_rows") or 0
        dist_values = [{name: post.get(f"dist-{row}-{name}", "") for name, _k, _l in DISTRIBUTION_FORM}
                       for row in range(min(count, 50))]
    else:
        source = dataset or Dataset()
        values = {}
        for name, kind, _label in DATASET_FORM:
            value = getattr(source, name)
            if kind == "keywords":
                value = ", ".join(value or [])
            elif kind in ("int", "date"):
                value = "" if value is None else str(value)
            values[name] = value
        existing = list(dataset.distributions.all()) if dataset is not None else []
        dist_values = [{name: "" if getattr(d, name) is None else str(getattr(d, name))
                        for name, _k, _l in DISTRIBUTION_FORM} for d in existing]
        dist_values += [{name: "" for name, _k, _l in DISTRIBUTION_FORM} for _i in range(BLANK_DISTRIBUTIONS)]
    fields = [{"name": name, "kind": kind, "label": label, "value": values[name], "error": errors.get(name, ""),
               "choices": DATASET_CHOICES.get(name, ())} for name, kind, label in DATASET_FORM]
    distributions = [[{"name": f"dist-{row}-{name}", "label": label, "kind": kind, "value": row_values[name],
                       "error": errors.get(f"dist-{row}-{name}", "")} for name, kind, label in DISTRIBUTION_FORM]
                     for row, row_values in enumerate(dist_values)]
    known = {f["name"] for f in fields} | {c["name"] for row in distributions for c in row} | {"identifier",
                                                                                                "provider"}
    return {"dataset": dataset, "fields": fields, "distributions": distributions,
            "distribution_rows": len(distributions), "errors": errors,
            "other_errors": [m for k, m in errors.items() if k not in known],
            "identifier": (post.get("identifier", "") if post is not None else ""),
            "identifier_error": errors.get("identifier", ""), "provider_error": errors.get("provider", ""),
            "providers": providers,
            "provider_id": (post.get("provider", "") if post is not None else ""),
            "citations": _feature_citations(CATALOGUE_FEATURE)}


def _providers(user: Any) -> list[Any]:

    return list(selectors.organisations_acting_for(user, "add"))


@login_required
def dataset_form(request: HttpRequest, dataset_id: int | None = None) -> HttpResponse:
    """A provider registers (or edits) a catalogue dataset with its distributions; errors appear beside their field
    and nothing is written."""
    subject = _entry_form_subject(request.user, selectors.datasets(request.user), dataset_id,
                                  missing=_("数据集不存在。"), refused=_("只有数据提供方的成员可以编辑该数据集。"),
                                  no_provider=_("只有数据提供方组织的成员可以登记数据集。"))
    if isinstance(subject, HttpResponse):
        return subject
    dataset, providers = subject
    errors: dict[str, str] = {}
    if request.method == "POST":
        rows: list[int] = []
        try:
            fields, distributions, rows = _dataset_post(request.POST)
            if dataset is None:
                provider_id = _int_or_none(request.POST.get("provider", ""), "provider")
                if provider_id is None:
                    raise ServiceError("required", _("请选择数据提供方。"), "provider")
                saved = services.create_dataset(acting_user=acting_user(request), provider_id=provider_id,
                                                identifier=request.POST.get("identifier", "").strip(),
                                                distributions=distributions, **fields)
                messages.success(request, _("数据集已登记。"))
            else:
                saved = services.update_dataset(acting_user=acting_user(request), dataset_id=dataset.pk,
                                                distributions=distributions, **fields)
                messages.success(request, _("数据集已保存。"))
        except ServiceError as error:
            if error.status == 403:
                return HttpResponse(str(error.message), status=403)
            key = _error_key(error.field or "", rows) or "__all__"
            errors["provider" if key == "organisation" else key] = str(error.message)
        else:
            return redirect("datahub:dataset", dataset_id=saved.pk)
    context = _dataset_form_context(request.POST if request.method == "POST" else None, dataset, errors, providers)
    return render(request, "datahub/dataset_form.html", context, status=400 if errors else 200)
