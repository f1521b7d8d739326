"""The department page's forms: the handover (which duty, to which department of the same jurisdiction, why and from
when: today or earlier takes effect now, a later day is scheduled), cancelling a scheduled handover, and the
administrator's staffing forms (place an official in the department, take one out, appoint the head)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import pickers
from aiplus.core.models import Department
from aiplus.departments import catalogue, selectors
from aiplus.departments.listings import DepartmentField
from aiplus.departments.models import Duty, ScheduledHandover
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


class PersonForm(forms.Form):
    """One official, picked by name: to place in the department, to take out of it, or to make its head."""

    user = pickers.PersonField(label=_("工作人员"), queryset=None)

    def __init__(self, *args: Any, people: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]
        if label is not None:
            self.fields["user"].label = label

    def arguments(self) -> dict[str, Any]:
        return {"user_id": self.cleaned_data["user"].pk}


class CancelHandoverForm(forms.Form):
    """A row's button: cancel this scheduled handover."""

    scheduled = forms.ModelChoiceField(queryset=ScheduledHandover.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheduled"].queryset = selectors.scheduled_handovers(department.pk)  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        return {"scheduled_id": self.cleaned_data["scheduled"].pk}
