"""The one picker: choose a jurisdiction, an organisation, a country or region, or a person by what a person calls
it — its Chinese name, its pinyin or pinyin initials, its English name or its code — never by an internal id.

Every form that asks for one of these uses a field from here:

    jurisdiction = JurisdictionField(queryset=selectors.jurisdictions())
    organisation = OrganisationField(queryset=allowed_organisations)
    country = CountryField()                    # ISO 3166-1 alpha-2 codes, names from CLDR (Babel)
    reviewer = PersonField(queryset=users)

The widget is a `<select>` whose options carry their search keys (`data-keys`); `static/aiplus/picker.js` adds a
search box above it that narrows the options as the user types (苏州, suzhou, szs). Without JavaScript the select
still works, and the field also accepts a typed value: a name, a code or unique pinyin initials resolve to the one
row they name (so "苏州市" and "suzhou" both mean the Suzhou jurisdiction), and an ambiguous or unknown value is an
error beside the field that says so.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin


@functools.lru_cache(maxsize=4096)
def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin without spaces and pinyin initials of the Chinese characters of `text` ("苏州市" → ("suzhoushi",
    "szs")); other characters are kept as they are, lower-cased."""
    if not text:
        return ("", "")
    full = "".join(lazy_pinyin(text, errors="default")).lower().replace(" ", "")
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")
    return (full, initials)


def search_keys(*names: str) -> str:
    """Everything a person may type to find a row: each name, its pinyin and its initials, lower-cased."""
    keys: list[str] = []
    for name in names:
        if not name:
            continue
        keys.append(name.lower())
        keys.extend(k for k in pinyin_keys(name) if k)
    return " ".join(dict.fromkeys(keys))


# The blank first option of every picker, in the page's language (Django's own "---------" is neither language).
EMPTY_LABEL = _("— 请选择 —")


def _matches(keys: str, typed: str) -> bool:
    return typed in keys.split(" ")


class PickerSelect(forms.Select):
    """A select whose options carry their search keys; picker.js adds the search box."""

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attrs.setdefault("data-picker", kind or "item")
        self.keys: dict[str, str] = {}

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = self.keys.get(str(getattr(value, "value", value)))
        if key:
            option["attrs"]["data-keys"] = key
        return option


class PickerSelectMultiple(PickerSelect, forms.SelectMultiple):
    """The picker for several choices: the same search box narrows the options, and nothing is selected for the
    person (they tick what they mean)."""

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, kind=kind, **kwargs)
        self.attrs.setdefault("size", "6")


class _ResolvesTypedNames:
    """Shared by the model and the country pickers: a typed name, code or pinyin key resolves to its one choice."""

    kind = "item"

    def names_of(self, choice: Any) -> Iterable[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def resolve(self, typed: str, candidates: Iterable[Any]) -> Any:
        wanted = typed.strip().lower()
        exact = [c for c in candidates if wanted in {n.lower() for n in self.names_of(c) if n}]
        if len(exact) == 1:
            return exact[0]
        by_keys = exact or [c for c in candidates if _matches(search_keys(*self.names_of(c)), wanted)]
        if len(by_keys) == 1:
            return by_keys[0]
        if by_keys:
            raise ValidationError(_("“%(value)s”对应多个选项，请从列表中选择。"), code="ambiguous",
                                  params={"value": typed[:50]})
        raise ValidationError(_("找不到“%(value)s”，请从列表中选择。"), code="invalid_choice",
                              params={"value": typed[:50]})


class _ReadOnce(ModelChoiceIterator):
    """The choices from the rows the field has read once (`ModelPickerField.rows`), so that drawing a picker and its
    search keys costs one query, not three (Django's iterator counts, then reads again)."""

    def _rows(self) -> list[Model]:
        return cast(ModelPickerField, self.field).rows()

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self._rows():
            yield self.choice(row)

    def __len__(self) -> int:
        return len(self._rows()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self._rows())


class ModelPickerField(_ResolvesTypedNames, forms.ModelChoiceField):
    """A ModelChoiceField that shows and searches rows by their names, and accepts a typed name or code."""

    name_fields: tuple[str, ...] = ("name",)
    iterator = _ReadOnce
    _rows: list[Model] | None = None

    def rows(self) -> list[Model]:
        """The choices' rows, read once per form (a new queryset reads them again)."""
        if self._rows is None:
            self._rows = list(self.queryset)
        return self._rows

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PickerSelect(kind=self.kind))
        kwargs.setdefault("empty_label", EMPTY_LABEL)
        super().__init__(*args, **kwargs)

    def names_of(self, choice: Any) -> Iterable[str]:
        return [str(getattr(choice, f, "") or "") for f in self.name_fields]

    def label_from_instance(self, obj: Model) -> str:
        language = (get_language() or "zh-hans").lower()
        display = getattr(obj, "display_name", None)
        if callable(display):
            return str(display(language))
        return str(obj)

    def _set_queryset(self, queryset: Any) -> None:  # keep the widget's keys in step with the choices
        super()._set_queryset(queryset)  # type: ignore[misc]
        self._keys_ready = False
        self._rows = None

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[attr-defined]

    def get_bound_field(self, form: Any, field_name: str) -> Any:
        if not getattr(self, "_keys_ready", False) and isinstance(self.widget, PickerSelect):
            self.widget.keys = {str(getattr(row, self.to_field_name or "pk")): search_keys(*self.names_of(row))
                                for row in self.rows()}
            self._keys_ready = True
        return super().get_bound_field(form, field_name)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if len(text) > 200:
            raise ValidationError(_("输入过长。"), code="max_length")
        if text.isdigit() and len(text) < 19:
            found = self.queryset.filter(pk=int(text)).first()
            if found is not None:
                return found
        return self.resolve(text, self.rows())


