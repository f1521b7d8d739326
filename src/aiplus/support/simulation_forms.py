"""The policy simulation form: one field per number the programme reads (its rate, caps, fixed amounts, tier
bounds, condition bounds, budget), each starting at today's value, and per eligibility condition a box to drop it
and, for a condition on the kind of body or the level of a standard, the values it accepts. Every number is
bounded where its field is defined: a rate is a share from 0 to 1, an amount is money (`domains.form_field`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiplus.core import domains
from aiplus.core.models.organisations import OrganisationKind
from aiplus.regulation.runtime import parameters
from aiplus.support import programmes
from aiplus.support.engine import Programme
from aiplus.support.engine.scenario import Change, rate_keys
from aiplus.support.models import Budget

# conditions whose accepted values an official may choose, and the vocabulary they choose from
VALUE_CHOICES: dict[str, Any] = {"org_kind": OrganisationKind.choices, "standard_level": programmes.STANDARD_LEVELS}


def roles(programme: Programme) -> list[tuple[str, str, Any]]:
    """(field name, parameter key, label) for each number the programme reads, first role first; a key read in two
    roles (a cap per award that is also the cap per year) is one field."""
    found: list[tuple[str, str, Any]] = []
    amount = programme.amount
    if amount.rate:
        found.append(("rate", amount.rate, _("补贴比例")))
    if amount.amount:
        found.append(("fixed_amount", amount.amount, _("定额（元）")))
    for number, tier in enumerate(amount.tiers, start=1):
        if tier.minimum:
            found.append((f"tier{number}_minimum", tier.minimum, _("第 %(n)s 档下限（元）") % {"n": number}))
        if tier.amount:
            found.append((f"tier{number}_amount", tier.amount, _("第 %(n)s 档定额（元）") % {"n": number}))
        if tier.rate:
            found.append((f"tier{number}_rate", tier.rate, _("第 %(n)s 档比例") % {"n": number}))
    caps = programme.caps
    for name, key, label in (("cap_per_award", caps.per_award, _("单项上限（元）")),
                             ("cap_per_year", caps.per_year, _("每年上限（元）")),
                             ("cap_per_applicant", caps.per_applicant, _("每家单位累计上限（元）"))):
        if key:
            found.append((name, key, label))
    for index, condition in enumerate(programme.eligibility):
        if condition.parameter:
            found.append((f"condition{index}_bound", condition.parameter, programmes.title(condition.text)))
    if programme.budget:
        found.append(("budget", programme.budget, _("年度预算（元）")))
    seen: set[str] = set()
    unique = []
    for name, key, label in found:
        if key not in seen:
            seen.add(key)
            unique.append((name, key, label))
    return unique


class SimulationForm(forms.Form):
    """Built for one programme; `change()` is what differs from today's programme."""

    def __init__(self, *args: Any, programme: Programme, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.current: dict[str, Decimal] = {}
        self.keys: dict[str, str] = {}
        registry = parameters()
        rates = rate_keys(programme)
        for name, key, label in roles(programme):
            value = registry.version(key, on).decimal
            self.current[name] = value
            self.keys[name] = key
            if key in rates:
                field: forms.Field = forms.DecimalField(label=label, min_value=Decimal(0), max_value=Decimal(1),
                                                        max_digits=5, decimal_places=4,
                                                        help_text=_("0 到 1 之间的比例，例如 0.2 即 20%。"))
            else:
                field = domains.form_field(Budget, "amount_cny", label=label)
            field.initial = value
            self.fields[name] = field
        for index, condition in enumerate(programme.eligibility):
            text = programmes.title(condition.text)
            self.fields[f"drop_{index}"] = forms.BooleanField(
                label=_("不再要求：%(condition)s") % {"condition": text}, required=False)
            choices = VALUE_CHOICES.get(condition.fact)
            if choices and condition.op in {"eq", "in"}:
                current = condition.value if isinstance(condition.value, list) else [condition.value]
                self.fields[f"condition{index}_values"] = forms.MultipleChoiceField(
                    label=_("可申报的范围：%(condition)s") % {"condition": text}, choices=choices, required=False,
                    initial=current, widget=forms.CheckboxSelectMultiple)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(len(self.programme.eligibility)):
            name = f"condition{index}_values"
            if name in self.fields and name in data and not data[name] and not data.get(f"drop_{index}"):
                self.add_error(name, _("请至少选择一项，或勾选不再要求该条件。"))
        return data

    def change(self) -> Change:
        data = self.cleaned_data
        values = {self.keys[name]: data[name] for name in self.keys
                  if data.get(name) is not None and data[name] != self.current[name]}
        dropped = frozenset(i for i in range(len(self.programme.eligibility)) if data.get(f"drop_{i}"))
        condition_values: dict[int, tuple[str, ...]] = {}
        for index, condition in enumerate(self.programme.eligibility):
            chosen = data.get(f"condition{index}_values")
            if index in dropped or not chosen:
                continue
            current = condition.value if isinstance(condition.value, list) else [condition.value]
            if sorted(chosen) != sorted(str(v) for v in current):
                condition_values[index] = tuple(chosen)
        return Change(values=values, dropped=dropped, condition_values=condition_values)

    def number_fields(self) -> list[Any]:
        return [self[name] for name in self.keys]

    def condition_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.keys]
