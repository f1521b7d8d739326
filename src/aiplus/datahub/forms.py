"""The datahub's page forms: Django forms read and check what a page posts (never `request.POST` by hand), and
keep what was typed when the service refuses it."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains
from aiplus.core import selectors as core_selectors
from aiplus.core.pickers import CountryField, JurisdictionField, OrganisationField
from aiplus.datahub import selectors
from aiplus.datahub.crossborder import DataCategory, Exemption
from aiplus.datahub.listings import DOCUMENT_LABELS
from aiplus.datahub.models import (
    CATALOGUE_FORMATS,
    AccessRequest,
    AssetLevel,
    DataAsset,
    DataService,
    Dataset,
    Distribution,
    Grade,
    HarvestSource,
)


class AccessRequestForm(forms.ModelForm):
    """A request for a conditional dataset (the service checks the rest: conditional, the duration's range)."""

    class Meta:
        model = AccessRequest
        fields = ("purpose", "usage_scope", "security_measures", "duration_days")

    def _post_clean(self) -> None:
        # The service builds and checks the row (dataset, provider, requester); the form only reads the fields.
        pass


class AccessDecisionForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=(("approve", _("批准")), ("reject", _("驳回")),
                                                          ("revoke", _("撤销"))))
    comment = forms.CharField(label=_("意见"), required=False)


def first_error(form: forms.BaseForm) -> str:
    """The first problem of an invalid form, named by its field's label, for a page that redirects."""
    name, problems = next(iter(form.errors.items()))
    label = form.fields[name].label if name in form.fields else ""
    return f"{label}：{problems[0]}" if label else str(problems[0])




COUNTRY_QUESTION = "transfer.country_or_region"
# The engine's data categories (datahub.crossborder.DataCategory) as the pages name them.
CATEGORY_LABELS = {"personal": _("个人信息"), "sensitive_personal": _("敏感个人信息"),
                   "important": _("重要数据"), "general": _("一般数据")}


