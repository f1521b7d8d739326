"""The guided cross-border assessment (CAC Order No. 16): questions, decision, record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.datahub import assessments, selectors, services
from aiplus.datahub.crossborder import Exemption, TransferCase
from aiplus.datahub.crossborder.payload import validation_errors
from aiplus.datahub.forms import CATEGORY_LABELS, COUNTRY_QUESTION, AssessmentForm
from aiplus.datahub.views import route

PAGE_SIZE = 25


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


def _form(post: Any) -> AssessmentForm:
    form = AssessmentForm(post, questions=QUESTIONS)
    form.is_valid()  # the valid answers are used; the invalid ones are shown beside their question
    return form


def _assess(form: AssessmentForm) -> dict[str, Any]:
    payload, answered = form.payload()
    context: dict[str, Any] = {"answered": answered, "form": form,
                               "values": {k: form[k].value() or "" for k in QUESTIONS},
                               "checked": form["transfer.data_categories"].value() or [],
                               "claims": form["exemptions_claimed"].value() or []}
    problems = form.problems()
    if not problems:
        try:
            case = TransferCase.model_validate(payload)
        except ValidationError as error:
            problems = validation_errors(error)
    if problems:
        context["errors"] = problems
        context["field_errors"] = {e["field"]: e["message"] for e in problems}
        asked = [e["field"] for e in problems if e["field"] in QUESTIONS]
        context["questions"] = list(dict.fromkeys([*BASE_QUESTIONS, *answered, *asked]))
        return context
    result = assessments.transfer_json(case)
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
        rows.append({"path": path, "kind": "country" if path == COUNTRY_QUESTION else kind, "label": label,
                     "value": context["values"].get(path, ""), "field": context["form"][path],
                     "error": context.get("field_errors", {}).get(path, ""),
                     "new": path in context.get("missing", []), "testid": path.replace(".", "-")})
    return rows


# The guided assessment and its printable decision are a public tool that only computes (nothing is written, no
# session right is used), so they take a POST without a CSRF token: an anonymous visitor whose token cookie is
# missing (a first visit from a link, cookies blocked, a session that expired) still gets the answer. Recording a
# transfer (`assess_record`) writes and keeps the CSRF check.
@route("assess/", "assess", menu=_("数据出境自评"), order=41)
@csrf_exempt
def assess(request: HttpRequest) -> HttpResponse:
    """Guided assessment: the engine's `missing` facts become the next questions (HTMX swaps the form)."""
    if request.method == "POST":
        context = _assess(_form(request.POST))
    else:
        context = {"questions": list(BASE_QUESTIONS), "values": {}, "checked": [], "claims": [], "answered": [],
                   "form": AssessmentForm(questions=QUESTIONS)}
    context.update(rows=_question_rows(context), categories=list(CATEGORY_LABELS.items()),
                   exemptions=[(e.value, EXEMPTION_LABELS.get(e.value, e.value)) for e in Exemption],
                   record_processors=_own_processors(request.user))
    template = "datahub/partials/assessment.html" if getattr(request, "htmx", False) else "datahub/assess.html"
    return render(request, template, context)


def _own_processors(user: Any) -> list[Any]:
    return selectors.own_processors(user)


@route("assess/record/", "assess_record")
@login_required
@require_POST
def assess_record(request: HttpRequest) -> HttpResponse:
    """Record the assessed transfer for one of the user's processors: decided again on the processor's stored
    facts and annual counter, then added to that counter (the form's own processor and cumulative answers are
    not used)."""
    form = _form(request.POST)
    payload, _answered = form.payload()
    try:
        record = services.record_transfer(
            acting_user=acting_user(request), processor_id=form.cleaned_data.get("processor") or 0,
            transfer=payload.get("transfer", {}), exemptions_claimed=payload.get("exemptions_claimed", []),
            milestones=payload.get("milestones", {}))
    except ServiceError as error:
        messages.error(request, error.named_in(form))
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


@route("assess/decision/", "assess_decision")
@csrf_exempt
@require_POST
def assess_decision(request: HttpRequest) -> HttpResponse:
    """The printable decision with its reasons, citations, parameters and deadlines."""
    context = _assess(_form(request.POST))
    return render(request, "datahub/decision.html", context)
