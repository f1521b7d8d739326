"""The scenarios module's page forms: each reads and types what a page posts; the service still decides.

A form's field names are the services' argument names where they can be, so a service's refusal naming a field
lands beside that field (`ServiceForm.refused`). Places and organisations are chosen with the one picker
(`core.pickers`): "苏州市", "suzhou" and its pinyin all name Suzhou.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains, formatting, pickers
from aiplus.core.errors import ServiceError
from aiplus.core.models import Jurisdiction, Organisation
from aiplus.scenarios import pack_rules
from aiplus.scenarios.models import SCORE_MAX, SCORE_MIN, Measurement, Need, OpenCall, Visibility

SCORE_SCALE = (SCORE_MIN, SCORE_MAX)


def _places() -> Any:
    return Jurisdiction.objects.order_by("level", "code")


def _codes(text: str) -> list[str]:
    """A list typed with either comma (Chinese or not) or a newline."""
    return [part.strip() for part in text.replace("，", ",").replace("\n", ",").split(",") if part.strip()]


class ServiceForm(forms.Form):
    """A form whose service refusal is shown beside the field it names (or above the form)."""

    def sent(self, name: str) -> list[str]:
        """Every value sent under `name` (repeated inputs: KPI and rubric rows, ticked boxes), as typed."""
        data: Any = self.data
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        return [str(v) for v in values]

    def refused(self, error: ServiceError) -> None:
        field = (error.field or "").split(".", 1)[0].split("[", 1)[0]
        self.add_error(field if field in self.fields else None, str(error.message))

    def first_error(self) -> str:
        for name, problems in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            return f"{problems[0]}（{label}）" if label else str(problems[0])
        return ""


class ActingForForm(ServiceForm):
    """A form whose `organisation` picker offers only `organisations`, those the user may act for."""

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        if not self.is_bound and organisations is not None and "organisation" not in self.initial:
            only = list(organisations[:2])
            if len(only) == 1:  # someone who acts for one organisation is not asked which
                self.initial["organisation"] = only[0].pk


class PlacesField(pickers.JurisdictionsField):
    """Several jurisdictions, picked (or typed by name, code or pinyin); cleaned to their codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, queryset=_places(), **kwargs)

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        return [row.code for row in super().clean(value)]


class TransitionForm(ServiceForm):
    transition = forms.CharField(max_length=50)
    comment = forms.CharField(required=False, max_length=2000)


