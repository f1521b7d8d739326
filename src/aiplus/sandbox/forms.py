"""The forms of the sandbox and fault-tolerance pages. Each maps onto one service's arguments; numbers take their
bounds from the model's fields (`domains.form_field`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains, pickers
from aiplus.core.models import Organisation
from aiplus.governance import incidents
from aiplus.governance.models import Violation
from aiplus.sandbox import rules
from aiplus.sandbox.models import ExitKind, SandboxApplication, SandboxReport, ToleranceOutcome, Vote

DATE = forms.DateInput(attrs={"type": "date"})
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _text(label: Any, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, max_length=5000, widget=forms.Textarea(attrs={"rows": rows}))


class ApplyForm(forms.Form):
    organisation = pickers.OrganisationField(label=_("申请单位"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("创新项目名称"), max_length=200)
    innovation = _text(_("创新内容"))
    legal_gap = _text(_("现行规定空白或冲突"))
    risk_controls = _text(_("风险防控措施"))
    planned_users = domains.form_field(SandboxApplication, "planned_users")
    geography = forms.CharField(label=_("拟测试地域"), max_length=200)
    planned_days = domains.form_field(SandboxApplication, "planned_days")
    exit_plan = _text(_("退出方案"))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation_id"] = data.pop("organisation").pk
        return data


class DrawForm(forms.Form):
    domains = forms.MultipleChoiceField(label=_("所需专业领域"), choices=())
    size = forms.IntegerField(label=_("评审专家人数"), min_value=1, max_value=1000)

    def __init__(self, *args: Any, field_choices: Any, minimum: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = field_choices  # type: ignore[attr-defined]
        self.fields["size"].initial = minimum


class AdmissionForm(forms.Form):
    """The official's decision on the panel's votes: the reasons and, for an admission, its conditions."""

    reasons = _text(_("入盒决定理由"))
    user_cap = domains.form_field(SandboxApplication, "user_cap", required=False)
    geography_condition = forms.CharField(label=_("限定地域"), max_length=200, required=False)
    start_on = forms.DateField(label=_("测试开始日期"), widget=DATE, required=False)
    end_on = forms.DateField(label=_("测试截止日期"), widget=DATE, required=False)
    report_every_days = domains.form_field(SandboxApplication, "report_every_days", required=False)
    other_conditions = forms.CharField(label=_("其他条件"), max_length=5000, required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["geography_condition"] = data.get("geography_condition") or ""
        data["other_conditions"] = data.get("other_conditions") or ""
        return data


class PanelVoteForm(forms.Form):
    """A drawn expert's own vote on the admission, with a written opinion."""

    vote = forms.ChoiceField(label=_("评审意见"), choices=Vote.choices, widget=forms.RadioSelect)
    opinion = _text(_("书面意见"))


class ReportForm(forms.Form):
    report = forms.ModelChoiceField(label=_("报告期"), queryset=SandboxReport.objects.none())
    users_served = domains.form_field(SandboxReport, "users_served", required=True)
    summary = _text(_("报告内容"))

    def __init__(self, *args: Any, reports: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports  # type: ignore[attr-defined]
        self.fields["report"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: _("第%(n)s期（%(a)s止，%(d)s前提交）") % {"n": r.sequence, "a": r.period_end, "d": r.due_on})

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["report_id"] = data.pop("report").pk
        return data


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("事件标题"), max_length=200)
    description = _text(_("事件经过"))
    discovered_at = forms.DateTimeField(label=_("发现时间"), widget=MOMENT)
    harms = forms.MultipleChoiceField(label=_("危害类型"), choices=(), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["harms"].choices = incidents.harm_choices()  # type: ignore[attr-defined]


class ExitForm(forms.Form):
    kind = forms.ChoiceField(label=_("决定类型"), choices=ExitKind.choices)
    new_end_on = forms.DateField(label=_("新截止日期（延期时填写）"), widget=DATE, required=False)
    reasons = _text(_("决定理由"))


class ToleranceForm(forms.Form):
    organisation = pickers.OrganisationField(label=_("当事单位"), queryset=Organisation.objects.all())
    title = forms.CharField(label=_("事项"), max_length=200)
    violation = forms.ModelChoiceField(label=_("关联违法案件"), queryset=Violation.objects.none(), required=False)
    application = forms.ModelChoiceField(label=_("关联沙盒项目"), queryset=SandboxApplication.objects.none(),
                                         required=False)
    facts = _text(_("事实"), 4)
    criteria = forms.MultipleChoiceField(label=_("满足的容错情形"), choices=(), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    outcome = forms.ChoiceField(label=_("认定结果"), choices=ToleranceOutcome.choices)
    reasons = _text(_("认定理由"))

    def __init__(self, *args: Any, violations: Any, applications: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = rules.criteria_choices()  # type: ignore[attr-defined]
        self.fields["violation"].queryset = violations  # type: ignore[attr-defined]
        self.fields["application"].queryset = applications  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation_id"] = data.pop("organisation").pk
        violation = data.pop("violation")
        application = data.pop("application")
        data["violation_id"] = violation.pk if violation else None
        data["application_id"] = application.pk if application else None
        return data
