"""The forms of participation's pages. Each maps onto one service's arguments; bounds are the models' fields'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import pickers
from aiplus.participation import selectors
from aiplus.participation.models import (
    AssociationMember,
    Comment,
    CommentGroup,
    Consultation,
    Event,
    GroupStandard,
    Notice,
    Pledge,
    Registration,
)

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _Publishing(forms.ModelForm):
    """A record an official publishes in one of their jurisdictions."""

    jurisdiction = pickers.JurisdictionField(label=_("辖区"), queryset=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = selectors.publishing_jurisdictions(user)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:  # the service validates the row
        pass

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["jurisdiction_id"] = data.pop("jurisdiction").pk
        return data


class NoticeForm(_Publishing):
    class Meta:
        model = Notice
        fields = ("jurisdiction", "kind", "title", "title_en", "document_number", "issuer", "effective_on",
                  "expires_on", "body", "is_published")
        widgets = {"effective_on": DATE, "expires_on": DATE}


class NoticeEditForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ("kind", "title", "title_en", "document_number", "issuer", "effective_on", "expires_on", "body")
        widgets = {"effective_on": DATE, "expires_on": DATE}

    def _post_clean(self) -> None:
        pass


class PublishForm(forms.Form):
    is_published = forms.BooleanField(required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("PDF、PNG 或 JPEG，最大 10 MiB。"))


class EventForm(_Publishing):
    class Meta:
        model = Event
        fields = ("jurisdiction", "title", "title_en", "venue", "starts_at", "ends_at", "registration_closes_at",
                  "capacity", "description", "is_published")
        widgets = {"starts_at": MOMENT, "ends_at": MOMENT, "registration_closes_at": MOMENT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registration_closes_at"].required = False


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ("name", "organisation_name")

    def _post_clean(self) -> None:
        pass


class RegistrationActionForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConsultationForm(_Publishing):
    class Meta:
        model = Consultation
        fields = ("jurisdiction", "subject_kind", "title", "title_en", "draft")


class CommentForm(forms.ModelForm):
    """A comment, with the trap field `website` people never see (hidden from view and from assistive technology)."""

    website = forms.CharField(label=_("网站"), required=False, max_length=200, widget=forms.TextInput(
        attrs={"autocomplete": "off", "tabindex": "-1"}))

    class Meta:
        model = Comment
        fields = ("display_name", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].help_text = _("可不填（匿名）。")

    def _post_clean(self) -> None:
        pass


class GroupForm(forms.ModelForm):
    class Meta:
        model = CommentGroup
        fields = ("title",)

    def _post_clean(self) -> None:
        pass


class ModerationForm(forms.Form):
    comment = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(label=_("审核结论"), choices=(("approve", _("公开")), ("reject", _("不予公开"))))
    group = forms.ModelChoiceField(label=_("意见归类"), queryset=CommentGroup.objects.none(), required=False)
    note = forms.CharField(label=_("审核说明"), max_length=200, required=False)

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"comment_id": data["comment"], "decision": data["decision"],
                "group_id": data["group"].pk if data["group"] else None, "note": data["note"]}


class ResponseForm(forms.Form):
    group = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    response = forms.CharField(label=_("采纳情况与理由"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))


class AssociationForm(forms.Form):
    organisation = pickers.OrganisationField(label=_("行业协会"), queryset=None)
    description = forms.CharField(label=_("简介"), required=False, max_length=20000, widget=forms.Textarea(
        attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.registrable_associations(user)  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        return {"organisation_id": self.cleaned_data["organisation"].pk,
                "description": self.cleaned_data["description"]}


class MemberForm(forms.ModelForm):
    organisation = pickers.OrganisationField(label=_("会员单位"), queryset=None)

    class Meta:
        model = AssociationMember
        fields = ("organisation", "joined_on")
        widgets = {"joined_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_for_membership()  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass

    def arguments(self) -> dict[str, Any]:
        return {"organisation_id": self.cleaned_data["organisation"].pk, "joined_on": self.cleaned_data["joined_on"]}


class StandardForm(forms.ModelForm):
    class Meta:
        model = GroupStandard
        fields = ("code", "title", "published_on", "effective_on", "summary")
        widgets = {"published_on": DATE, "effective_on": DATE}

    def _post_clean(self) -> None:
        pass


class PledgeForm(forms.ModelForm):
    class Meta:
        model = Pledge
        fields = ("title", "text")

    def _post_clean(self) -> None:
        pass


class SignForm(forms.Form):
    pledge = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(label=_("签署单位"), queryset=None)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
