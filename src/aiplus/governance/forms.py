"""The forms of ethics review's pages. Each maps onto one service's arguments; bounds are the models' fields'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import pickers
from aiplus.governance import selectors
from aiplus.governance.models import (
    Advice,
    CommitteeMember,
    Entrustment,
    EthicsApplication,
    EthicsCommittee,
    FollowUp,
    PanelVote,
    Procedure,
    Vote,
)

DATE = forms.DateInput(attrs={"type": "date"})


class CommitteeForm(forms.ModelForm):
    organisation = pickers.OrganisationField(label=_("设立单位"), queryset=None)

    class Meta:
        model = EthicsCommittee
        fields = ("organisation", "name", "established_on")
        widgets = {"established_on": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_acting_for(user)  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"organisation_id": data["organisation"].pk, "name": data["name"],
                "established_on": data["established_on"]}


class MemberForm(forms.ModelForm):
    user = pickers.PersonField(label=_("委员"), queryset=None)

    class Meta:
        model = CommitteeMember
        fields = ("user", "role", "discipline", "field_of_work", "gender", "external", "term_start", "term_end",
                  "trained_on", "training")
        widgets = {"term_start": DATE, "term_end": DATE, "trained_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.candidate_users()  # type: ignore[attr-defined]

    def _post_clean(self) -> None:  # the service validates the member against its committee
        pass

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["user_id"] = data.pop("user").pk
        return data


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = EthicsCommittee
        fields = ("registered_on", "registration_number")
        widgets = {"registered_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registered_on"].required = True
        self.fields["registration_number"].required = True

    def _post_clean(self) -> None:
        pass


_MATERIAL_FIELDS = ("listed_item", "overview", "plan", "qualifications", "consent", "commitment", "other")


class ApplicationForm(forms.ModelForm):
    committee = forms.ModelChoiceField(label=_("审查委员会"), queryset=EthicsCommittee.objects.none())

    class Meta:
        model = EthicsApplication
        fields = ("committee", "title", *_MATERIAL_FIELDS)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = selectors.committees_to_apply_to(user)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["committee_id"] = data.pop("committee").pk
        return data


class MaterialsForm(forms.ModelForm):
    class Meta:
        model = EthicsApplication
        fields = _MATERIAL_FIELDS

    def _post_clean(self) -> None:
        pass


class SubmitForm(forms.Form):
    """Submitting takes no input: the button says it all."""


class ExamineForm(forms.Form):
    procedure = forms.ChoiceField(label=_("审查程序"), choices=Procedure.choices)
    requested_other = forms.CharField(label=_("要求补充的其他材料（仅可在首次告知时提出）"), max_length=500,
                                      required=False)


class ReviewForm(forms.Form):
    """A review's minutes: the day, then for each serving member present / conflict / vote, then the opinion."""

    held_on = forms.DateField(label=_("审查日期"), widget=DATE)

    def __init__(self, *args: Any, members: list[CommitteeMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        votes = [("", "—"), *Vote.choices]
        for m in members:
            name = f"{m.user}（{m.get_discipline_display()}，{m.get_gender_display()}"
            name += f"，{_('单位外')}）" if m.external else "）"
            self.fields[f"present_{m.pk}"] = forms.BooleanField(label=_("%(n)s 到会") % {"n": name}, required=False)
            self.fields[f"conflict_{m.pk}"] = forms.BooleanField(label=_("%(n)s 利益冲突回避") % {"n": m.user},
                                                                 required=False)
            self.fields[f"vote_{m.pk}"] = forms.ChoiceField(label=_("%(n)s 表决意见") % {"n": m.user},
                                                            choices=votes, required=False)
        self.fields["opinion"] = forms.CharField(label=_("审查意见"), max_length=5000, required=False,
                                                 widget=forms.Textarea(attrs={"rows": 3}))

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"], "opinion": data.get("opinion", ""),
            "present": [m.pk for m in self.members if data.get(f"present_{m.pk}")],
            "conflicts": [m.pk for m in self.members if data.get(f"conflict_{m.pk}")],
            "votes": {m.pk: data[f"vote_{m.pk}"] for m in self.members if data.get(f"vote_{m.pk}")},
        }


class DrawForm(forms.Form):
    domains = forms.MultipleChoiceField(label=_("所需专业领域"), choices=())
    size = forms.IntegerField(label=_("复核专家人数"), min_value=1, max_value=1000)

    def __init__(self, *args: Any, field_choices: Any, minimum: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = field_choices  # type: ignore[attr-defined]
        self.fields["size"].initial = minimum


class OpinionForm(forms.Form):
    """A drawn expert's own re-review opinion (Art. 28)."""

    vote = forms.ChoiceField(label=_("复核意见"), choices=PanelVote.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("书面意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(forms.Form):
    follow_up = forms.ModelChoiceField(label=_("跟踪审查"), queryset=FollowUp.objects.none(),
                                       widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("审查日期"), widget=DATE)
    conclusion = forms.CharField(label=_("跟踪审查意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, follow_ups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["follow_up"].queryset = follow_ups  # type: ignore[attr-defined]


class ActivityRegistrationForm(forms.Form):
    """The registration a listed activity got on the national ethics registration platform."""

    registered_on = forms.DateField(label=_("清单内活动登记日期"), widget=DATE)
    registration_number = forms.CharField(label=_("清单内活动登记编号"), max_length=64)


class AnnualReportForm(forms.Form):
    """The year's report: the platform's figures for the year are shown above it; the committee adds remarks."""

    year = forms.TypedChoiceField(label=_("报告年度"), coerce=int, choices=())
    remarks = forms.CharField(label=_("委员会说明"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class CommitteeField(pickers.ModelPickerField):
    """A registered committee by its name or its unit's name."""

    kind = "committee"

    def names_of(self, choice: Any) -> list[str]:
        return [choice.name, choice.organisation.name]

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.organisation.name}）"


class EntrustmentForm(forms.ModelForm):
    organisation = pickers.OrganisationField(label=_("委托单位"), queryset=None)
    committee = CommitteeField(label=_("受托委员会"), queryset=None)

    class Meta:
        model = Entrustment
        fields = ("organisation", "committee", "agreed_on", "scope_text", "term_start", "term_end")
        widgets = {"agreed_on": DATE, "term_start": DATE, "term_end": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_acting_for(user)  # type: ignore[attr-defined]
        self.fields["committee"].queryset = selectors.entrustable_committees()  # type: ignore[attr-defined]

    def _post_clean(self) -> None:  # the service checks the entrustment
        pass

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation_id"] = data.pop("organisation").pk
        data["committee_id"] = data.pop("committee").pk
        return data


class AdviserForm(forms.Form):
    user = pickers.PersonField(label=_("独立顾问"), queryset=None)
    question = forms.CharField(label=_("咨询事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.candidate_users()  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        return {"user_id": self.cleaned_data["user"].pk, "question": self.cleaned_data["question"]}


class AdviceForm(forms.ModelForm):
    """The adviser's declaration and written opinion (no vote)."""

    no_conflict = forms.BooleanField(label=_("本人声明与该申请及申请单位无利益冲突"), required=False)

    class Meta:
        model = Advice
        fields = ("no_conflict", "opinion")
        widgets = {"opinion": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opinion"].required = True

    def _post_clean(self) -> None:
        pass
