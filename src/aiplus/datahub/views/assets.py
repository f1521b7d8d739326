"""Classification and grading, the important-data catalogue and the processor's data-security duties."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import ListPage
from aiplus.datahub import selectors, services
from aiplus.datahub.forms import (
    ActionForm,
    AssetForm,
    DeclareAssetForm,
    IncidentForm,
    IncidentReportedForm,
    SecurityProfileForm,
    first_error,
)
from aiplus.datahub.listings import ASSETS
from aiplus.datahub.models import (
    AssetLevel,
    Grade,
)

DUTY_LABELS = {"security_officer": _("明确网络数据安全负责人和管理机构"),
               "annual_risk_assessment": _("每年度开展数据安全风险评估并报送"),
               "incident_report": _("严重数据安全事件24小时内报告")}
STATUS_LABELS = {"official": _("正式规定"), "local-setting": _("本地设定（待确认）")}


def _valid(form: Any) -> Any:
    if not form.is_valid():
        raise ServiceError("invalid", first_error(form), next(iter(form.errors)))
    return form.cleaned_data


def _assets_post(request: HttpRequest, action: str) -> None:
    user = acting_user(request)
    if action == "register":
        data = _valid(AssetForm(request.POST, user=user))
        services.register_asset(
            acting_user=user, organisation_id=data["organisation"].pk, name=data["name"].strip(),
            category=data["category"].strip(), grade=data["grade"], level=data["level"] or "table",
            internal_level=data["internal_level"], legal_basis=data["legal_basis"].strip(),
            pi_people=data["pi_people"] or 0)
        messages.success(request, _("数据资产已登记。"))
    elif action == "declare":
        data = _valid(DeclareAssetForm(request.POST))
        services.declare_important_data(acting_user=user, asset_id=data["asset"])
        messages.success(request, _("已列入重要数据目录。"))
    elif action == "profile":
        data = _valid(SecurityProfileForm(request.POST, user=user))
        services.update_security_profile(acting_user=user, organisation_id=data["organisation"].pk,
                                         security_officer=data["security_officer"],
                                         last_risk_assessment_on=data["last_risk_assessment_on"])
        messages.success(request, _("数据安全义务信息已保存。"))
    elif action == "incident":
        data = _valid(IncidentForm(request.POST, user=user))
        discovered = data["discovered_at"]
        if timezone.is_naive(discovered):
            discovered = timezone.make_aware(discovered)
        services.report_incident(acting_user=user, organisation_id=data["organisation"].pk, title=data["title"],
                                 discovered_at=discovered)
        messages.success(request, _("事件已登记，报告时限已开始计算。"))
    elif action == "incident_reported":
        data = _valid(IncidentReportedForm(request.POST))
        services.mark_incident_reported(acting_user=user, incident_id=data["incident"])
        messages.success(request, _("已记录报告时间。"))
    else:
        raise ServiceError("invalid_action", _("未知操作。"), "action")


def _assets_context(request: HttpRequest) -> dict[str, Any]:
    organisations = selectors.duty_organisations(request.user)
    chosen = next((o for o in organisations if str(o.pk) == request.GET.get("organisation", "")),
                  organisations[0] if organisations else None)
    duties = selectors.duties(request.user, chosen.pk) if chosen else []
    own = set(permissions.user_organisation_ids(request.user, "add"))
    return {"important": selectors.important_catalogue(request.user),
            "organisations": organisations, "chosen": chosen,
            "own_organisations": [o for o in organisations if o.pk in own],
            "duties": [{"duty": d, "label": DUTY_LABELS.get(d.code, d.code),
                        "status_label": STATUS_LABELS.get(d.status, d.status)} for d in duties],
            "grades": Grade.choices, "levels": AssetLevel.choices}


class AssetsPage(ListPage):
    """Classification and grading (GB/T 43697-2024), the important-data catalogue and the processor's duties with
    their clocks; enterprises register and declare here, officials see their jurisdiction."""

    def post(self, request: HttpRequest) -> HttpResponse:
        posted = ActionForm(request.POST)
        posted.is_valid()
        try:
            _assets_post(request, posted.cleaned_data.get("action", ""))
        except ServiceError as error:
            messages.error(request, f"{error.message}" + (f"（{error.field}）" if error.field else ""))
        return redirect(f"{request.path}?{urlencode({'organisation': posted.cleaned_data.get('organisation', '')})}")


assets = login_required(AssetsPage.as_view(listing=ASSETS, template_name="datahub/assets.html",
                                           extra_context=_assets_context))
