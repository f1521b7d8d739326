"""Forms of the register pages (parsing only; the services validate and decide). One ModelForm per register, its
numbers' domains the model fields' own; links are chosen with the pickers among the rows the user may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.algorithms import selectors, services
from aiplus.algorithms.models import (
    AIModel,
    Algorithm,
    AlgorithmFiling,
    ClauseFinding,
    FilingKind,
    GenAIFunction,
    Hardware,
    OpenSourceProject,
    ReviewOutcome,
    UploadCheck,
    Verdict,
)
from aiplus.core import pickers
from aiplus.core.vocabularies import Modality


class ModelPicker(pickers.ModelPickerField):
    """A registered model, chosen or typed by its name."""

    kind = "model"

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.organisation.name}）"


# Form field → service argument, where the two differ (a link is passed as its id).
RENAMED = {"organisation": "organisation_id", "base_model": "base_model_id", "model": "model_id",
           "pools": "pool_ids", "embedded_models": "model_ids"}


class RegisterForm(forms.ModelForm):
    """The organisation picker on a new row (among those the user is a member of); the service's arguments."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk is None:
            self.fields["organisation"] = pickers.OrganisationField(
                label=_("所属组织"), queryset=selectors.organisations_acting_for(user))
            self.order_fields(["organisation"])

    def arguments(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in ("pools", "embedded_models"):
                value = [row.pk for row in value]
            elif name in ("organisation", "base_model", "model"):
                value = value.pk if value is not None else None
            values[RENAMED.get(name, name)] = value
        return values


class AIModelForm(RegisterForm):
    modalities = forms.MultipleChoiceField(label=_("模态"), choices=Modality.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    base_model = ModelPicker(label=_("基座模型"), queryset=None, required=False)

    class Meta:
        model = AIModel
        fields = ("name", "kind", "base_model", "modalities", "parameters_billion", "licence", "open_weights",
                  "summary", "endpoint_url", "filing_status", "filing_number", "is_published")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = selectors.models(self.user).select_related("organisation").order_by("name")
        if self.instance.pk is not None:
            candidates = candidates.exclude(pk=self.instance.pk)
        self.fields["base_model"].queryset = candidates  # type: ignore[attr-defined]


class AlgorithmForm(RegisterForm):
    algorithm_type = forms.ChoiceField(label=_("算法类型"), choices=selectors.algorithm_types)
    model = ModelPicker(label=_("所用模型"), queryset=None, required=False)

    class Meta:
        model = Algorithm
        fields = ("name", "algorithm_type", "application_field", "service_name", "mechanism_summary", "model",
                  "is_published")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = (  # type: ignore[attr-defined]
            selectors.models(self.user).select_related("organisation").order_by("name"))


class PoolsField(forms.ModelMultipleChoiceField):
    """Compute pools by their centre and accelerator."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.centre.name} · {obj.get_accelerator_model_display()}"


class HardwareForm(RegisterForm):
    pools = PoolsField(label=_("部署的算力资源池"), queryset=None, required=False,
                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Hardware
        fields = ("name", "kind", "vendor", "domestic", "fp16_tflops", "memory_gb", "summary", "pools",
                  "embedded_models", "is_published")
        widgets = {"pools": forms.CheckboxSelectMultiple, "embedded_models": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pools"].queryset = selectors.pool_choices()  # type: ignore[attr-defined]
        self.fields["embedded_models"].queryset = (  # type: ignore[attr-defined]
            selectors.models(self.user).order_by("name"))


class ProjectForm(RegisterForm):
    class Meta:
        model = OpenSourceProject
        fields = ("name", "repository_url", "licence", "summary", "support_received", "support_amount_cny",
                  "is_published")


class PublishForm(forms.Form):
    is_published = forms.BooleanField(required=False)


class LabelCheckForm(forms.Form):
    """A file to check for its AIGC label (the engine reads it by its bytes, whatever its name says)."""

    file = forms.FileField(label=_("文件"),
                           help_text=_("图片、音频、视频、PDF、文本或 Markdown，最大 10 MiB；文件不会被保存。"))


class LabelWriteForm(forms.Form):
    """A file to label as its producer: the Label value (from the pack), the producer's name or code and the
    content's id (Annex E's characters: letters, digits and a few signs)."""

    file = forms.FileField(label=_("文件"), help_text=_("最大 10 MiB；加好标识的文件直接下载，平台不保存。"))
    label = forms.ChoiceField(label=_("生成合成属性（Label）"), choices=())
    producer = forms.CharField(label=_("生成合成服务提供者（ContentProducer）"), max_length=200,
                               help_text=_("名称或编码，例如统一社会信用代码。"))
    produce_id = forms.CharField(label=_("内容制作编号（ProduceID）"), max_length=200)

    LABELS = {"1": _("1 属于人工智能生成合成内容"), "2": _("2 可能为人工智能生成合成内容"),
              "3": _("3 疑似为人工智能生成合成内容")}

    def __init__(self, *args: Any, values: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].choices = [(v, self.LABELS.get(v, v)) for v in values]  # type: ignore[attr-defined]


# --- algorithm filing dossiers ------------------------------------------------------------------------------------

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # what a date input reads


class FilingForm(forms.ModelForm):
    """The dossier's parts for its kind (an algorithm filing, a generative-AI launch filing or registration); on a
    new dossier, what it files: one of the user's organisations' algorithms or models, or for a registration the
    filed model the service calls (and, for a member of several organisations, which one provides the service)."""

    main_functions = forms.MultipleChoiceField(label=_("主要功能"), choices=GenAIFunction.choices, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AlgorithmFiling
        fields = services.FILING_FIELDS
        widgets = {"launched_on": DATE}

    def __init__(self, *args: Any, user: Any, kind: str = FilingKind.ALGORITHM, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = self.instance.kind if self.instance.pk is not None else kind
        wanted = services.FIELDS_BY_KIND[self.kind]
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
            elif name != "launched_on":
                self.fields[name].required = False  # a draft may lack them: the page's checklist names what is missing
        if self.instance.pk is not None:
            return
        if self.kind == FilingKind.ALGORITHM:
            self.fields["algorithm"] = forms.ModelChoiceField(label=_("备案的算法"),
                                                              queryset=selectors.filable_algorithms(user))
            self.order_fields(["algorithm"])
        elif self.kind == FilingKind.GENAI_FILING:
            self.fields["model"] = ModelPicker(label=_("备案的模型"), queryset=selectors.filable_models(user))
            self.order_fields(["model"])
        else:
            self.fields["model"] = ModelPicker(label=_("所调用的已备案模型"), queryset=selectors.callable_models(user))
            self.order_fields(["model"])
            _organisation_choice(self, user, _("提供服务的组织"))

    def arguments(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        for name in ("algorithm", "model", "organisation"):
            if name in values:
                values[RENAMED.get(name, f"{name}_id")] = values.pop(name).pk
        if self.instance.pk is None:
            values["kind"] = self.kind
        return values


class FindingsForm(forms.Form):
    """The conformity table of a launch filing: for each clause of GB/T 45654-2025 chapters 5–8 its finding and the
    evidence (a clause left blank keeps what was recorded)."""

    def __init__(self, *args: Any, filing: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recorded = {finding.clause: finding for finding in filing.findings.all()}
        longest = ClauseFinding._meta.get_field("evidence").max_length
        self.clauses = selectors.safety_clauses()
        for code, name in self.clauses:
            key, finding = code.replace(".", "_"), recorded.get(code)
            self.fields[f"verdict_{key}"] = forms.ChoiceField(
                label=f"{code} {name}", required=False, choices=[("", "—"), *Verdict.choices],
                initial=finding.verdict if finding else "")
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=_("依据与证明材料"), required=False, max_length=longest,
                widget=forms.Textarea(attrs={"rows": 2}), initial=finding.evidence if finding else "")

    def findings(self) -> list[dict[str, str]]:
        rows = []
        for code, _name in self.clauses:
            key = code.replace(".", "_")
            verdict = self.cleaned_data.get(f"verdict_{key}")
            if verdict:
                rows.append({"clause": code, "verdict": verdict,
                             "evidence": self.cleaned_data.get(f"evidence_{key}", "")})
        return rows


class SubmitFilingForm(forms.Form):
    """Submitting asks for nothing more: the service refuses while an item is missing."""


class FilingNumberForm(forms.Form):
    filing_number = forms.CharField(label=_("备案编号"), max_length=80)
    filed_on = forms.DateField(label=_("备案日期"), required=False, widget=DATE)


class FilingChangeForm(forms.Form):
    change_on = forms.DateField(label=_("变更日期"), widget=DATE)


class FilingEndForm(forms.Form):
    ended_on = forms.DateField(label=_("终止服务日期"), widget=DATE)


# --- AIGC labels at a distribution platform -----------------------------------------------------------------------

def _organisation_choice(form: forms.BaseForm, user: Any, label: Any) -> None:
    """The organisation the user acts for: asked only when they are a member of several."""
    mine = selectors.organisations_acting_for(user)
    if mine.count() > 1:
        form.fields["organisation"] = pickers.OrganisationField(label=label, queryset=mine)
        form.order_fields(["organisation"])


def _organisation_argument(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("organisation") is not None:
        values["organisation_id"] = values.pop("organisation").pk
    values.pop("organisation", None)
    return values


class UploadCheckForm(forms.Form):
    """An upload to check for the platform the user's organisation runs: the file, what the uploader declared and
    the platform's own identifier of the content."""

    file = forms.FileField(label=_("上传的文件"),
                           help_text=_("最大 10 MiB；平台只保存核验记录与文件摘要，不保存文件。"))
    declared_generated = forms.BooleanField(label=_("上传者声明为生成合成内容"), required=False)
    detected = forms.BooleanField(label=_("平台检测到生成合成痕迹"), required=False)
    propagate_id = forms.CharField(label=_("平台内容编号（PropagateID）"), max_length=100, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _organisation_choice(self, user, _("传播平台"))

    def arguments(self) -> dict[str, Any]:
        values = _organisation_argument(dict(self.cleaned_data))
        values["upload"] = values.pop("file")
        return values


class UploadReviewForm(forms.Form):
    """A pending upload of the user's organisations that someone else checked, and the reviewer's conclusion."""

    check: forms.ModelChoiceField = forms.ModelChoiceField(label=_("待复核的上传内容"),
                                                           queryset=UploadCheck.objects.none())
    outcome = forms.ChoiceField(label=_("复核结论"), choices=[
        (ReviewOutcome.GENERATED, ReviewOutcome.GENERATED.label),
        (ReviewOutcome.NOT_GENERATED, ReviewOutcome.NOT_GENERATED.label)])
    note = forms.CharField(label=_("复核意见"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["check"].queryset = selectors.reviewable_uploads(user)  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["check_id"] = values.pop("check").pk
        return values


class UnlabelledExportForm(forms.Form):
    """Content handed out without its explicit label: to whom, what, and the user agreement's duty."""

    recipient = forms.CharField(label=_("提供对象"), max_length=200)
    recipient_account = forms.CharField(label=_("提供对象账号"), max_length=200)
    content_ref = forms.CharField(label=_("内容编号或说明"), max_length=300)
    content_sha256 = forms.RegexField(label=_("内容 SHA-256（可选）"), regex=r"^[0-9a-fA-F]{64}$", required=False)
    agreement_sets_duty = forms.BooleanField(label=_("用户协议已明确用户的标识义务和使用责任"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _organisation_choice(self, user, _("服务提供者"))

    def arguments(self) -> dict[str, Any]:
        return _organisation_argument(dict(self.cleaned_data))
