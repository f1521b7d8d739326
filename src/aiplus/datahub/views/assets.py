"""Classification and grading, the important-data catalogue and the processor's data-security duties."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.context import acting_user
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm
from aiplus.datahub import selectors, services
from aiplus.datahub.forms import (
    AssetForm,
    DeclareAssetForm,
    IncidentForm,
    IncidentReportedForm,
    SecurityProfileForm,
)
from aiplus.datahub.listings import ASSETS
from aiplus.datahub.models import (
    AssetLevel,
    Grade,
)
from aiplus.datahub.views import route

DUTY_LABELS = {"security_officer": _("明确网络数据安全负责人和管理机构"),
               "annual_risk_assessment": _("每年度开展数据安全风险评估并报送"),
               "incident_report": _("严重数据安全事件24小时内报告")}
STATUS_LABELS = {"official": _("正式规定"), "local-setting": _("本地设定（待确认）")}


def _register(request: HttpRequest, form: AssetForm) -> Any:
    data = form.cleaned_data
    return services.register_asset(
        acting_user=acting_user(request), organisation_id=data["organisation"].pk, name=data["name"].strip(),
        category=data["category"].strip(), grade=data["grade"], level=data["level"] or "table",
        internal_level=data["internal_level"], legal_basis=data["legal_basis"].strip(),
        pi_people=data["pi_people"] or 0)


def _profile(request: HttpRequest, form: SecurityProfileForm) -> Any:
    data = form.cleaned_data
    return services.update_security_profile(
        acting_user=acting_user(request), organisation_id=data["organisation"].pk,
        security_officer=data["security_officer"], last_risk_assessment_on=data["last_risk_assessment_on"])


def _incident(request: HttpRequest, form: IncidentForm) -> Any:
    data = form.cleaned_data
    discovered = data["discovered_at"]
    if timezone.is_naive(discovered):
        discovered = timezone.make_aware(discovered)
    return services.report_incident(acting_user=acting_user(request), organisation_id=data["organisation"].pk,
                                    title=data["title"], discovered_at=discovered)


def _back_to_organisation(request: HttpRequest, written: Any) -> str:
    """The page again, showing the duties of the organisation the write was for."""
    organisation_id = getattr(written, "organisation_id", None) or getattr(written, "pk", None)
    return f"{request.path}?{urlencode({'organisation': organisation_id or ''})}"


FORMS = {
    "register": PageForm(make=lambda request, data: AssetForm(data, user=request.user), write=_register,
                         done=_("数据资产已登记。"), back=_back_to_organisation),
    "declare": PageForm(make=lambda request, data: DeclareAssetForm(data),
                        write=lambda request, form: services.declare_important_data(
                            acting_user=acting_user(request), asset_id=form.cleaned_data["asset"]),
                        done=_("已列入重要数据目录。"), back=_back_to_organisation),
    "profile": PageForm(make=lambda request, data: SecurityProfileForm(data, user=request.user), write=_profile,
                        done=_("数据安全义务信息已保存。"), back=_back_to_organisation),
    "incident": PageForm(make=lambda request, data: IncidentForm(data, user=request.user), write=_incident,
                         done=_("事件已登记，报告时限已开始计算。"), back=_back_to_organisation),
    "incident_reported": PageForm(make=lambda request, data: IncidentReportedForm(data),
                                  write=lambda request, form: services.mark_incident_reported(
                                      acting_user=acting_user(request), incident_id=form.cleaned_data["incident"]),
                                  done=_("已记录报告时间。"), back=_back_to_organisation),
}


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

    page_forms = FORMS


assets = route.list_page("assets/", ASSETS, page=AssetsPage, signed_in=True, template_name="datahub/assets.html",
                         extra_context=_assets_context, menu=_("数据分类分级"), order=44,
                         roles={"enterprise_member", "provider", "official"})
