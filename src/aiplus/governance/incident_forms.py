"""The forms of the incident pages. Each maps onto one service's arguments; numbers take their bounds from the
model's fields (`domains.form_field`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains, permissions, pickers
from aiplus.core.models import Department, Jurisdiction, Organisation, User
from aiplus.governance import incidents
from aiplus.governance.models import (
    ActionKind,
    AppealOutcome,
    Incident,
    OperatorKind,
    PenaltyOutcome,
    Severity,
    Violation,
)

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class HoneypotInput(forms.TextInput):
    """A field people never see nor reach (hidden, out of the tab order, ignored by assistive technology); a bot
    that fills every field fills it, and the report is refused."""

    def __init__(self) -> None:
        super().__init__(attrs={"class": "visually-hidden", "tabindex": "-1", "autocomplete": "off",
                                "aria-hidden": "true"})


def _harms_field(required: bool = False) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=_("危害类型"), choices=incidents.harm_choices, required=required,
                                     widget=forms.CheckboxSelectMultiple)


class PublicReportForm(forms.Form):
    title = forms.CharField(label=_("事件标题"), max_length=200)
    description = forms.CharField(label=_("事件经过"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    jurisdiction = pickers.JurisdictionField(label=_("发生地"), queryset=Jurisdiction.objects.all())
    organisation = pickers.OrganisationField(label=_("涉事单位（平台已登记的）"), queryset=Organisation.objects.all(),
                                             required=False)
    organisation_named = forms.CharField(label=_("涉事单位名称（未登记时填写）"), max_length=200, required=False)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=MOMENT, required=False)
    harms = _harms_field()
    anonymous = forms.BooleanField(label=_("匿名举报（不留姓名和联系方式）"), required=False, initial=True)
    name = forms.CharField(label=_("报告人姓名"), max_length=100, required=False)
    contact = forms.CharField(label=_("联系方式"), max_length=200, required=False,
                              help_text=_("仅处理事件的主管部门工作人员可见，不向涉事单位和公众公开。"))
    website = forms.CharField(label="", required=False, max_length=200, widget=HoneypotInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["harms"].choices = incidents.harm_choices()  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["jurisdiction_id"] = data.pop("jurisdiction").pk
        organisation = data.pop("organisation")
        data["organisation_id"] = organisation.pk if organisation else None
        return data


class CompanyReportForm(forms.Form):
    organisation = pickers.OrganisationField(label=_("报告单位"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("事件标题"), max_length=200)
    description = forms.CharField(label=_("事件经过"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    discovered_at = forms.DateTimeField(label=_("发现时间"), widget=MOMENT)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=MOMENT, required=False)
    operator_kind = forms.ChoiceField(label=_("运营者类型"), choices=OperatorKind.choices,
                                      initial=OperatorKind.OTHER)
    harms = _harms_field()
    pi_persons = domains.form_field(Incident, "pi_persons")
    loss_cny = domains.form_field(Incident, "loss_cny")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["harms"].choices = incidents.harm_choices()  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=permissions.user_organisation_ids(user, "add"))

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation_id"] = data.pop("organisation").pk
        return data


class TriageForm(forms.Form):
    severity = forms.ChoiceField(label=_("事件级别"), choices=Severity.choices)
    operator_kind = forms.ChoiceField(label=_("运营者类型"), choices=OperatorKind.choices)
    harms = _harms_field()
    pi_persons = domains.form_field(Incident, "pi_persons")
    loss_cny = domains.form_field(Incident, "loss_cny")
    note = forms.CharField(label=_("研判意见"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["harms"].choices = incidents.harm_choices()  # type: ignore[attr-defined]


class DismissForm(forms.Form):
    note = forms.CharField(label=_("不予立案理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=Department.objects.none())
    handler = pickers.PersonField(label=_("承办人"), queryset=User.objects.none())

    def __init__(self, *args: Any, departments: Any, handlers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["handler"].queryset = handlers  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        return {"department_id": self.cleaned_data["department"].pk, "handler_id": self.cleaned_data["handler"].pk}


class OperatorReportForm(forms.Form):
    reported_at = forms.DateTimeField(label=_("向网信部门报告的时间"), widget=MOMENT)


# Reports up the chain are their own form (they stop the escalation clocks), not response actions.
_ESCALATION_KINDS = (ActionKind.ESCALATION, ActionKind.FOLLOW_UP)


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施类型"),
                             choices=[c for c in ActionKind.choices if c[0] not in _ESCALATION_KINDS])
    text = forms.CharField(label=_("措施内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    taken_at = forms.DateTimeField(label=_("采取时间"), widget=MOMENT, required=False)


class EscalationForm(forms.Form):
    """The receiving department's report of a major incident up the chain, or a follow-up report."""

    stage = forms.ChoiceField(label=_("报告类型"), choices=())
    text = forms.CharField(label=_("报告内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reported_at = forms.DateTimeField(label=_("报告时间（默认现在）"), widget=MOMENT, required=False)

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(stage, ActionKind(stage).label)]  # type: ignore[attr-defined]
        self.fields["stage"].initial = stage


class EndHandlingForm(forms.Form):
    handled_at = forms.DateTimeField(label=_("处置结束时间（默认现在）"), widget=MOMENT, required=False)


class CloseForm(forms.Form):
    causes = forms.CharField(label=_("事件原因"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("应急处置措施与整改情况"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    lessons = forms.CharField(label=_("教训与改进"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    publish = forms.BooleanField(label=_("公开事件记录（个人信息将被遮蔽）"), required=False)
    public_title = forms.CharField(label=_("公开标题"), max_length=200, required=False)
    public_summary = forms.CharField(label=_("公开摘要"), max_length=2000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))


class ViolationForm(forms.Form):
    organisation = pickers.OrganisationField(label=_("当事单位"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("案由"), max_length=200)
    provision = forms.ChoiceField(label=_("违反的规定（处罚幅度）"), choices=())
    red_line = forms.ChoiceField(label=_("触及的安全底线"), choices=(), required=False)
    facts = forms.CharField(label=_("违法事实"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organisations: Any, provisions: list[tuple[str, str]],
                 red_lines: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["provision"].choices = provisions  # type: ignore[attr-defined]
        self.fields["red_line"].choices = [("", "—"), *red_lines]  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation_id"] = data.pop("organisation").pk
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处罚决定"), choices=PenaltyOutcome.choices)
    amount_cny = domains.form_field(Violation, "amount_cny")
    reasons = forms.CharField(label=_("决定理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(forms.Form):
    grounds = forms.CharField(label=_("复议理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("复议结果"), choices=AppealOutcome.choices)
    amount_cny = domains.form_field(Violation, "amount_cny", label=_("变更后罚款金额（元）"))
    reasons = forms.CharField(label=_("复议决定理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class RedLineDecisionForm(forms.Form):
    """An official confirms or dismisses one flagged red line, with reasons; confirming may open a case."""

    code = forms.ChoiceField(label=_("安全底线"), choices=())
    decision = forms.ChoiceField(label=_("认定结论"), choices=(("confirmed", _("确认触及")), ("dismissed", _("排除"))))
    reasons = forms.CharField(label=_("认定理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    open_case = forms.BooleanField(label=_("确认后同时立案（违法行为与处罚）"), required=False)
    provision = forms.ChoiceField(label=_("违反的规定（处罚幅度，立案时选择）"), choices=(), required=False)

    def __init__(self, *args: Any, pending: list[tuple[str, str]], provisions: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = pending  # type: ignore[attr-defined]
        self.fields["provision"].choices = [("", "—"), *provisions]  # type: ignore[attr-defined]
