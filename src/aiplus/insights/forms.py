"""The forms of the insights pages: entering a statistic and importing a workbook of them. Bounds are the model's
and the indicator's (checked again by the service, which names the field it refuses)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains, pickers
from aiplus.insights import catalogue, selectors
from aiplus.insights.models import Observation

DATE = forms.DateInput(attrs={"type": "date"})


class ObservationForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"))
    jurisdiction = pickers.JurisdictionField(label=_("辖区"), queryset=None)
    as_of = forms.DateField(label=_("统计截至日期"), widget=DATE)
    value = domains.form_field(Observation, "value", label=_("数值"))
    source = forms.CharField(label=_("数据来源"), max_length=300)
    source_date = forms.DateField(label=_("来源发布日期"), widget=DATE)
    source_url = forms.URLField(label=_("来源链接"), max_length=500, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, indicator: str | None = None, jurisdiction: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aiplus.portal.templatetags.localized import localized_value

        self.fields["indicator"].choices = [  # type: ignore[attr-defined]
            (i.code, localized_value(i, "name")) for i in catalogue.indicators().values() if not i.computed]
        self.fields["jurisdiction"].queryset = selectors.jurisdictions_entered_by(user)  # type: ignore[attr-defined]
        if indicator:
            self.fields["indicator"].initial = indicator
        if jurisdiction is not None:
            self.fields["jurisdiction"].initial = jurisdiction.pk

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"indicator": data["indicator"], "jurisdiction_id": data["jurisdiction"].pk, "as_of": data["as_of"],
                "value": data["value"], "source": data["source"], "source_date": data["source_date"],
                "source_url": data.get("source_url") or "", "note": data.get("note") or ""}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel文件（.xlsx）"))
