"""The forms of the question-bank pages. Each maps onto one service's arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import imports, pickers
from aiplus.evaluation import selectors, services, standard
from aiplus.evaluation.models import Bank, ItemStatus


class BankForm(forms.ModelForm):
    prefix = "bank"  # beside the list's filters (which have a `kind` too): its own field ids
    organisation = pickers.OrganisationField(label=_("所属组织"), queryset=None)

    class Meta:
        model = Bank
        fields = ("organisation", "name", "kind", "description")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.evaluator_organisations(user)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:  # the service validates the bank
        pass

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"organisation_id": data["organisation"].pk, "name": data["name"], "kind": data["kind"],
                "description": data.get("description") or ""}


class EvaluatorForm(forms.Form):
    prefix = "evaluator"  # beside the bank form on one page: its own field ids
    organisation = pickers.OrganisationField(label=_("所属组织"), queryset=None)
    user = pickers.PersonField(label=_("评估人员"), queryset=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aiplus.core.models import User

        self.fields["organisation"].queryset = selectors.designating_organisations(user)  # type: ignore[attr-defined]
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        return {"organisation_id": self.cleaned_data["organisation"].pk, "user_id": self.cleaned_data["user"].pk}


class ImportForm(forms.Form):
    mapping = forms.ChoiceField(label=_("映射"), required=False)
    mapping_file = forms.FileField(label=_("或上传映射文件（YAML）"), required=False)
    file = forms.FileField(label=_("题库文件"))
    answers_file = forms.FileField(label=_("答案文件（选择题，可选）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [("", "—"), *services.mapping_choices()]  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        upload = data["file"]
        return {"data": imports.read_upload(upload, "file"), "mapping": data.get("mapping") or "",
                "mapping_file": imports.read_upload(data["mapping_file"], "mapping_file")
                if data.get("mapping_file") else None,
                "answers_file": imports.read_upload(data["answers_file"], "answers_file")
                if data.get("answers_file") else None,
                "file_name": getattr(upload, "name", "")}


class ReviewForm(forms.Form):
    """Approve or reject the items ticked in the table (one version at a time), optionally giving their risk."""

    items: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("题目"), queryset=None, widget=forms.MultipleHiddenInput,
        error_messages={"required": _("请勾选要审核的题目。")})
    decision = forms.ChoiceField(label=_("审核结论"), choices=[(ItemStatus.APPROVED, _("通过")),
                                                            (ItemStatus.REJECTED, _("退回"))])
    risk_code = forms.ChoiceField(label=_("风险类别（未映射的题目须指定）"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = selectors.review_queue(user)  # type: ignore[attr-defined]
        self.fields["risk_code"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *[(r.code, f"{r.code} {r.name}") for r in standard.risks()]]

    def clean_items(self) -> Any:
        chosen = self.cleaned_data["items"]
        if len({item.version_id for item in chosen}) > 1:
            raise forms.ValidationError(_("一次只审核同一版本的题目。"))
        return chosen

    def arguments(self) -> dict[str, Any]:
        chosen = list(self.cleaned_data["items"])
        return {"version_id": chosen[0].version_id, "item_ids": [item.pk for item in chosen],
                "decision": self.cleaned_data["decision"], "risk_code": self.cleaned_data.get("risk_code") or ""}


class ConfirmForm(forms.Form):
    """A button's form (publish a version, start the next): nothing to fill in."""
