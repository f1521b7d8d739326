"""The handover form: which duty of the department, to which department of the same jurisdiction, why and from
when."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core.models import Department
from aiplus.departments import catalogue
from aiplus.departments.listings import DepartmentField
from aiplus.departments.models import Duty
from aiplus.departments.services import REASON_MAX


class DutyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return catalogue.label(obj.code)


class HandoverForm(forms.Form):
    duty = DutyChoice(label=_("职责"), queryset=Duty.objects.none())
    department = DepartmentField(label=_("接收部门"), queryset=Department.objects.none())
    reason = forms.CharField(label=_("移交理由"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    effective_on = forms.DateField(label=_("生效日期"),
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["duty"].queryset = Duty.objects.filter(department=department).order_by("code")  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            jurisdiction_id=department.jurisdiction_id).exclude(pk=department.pk).order_by("code")

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"duty_id": data["duty"].pk, "department_id": data["department"].pk, "reason": data["reason"],
                "effective_on": data["effective_on"]}
