"""The forms of the AI application and supervision pages. Each maps onto one service's arguments; the questionnaire's
fields are the pack's questions (`answers_<code>`, so a refusal of `answers.<code>` lands beside its question)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains, pickers
from aiplus.core.models import Department, Organisation
from aiplus.governance import norms_rules, risk
from aiplus.governance import risk_rules as rules
from aiplus.governance.models import InspectionPlan, NormStatus, RiskTier
from aiplus.portal.templatetags.localized import localized_value

DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DepartmentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        from django.utils.translation import get_language

        english = (get_language() or "").startswith("en")
        return str(obj.name_en if english and obj.name_en else obj.name_zh)


class _Named(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ApplicationChangeForm(forms.Form):
    name = forms.CharField(label=_("应用名称"), max_length=200)
    purpose = forms.CharField(label=_("用途"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    limits = forms.CharField(label=_("能力边界与使用限制"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    data_used = forms.CharField(label=_("使用的数据"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    contact = forms.CharField(label=_("联系方式"), max_length=200)
    scenario = forms.ModelChoiceField(label=_("服务的场景"), queryset=Organisation.objects.none(), required=False)
    models = _Named(label=_("使用的模型"), queryset=Organisation.objects.none(), required=False)
    algorithms = _Named(label=_("使用的算法"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args: Any, scenarios: Any, models: Any, algorithms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = scenarios  # type: ignore[attr-defined]
        self.fields["models"].queryset = models  # type: ignore[attr-defined]
        self.fields["algorithms"].queryset = algorithms  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        scenario = data.pop("scenario", None)
        data["scenario_id"] = scenario.pk if scenario else None
        data["model_ids"] = [m.pk for m in data.pop("models", [])]
        data["algorithm_ids"] = [a.pk for a in data.pop("algorithms", [])]
        return data


class ApplicationForm(ApplicationChangeForm):
    organisation = pickers.OrganisationField(label=_("运营单位"), queryset=Organisation.objects.none())
    department = DepartmentChoiceField(label=_("行业主管部门"), queryset=Department.objects.none())
    field_order = ["organisation", "name", "department"]

    def __init__(self, *args: Any, organisations: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = super().arguments()
        data["organisation_id"] = data.pop("organisation").pk
        data["department_id"] = data.pop("department").pk
        return data


class QuestionnaireForm(forms.Form):
    """The pack's questionnaire in force today: a radio group per single-choice question, checkboxes per
    multiple-choice one."""

    def __init__(self, *args: Any, scheme: rules.Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        for q in scheme.questions:
            choices = [(c.code, risk.question_text(c)) for c in q.choices]
            if q.multiple:
                self.fields[f"answers_{q.code}"] = forms.MultipleChoiceField(
                    label=risk.question_text(q), choices=choices, required=False,
                    widget=forms.CheckboxSelectMultiple)
            else:
                self.fields[f"answers_{q.code}"] = forms.ChoiceField(label=risk.question_text(q), choices=choices,
                                                                     widget=forms.RadioSelect)

    def arguments(self) -> dict[str, Any]:
        return {"answers": {q.code: self.cleaned_data[f"answers_{q.code}"] for q in self.scheme.questions}}


def norm_field(code: str) -> str:
    """The form's name of a norm's status (a refusal of `answers.<code>` lands beside it)."""
    return "answers_" + code.replace(".", "_")


class SelfCheckForm(forms.Form):
    """The ethics self-check: the kinds of activity carried out, then for each norm its status and measures. The
    basic norms are always answered, a group's only when its activity is chosen; every missing answer is shown at
    once beside its norm (the service checks the same again for the API)."""

    activities = forms.MultipleChoiceField(label=_("从事的人工智能活动"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.fields["activities"].choices = [  # type: ignore[attr-defined]
            (g.code, _("%(name)s：%(description)s") % {"name": localized_value(g, "name"),
                                                      "description": localized_value(g, "description")})
            for g in groups
            if g.code != norms_rules.BASIC]
        self.fields["activities"].help_text = _("基本伦理规范各项均须填写；所选活动对应的具体伦理要求须逐项填写。")
        statuses = NormStatus.choices
        for group in groups:
            for norm in group.children:
                name = norm_field(norm.code)
                self.fields[name] = forms.ChoiceField(
                    label=f"{localized_value(group, 'name')} · {localized_value(norm, 'name')}", choices=statuses,
                    required=False, widget=forms.RadioSelect(attrs={"class": "inline-choices"}))
                self.fields["measures_" + name.removeprefix("answers_")] = forms.CharField(
                    label=_("采取的措施（%(n)s）") % {"n": localized_value(norm, "name")},
                    max_length=norms_rules.MAX_MEASURES, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = set(data.get("activities") or ())
        for group in self.groups:
            if group.code != norms_rules.BASIC and group.code not in chosen:
                continue
            for norm in group.children:
                name = norm_field(norm.code)
                measures = "measures_" + name.removeprefix("answers_")
                status = data.get(name)
                if not status:
                    self.add_error(name, _("请选择落实情况。"))
                elif status != norms_rules.NOT_MET and not (data.get(measures) or "").strip():
                    self.add_error(measures, _("已落实或部分落实的，请说明采取的措施。"))
        return data

    def arguments(self) -> dict[str, Any]:
        chosen = list(self.cleaned_data["activities"])
        answers = {}
        for group in self.groups:
            if group.code != norms_rules.BASIC and group.code not in chosen:
                continue
            for norm in group.children:
                name = norm_field(norm.code)
                answers[norm.code] = {"status": self.cleaned_data[name],
                                      "measures": self.cleaned_data["measures_" + name.removeprefix("answers_")]}
        return {"activities": chosen, "answers": answers}


class PlanForm(forms.Form):
    department = DepartmentChoiceField(label=_("行业主管部门"), queryset=Department.objects.none())
    title = forms.CharField(label=_("计划名称"), max_length=200)
    tier = forms.ChoiceField(label=_("抽查范围（风险等级）"), choices=[("", _("全部")), *RiskTier.choices],
                             required=False)
    size = domains.form_field(InspectionPlan, "size")

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["department_id"] = data.pop("department").pk
        return data


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("检查发现"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class OrderForm(forms.Form):
    requirement = forms.CharField(label=_("整改要求"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("整改期限"), widget=DAY)


class ReportForm(forms.Form):
    response = forms.CharField(label=_("整改情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("核验意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
