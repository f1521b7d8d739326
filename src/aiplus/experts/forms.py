"""Forms of the experts pages (parsing only; the services validate)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.experts.models import Relationship
from aiplus.portal.templatetags.localized import localized_value


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("，", ",").replace("、", ",").split(",") if part.strip()]


class _FieldsMixin(forms.Form):
    def set_field_choices(self, choices: list[tuple[str, str]]) -> None:
        self.fields["domains"].choices = choices  # type: ignore[attr-defined]


class RegisterForm(_FieldsMixin):
    username = forms.CharField(label=_("用户名"), max_length=150)
    jurisdiction = forms.ChoiceField(label=_("所属辖区"))
    organisation_id = forms.IntegerField(label=_("所在单位编号"), required=False)
    domains = forms.MultipleChoiceField(label=_("专业领域"), widget=forms.CheckboxSelectMultiple)
    technologies = forms.CharField(label=_("技术方向（逗号分隔）"), required=False)
    title = forms.CharField(label=_("职称"), max_length=100, required=False)

    def __init__(self, *args: Any, jurisdictions: Any = (), field_choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(j.code, localized_value(j, "name")) for j in jurisdictions]  # type: ignore[attr-defined]
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


class ConflictForm(forms.Form):
    organisation_id = forms.IntegerField(label=_("关联组织编号"))
    relationship = forms.ChoiceField(label=_("关系类型"), choices=Relationship.choices)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class DrawForm(_FieldsMixin):
    purpose = forms.CharField(label=_("用途"), max_length=300)
    subject_type = forms.CharField(label=_("事项类型"), max_length=80, required=False)
    subject_id = forms.CharField(label=_("事项编号"), max_length=64, required=False)
    jurisdiction = forms.ChoiceField(label=_("辖区"))
    domains = forms.MultipleChoiceField(label=_("所需领域"), widget=forms.CheckboxSelectMultiple)
    size = forms.IntegerField(label=_("抽取人数"), min_value=1, initial=5)
    conflicted = forms.CharField(label=_("回避单位编号（申请单位，逗号分隔）"), required=False)

    def __init__(self, *args: Any, jurisdictions: Any = (), field_choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(j.code, localized_value(j, "name")) for j in jurisdictions]  # type: ignore[attr-defined]
        self.set_field_choices(list(field_choices))

    def clean_conflicted(self) -> list[int]:
        try:
            return [int(part) for part in _split(self.cleaned_data.get("conflicted", ""))]
        except ValueError:
            raise forms.ValidationError(_("请填写组织编号（整数），以逗号分隔。")) from None


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    question = forms.CharField(label=_("咨询问题"), widget=forms.Textarea)
    deadline = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("意见"), widget=forms.Textarea)
