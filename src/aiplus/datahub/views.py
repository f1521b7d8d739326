"""Pages of the datahub: catalogue, guided cross-border assessment, access requests, filings, classification."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from aiplus.core import permissions
from aiplus.core.calendar import add_working_days
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.datahub import dcat, selectors, services
from aiplus.datahub.crossborder import Exemption, TransferCase
from aiplus.datahub.crossborder.pathway import assess_transfer
from aiplus.datahub.crossborder.payload import KIND_TRANSFER, decision_json, validation_errors
from aiplus.datahub.models import (
    AssetLevel,
    DataService,
    Dataset,
    Grade,
    Modality,
    OpenAttribute,
    Processor,
    UpdateFrequency,
)
from aiplus.regulation.coverage import feature as coverage_feature
from aiplus.regulation.runtime import active_packs, parameters
from aiplus.rules.citations import Citation

PAGE_SIZE = 25
FACET_LABELS = {"sector": _("所属行业"), "theme": _("主题分类"), "open_attribute": _("开放属性"), "modality": _("模态"),
                "high_quality": _("高质量训练数据集"), "format": _("资源格式")}

# The guided assessment's questions, keyed by the engine's field paths (its `missing` facts use the same paths).
BASE_QUESTIONS = ("transfer.recipient", "transfer.country_or_region", "transfer.data_categories",
                  "transfer.transfer_on")
QUESTIONS: dict[str, tuple[str, Any]] = {
    "transfer.recipient": ("text", _("境外接收方名称")),
    "transfer.country_or_region": ("text", _("接收方所在国家或地区代码（如 DE、US、HK）")),
    "transfer.data_categories": ("categories", _("出境数据类别")),
    "transfer.transfer_on": ("date", _("出境日期")),
    "processor.is_ciio": ("bool", _("贵单位是否为关键信息基础设施运营者？")),
    "processor.in_ftz": ("bool", _("贵单位是否注册在自由贸易试验区？")),
    "processor.ftz_code": ("text", _("所在自由贸易试验区代码")),
    "transfer.important_data_designated": ("bool", _("这些数据是否已被有关部门告知或公开发布为重要数据？")),
    "transfer.pi_people": ("int", _("本次出境的个人信息（不含敏感个人信息）涉及人数")),
    "transfer.sensitive_pi_people": ("int", _("本次出境的敏感个人信息涉及人数")),
    "cumulative.pi_people": ("int", _("今年1月1日以来已出境的个人信息（不含敏感）累计人数")),
    "cumulative.sensitive_pi_people": ("int", _("今年1月1日以来已出境的敏感个人信息累计人数")),
    "milestones.contract_effective_on": ("date", _("标准合同生效日期（可选，用于计算备案期限）")),
    "milestones.assessment_accepted_on": ("date", _("安全评估申报受理日期（可选，用于计算决定期限）")),
    "milestones.assessment_issued_on": ("date", _("安全评估结果出具日期（可选，用于计算有效期和续期提醒）")),
}
# Optional dates that start the legal clocks of a pathway: offered once the pathway is known, never required.
CLOCK_QUESTIONS = {"standard_contract_or_certification": ("milestones.contract_effective_on",),
                   "security_assessment": ("milestones.assessment_accepted_on", "milestones.assessment_issued_on")}
CATEGORY_LABELS = {"personal": _("个人信息"), "sensitive_personal": _("敏感个人信息"),
                   "important": _("重要数据"), "general": _("一般数据")}
# The exemptions a processor may claim, named as CAC Order No. 16 (《促进和规范数据跨境流动规定》) words them.
EXEMPTION_LABELS: dict[str, Any] = {
    Exemption.TRADE_ACADEMIC_NO_PI.value: _(
        "国际贸易、跨境运输、学术合作、跨国生产制造和市场营销等活动中收集和产生的数据，不含个人信息或重要数据（第三条）"),
    Exemption.ABROAD_COLLECTED_RETURNED.value: _(
        "境外收集和产生的个人信息传输至境内处理后向境外提供，处理过程中未引入境内个人信息或重要数据（第四条）"),
    Exemption.CONTRACT_WITH_INDIVIDUAL.value: _("为订立、履行个人作为一方当事人的合同所必需（第五条第一项）"),
    Exemption.CROSS_BORDER_HR.value: _(
        "按照依法制定的劳动规章制度和依法签订的集体合同实施跨境人力资源管理所必需（第五条第二项）"),
    Exemption.EMERGENCY.value: _("紧急情况下为保护自然人的生命健康和财产安全所必需（第五条第三项）"),
    Exemption.FTZ_NEGATIVE_LIST.value: _("自由贸易试验区内的数据处理者向境外提供负面清单外的数据（第六条）"),
}
OUTCOME_LABELS = {"outside_rules": _("不属于数据出境监管范围"), "exempt": _("免予申报"),
                  "standard_contract_or_certification": _("订立标准合同或通过个人信息保护认证"),
                  "security_assessment": _("申报数据出境安全评估"), "incomplete": _("尚需补充信息")}


def _payload(post: Any) -> tuple[dict[str, Any], list[str]]:
    """The engine's input from the form: only answered fields; blank = unknown."""
    payload: dict[str, Any] = {}
    answered: list[str] = []
    for path, (kind, _label) in QUESTIONS.items():
        if kind == "categories":
            raw: Any = post.getlist(path)
        else:
            raw = post.get(path, "").strip()
        if raw in ("", []):
            continue
        value: Any = raw
        if kind == "bool":
            value = raw == "true"
        elif kind == "int":
            try:
                value = int(raw)
            except ValueError:
                value = raw  # the engine names the field
        section, name = path.split(".", 1)
        payload.setdefault(section, {})[name] = value
        answered.append(path)
    payload.setdefault("transfer", {})
    claims = post.getlist("exemptions_claimed")
    if claims:
        payload["exemptions_claimed"] = claims
    if "cumulative" in payload:
        on = payload["transfer"].get("transfer_on", "")
        payload["cumulative"]["year"] = int(on[:4]) if on[:4].isdigit() else None
    return payload, answered


