"""The support forms: the finder's questions, an application, a document, the formal check, the decision, a
payment and a budget. Numbers take their domain from the model fields (`domains.form_field`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains, pickers
from aiplus.support import programmes, selectors
from aiplus.support.models import Application, Budget

YES_NO = [("", _("未回答")), ("no", _("否")), ("yes", _("是"))]


def _affiliated(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class AnswersForm(forms.Form):
    """The questions the platform cannot answer from the register."""

    declared_cny = domains.form_field(Application, "declared_cny", required=False)
    counterparty_affiliated = forms.ChoiceField(label=_("交易对方（卖方或服务商）是否为关联方"), choices=YES_NO,
                                                required=False)
    standard_level = forms.ChoiceField(label=_("主导制定的标准级别"), required=False,
                                       choices=[("", _("未回答")), *programmes.STANDARD_LEVELS])

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"declared_cny": data.get("declared_cny"),
                "counterparty_affiliated": _affiliated(data.get("counterparty_affiliated") or ""),
                "standard_level": data.get("standard_level") or None}


class FinderForm(AnswersForm):
    organisation = pickers.OrganisationField(label=_("单位"), queryset=None)

    field_order = ["organisation", "declared_cny", "counterparty_affiliated", "standard_level"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_acting_for(user)  # type: ignore[attr-defined]


class ApplyForm(AnswersForm):
    organisation = pickers.OrganisationField(label=_("申请单位"), queryset=None)
    title = forms.CharField(label=_("项目名称"), max_length=200)
    cost_ref = forms.CharField(label=_("费用凭证编号（合同或发票号）"), max_length=100, required=False)

    field_order = ["organisation", "title", "declared_cny", "counterparty_affiliated", "standard_level", "cost_ref"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_acting_for(user)  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        return {"organisation_id": self.cleaned_data["organisation"].pk, "title": self.cleaned_data["title"],
                "cost_ref": self.cleaned_data.get("cost_ref") or "", **self.answers()}


class DocumentForm(forms.Form):
    code = forms.ChoiceField(label=_("材料"))
    reference = forms.CharField(label=_("文件名称或编号"), max_length=200)

    def __init__(self, *args: Any, documents: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = documents  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    """One of the programme's documents, as a file (its type read from its bytes, not its name)."""

    code = forms.ChoiceField(label=_("材料"))
    file = forms.FileField(label=_("文件"),
                           help_text=_("PDF、PNG 或 JPEG，按文件内容判断类型；不能为空，不超过上传上限。"))

    def __init__(self, *args: Any, documents: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = documents  # type: ignore[attr-defined]


class EmptyForm(forms.Form):
    """A button: submit, accept, pay."""


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("决定"), choices=[("yes", _("批准")), ("no", _("不予支持"))],
                                     coerce=lambda v: v == "yes")
    note = forms.CharField(label=_("决定说明（不予支持时必填）"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class BudgetForm(forms.Form):
    programme_code = forms.ChoiceField(label=_("扶持项目"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount_cny = domains.form_field(Budget, "amount_cny", required=False,
                                    help_text=_("留空则取规则包中的年度预算参数。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_code"].choices = [  # type: ignore[attr-defined]
            (p.code, programmes.title(p.title)) for p in programmes.catalogue()]


class ClawbackForm(forms.Form):
    reason = forms.CharField(label=_("追回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ScoreForm(forms.Form):
    """A drawn expert's scores, one whole number from 0 to 100 per criterion of the programme, and a comment."""

    comment = forms.CharField(label=_("评审意见"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, criteria: list[tuple[str, str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = [code for code, _title, _weight in criteria]
        comment = self.fields.pop("comment")
        for code, title, weight in criteria:
            self.fields[f"score_{code}"] = forms.IntegerField(
                label=_("%(c)s（权重 %(w)s）") % {"c": title, "w": weight}, min_value=0, max_value=100)
        self.fields["comment"] = comment

    def arguments(self) -> dict[str, Any]:
        return {"scores": {code: self.cleaned_data[f"score_{code}"] for code in self.criteria},
                "comment": self.cleaned_data.get("comment") or ""}


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(forms.Form):
    note = forms.CharField(label=_("验收意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    """An objection to an award under public notice, with the trap field `website` people never see."""

    text = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    website = forms.CharField(label=_("网站"), required=False, max_length=200, widget=forms.TextInput(
        attrs={"autocomplete": "off", "tabindex": "-1"}))


class AwardImportForm(forms.Form):
    """An award list: the programme and year (its budget must be open) and the file (.xlsx or .csv)."""

    programme_code = forms.ChoiceField(label=_("扶持项目"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("获奖名单文件（.xlsx 或 .csv）"), help_text=_(
        "列：统一社会信用代码、项目名称、批准金额（元）、费用凭证编号（可空）。任何一行有误则整份文件不导入。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_code"].choices = [  # type: ignore[attr-defined]
            (p.code, programmes.title(p.title)) for p in programmes.catalogue() if p.channel == "application"]
