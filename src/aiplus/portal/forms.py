from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core.models import ChainLayer, OrganisationKind
from aiplus.portal.templatetags.localized import localized_value


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=OrganisationKind.choices)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    chain_layer = forms.ChoiceField(label=_("产业链层级"), choices=[("", "—"), *ChainLayer.choices], required=False)
    jurisdiction = forms.ChoiceField(label=_("所属辖区"))
    address = forms.CharField(label=_("地址"), max_length=300, required=False)

    def __init__(self, *args, jurisdictions=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(j.code, localized_value(j, "name")) for j in jurisdictions]  # type: ignore[attr-defined]


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("事件"), required=False)
    actor = forms.CharField(label=_("操作人"), required=False)
    object_type = forms.CharField(label=_("对象类型"), required=False)
    jurisdiction = forms.CharField(label=_("辖区代码"), required=False)
    request_id = forms.CharField(label=_("请求编号"), required=False)
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