def _assess(post: Any) -> dict[str, Any]:
    payload, answered = _payload(post)
    context: dict[str, Any] = {"answered": answered, "values": {k: post.get(k, "") for k in QUESTIONS},
                               "checked": post.getlist("transfer.data_categories"),
                               "claims": post.getlist("exemptions_claimed")}
    try:
        case = TransferCase.model_validate(payload)
    except ValidationError as error:
        errors = validation_errors(error)
        context["errors"] = errors
        asked = [e["field"] for e in errors if e["field"] in QUESTIONS]
        context["questions"] = list(dict.fromkeys([*BASE_QUESTIONS, *answered, *asked]))
        return context
    result = decision_json(assess_transfer(parameters(), case, add_working_days), KIND_TRANSFER)
    context["result"] = result
    context["outcome_label"] = OUTCOME_LABELS.get(result["outcome"], result["outcome"])
    context["missing"] = result["missing"]
    # the facts still needed, named by their questions in the page's language (the engine names them by path)
    context["missing_labels"] = [QUESTIONS.get(path, ("text", path))[1] for path in result["missing"]]
    clocks = CLOCK_QUESTIONS.get(result["outcome"], ()) if not result["missing"] else ()
    context["questions"] = list(dict.fromkeys([*BASE_QUESTIONS, *answered, *result["missing"], *clocks]))
    return context


def _question_rows(context: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for path in context["questions"]:
        kind, label = QUESTIONS.get(path, ("text", path))
        rows.append({"path": path, "kind": kind, "label": label, "value": context["values"].get(path, ""),
                     "new": path in context.get("missing", []), "testid": path.replace(".", "-")})
    return rows


def assess(request: HttpRequest) -> HttpResponse:
    """Guided assessment: the engine's `missing` facts become the next questions (HTMX swaps the form)."""
    if request.method == "POST":
        context = _assess(request.POST)
    else:
        context = {"questions": list(BASE_QUESTIONS), "values": {}, "checked": [], "claims": [], "answered": []}
    context.update(rows=_question_rows(context), categories=list(CATEGORY_LABELS.items()),
                   exemptions=[(e.value, EXEMPTION_LABELS.get(e.value, e.value)) for e in Exemption],
                   record_processors=_own_processors(request.user))
    template = "datahub/partials/assessment.html" if getattr(request, "htmx", False) else "datahub/assess.html"
    return render(request, template, context)


def _own_processors(user: Any) -> list[Any]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Processor.objects.restrict(user, "change").select_related("organisation").order_by("id"))


