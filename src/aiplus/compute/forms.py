"""Forms of the compute pages. They only collect input; the services validate it and name the bad field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.compute.models import AcceleratorModel, JobRequest
from aiplus.core import formatting, pickers
from aiplus.core import selectors as core_selectors


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
    residency_region = pickers.JurisdictionField(label=_("驻留地区"), required=False, to_field_name="code",
                                                 queryset=core_selectors.jurisdictions())
    cross_border_allowed = forms.BooleanField(label=_("已有数据出境路径，允许境外算力"), required=False)
    cross_border_reference = forms.CharField(label=_("出境路径备案号"), required=False)
    pref_cost = forms.CharField(label=_("成本权重"), initial="1")
    pref_carbon = forms.CharField(label=_("碳排放权重"), initial="0")
    pref_latency = forms.CharField(label=_("时延权重"), initial="0")
    quota_id = forms.TypedChoiceField(label=_("使用算力券"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, quotas: list[Any] = (),  # type: ignore[assignment]
                 models: list[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if models is not None:  # only the chips some registered centre has
            offered: Any = self.fields["accepted_models"]
            offered.choices = models
        field: Any = self.fields["quota_id"]
        field.choices = [("", _("不使用"))] + [(q.pk, str(q.programme)) for q in quotas]
        self.fields["quota_id"].widget.attrs["data-testid"] = "quota"

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        region = data.get("residency_region")
        data["residency_region"] = region.code if region is not None else None
        return data


def _select(choices: list[tuple[Any, Any]]) -> forms.Select:
    return forms.Select(choices=[("", "---------"), *choices])


class CentreForm(forms.Form):
    """Register a compute centre. The operator can only be one the user acts for; the service checks every value."""

    operator = pickers.OrganisationField(label=_("运营单位"), queryset=None)
    name = forms.CharField(label=_("名称"), max_length=200)
    jurisdiction = pickers.JurisdictionField(label=_("所在辖区（城市或区县）"), queryset=None, to_field_name="code")
    location = forms.CharField(label=_("地址"), max_length=300, required=False)
    pue = forms.CharField(label=_("PUE（不小于 1）"))
    green_power_share = forms.CharField(label=_("绿电占比（0–1，如 0.4 表示 40%）"))
    grid_carbon_kg_per_kwh = forms.CharField(label=_("电网碳排放因子（kg CO₂/kWh）"))
    certifications = forms.CharField(label=_("认证（以逗号分隔）"), required=False)
    latitude = forms.CharField(label=_("纬度（可选）"), required=False)
    longitude = forms.CharField(label=_("经度（可选）"), required=False)

    def __init__(self, *args: Any, operators: Any, jurisdictions: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "centre")
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["operator"].queryset = operators
        if len(operators) == 1:
            fields["operator"].initial = operators[0].pk
        fields["jurisdiction"].queryset = jurisdictions

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["operator_id"] = data.pop("operator").pk
        data["jurisdiction"] = data["jurisdiction"].code
        raw = str(data.get("certifications") or "")
        data["certifications"] = [c.strip() for c in re.split(r"[,，;；、]", raw) if c.strip()]
        for key in ("latitude", "longitude"):
            data[key] = data.get(key) or None
        return data


class PoolForm(forms.Form):
    """Add a resource pool to one of the provider's centres; the service validates every value."""

    centre: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("算力中心"), queryset=None)
    accelerator_model = forms.CharField(label=_("加速卡型号"), widget=_select(AcceleratorModel.choices))
    cards = forms.CharField(label=_("卡数"))
    memory_gb = forms.CharField(label=_("单卡显存（GB）"))
    interconnect = forms.CharField(label=_("互联（如 NVLink、RoCE 400G）"), max_length=80, required=False)
    price_cny_per_card_hour = forms.CharField(label=_("价格（元/卡时）"))
    available_cards = forms.CharField(label=_("当前可用卡数（留空则为全部）"), required=False)

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "pool")
        super().__init__(*args, **kwargs)
        field: Any = self.fields["centre"]
        field.queryset = centres
        field.label_from_instance = lambda centre: centre.name

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["centre_id"] = data.pop("centre").pk
        data["available_cards"] = data.get("available_cards") or None
        return data


class UsageCsvForm(forms.Form):
    file = forms.FileField(label=_("用量 CSV 文件"))


