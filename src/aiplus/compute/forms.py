"""Forms of the compute pages. They only collect input; the services validate it and name the bad field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.compute.models import AcceleratorModel, JobRequest


class JobRequestForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    accepted_models = forms.MultipleChoiceField(label=_("可接受的加速卡型号"), choices=AcceleratorModel.choices,
                                                widget=forms.CheckboxSelectMultiple, required=False)
    cards = forms.CharField(label=_("卡数"))
    hours = forms.CharField(label=_("时长（小时）"))
    deadline_hours = forms.CharField(label=_("须在多少小时内完成"), required=False)
    budget_cny = forms.CharField(label=_("预算（元）"), required=False)
    residency_level = forms.ChoiceField(label=_("数据驻留"), choices=JobRequest.ResidencyLevel.choices,
                                        required=False)
    residency_region = forms.CharField(label=_("驻留地区代码（如 suzhou、jiangsu、cn）"), required=False)
    cross_border_allowed = forms.BooleanField(label=_("已有数据出境路径，允许境外算力"), required=False)
    cross_border_reference = forms.CharField(label=_("出境路径备案号"), required=False)
    pref_cost = forms.CharField(label=_("成本权重"), initial="1")
    pref_carbon = forms.CharField(label=_("碳排放权重"), initial="0")
    pref_latency = forms.CharField(label=_("时延权重"), initial="0")
    quota_id = forms.TypedChoiceField(label=_("使用算力券"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, quotas: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field: Any = self.fields["quota_id"]
        field.choices = [("", _("不使用"))] + [(q.pk, str(q.programme)) for q in quotas]
        self.fields["quota_id"].widget.attrs["data-testid"] = "quota"

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["residency_region"] = data.get("residency_region") or None
        return data


class UsageCsvForm(forms.Form):
    file = forms.FileField(label=_("用量 CSV 文件"))
