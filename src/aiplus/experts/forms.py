"""Forms of the experts pages (parsing only; the services validate)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import pickers
from aiplus.core import selectors as core_selectors
from aiplus.core.domains import form_field
from aiplus.experts.models import Draw, Relationship


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("，", ",").replace("、", ",").split(",") if part.strip()]


class _FieldsMixin(forms.Form):
    def set_field_choices(self, choices: list[tuple[str, str]]) -> None:
        self.fields["domains"].choices = choices  # type: ignore[attr-defined]


class RegisterForm(_FieldsMixin):
    # The person and the organisation are chosen by name (or username / credit code), never by a typed id.
    username = pickers.PersonField(label=_("专家（用户）"), queryset=None)
    jurisdiction = pickers.JurisdictionField(label=_("所属辖区"), queryset=None)
    organisation = pickers.OrganisationField(label=_("所在单位"), queryset=None, required=False)
    domains = forms.MultipleChoiceField(label=_("专业领域"), widget=forms.CheckboxSelectMultiple)
    technologies = forms.CharField(label=_("技术方向（逗号分隔）"), required=False)
    title = forms.CharField(label=_("职称"), max_length=100, required=False)

    def __init__(self, *args: Any, jurisdictions: Any = (), field_choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].queryset = core_selectors.active_users()  # type: ignore[attr-defined]
        self.fields["jurisdiction"].queryset = jurisdictions  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = core_selectors.all_organisations()  # type: ignore[attr-defined]
        self.set_field_choices(list(field_choices))

    def technologies_list(self) -> list[str]:
        return _split(self.cleaned_data.get("technologies", ""))


class ProfileForm(_FieldsMixin):
    domains = forms.MultipleChoiceField(label=_("专业领域"), widget=forms.CheckboxSelectMultiple)
    technologies = forms.CharField(label=_("技术方向（逗号分隔）"), required=False)
    title = forms.CharField(label=_("职称"), max_length=100, required=False)
    available = forms.BooleanField(label=_("可参加评审"), required=False)
    unavailable_until = forms.DateField(label=_("暂不可用至"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, field_choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_field_choices(list(field_choices))

    def technologies_list(self) -> list[str]:
        return _split(self.cleaned_data.get("technologies", ""))


class WhichForm(forms.Form):
    """Which of the two forms of "my profile" was sent (its hidden `form` input)."""

    form = forms.ChoiceField(choices=[("profile", "profile"), ("conflict", "conflict")], required=False)

    def is_conflict(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("form") == "conflict"


class ConflictForm(forms.Form):
    organisation = pickers.OrganisationField(label=_("关联组织"), queryset=None)
    relationship = forms.ChoiceField(label=_("关系类型"), choices=Relationship.choices)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class _Organisations(forms.ModelMultipleChoiceField):
    """Several organisations chosen from a list; an empty entry (a cleared select) is no choice, not an error."""

    def clean(self, value: Any) -> Any:
        return super().clean([v for v in (value or []) if v not in ("", None)])


class DrawForm(_FieldsMixin):
    purpose = forms.CharField(label=_("用途"), max_length=300)
    subject_type = forms.CharField(label=_("事项类型"), max_length=80, required=False)
    subject_id = forms.CharField(label=_("事项编号"), max_length=64, required=False)
    jurisdiction = pickers.JurisdictionField(label=_("辖区"), queryset=None)
    domains = forms.MultipleChoiceField(label=_("所需领域"), widget=forms.CheckboxSelectMultiple)
    size = form_field(Draw, "size", label=_("抽取人数"), initial=5)
    # The applicants whose staff and declared relations are excluded, chosen by name (several may be chosen).
    conflicted = _Organisations(label=_("回避单位（申请单位）"), queryset=None, required=False)

    def __init__(self, *args: Any, jurisdictions: Any = (), field_choices: Any = (), organisations: Any = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions  # type: ignore[attr-defined]
        self.fields["conflicted"].queryset = organisations  # type: ignore[attr-defined]
        self.set_field_choices(list(field_choices))


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    question = forms.CharField(label=_("咨询问题"), widget=forms.Textarea)
    deadline = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("意见"), widget=forms.Textarea)