class AssessmentForm(forms.Form):
    """The guided assessment's answers, one optional field per question (named by the engine's field path, so the
    engine's `missing` facts and its errors name the same fields). Blank means not known yet."""

    exemptions_claimed = forms.MultipleChoiceField(required=False, choices=[(e.value, e.value) for e in Exemption])
    processor = forms.IntegerField(required=False)  # which of the user's processors a recorded transfer is for

    def __init__(self, *args: Any, questions: dict[str, tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for path, (kind, label) in questions.items():
            self.fields[path] = _question_field(path, kind, label)

    def payload(self) -> tuple[dict[str, Any], list[str]]:
        """The engine's input from the answers that are valid and given, and the paths answered."""
        data = getattr(self, "cleaned_data", {})
        payload: dict[str, Any] = {}
        answered: list[str] = []
        for path in self.questions:
            value = data.get(path)
            if value in (None, "", []):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            section, name = path.split(".", 1)
            payload.setdefault(section, {})[name] = value
            answered.append(path)
        payload.setdefault("transfer", {})
        if data.get("exemptions_claimed"):
            payload["exemptions_claimed"] = list(data["exemptions_claimed"])
        if "cumulative" in payload:
            on = str(payload["transfer"].get("transfer_on", ""))
            payload["cumulative"]["year"] = int(on[:4]) if on[:4].isdigit() else None
        return payload, answered

    def problems(self) -> list[dict[str, str]]:
        """The form's own errors as the page lists them (`field` is the question's path)."""
        return [{"field": name, "message": str(message)} for name, messages in self.errors.items()
                for message in messages]


def _question_field(path: str, kind: str, label: Any) -> forms.Field:
    widget_id = {"id": path.replace(".", "-")}
    if path == COUNTRY_QUESTION:
        # 德国, Germany and DE all mean DE; a value that names no country is an error beside the field.
        field: forms.Field = CountryField(label=label, required=False)
        field.widget.attrs.update(widget_id)
        return field
    if kind == "categories":
        return forms.MultipleChoiceField(label=label, required=False,
                                         choices=[(c.value, c.value) for c in DataCategory])
    if kind == "bool":
        return forms.TypedChoiceField(label=label, required=False, choices=(("true", _("是")), ("false", _("否"))),
                                      coerce=lambda value: value == "true", empty_value=None)
    if kind == "int":
        return forms.IntegerField(label=label, required=False, widget=forms.NumberInput(attrs=widget_id))
    if kind == "date":
        return forms.DateField(label=label, required=False)
    return forms.CharField(label=label, required=False, max_length=300)


YES_NO = (("false", _("否")), ("true", _("是")))


def _yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda value: value == "true",
                                  empty_value=None, required=False)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActionForm(forms.Form):
    """Which of a page's forms was posted (pages with several forms post to one address)."""

    action = forms.CharField(required=False, max_length=40)
    organisation = forms.CharField(required=False, max_length=40)  # where the page returns to after the post


class _ForOrganisation(forms.Form):
    """A form that acts for one of the user's own organisations, chosen with the one picker."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationField(
            label=_("组织"), queryset=selectors.organisations_acting_for(user, "add"))


class ProcessorForm(_ForOrganisation):
    is_ciio = _yes_no(_("关键信息基础设施运营者"))
    in_ftz = _yes_no(_("位于自由贸易试验区"))
    ftz_code = forms.CharField(label=_("自贸区代码"), required=False, max_length=40)


class FileFilingForm(forms.Form):
    filing = forms.IntegerField(label=_("备案"))
    documents_provided = forms.MultipleChoiceField(label=_("已备齐的材料"), required=False,
                                                   choices=list(DOCUMENT_LABELS.items()))


class GbaFilingForm(_ForOrganisation):
    KINDS = (("organisation", _("组织")), ("individual", _("个人")))
    LOCATION_HELP = _("管辖区代码、行政区划代码或 HK / MO")

    processor_name = forms.CharField(label=_("个人信息处理者"), max_length=200)
    processor_kind = forms.ChoiceField(label=_("个人信息处理者类型"), choices=KINDS, required=False)
    processor_location = forms.CharField(label=_("个人信息处理者注册地或所在地"), required=False, max_length=60,
                                         help_text=LOCATION_HELP)
    recipient_name = forms.CharField(label=_("接收方"), max_length=200)
    recipient_kind = forms.ChoiceField(label=_("接收方类型"), choices=KINDS, required=False)
    recipient_location = forms.CharField(label=_("接收方注册地或所在地"), required=False, max_length=60,
                                         help_text=LOCATION_HELP)
    data_categories = forms.MultipleChoiceField(label=_("数据类别"), required=False, initial=["personal"],
                                                choices=list(CATEGORY_LABELS.items()),
                                                widget=forms.CheckboxSelectMultiple)
    important_data_designated = _yes_no(_("是否涉及已被告知或公开发布的重要数据？"))
    contract_effective_on = forms.DateField(label=_("合同生效日期"), required=False, widget=DATE_INPUT)
    documents_provided = forms.MultipleChoiceField(label=_("已备齐的材料"), required=False,
                                                   choices=list(DOCUMENT_LABELS.items()),
                                                   widget=forms.CheckboxSelectMultiple)

    def case(self) -> dict[str, Any]:
        """The engine's GBA contract case from the answers."""
        data = self.cleaned_data
        effective = data["contract_effective_on"]
        return {
            "processor": {"name": data["processor_name"].strip(), "kind": data["processor_kind"] or "organisation",
                          "location": data["processor_location"].strip() or None},
            "recipient": {"name": data["recipient_name"].strip(), "kind": data["recipient_kind"] or "organisation",
                          "location": data["recipient_location"].strip() or None},
            "data_categories": list(data["data_categories"]),
            "important_data_designated": data["important_data_designated"],
            "effective_on": (effective or timezone.localdate()).isoformat(),
            "contract_effective_on": effective.isoformat() if effective else None,
            "documents_provided": list(data["documents_provided"]),
        }


class AssetForm(_ForOrganisation):
    """A graded data asset; its numbers take their domain from the model (core.domains), the service the rest."""

    name = forms.CharField(label=_("名称"), max_length=200)
    category = forms.CharField(label=_("数据类别"), max_length=80)
    grade = forms.ChoiceField(label=_("数据分级"), choices=Grade.choices)
    level = forms.ChoiceField(label=_("粒度"), choices=AssetLevel.choices, required=False, initial=AssetLevel.TABLE)
    internal_level = domains.form_field(DataAsset, "internal_level", label=_("内部级别"), required=False)
    legal_basis = forms.CharField(label=_("依据"), required=False, max_length=300)
    pi_people = domains.form_field(DataAsset, "pi_people", label=_("涉及个人信息人数"), required=False, initial=0)


class DeclareAssetForm(forms.Form):
    asset = forms.IntegerField(label=_("数据资产"))


class SecurityProfileForm(_ForOrganisation):
    security_officer = forms.CharField(label=_("网络数据安全负责人"), required=False, max_length=120)
    last_risk_assessment_on = forms.DateField(label=_("最近一次风险评估"), required=False, widget=DATE_INPUT)


class IncidentForm(_ForOrganisation):
    title = forms.CharField(label=_("事件"), max_length=200)
    discovered_at = forms.DateTimeField(label=_("发现时间"), widget=DATETIME_INPUT)


class IncidentReportedForm(forms.Form):
    incident = forms.IntegerField(label=_("事件"))


# --- catalogue entry by hand: a dataset with its distributions, a data service ---------------------------------


def _check_a_copy(kwargs: dict[str, Any]) -> None:
    # The model's checks run on the form's instance with what was typed; the page's heading keeps the saved row.
    if kwargs.get("instance") is not None:
        kwargs["instance"] = copy.copy(kwargs["instance"])


class KeywordsField(forms.CharField):
    """The dataset's tags typed as one line, separated by Chinese or Western commas; stored as a list."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        return [k.strip() for k in text.replace("，", ",").split(",") if k.strip()]


class DatasetForm(forms.ModelForm):
    """A catalogue dataset entered by hand. A new one also names its providing organisation (one the user acts for)
    and its identifier; an edit keeps both. The model's own checks (choices, ranges, the time span) run here too, so
    every problem shows beside its field at once."""

    keywords = KeywordsField(label=_("数据标签（以逗号分隔）"), required=False)
    # Where the data is: its access requests reach that place's officials. Blank: the provider's own jurisdiction.
    place = JurisdictionField(label=_("数据所在辖区（留空为数据提供方所在辖区）"),
                              queryset=core_selectors.jurisdictions(), required=False, to_field_name="code")

    class Meta:
        model = Dataset
        fields = ("provider", "identifier", "title", "description", "keywords", "sector", "theme",
                  "update_frequency", "open_attribute", "record_count", "spatial_coverage", "temporal_start",
                  "temporal_end", "licence", "issued", "modified", "high_quality", "annotation_method",
                  "annotation_quality", "modality", "language", "size_bytes", "lineage", "grade", "is_published")
        labels = {"is_published": _("发布到目录")}
        widgets = {"temporal_start": DATE_INPUT, "temporal_end": DATE_INPUT, "issued": DATE_INPUT,
                   "modified": DATE_INPUT}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "f-%s")
        _check_a_copy(kwargs)
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # No blank choice: the first organisation is preselected, as most providers act for one.
            self.fields["provider"] = OrganisationField(
                label=_("数据提供方"), queryset=selectors.organisations_acting_for(user, "add"), empty_label=None)
        else:
            del self.fields["identifier"], self.fields["provider"], self.fields["place"]

    def changes(self) -> dict[str, Any]:
        """The service's keyword arguments for the dataset's catalogue fields (identifier, provider and place
        apart)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name not in {"identifier", "provider", "place"}}