# What a place's name may end in that people leave out when they say it: "苏州" is 苏州市, "江苏" is 江苏省.
PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "新区", "市", "省", "区", "县")


def short_place_name(name: str) -> str:
    """A place's name as people say it without its suffix ("苏州市" → "苏州"); the name itself when nothing shorter
    than two characters would be left."""
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class JurisdictionField(ModelPickerField):
    """A jurisdiction by its Chinese name with or without its suffix ("苏州市", "苏州"), its English name, its code,
    or its pinyin ("suzhou") or initials."""

    kind = "jurisdiction"
    name_fields = ("name_zh", "name_en", "code")

    def names_of(self, choice: Any) -> Iterable[str]:
        names = list(super().names_of(choice))
        return [*names, short_place_name(names[0])]


class JurisdictionsField(forms.ModelMultipleChoiceField):
    """Several jurisdictions, picked in the multiple picker (sent as their codes); each sent value may also be a
    typed name, code or pinyin as `JurisdictionField` reads it, and a typed value may list several separated by
    commas. Cleans to the rows, in the order given, each once."""

    MAX_PLACES = 50

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PickerSelectMultiple(kind=JurisdictionField.kind))
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)
        self.one = JurisdictionField(queryset=self.queryset)

    def label_from_instance(self, obj: Model) -> str:
        return self.one.label_from_instance(obj)

    def get_bound_field(self, form: Any, field_name: str) -> Any:
        if isinstance(self.widget, PickerSelect) and not self.widget.keys:
            self.widget.keys = {str(row.code): search_keys(*self.one.names_of(row))  # type: ignore[attr-defined]
                                for row in self.one.rows()}
        return super().get_bound_field(form, field_name)

    def clean(self, value: Any) -> list[Any]:  # type: ignore[override]  # the rows in the order given
        sent = value if isinstance(value, list | tuple) else [value]
        parts = [part.strip() for item in sent if isinstance(item, str)
                 for part in item.replace("，", ",").replace("\n", ",").split(",") if part.strip()]
        if not parts:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(parts) > self.MAX_PLACES:
            raise ValidationError(_("最多选择%(n)s项。"), code="max_length", params={"n": self.MAX_PLACES})
        rows = [self.one.clean(part) for part in parts]
        return list({row.pk: row for row in rows}.values())


class OrganisationField(ModelPickerField):
    kind = "organisation"
    name_fields = ("name", "name_en", "credit_code")


class PersonField(ModelPickerField):
    kind = "person"
    name_fields = ("display_name", "username")


@functools.lru_cache(maxsize=4)
def country_names(language: str) -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → name in `language`, from CLDR through Babel (regions such as 419 left out)."""
    from babel import Locale

    locale = Locale.parse("zh_Hans_CN" if language.startswith("zh") else "en")
    return {code: name for code, name in locale.territories.items() if len(code) == 2 and code.isalpha()
            and code not in {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"}}


class CountryField(_ResolvesTypedNames, forms.ChoiceField):
    """A country or region, stored as its ISO 3166-1 alpha-2 code, chosen or typed by its Chinese or English name."""

    kind = "country"

    def __init__(self, *args: Any, exclude: Iterable[str] = ("CN",), **kwargs: Any) -> None:
        self.excluded = frozenset(exclude)
        kwargs.setdefault("widget", PickerSelect(kind=self.kind))
        super().__init__(*args, choices=self._choices_now, **kwargs)

    def _choices_now(self) -> list[tuple[str, Any]]:
        language = (get_language() or "zh-hans").lower()
        names = country_names(language)
        choices = sorted(((c, n) for c, n in names.items() if c not in self.excluded),
                         key=lambda item: pinyin_keys(item[1])[0] if language.startswith("zh") else item[1])
        if isinstance(self.widget, PickerSelect):
            self.widget.keys = {c: search_keys(c, country_names("zh-hans").get(c, ""), country_names("en").get(c, ""))
                                for c, _n in choices}
        return [("", EMPTY_LABEL), *choices]

    def names_of(self, choice: Any) -> Iterable[str]:
        return [choice, country_names("zh-hans").get(choice, ""), country_names("en").get(choice, "")]

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        if len(text) > 100:
            raise ValidationError(_("输入过长。"), code="max_length")
        codes = [c for c in country_names("en") if c not in self.excluded]
        return str(self.resolve(text, codes))

    def valid_value(self, value: Any) -> bool:
        return value in country_names("en") and value not in self.excluded
