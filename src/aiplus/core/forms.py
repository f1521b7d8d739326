from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from aiplus.core import pickers, signin
from aiplus.core.models import ChainLayer, Jurisdiction, OrganisationKind


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=OrganisationKind.choices)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    chain_layer = forms.ChoiceField(label=_("产业链层级"), choices=[("", "—"), *ChainLayer.choices], required=False)
    jurisdiction = pickers.JurisdictionField(label=_("所属辖区"), queryset=Jurisdiction.objects.none(),
                                             to_field_name="code")
    address = forms.CharField(label=_("地址"), max_length=300, required=False)

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions  # type: ignore[attr-defined]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100, required=False)


class RevokeTokenForm(forms.Form):
    """Which of the user's own tokens to revoke (any other id is not a choice)."""

    revoke: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args: Any, tokens: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revoke"].queryset = tokens  # type: ignore[attr-defined]


class TwoFactorStepForm(forms.Form):
    """What the two-factor page was asked to do: start a setup or confirm it, and where to go afterwards."""

    action = forms.ChoiceField(choices=[("start", "start"), ("confirm", "confirm")], required=False)
    next = forms.CharField(required=False, max_length=2000)

    def step(self) -> str:
        return self.cleaned_data.get("action", "") if self.is_valid() else ""

    def next_url(self) -> str:
        return self.cleaned_data.get("next", "") if self.is_valid() else ""


class SignInForm(AuthenticationForm):
    """Django's sign-in form, throttled (aiplus.core.signin): while a lock is in force for the username or the
    address, no password is checked and the form says until when; every other failure is counted."""

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        ip = signin.client_ip(self.request)
        lock = signin.lock(username, ip)
        if lock is not None:
            self.throttled = True
            raise forms.ValidationError(lock.message, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError as error:
            if not (username and self.cleaned_data.get("password")):
                raise
            started = signin.record_failure(username, ip, reason=getattr(error, "code", None) or "password")
            if started is None:
                raise
            self.throttled = True
            raise forms.ValidationError(f"{error.messages[0]} {started.message}", code="throttled") from error


class TotpCodeForm(forms.Form):
    code = forms.CharField(label=_("验证码"), max_length=10, strip=True,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "pattern": "[0-9 ]*", "autofocus": True}))