class DistributionForm(forms.ModelForm):
    """One row of the distributions table; a blank identifier is given one by the service (`<dataset>-<n>`)."""

    class Meta:
        model = Distribution
        fields = ("identifier", "title", "format", "media_type", "access_url", "download_url", "byte_size",
                  "licence")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identifier"].required = False
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        if not values.get("identifier"):
            values.pop("identifier", None)
        return values


class BaseDistributionFormSet(forms.BaseFormSet):
    """The table of a dataset's distributions. Saving replaces them by the table (the service does), so every row
    is a new one: a row left blank, an emptied existing row included, is not saved and is never an error."""

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return int(super().total_form_count())
        return len(self.initial or ()) + self.extra

    def filled(self) -> list[DistributionForm]:
        """The rows the user filled in, in page order (after `is_valid()`)."""
        return [form for form in self.forms if form.has_changed()]


MAX_DISTRIBUTIONS = 50
DistributionFormSet = forms.formset_factory(DistributionForm, formset=BaseDistributionFormSet, extra=2,
                                            max_num=MAX_DISTRIBUTIONS, absolute_max=MAX_DISTRIBUTIONS)


def distribution_formset(data: Any = None, *, dataset: Dataset | None = None) -> BaseDistributionFormSet:
    """The distributions table: posted rows, or the dataset's distributions and two blank rows to add more."""
    initial = None
    if data is None and dataset is not None:
        initial = [{name: getattr(d, name) for name in DistributionForm.Meta.fields}
                   for d in dataset.distributions.all()]
    return cast(BaseDistributionFormSet, DistributionFormSet(data, initial=initial, prefix="dist", auto_id="%s"))


