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


# -- runs --------------------------------------------------------------------------------------------------------

class EndpointForm(forms.ModelForm):
    prefix = "endpoint"
    organisation = pickers.OrganisationField(label=_("所属组织"), queryset=None)
    secret = forms.CharField(label=_("密钥（加密保存，不再显示）"), required=False, max_length=500,
                             widget=forms.PasswordInput(render_value=False))

    class Meta:
        from aiplus.evaluation.models import Endpoint

        model = Endpoint
        fields = ("organisation", "name", "url", "model_name", "rate_per_minute", "concurrency", "timeout_seconds",
                  "retries", "max_tokens", "ai_model")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aiplus.algorithms.models import AIModel

        organisations = selectors.evaluator_organisations(user)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["ai_model"].queryset = AIModel.objects.filter(  # type: ignore[attr-defined]
            organisation__in=organisations)
        self.fields["url"].widget = forms.TextInput()

    def _post_clean(self) -> None:  # the service validates the endpoint
        pass

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"organisation_id": data["organisation"].pk, "name": data["name"], "url": data["url"],
                "model_name": data["model_name"], "secret": data.get("secret") or "",
                "rate_per_minute": data["rate_per_minute"], "concurrency": data["concurrency"],
                "timeout_seconds": data["timeout_seconds"], "retries": data["retries"],
                "max_tokens": data["max_tokens"],
                "ai_model_id": data["ai_model"].pk if data.get("ai_model") else None}


class RunForm(forms.Form):
    prefix = "run"
    plan = forms.ChoiceField(label=_("测试方案"))
    version: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("题库版本（已发布）"), queryset=None)
    sample_size = forms.IntegerField(label=_("抽样题数"), min_value=1, max_value=20000)
    seed = forms.IntegerField(label=_("随机种子"), min_value=0, max_value=2_000_000_000, initial=0)
    keyword_version: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("关键词库版本（生成内容评估）"), queryset=None, required=False)
    judge_endpoint: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("模型判定接口（可选）"), queryset=None, required=False)

    def __init__(self, *args: Any, user: Any, endpoint: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aiplus.evaluation.models import Plan

        self.fields["plan"].choices = Plan.choices  # type: ignore[attr-defined]
        self.fields["version"].queryset = selectors.published_versions(user)  # type: ignore[attr-defined]
        self.fields["keyword_version"].queryset = selectors.published_versions(  # type: ignore[attr-defined]
            user, "keyword")
        self.fields["judge_endpoint"].queryset = selectors.endpoints(user).filter(  # type: ignore[attr-defined]
            organisation_id=endpoint.organisation_id).exclude(pk=endpoint.pk)
        self.endpoint = endpoint

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"endpoint_id": self.endpoint.pk, "plan": data["plan"], "version_id": data["version"].pk,
                "sample_size": data["sample_size"], "seed": data.get("seed") or 0,
                "keyword_version_id": data["keyword_version"].pk if data.get("keyword_version") else None,
                "judge_endpoint_id": data["judge_endpoint"].pk if data.get("judge_endpoint") else None}


class ItemReviewForm(forms.Form):
    run_item = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    passed = forms.TypedChoiceField(label=_("复核结论"), coerce=lambda v: v == "yes",
                                    choices=[("yes", _("通过")), ("no", _("不通过"))])
    note = forms.CharField(label=_("复核意见"), required=False, max_length=500)

    def arguments(self) -> dict[str, Any]:
        return {"run_item_id": self.cleaned_data["run_item"], "passed": self.cleaned_data["passed"],
                "note": self.cleaned_data.get("note") or ""}


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("报告文件（PDF）"), required=False)
    digest = forms.CharField(label=_("或报告摘要（SHA-256）"), required=False, max_length=64)

    def clean(self) -> Any:
        data = super().clean() or {}
        if not data.get("file") and not data.get("digest"):
            raise forms.ValidationError(_("请上传报告文件或填写摘要。"))
        return data
