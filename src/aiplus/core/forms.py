from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from aiplus.core import holidays, pickers, signin
from aiplus.core.models import ChainLayer, Jurisdiction, OrganisationKind
from aiplus.core.models.calendar import YEAR_MAX, YEAR_MIN


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


class HolidayNoticeForm(forms.Form):
    """One year's State Council holiday arrangement, typed from the notice (aiplus.core.holidays)."""

    year = forms.IntegerField(label=_("年份"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    title = forms.CharField(label=_("通知名称"), max_length=200,
                            help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知"))
    reference = forms.CharField(label=_("文号"), max_length=80, required=False)
    url = forms.URLField(label=_("原文链接"), max_length=500, required=False)
    days_off = forms.CharField(label=_("放假日期"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                               help_text=_("每行一个日期或区间，例如 2027-02-06..2027-02-12；含周末在内的整段假期。"))
    days_worked = forms.CharField(label=_("调休上班日期"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("需要上班的周六、周日，例如 2027-02-20。"))

    def arguments(self) -> dict[str, Any]:
        """The service's arguments; a bad day is a ServiceError naming its field."""
        data = self.cleaned_data
        year = data["year"]
        return {"year": year, "title": data["title"], "reference": data["reference"], "url": data["url"],
                "days_off": holidays.read_days(data["days_off"], year=year, field="days_off"),
                "days_worked": holidays.read_days(data["days_worked"], year=year, field="days_worked")}