class DataServiceForm(forms.ModelForm):
    """A data service (dcat:DataService) entered by hand: a new one names its providing organisation (one the user
    acts for) and its identifier. It serves datasets the user may see, offered from the user's own and those it
    serves now."""

    class Meta:
        model = DataService
        fields = ("provider", "identifier", "title", "description", "endpoint_url", "endpoint_description",
                  "is_published", "serves")
        labels = {"is_published": _("发布到目录"), "serves": _("提供的数据集")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "s-%s")
        _check_a_copy(kwargs)
        super().__init__(*args, **kwargs)
        service = self.instance if self.instance.pk is not None else None
        self.fields["serves"] = forms.ModelMultipleChoiceField(
            label=_("提供的数据集"), required=False, queryset=selectors.service_dataset_choices(user, service))
        if service is None:
            self.fields["provider"] = OrganisationField(
                label=_("数据提供方"), queryset=selectors.organisations_acting_for(user, "add"), empty_label=None)
        else:
            del self.fields["identifier"], self.fields["provider"]

    def changes(self) -> dict[str, Any]:
        """The service's keyword arguments (identifier and provider apart); `serves` as ids."""
        values = {name: value for name, value in self.cleaned_data.items() if name not in {"identifier", "provider"}}
        values["serves"] = [d.pk for d in values.get("serves", [])]
        return values


class CatalogueImportForm(forms.Form):
    """The catalogue import's choices beside the file: its format (guessed from the name and content when not
    chosen) and the organisation that records of publishers not on the platform are registered for."""

    format = forms.ChoiceField(label=_("格式"), required=False, choices=CATALOGUE_FORMATS)
    validate_only = forms.BooleanField(label=_("仅按 DCAT-AP 3 约束校验，不导入"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"] = OrganisationField(
            label=_("代为登记的提供方（发布者不在本平台时）"), required=False,
            queryset=selectors.organisations_acting_for(user, "add"))


class HarvestSourceForm(forms.ModelForm):
    """An official registers a remote catalogue of a jurisdiction they act for, for a provider organisation."""

    class Meta:
        model = HarvestSource
        fields = ("name", "url", "format", "schedule")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "h-%s")
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"] = JurisdictionField(
            label=_("辖区"), queryset=core_selectors.jurisdictions_to_add_in(user), empty_label=None)
        self.fields["provider"] = OrganisationField(label=_("数据提供方"),
                                                    queryset=core_selectors.organisations(user))


class HarvestRunForm(forms.Form):
    source = forms.IntegerField(widget=forms.HiddenInput)
