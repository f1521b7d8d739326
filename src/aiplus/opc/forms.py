"""The OPC forms: registering and updating a profile, recognising a community, applying for and deciding a
residency, claiming an entitlement. Numbers take their domain from the model fields (`domains.form_field`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains, pickers
from aiplus.core.models import Jurisdiction, Organisation
from aiplus.opc import register, selectors
from aiplus.opc.engine import TOOLS
from aiplus.opc.models import MAX_FOUNDERS, Community, Profile, Residency, Service, Stage
from aiplus.support import programmes


def tool_choices() -> list[tuple[str, str]]:
    return [(code, en if programmes.english() else zh) for code, (zh, en) in TOOLS.items()]


class ProfileFields(forms.Form):
    founders = forms.CharField(label=_("创办人（每行一名）"), max_length=(50 + 1) * MAX_FOUNDERS,
                               widget=forms.Textarea(attrs={"rows": 2}))
    headcount = domains.form_field(Profile, "headcount")
    ai_tools = forms.MultipleChoiceField(label=_("AI工具栈"), choices=tool_choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    stage = forms.ChoiceField(label=_("发展阶段"), choices=Stage.choices)


class RegisterForm(ProfileFields):
    prefix = "register"  # the list's filters above use the same names (stage, jurisdiction)
    organisation = pickers.OrganisationField(label=_("一人公司"), queryset=None)
    registered_on = forms.DateField(label=_("工商登记日期"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["organisation", "founders", "headcount", "ai_tools", "stage", "registered_on"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.opc_organisations_acting_for(user)  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation_id"] = data.pop("organisation").pk
        return data


class UpdateForm(ProfileFields):
    policy_matched_on = forms.DateField(label=_("政策匹配日期"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    financed_on = forms.DateField(label=_("获得融资或市场突破日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))


class CommunityForm(forms.Form):
    prefix = "community"  # the list's filters above use the same names (jurisdiction)
    name = forms.CharField(label=_("社区名称"), max_length=200)
    operator = pickers.OrganisationField(label=_("运营单位"), queryset=Organisation.objects.all())
    jurisdiction = pickers.JurisdictionField(label=_("辖区"), queryset=Jurisdiction.objects.all())
    area_m2 = domains.form_field(Community, "area_m2")
    seats = domains.form_field(Community, "seats")
    services = forms.MultipleChoiceField(label=_("服务"), choices=Service.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    bundle = forms.ChoiceField(label=_("入驻权益包"), choices=register.bundle_choices)

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["operator_id"] = data.pop("operator").pk
        data["jurisdiction"] = data["jurisdiction"].pk
        return data


class ApplyForm(forms.Form):
    profile: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("一人公司"), queryset=None)
    term_months = domains.form_field(Residency, "term_months")
    note = forms.CharField(label=_("申请说明"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = selectors.profiles_acting_for(user)  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["profile_id"] = data.pop("profile").pk
        return data


class DecisionForm(forms.Form):
    admit = forms.TypedChoiceField(label=_("决定"), choices=[("yes", _("准予入驻")), ("no", _("不予入驻"))],
                                   coerce=lambda v: v == "yes")
    seat = forms.CharField(label=_("工位"), max_length=40, required=False)
    rent_relief_rate = domains.form_field(Residency, "rent_relief_rate", required=False,
                                          help_text=_("留空则取规则包中的默认减免比例（平台设置）。"))
    starts_on = forms.DateField(label=_("入驻起始日"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("决定说明（不予入驻时必填）"), max_length=500, required=False)


class ClaimForm(forms.Form):
    residency_id = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    programme_code = forms.CharField(max_length=80, widget=forms.HiddenInput)
