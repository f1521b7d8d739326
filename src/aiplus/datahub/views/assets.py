"""Classification and grading, the important-data catalogue and the processor's data-security duties."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.errors import ServiceError
from aiplus.core.lists import ListPage
from aiplus.datahub import selectors, services
from aiplus.datahub.listings import ASSETS
from aiplus.datahub.models import (
    AssetLevel,
    Grade,
)
from aiplus.datahub.views.parsing import _date_or_none, _int_or_none

DUTY_LABELS = {"security_officer": _("明确网络数据安全负责人和管理机构"),
               "annual_risk_assessment": _("每年度开展数据安全风险评估并报送"),
               "incident_report": _("严重数据安全事件24小时内报告")}
STATUS_LABELS = {"official": _("正式规定"), "local-setting": _("本地设定（待确认）")}


def _assets_post(request: HttpRequest) -> None:
    post = request.POST
    action = post.get("action", "")
    organisation_id = _int_or_none(post.get("organisation", ""), "organisation") or 0
    if action == "register":
        services.register_asset(
            acting_user=request.user, organisation_id=organisation_id, name=post.get("name", "").strip(),
            category=post.get("category", "").strip(), grade=post.get("grade", ""), level=post.get("level", "table"),
            internal_level=_int_or_none(post.get("internal_level", ""), "internal_level"),
            legal_basis=post.get("legal_basis", "").strip(),
            pi_people=_int_or_none(post.get("pi_people", ""), "pi_people") or 0)
        messages.success(request, _("数据资产已登记。"))
    elif action == "declare":
        services.declare_important_data(acting_user=request.user,
                                        asset_id=_int_or_none(post.get("asset", ""), "asset") or 0)
        messages.success(request, _("已列入重要数据目录。"))
    elif action == "profile":
        services.update_security_profile(
            acting_user=request.user, organisation_id=organisation_id,
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
        services.report_incident(acting_user=request.user, organisation_id=organisation_id,
                                 title=post.get("title", ""), discovered_at=discovered)
        messages.success(request, _("事件已登记，报告时限已开始计算。"))
    elif action == "incident_reported":
        services.mark_incident_reported(acting_user=request.user,
                                        incident_id=_int_or_none(post.get("incident", ""), "incident") or 0)
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
        try:
            _assets_post(request)
        except ServiceError as error:
            messages.error(request, f"{error.message}" + (f"（{error.field}）" if error.field else ""))
        return redirect(f"{request.path}?organisation={request.POST.get('organisation', '')}")


assets = login_required(AssetsPage.as_view(listing=ASSETS, template_name="datahub/assets.html",
                                           extra_context=_assets_context))