class CoPublishForm(ServiceForm):
    jurisdictions = PlacesField(label=_("联合发布辖区"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdictions"].widget.attrs["data-testid"] = "co-publish-input"


class ListPublishForm(ServiceForm):
    jurisdiction = pickers.JurisdictionField(label=_("发布辖区"), queryset=_places())
    need_ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    co_publishers = PlacesField(label=_("联合发布辖区"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].widget.attrs["data-testid"] = "list-jurisdiction"
        # Which needs may be listed is the service's decision; the form only reads the ticked ids as numbers.
        data = self.sent("need_ids")
        cast(forms.ChoiceField, self.fields["need_ids"]).choices = [(v, v) for v in data if str(v).isdigit()]


class ImportForm(ActingForForm):
    file = forms.FileField(label=_("Excel文件"))
    organisation = pickers.OrganisationField(label=_("提出单位"), queryset=Organisation.objects.none())
    jurisdiction = pickers.JurisdictionField(label=_("所在地区"), queryset=_places(), required=False)


class PoolApplyForm(ActingForForm):
    organisation = pickers.OrganisationField(label=_("申请单位"), queryset=Organisation.objects.none())
    jurisdiction = pickers.JurisdictionField(label=_("资源池辖区"), queryset=_places())


class PoolDecisionForm(ServiceForm):
    membership = forms.IntegerField(min_value=1)
    admit = forms.TypedChoiceField(choices=[("1", _("准予入库")), ("0", _("不予入库"))], coerce=lambda v: v == "1")
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)


class CallCreateForm(forms.Form):
    """A new open call: the place is picked (by name, pinyin or code), the needs ticked among the published needs the
    official may put into a call (by title, never by number); the rubric starts as the platform's default and is
    edited while the call is a draft. Field names are the service's, so a refusal lands beside its field."""

    jurisdiction = pickers.JurisdictionField(label=_("发布辖区"), queryset=Jurisdiction.objects.none())
    title = forms.CharField(label=_("榜单名称"), max_length=200)
    closes_on = forms.DateField(label=_("申报截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    need_ids = forms.ModelMultipleChoiceField(label=_("列入榜单的场景需求"), queryset=Need.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    reviewers = domains.form_field(OpenCall, "reviewers", label=_("评审专家人数"), required=False,
                                   help_text=_("留空则按平台设置的最少人数。"))

    def __init__(self, *args: Any, places: Any, needs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["jurisdiction"]).queryset = places
        field = cast(forms.ModelMultipleChoiceField, self.fields["need_ids"])
        field.queryset = needs
        field.label_from_instance = lambda obj: f"{obj.title} · {obj.owner}"  # type: ignore[method-assign]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"jurisdiction": data["jurisdiction"].code, "title": data["title"], "closes_on": data["closes_on"],
                "need_ids": [n.pk for n in data["need_ids"]], "reviewers": data.get("reviewers")}


class _NeedChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} · {obj.owner}"


class ApplyForm(ActingForForm):
    """An application to an open call: one of the call's needs (by title and owner), the organisation applying
    (the one picker; chosen for someone who acts for one) and the proposal. A refusal of the service lands beside
    its field (`need`; the applicant's is above the form)."""

    need = _NeedChoice(label=_("场景需求"), queryset=Need.objects.none())
    organisation = pickers.OrganisationField(label=_("申报单位"), queryset=Organisation.objects.none())
    proposal = forms.CharField(label=_("技术方案"), required=False, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, needs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["need"]).queryset = needs
        if not self.is_bound:
            only = list(needs[:2])
            if len(only) == 1:
                self.initial["need"] = only[0].pk

    def arguments(self) -> dict[str, Any]:
        return {"need_id": self.cleaned_data["need"].pk, "organisation_id": self.cleaned_data["organisation"].pk,
                "proposal": self.cleaned_data["proposal"]}


def rubric_shares(rubric: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Each criterion's share of the total in per cent: weights are relative (the engine divides by their sum)."""
    weights = {item["code"]: Decimal(str(item["weight"])) for item in rubric}
    whole = sum(weights.values(), Decimal(0))
    if not whole:
        return {code: Decimal(0) for code in weights}
    return {code: (weight * 100 / whole).quantize(Decimal("0.1")) for code, weight in weights.items()}


class ScoreForm(forms.Form):
    """One expert's scores of one application: a field per criterion of the call's rubric, each scored 0–100 (the
    engine's scale, `pack_rules.weighted_total`); the label says so and how much the criterion weighs in the total,
    so "技术方案先进性" weighing 40 reads as 40 % of the total, not "out of 40". The fields are named as the service
    names them (`criteria.<code>` → `criteria_<code>`), so its refusal lands beside the criterion."""

    application = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("评审意见"), required=False, max_length=5000, widget=forms.Textarea(
        attrs={"rows": 3}))

    def __init__(self, *args: Any, rubric: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = not (get_language() or "zh-hans").startswith("zh")
        low, high = SCORE_SCALE
        shares = rubric_shares(rubric)
        scores: dict[str, forms.Field] = {}
        for item in rubric:
            name = (item.get("name_en") if english else "") or item.get("name") or item["code"]
            scores[f"criteria_{item['code']}"] = forms.DecimalField(
                label=_("%(name)s（%(low)s–%(high)s分，占总分%(share)s%%）") % {
                    "name": name, "low": low, "high": high, "share": formatting.figure(shares[item["code"]], 1)},
                min_value=low, max_value=high, max_digits=6, decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "any", "min": str(low), "max": str(high)}))
        comment = self.fields.pop("comment")
        self.fields.update(scores)
        self.fields["comment"] = comment

    def criteria(self) -> dict[str, Any]:
        return {name.removeprefix("criteria_"): str(value) for name, value in self.cleaned_data.items()
                if name.startswith("criteria_")}


class ObjectionForm(ServiceForm):
    text = forms.CharField(label=_("异议内容"), required=False, max_length=5000)
    application = forms.IntegerField(required=False, min_value=1)


class AnswerForm(ServiceForm):
    objection = forms.IntegerField(min_value=1)
    answer = forms.CharField(label=_("答复"), required=False, max_length=5000)


class MilestoneForm(ServiceForm):
    title = forms.CharField(label=_("里程碑"), required=False, max_length=200)
    due_on = forms.DateField(label=_("计划完成日期"))


class MeasurementForm(ServiceForm):
    kpi = forms.IntegerField(label=_("验收指标"), min_value=1)
    value = domains.form_field(Measurement, "value", label=_("实测值"))


class AcceptanceForm(ServiceForm):
    accept = forms.TypedChoiceField(choices=[("1", _("通过验收")), ("0", _("不予验收"))], coerce=lambda v: v == "1")
    note = forms.CharField(label=_("验收意见"), required=False, max_length=5000)


class CaseForm(ServiceForm):
    title = forms.CharField(label=_("案例名称"), required=False, max_length=200)
    summary = forms.CharField(label=_("案例摘要"), required=False, max_length=10000)


class ReplicateForm(ActingForForm):
    organisation = pickers.OrganisationField(label=_("提出单位"), queryset=Organisation.objects.none())
    jurisdiction = pickers.JurisdictionField(label=_("所在地区"), queryset=_places())


