"""The datahub's page forms: Django forms read and check what a page posts (never `request.POST` by hand), and
keep what was typed when the service refuses it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.datahub.models import AccessRequest


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


