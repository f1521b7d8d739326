"""The measures forms: a registry record, its verification, a financing offer, a financing request, the financing
obtained and an organisation's indicators. Numbers take their domain from the model fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains, pickers
from aiplus.measures import selectors
from aiplus.measures.models import (
    Category,
    FinanceOffer,
    FinancingRequest,
    Indicators,
    OfferKind,
    Record,
    Register,
    Role,
    Stage,
)
from aiplus.scenarios import pack_rules


def _organisations(field: Any, queryset: Any) -> None:
    field.queryset = queryset


class ForOrganisation(forms.Form):
    """A form whose `organisation` picker becomes the service's `organisation_id`."""

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        organisation = data.pop("organisation")
        return {**data, "organisation_id": organisation.pk}


class RecordForm(ForOrganisation):
    organisation = pickers.OrganisationField(label=_("登记单位"), queryset=None)
    registry = forms.ChoiceField(label=_("登记簿"), choices=Register.choices)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    role = forms.ChoiceField(label=_("参与方式（标准）"), choices=[("", "—"), *Role.choices], required=False)
    title = forms.CharField(label=_("名称"), max_length=Record._meta.get_field("title").max_length)
    number = forms.CharField(label=_("编号（专利号、登记号、标准号或入选文号）"),
                             max_length=Record._meta.get_field("number").max_length)
    granted_on = forms.DateField(label=_("授权、登记、发布或入选日期"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label=_("证明材料（文件名称或编号）"),
                               max_length=Record._meta.get_field("evidence").max_length)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _organisations(self.fields["organisation"], selectors.organisations_acting_for(user))


class VerifyForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("核验结论"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("核验通过")), ("no", _("核验未通过"))])
    note = forms.CharField(label=_("核验意见"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class OfferForm(ForOrganisation):
    organisation = pickers.OrganisationField(label=_("金融机构"), queryset=None)
    title = forms.CharField(label=_("产品名称"), max_length=200)
    kind = forms.ChoiceField(label=_("融资方式"), choices=OfferKind.choices)
    terms = forms.CharField(label=_("支持方向与条件"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    sectors = forms.MultipleChoiceField(label=_("支持领域"), choices=lambda: pack_rules.domain_choices())
    stages = forms.MultipleChoiceField(label=_("支持阶段"), choices=Stage.choices,
                                       widget=forms.CheckboxSelectMultiple)
    nationwide = forms.BooleanField(label=_("面向全国（否则仅面向本辖区）"), required=False)
    amount_min_cny = domains.form_field(FinanceOffer, "amount_min_cny")
    amount_max_cny = domains.form_field(FinanceOffer, "amount_max_cny")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _organisations(self.fields["organisation"],
                       selectors.organisations_acting_for(user, kinds=("financial_institution",)))


class RequestForm(ForOrganisation):
    organisation = pickers.OrganisationField(label=_("融资单位"), queryset=None)
    title = forms.CharField(label=_("融资需求"), max_length=200)
    purpose = forms.CharField(label=_("资金用途"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    sector = forms.ChoiceField(label=_("所属领域"), choices=lambda: pack_rules.domain_choices())
    stage = forms.ChoiceField(label=_("发展阶段"), choices=Stage.choices)
    kinds = forms.MultipleChoiceField(label=_("期望的融资方式（不选则不限）"), choices=OfferKind.choices,
                                      required=False, widget=forms.CheckboxSelectMultiple)
    amount_cny = domains.form_field(FinancingRequest, "amount_cny")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _organisations(self.fields["organisation"],
                       selectors.organisations_acting_for(user, kinds=("enterprise", "opc")))


class FinancedForm(forms.Form):
    offer_id = forms.TypedChoiceField(label=_("获得融资的金融产品"), coerce=int, choices=())

    def __init__(self, *args: Any, offers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer_id"].choices = offers  # type: ignore[attr-defined]


class IndicatorsForm(ForOrganisation):
    organisation = pickers.OrganisationField(label=_("单位"), queryset=None)
    year = forms.IntegerField(label=_("统计年度"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("数据来源"), max_length=200)
    area_m2 = domains.form_field(Indicators, "area_m2", required=False)
    occupied_m2 = domains.form_field(Indicators, "occupied_m2", required=False)
    firms = domains.form_field(Indicators, "firms", required=False)
    output_cny = domains.form_field(Indicators, "output_cny", required=False)
    revenue_growth_pct = domains.form_field(Indicators, "revenue_growth_pct", required=False)
    valuation_cny = domains.form_field(Indicators, "valuation_cny", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _organisations(self.fields["organisation"], selectors.organisations_in_scope(user))


class TierFilterForm(forms.Form):
    tier = forms.ChoiceField(label=_("培育名单"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from aiplus.measures.cultivation import tier_choices

        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", _("全部企业")), *tier_choices()]  # type: ignore[attr-defined]