@login_required
@require_POST
def assess_record(request: HttpRequest) -> HttpResponse:
    """Record the assessed transfer for one of the user's processors: decided again on the processor's stored
    facts and annual counter, then added to that counter (the form's own processor and cumulative answers are
    not used)."""
    payload, _answered = _payload(request.POST)
    try:
        record = services.record_transfer(
            acting_user=acting_user(request),
            processor_id=_int_or_none(request.POST.get("processor", ""), "processor") or 0,
            transfer=payload.get("transfer", {}), exemptions_claimed=payload.get("exemptions_claimed", []),
            milestones=payload.get("milestones", {}))
    except ServiceError as error:
        messages.error(request, f"{error.message}" + (f"（{error.field}）" if error.field else ""))
    else:
        outcome = record.decision.outcome
        messages.success(request, _("已记录本次数据出境并计入年度累计：%(o)s") % {
            "o": OUTCOME_LABELS.get(outcome, outcome)})
    target = reverse("datahub:filings")
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@require_POST
def assess_decision(request: HttpRequest) -> HttpResponse:
    """The printable decision with its reasons, citations, parameters and deadlines."""
    context = _assess(request.POST)
    return render(request, "datahub/decision.html", context)


def catalogue(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "").strip() for name in ("q", "sector", "theme", "open_attribute",
                                                                     "modality", "format", "high_quality")}
    rows = selectors.search_datasets(request.user, q=filters["q"], sector=filters["sector"],
                                     open_attribute=filters["open_attribute"], modality=filters["modality"],
                                     format=filters["format"],
                                     high_quality={"1": True, "0": False}.get(filters["high_quality"]),
                                     theme=filters["theme"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    facet_groups = []
    for name, values in selectors.facets(rows).items():
        items = []
        for item in values:
            chosen = filters[name] == str(item["value"])
            # A facet link narrows the current search by this value, or (when chosen) removes it.
            link = {k: v for k, v in filters.items() if v and k != name}
            if not chosen:
                link[name] = str(item["value"])
            items.append({**item, "chosen": chosen, "query": urlencode(link)})
        facet_groups.append({"name": name, "label": FACET_LABELS[name], "items": items})
    publisher = bool(getattr(request.user, "is_authenticated", False)
                     and permissions.user_organisation_ids(request.user, "add"))
    context = {"page": page, "filters": filters, "facets": facet_groups, "publisher": publisher,
               "query": urlencode({k: v for k, v in filters.items() if v}),
               "open_labels": dict(OpenAttribute.choices), "modality_labels": dict(Modality.choices)}
    template = "datahub/partials/catalogue_results.html" if getattr(request, "htmx", False) \
        else "datahub/catalogue.html"
    return render(request, template, context)


def dataset_detail(request: HttpRequest, dataset_id: int) -> HttpResponse:
    try:
        dataset = selectors.dataset(request.user, dataset_id)
    except ServiceError:
        return render(request, "portal/not_found.html", status=404)
    editable = bool(getattr(request.user, "is_authenticated", False)
                    and dataset.provider_id in permissions.user_organisation_ids(request.user, "change"))
    return render(request, "datahub/dataset_detail.html", {
        "dataset": dataset, "conditional": dataset.open_attribute == OpenAttribute.CONDITIONAL,
        "editable": editable})


def dataset_dcat(request: HttpRequest, dataset_id: int) -> HttpResponse:
    try:
        dataset = selectors.dataset(request.user, dataset_id)
    except ServiceError:
        return render(request, "portal/not_found.html", status=404)
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


@login_required
def access_requests(request: HttpRequest) -> HttpResponse:
    rows = selectors.access_requests(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "datahub/access_requests.html", {"page": page})


@login_required
def access_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        item = selectors.access_request(request.user, request_id)
    except ServiceError:
        return render(request, "portal/not_found.html", status=404)
    actions = [t.name for t in services.ACCESS_WORKFLOW.available(item, request.user)]
    return render(request, "datahub/access_request.html", {"item": item, "actions": actions,
                                                           "history": services.ACCESS_WORKFLOW.history(item)})


@login_required
@require_POST
def access_request_create(request: HttpRequest, dataset_id: int) -> HttpResponse:
    try:
        duration = int(request.POST.get("duration_days", "0") or 0)
        item = services.request_access(acting_user=acting_user(request), dataset_id=dataset_id,
                                       purpose=request.POST.get("purpose", ""),
                                       usage_scope=request.POST.get("usage_scope", ""),
                                       security_measures=request.POST.get("security_measures", ""),
                                       duration_days=duration)
    except (ServiceError, ValueError) as error:
        messages.error(request, str(getattr(error, "message", error)))
        return redirect("datahub:dataset", dataset_id=dataset_id)
    return redirect("datahub:access_request", request_id=item.pk)


@login_required
@require_POST
def access_request_act(request: HttpRequest, request_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    comment = request.POST.get("comment", "")
    try:
        if action == "revoke":
            services.revoke_access(acting_user=acting_user(request), request_id=request_id, comment=comment)
        else:
            services.decide_access(acting_user=acting_user(request), request_id=request_id, decision=action,
                                   comment=comment)
    except ServiceError as error:
        messages.error(request, str(error.message))
    return redirect("datahub:access_request", request_id=request_id)


DOCUMENT_LABELS = {"legal_representative_id_copy": _("法定代表人身份证件复印件"), "undertaking": _("承诺书"),
                   "signed_contract": _("已签署的标准合同")}


def _filings_post(request: HttpRequest) -> None:
    post = request.POST
    if post.get("action") == "processor":
        services.register_processor(
            acting_user=acting_user(request),
            organisation_id=_int_or_none(post.get("organisation", ""), "organisation") or 0,
            is_ciio=post.get("is_ciio") == "true", in_ftz=post.get("in_ftz") == "true",
            ftz_code=post.get("ftz_code", "").strip())
        messages.success(request, _("数据处理者信息已保存。"))
        return
    if post.get("action") == "file":
        services.file_gba_filing(acting_user=acting_user(request),
                                 filing_id=_int_or_none(post.get("filing", ""), "filing") or 0,
                                 documents_provided=post.getlist("documents_provided"))
        messages.success(request, _("已备案，回执已生成。"))
        return
    designated = post.get("important_data_designated", "")
    case = {
        "processor": {"name": post.get("processor_name", "").strip(), "kind": post.get("processor_kind",
                                                                                         "organisation"),
                      "location": post.get("processor_location", "").strip() or None},
        "recipient": {"name": post.get("recipient_name", "").strip(), "kind": post.get("recipient_kind",
                                                                                         "organisation"),
                      "location": post.get("recipient_location", "").strip() or None},
        "data_categories": post.getlist("data_categories"),
        "important_data_designated": {"true": True, "false": False}.get(designated),
        "effective_on": post.get("contract_effective_on", "") or timezone.localdate().isoformat(),
        "contract_effective_on": post.get("contract_effective_on", "") or None,
        "documents_provided": post.getlist("documents_provided"),
    }
    services.create_gba_filing(acting_user=acting_user(request),
                               organisation_id=_int_or_none(post.get("organisation", ""), "organisation") or 0,
                               case=case)
    messages.success(request, _("已登记大湾区标准合同，备案时限已开始计算。"))


@login_required
def filings(request: HttpRequest) -> HttpResponse:
    """Officials see the filings and open deadlines of their jurisdiction; enterprises register and file theirs."""
    if request.method == "POST":
        try:
            _filings_post(request)
        except ServiceError as error:
            messages.error(request, f"{error.message}" + (f"（{error.field}）" if error.field else ""))
        return redirect("datahub:filings")
    rows = list(selectors.filings(request.user)[:200])
    timers = selectors.filing_timers([f.pk for f in rows])
    own = set(permissions.user_organisation_ids(request.user, "add"))
    from aiplus.core.models import Organisation

    kinds = {"gba_filing": _("大湾区标准合同备案"), **OUTCOME_LABELS}
    deadlines = [{**d, "label": kinds.get(d["kind"], d["kind"])} for d in selectors.open_deadlines(request.user)]
    transfers = [(t, OUTCOME_LABELS.get(t.outcome, t.outcome)) for t in selectors.transfers(request.user)[:50]]
    return render(request, "datahub/filings.html", {
        "rows": [(f, timers.get(f.pk)) for f in rows], "deadlines": deadlines,
        "transfers": transfers, "today": timezone.localdate(),
        "own_ids": own, "own_organisations": list(Organisation.objects.filter(pk__in=own).order_by("name")),
        "documents": list(DOCUMENT_LABELS.items()), "categories": list(CATEGORY_LABELS.items()),
        "counters": selectors.current_counters(request.user)})


@login_required
def filing_receipt(request: HttpRequest, filing_id: int) -> HttpResponse:
    try:
        filing = selectors.filing(request.user, filing_id)
    except ServiceError:
        return render(request, "portal/not_found.html", status=404)
    deadlines = filing.decision.get("data", {}).get("deadlines", []) if isinstance(filing.decision, dict) else []
    return render(request, "datahub/receipt.html", {
        "filing": filing, "deadlines": deadlines,
        "documents": [DOCUMENT_LABELS.get(code, code) for code in filing.documents_provided],
        "on_time": bool(filing.filed_on and filing.filing_due_on and filing.filed_on <= filing.filing_due_on)})


DUTY_LABELS = {"security_officer": _("明确网络数据安全负责人和管理机构"),
               "annual_risk_assessment": _("每年度开展数据安全风险评估并报送"),
               "incident_report": _("严重数据安全事件24小时内报告")}
STATUS_LABELS = {"official": _("正式规定"), "local-setting": _("本地设定（待确认）")}


def _int_or_none(raw: str, field: str) -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise ServiceError("invalid", _("字段“%(f)s”须为整数。") % {"f": field}, field) from None


def _date_or_none(raw: str, field: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ServiceError("invalid", _("字段“%(f)s”须为日期。") % {"f": field}, field) from None


def _assets_post(request: HttpRequest) -> None:
    post = request.POST
    action = post.get("action", "")
    organisation_id = _int_or_none(post.get("organisation", ""), "organisation") or 0
    if action == "register":
        services.register_asset(
            acting_user=acting_user(request), organisation_id=organisation_id, name=post.get("name", "").strip(),
            category=post.get("category", "").strip(), grade=post.get("grade", ""), level=post.get("level", "table"),
            internal_level=_int_or_none(post.get("internal_level", ""), "internal_level"),
            legal_basis=post.get("legal_basis", "").strip(),
            pi_people=_int_or_none(post.get("pi_people", ""), "pi_people") or 0)
        messages.success(request, _("数据资产已登记。"))
    elif action == "declare":
        services.declare_important_data(acting_user=acting_user(request),
                                        asset_id=_int_or_none(post.get("asset", ""), "asset") or 0)
        messages.success(request, _("已列入重要数据目录。"))
    elif action == "profile":
        services.update_security_profile(
            acting_user=acting_user(request), organisation_id=organisation_id,
            security_officer=post.get("security_officer", ""),
            last_risk_assessment_on=_date_or_none(post.get("last_risk_assessment_on", ""),
                                                  "last_risk_assessment_on"))
        messages.success(request, _("数据安全义务信息已保存。"))
    elif action == "incident":
        raw = post.get("discovered_at", "").strip()
        try:
            discovered = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise ServiceError("invalid", _("字段“%(f)s”须为日期时间。") % {"f": "discovered_at"},
                               "discovered_at") from None
        if timezone.is_naive(discovered):
            discovered = timezone.make_aware(discovered)
        services.report_incident(acting_user=acting_user(request), organisation_id=organisation_id,
                                 title=post.get("title", ""), discovered_at=discovered)
        messages.success(request, _("事件已登记，报告时限已开始计算。"))
    elif action == "incident_reported":
        services.mark_incident_reported(acting_user=acting_user(request),
                                        incident_id=_int_or_none(post.get("incident", ""), "incident") or 0)
        messages.success(request, _("已记录报告时间。"))
    else:
        raise ServiceError("invalid_action", _("未知操作。"), "action")


@login_required
def assets(request: HttpRequest) -> HttpResponse:
    """Classification and grading (GB/T 43697-2024), the important-data catalogue and the processor's duties with
    their clocks; enterprises register and declare here, officials see their jurisdiction."""
    if request.method == "POST":
        try:
            _assets_post(request)
        except ServiceError as error:
            messages.error(request, f"{error.message}" + (f"（{error.field}）" if error.field else ""))
        return redirect(f"{request.path}?organisation={request.POST.get('organisation', '')}")
    organisations = selectors.duty_organisations(request.user)
    chosen = next((o for o in organisations if str(o.pk) == request.GET.get("organisation", "")),
                  organisations[0] if organisations else None)
    duties = selectors.duties(request.user, chosen.pk) if chosen else []
    own = set(permissions.user_organisation_ids(request.user, "add"))
    return render(request, "datahub/assets.html", {
        "assets": selectors.assets(request.user)[:200], "important": selectors.important_catalogue(request.user),
        "organisations": organisations, "chosen": chosen, "own_organisations": [o for o in organisations
                                                                                if o.pk in own],
        "duties": [{"duty": d, "label": DUTY_LABELS.get(d.code, d.code), "status_label": STATUS_LABELS.get(
            d.status, d.status)} for d in duties],
        "own_ids": own, "grades": Grade.choices, "levels": AssetLevel.choices})


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


def _editable_dataset(user: Any, dataset_id: int) -> Dataset | HttpResponse:
    """Only members of the providing organisation edit a dataset by hand: others get 403 (they may see it) or 404."""
    dataset = Dataset.objects.restrict(user, "change").select_related("provider").filter(pk=dataset_id).first()
    if dataset is not None and dataset.provider_id in permissions.user_organisation_ids(user, "change"):
        return dataset
    if Dataset.objects.restrict(user, "view").filter(pk=dataset_id).exists():
        return HttpResponse(_("只有数据提供方的成员可以编辑该数据集。"), status=403)
    return HttpResponse(_("数据集不存在。"), status=404)


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
    from aiplus.core.models import Organisation

    return list(Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add")).order_by("name"))


@login_required
def dataset_form(request: HttpRequest, dataset_id: int | None = None) -> HttpResponse:
    """A provider registers (or edits) a catalogue dataset with its distributions; errors appear beside their field
    and nothing is written."""
    dataset: Dataset | None = None
    if dataset_id is not None:
        found = _editable_dataset(request.user, dataset_id)
        if isinstance(found, HttpResponse):
            return found
        dataset = found
    providers = _providers(request.user) if dataset is None else []
    if dataset is None and not providers:
        return HttpResponse(_("只有数据提供方组织的成员可以登记数据集。"), status=403)
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


SERVICE_FORM = (("title", "text", _("名称")), ("description", "textarea", _("描述")),
                ("endpoint_url", "text", _("接口地址")), ("endpoint_description", "text", _("接口说明")),
                ("is_published", "bool", _("发布到目录")))


def _editable_service(user: Any, service_id: int) -> DataService | HttpResponse:
    """Only members of the providing organisation edit a data service by hand: others get 403 (they may see it) or
    404."""
    service = DataService.objects.restrict(user, "change").select_related("provider").filter(pk=service_id).first()
    if service is not None and service.provider_id in permissions.user_organisation_ids(user, "change"):
        return service
    if DataService.objects.restrict(user, "view").filter(pk=service_id).exists():
        return HttpResponse(_("只有数据提供方的成员可以编辑该数据服务。"), status=403)
    return HttpResponse(_("数据服务不存在。"), status=404)


@login_required
def service_form(request: HttpRequest, service_id: int | None = None) -> HttpResponse:
    """A provider registers (or edits) a data service (an API serving some of its datasets); errors appear beside
    their field and nothing is written."""
    service: DataService | None = None
    if service_id is not None:
        found = _editable_service(request.user, service_id)
        if isinstance(found, HttpResponse):
            return found
        service = found
    providers = _providers(request.user) if service is None else []
    if service is None and not providers:
        return HttpResponse(_("只有数据提供方组织的成员可以登记数据服务。"), status=403)
    own = permissions.user_organisation_ids(request.user, "change")
    datasets = list(Dataset.objects.restrict(request.user, "change").filter(provider_id__in=own)
                    .order_by("title").only("pk", "title"))
    served: list[str] = []
    if service is not None:
        # What it serves now stays on offer (a published dataset of another provider, say), so saving keeps it.
        now = list(Dataset.objects.restrict(request.user, "view").filter(services=service).order_by("title")
                   .only("pk", "title"))
        listed = {d.pk for d in datasets}
        datasets += [d for d in now if d.pk not in listed]
        served = [str(d.pk) for d in now]
    errors: dict[str, str] = {}
    post = request.POST if request.method == "POST" else None
    if post is not None:
        try:
            fields = {name: (post.get(name) == "on" if kind == "bool" else post.get(name, "").strip())
                      for name, kind, _label in SERVICE_FORM}
            serves = [_int_or_none(raw, "serves") or 0 for raw in post.getlist("serves")]
            if service is None:
                provider_id = _int_or_none(post.get("provider", ""), "provider")
                if provider_id is None:
                    raise ServiceError("required", _("请选择数据提供方。"), "provider")
                services.create_data_service(acting_user=acting_user(request), provider_id=provider_id,
                                             identifier=post.get("identifier", "").strip(), serves=serves, **fields)
                messages.success(request, _("数据服务已登记。"))
            else:
                services.update_data_service(acting_user=acting_user(request), service_id=service.pk, serves=serves,
                                             **fields)
                messages.success(request, _("数据服务已保存。"))
        except ServiceError as error:
            if error.status == 403:
                return HttpResponse(str(error.message), status=403)
            field = (error.field or "__all__").split("[")[0]
            errors["provider" if field == "organisation" else field] = str(error.message)
        else:
            return redirect("datahub:services")
    if post is not None:
        values = {name: (post.get(name) == "on" if kind == "bool" else post.get(name, ""))
                  for name, kind, _label in SERVICE_FORM}
    else:
        values = {name: (getattr(service, name) if service is not None else kind != "bool" and "")
                  for name, kind, _label in SERVICE_FORM}
    rows = [{"name": name, "kind": kind, "label": label, "error": errors.get(name, ""), "value": values[name]}
            for name, kind, label in SERVICE_FORM]
    known = {name for name, _k, _l in SERVICE_FORM} | {"identifier", "provider", "serves"}
    return render(request, "datahub/service_form.html", {
        "service": service, "fields": rows, "errors": errors,
        "other_errors": [m for k, m in errors.items() if k not in known],
        "providers": providers, "datasets": datasets,
        "chosen": post.getlist("serves") if post is not None else served,
        "identifier": post.get("identifier", "") if post is not None else "",
        "provider_id": post.get("provider", "") if post is not None else "",
        "citations": _feature_citations(CATALOGUE_FEATURE)}, status=400 if errors else 200)


def data_services(request: HttpRequest) -> HttpResponse:
    """The catalogue's data services (dcat:DataService) the user may see; members of the providing organisation
    find the edit link of each of theirs here."""
    rows = selectors.service_list(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    signed_in = bool(getattr(request.user, "is_authenticated", False))
    return render(request, "datahub/services.html", {
        "page": page, "own": permissions.user_organisation_ids(request.user, "change") if signed_in else set(),
        "publisher": signed_in and bool(permissions.user_organisation_ids(request.user, "add"))})