class NeedForm(ActingForForm):
    """A need's fields; `organisation` and `jurisdiction` only when it is created. The KPI rows are repeated
    inputs (`kpi_name`, `kpi_target`, `kpi_unit`, `kpi_direction`) read by `kpis()`."""

    organisation = pickers.OrganisationField(label=_("提出单位"), queryset=Organisation.objects.none())
    jurisdiction = pickers.JurisdictionField(label=_("所在地区"), queryset=_places())
    title = forms.CharField(label=_("场景名称"), required=False, max_length=200)
    domain = forms.CharField(label=_("场景领域"), required=False, max_length=100)
    problem = forms.CharField(label=_("问题描述"), required=False, max_length=10000)
    data_offered = forms.CharField(label=_("可开放数据"), required=False, max_length=10000)
    compute_needed = forms.CharField(label=_("所需算力支持"), required=False,
                                     max_length=Need._meta.get_field("compute_needed").max_length)
    required_qualifications = forms.CharField(label=_("供给方须具备的资质"), required=False, max_length=2000)
    budget_min_cny = forms.CharField(label=_("预算下限（元）"), required=False, max_length=30)
    budget_max_cny = forms.CharField(label=_("预算上限（元）"), required=False, max_length=30)
    first_purchase = forms.BooleanField(label=_("首购承诺"), required=False)
    deadline = forms.DateField(label=_("截止日期"), required=False)
    visibility = forms.ChoiceField(label=_("可见范围"), choices=Visibility.choices, required=False)

    def __init__(self, *args: Any, organisations: Any = None, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, organisations=organisations, **kwargs)
        if not creating:
            del self.fields["organisation"], self.fields["jurisdiction"]

    def kpi_rows(self) -> list[dict[str, str]]:
        getlist = self.sent
        return [{"name": n, "target": t, "unit": u, "direction": d} for n, t, u, d in zip(
            getlist("kpi_name"), getlist("kpi_target"), getlist("kpi_unit"), getlist("kpi_direction"),
            strict=False)]

    def kpis(self) -> list[dict[str, Any]]:
        return [{"name": row["name"], "target_value": row["target"], "unit": row["unit"],
                 "higher_is_better": row["direction"] != "le"}
                for row in self.kpi_rows() if row["name"].strip() or row["target"].strip() or row["unit"].strip()]

    def values(self) -> dict[str, Any]:
        """What the need services take: the typed fields, the KPI rows and the places chosen."""
        data = dict(self.cleaned_data)
        out: dict[str, Any] = {"kpis": self.kpis(), "visibility": data.pop("visibility", "") or "public"}
        organisation = data.pop("organisation", None)
        place = data.pop("jurisdiction", None)
        if organisation is not None:
            out["organisation_id"] = organisation.pk
        if place is not None:
            out["jurisdiction"] = place.code
        out.update(data)
        return out


class ProfileForm(ActingForForm):
    """A capability profile; lists are typed with commas, regions by name, code or pinyin."""

    organisation = pickers.OrganisationField(label=_("供给方"), queryset=Organisation.objects.none())
    products = forms.CharField(label=_("产品与服务"), required=False, max_length=500)
    description = forms.CharField(label=_("能力描述"), required=False, max_length=10000)
    domains = forms.MultipleChoiceField(label=_("服务领域"), required=False)
    technologies = forms.CharField(label=_("技术"), required=False, max_length=2000)
    models_used = forms.CharField(label=_("使用的模型"), required=False, max_length=2000)
    reference_cases = forms.CharField(label=_("参考案例"), required=False, max_length=10000)
    qualifications = forms.CharField(label=_("资质"), required=False, max_length=2000)
    regions_served = PlacesField(label=_("服务地区"), required=False)
    price_min_cny = forms.CharField(label=_("报价下限（元）"), required=False, max_length=30)
    price_max_cny = forms.CharField(label=_("报价上限（元）"), required=False, max_length=30)
    is_published = forms.BooleanField(label=_("公开"), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, organisations=organisations, **kwargs)
        cast(forms.ChoiceField, self.fields["domains"]).choices = pack_rules.domain_choices(get_language() or "zh-hans")

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        organisation = data.pop("organisation")
        return {"organisation_id": organisation.pk, **data}


class ActionForm(forms.Form):
    """Which of a page's forms was sent (its `action` button or hidden field)."""

    action = forms.CharField(required=False, max_length=50)


def action_of(data: Any) -> str:
    form = ActionForm(data)
    return str(form.cleaned_data["action"]) if form.is_valid() else ""


class CallEditForm(ServiceForm):
    """A draft call's fields; the weighted rubric is repeated inputs (`rubric_code`, `rubric_name`, `rubric_name_en`,
    `rubric_weight`) read by `rubric()`, whose weights the service checks (naming the row)."""

    title = forms.CharField(label=_("名称"), required=False, max_length=200)
    closes_on = forms.CharField(label=_("申报截止"), required=False, max_length=10)
    reviewers = forms.CharField(label=_("评审专家人数"), required=False, max_length=3)
    need_ids = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.sent("need_ids")
        cast(forms.ChoiceField, self.fields["need_ids"]).choices = [(v, v) for v in data if str(v).isdigit()]

    def rubric(self) -> list[dict[str, str]]:
        getlist = self.sent
        rows = []
        for code, name, name_en, weight in zip(getlist("rubric_code"), getlist("rubric_name"),
                                               getlist("rubric_name_en"), getlist("rubric_weight"), strict=False):
            if code.strip() or name.strip() or name_en.strip() or weight.strip():
                rows.append({"code": code.strip(), "name": name, "name_en": name_en, "weight": weight.strip()})
        return rows