def voucher_prefixes() -> list[tuple[str, str]]:
    """The voucher programmes of the support engine in the active packs (`packs/*/programmes/vouchers.yaml`), e.g.
    vouchers.suzhou_compute, each named by its rate parameter's title in the active language."""
    from aiplus.regulation.runtime import parameter_title
    from aiplus.support.programmes import vouchers

    return [(p.code, parameter_title(p.amount.rate or p.code)) for p in vouchers()]


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    jurisdiction = pickers.JurisdictionField(label=_("辖区"), queryset=None, to_field_name="code")
    parameter_prefix = forms.ChoiceField(label=_("适用参数（规则包）"))
    budget_cny = forms.CharField(label=_("预算（元）"))
    valid_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    eligible_provider_ids = forms.MultipleChoiceField(label=_("可兑付服务商"), required=False,
                                                      widget=forms.CheckboxSelectMultiple)
    is_published = forms.BooleanField(label=_("公开"), required=False, initial=True)

    def __init__(self, *args: Any, jurisdictions: Any, providers: list[Any] = (),  # type: ignore[assignment]
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["jurisdiction"].queryset = jurisdictions
        fields["parameter_prefix"].choices = voucher_prefixes()
        fields["eligible_provider_ids"].choices = [(str(o.pk), o.name) for o in providers]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["eligible_provider_ids"] = [int(v) for v in data.get("eligible_provider_ids") or []]
        data["jurisdiction"] = data["jurisdiction"].code
        return data


class QuotaForm(forms.Form):
    programme_id = forms.TypedChoiceField(label=_("算力券项目"), coerce=int)
    organisation_id = pickers.OrganisationField(label=_("持券单位"), queryset=None, empty_label=None)
    amount_cny = forms.CharField(label=_("额度（元）"))
    is_startup = forms.BooleanField(label=_("初创企业"), required=False)

    def __init__(self, *args: Any, programmes: list[Any] = (), organisations: Any,  # type: ignore[assignment]
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["programme_id"].choices = [(p.pk, p.name) for p in programmes]
        fields["organisation_id"].queryset = organisations

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation_id"] = data["organisation_id"].pk
        return data


class UsageChoice(forms.ModelChoiceField):
    """A metered usage record, named by the request it paid for (never by its id)."""

    def label_from_instance(self, obj: Any) -> str:
        request = obj.placement.request
        return _("%(request)s · %(centre)s · %(day)s · %(amount)s") % {
            "request": request.title, "centre": obj.pool.centre.name, "day": formatting.day(obj.period_end),
            "amount": formatting.money(obj.amount_cny)}


class QuotaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(programme)s（余额 %(balance)s）") % {"programme": obj.programme.name,
                                                       "balance": formatting.money(obj.balance_cny)}


class RedeemForm(forms.Form):
    """Redeem one of the holder's quotas against the metered usage of a completed request (picked, not typed)."""

    usage = UsageChoice(label=_("已完成的算力需求（计量用量）"), queryset=None, empty_label=None)
    quota = QuotaChoice(label=_("使用算力券"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, usage: Any, quotas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["usage"].queryset = usage
        fields["quota"].queryset = quotas

    def arguments(self) -> dict[str, Any]:
        return {"usage_id": self.cleaned_data["usage"].pk, "quota_id": self.cleaned_data["quota"].pk}


class CentreChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.jurisdiction}）"


class SavingsForm(forms.Form):
    """A savings study: the region, which of its centres (all when none is ticked), where the jobs come from (a
    generated workload by default; the region's own job log, uploaded; or the public trace) and the window."""

    SOURCES = (("generated", _("生成的作业（按种子可复现，非真实数据）")),
               ("uploaded", _("上传本地区的作业日志（CSV）")),
               ("philly", _("公开轨迹 Philly（微软，CC-BY-4.0）")))

    region = pickers.JurisdictionField(label=_("地区"), queryset=None, to_field_name="code")
    centres = CentreChoices(label=_("参与模拟的算力中心（不选即全部）"), queryset=None, required=False,
                            widget=forms.CheckboxSelectMultiple)
    source = forms.ChoiceField(label=_("作业来源"), choices=SOURCES, initial="generated", widget=forms.RadioSelect,
                               required=False)
    file = forms.FileField(label=_("作业日志"), required=False, help_text=_(
        "CSV，含表头：submit_time（ISO 日期时间或秒）、gpus（卡数）、duration_s（秒；或 duration_hours）、"
        "tenant（提交方，可选）；也可直接使用 Philly 轨迹的列。"))
    seed = forms.CharField(label=_("随机种子（生成的作业）"), initial="2026", required=False)
    days = forms.CharField(label=_("时间窗口（天）"), initial="3")
    max_jobs = forms.CharField(label=_("最多作业数"), initial="1500")
    target_load = forms.CharField(label=_("目标负载（占区域容量）"), initial="0.85")
    broker_patience_s = forms.CharField(
        label=_("平台调度等待更便宜中心的时长（秒）"), required=False, max_length=40,
        help_text=_("0 为只求最快，越长越省钱，最长 86400 秒；不填则用平台设置。"))
    broker_carbon_cny_per_kg = forms.CharField(
        label=_("平台调度计入的碳价（元/千克）"), required=False, max_length=40,
        help_text=_("最高 10 元/千克；不填则用平台设置。"))

    def __init__(self, *args: Any, jurisdictions: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["region"]
        field.queryset = jurisdictions
        chosen: Any = self.fields["centres"]
        chosen.queryset = centres

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["region"] = data["region"].code
        data["centre_ids"] = [centre.pk for centre in data.pop("centres") or []]
        data["upload"] = data.pop("file")
        data["source"] = data["source"] or "generated"  # the default a new user can always run
        data["seed"] = data["seed"] or "2026"
        return data


class AvailabilityForm(forms.Form):
    """A provider's report of how many cards of a pool are free now; the service validates the number."""

    available_cards = forms.CharField(label=_("可用卡数"))
