"""`core.access.get_for` (404 when invisible, 403 when visible but not allowed), the one picker (names, pinyin,
initials, codes; ambiguity said), and the one formatter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from aiplus.core import formatting, pickers
from aiplus.core.access import get_for
from aiplus.core.errors import NotFoundError, PermissionDeniedError
from aiplus.core.models import Jurisdiction, Organisation


@pytest.mark.django_db
def test_get_for_hides_what_the_user_cannot_see_and_refuses_what_they_cannot_do(world) -> None:
    shenzhen = world.orgs["shenzhen:enterprise"]
    suzhou = world.orgs["suzhou:enterprise"]
    official = world.user("official")
    assert get_for(official, "change", Organisation, pk=suzhou.pk) == suzhou
    with pytest.raises(NotFoundError):
        get_for(world.user("enterprise_member", "suzhou"), "view", Organisation, pk=shenzhen.pk + 10**6)
    with pytest.raises(NotFoundError):
        get_for(official, "view", Organisation, pk="not-a-number")
    with pytest.raises(NotFoundError):
        get_for(official, "view", Organisation, pk=2**70)
    auditor = world.user("auditor")
    assert get_for(auditor, "view", Organisation, pk=suzhou.pk) == suzhou
    with pytest.raises(PermissionDeniedError):
        get_for(auditor, "change", Organisation, pk=suzhou.pk)
    # a selector's queryset decides what "view" means
    with pytest.raises(NotFoundError):
        get_for(official, "view", Organisation.objects.none(), pk=suzhou.pk)


def test_pinyin_keys() -> None:
    assert pickers.pinyin_keys("苏州市") == ("suzhoushi", "szs")
    keys = pickers.search_keys("苏州市", "Suzhou", "suzhou")
    assert {"苏州市", "suzhoushi", "szs", "suzhou"} <= set(keys.split(" "))


class _Form(forms.Form):
    place = pickers.JurisdictionField(queryset=Jurisdiction.objects.all())


class _CountryForm(forms.Form):
    country = pickers.CountryField(required=False)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["苏州市", "suzhou", "Suzhou", "suzhoushi"])
def test_a_jurisdiction_is_chosen_by_what_a_person_calls_it(reference, typed) -> None:
    form = _Form({"place": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"].code == "suzhou"


@pytest.mark.django_db
def test_an_unknown_or_ambiguous_name_is_an_error_beside_the_field(reference) -> None:
    for typed, words in (("nowhere", "找不到"), ("szs", "对应多个选项"), ("x" * 300, "过长")):
        form = _Form({"place": typed})
        assert not form.is_valid()
        assert words in form.errors["place"][0]


@pytest.mark.django_db
def test_the_picker_options_carry_their_search_keys(reference) -> None:
    html = str(_Form()["place"])
    assert 'data-picker="jurisdiction"' in html and "suzhoushi" in html


@pytest.mark.django_db
def test_the_empty_option_reads_in_the_page_language(reference) -> None:
    # Django's "---------" reads in neither language; the blank option is a translated label, drawn per request.
    for language, words in (("zh-hans", "请选择"), ("en", "Choose")):
        with translation.override(language):
            for html in (str(_Form()["place"]), str(_CountryForm()["country"])):
                assert words in html and "---------" not in html


class _PlacesForm(forms.Form):
    places = pickers.JurisdictionsField(queryset=Jurisdiction.objects.order_by("level", "code"), required=False)


@pytest.mark.django_db
@pytest.mark.parametrize(("sent", "codes"), [
    (["suzhou", "shenzhen"], ["suzhou", "shenzhen"]),  # ticked in the multiple picker: sent as codes
    (["深圳市，苏州", "suzhou"], ["shenzhen", "suzhou"]),  # typed, by name, separated by commas; each once
    ([], []),
])
def test_several_places_are_picked_or_typed_by_name(reference, sent, codes) -> None:
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.setlist("places", sent)
    form = _PlacesForm(data)
    assert form.is_valid(), form.errors
    assert [row.code for row in form.cleaned_data["places"]] == codes


@pytest.mark.django_db
def test_the_multiple_picker_refuses_unknown_places_and_too_many_and_carries_its_keys(reference) -> None:
    from django.http import QueryDict

    for sent, words in ((["suzhou", "nowhere"], "找不到"), (["suzhou"] * 51, "最多选择")):
        data = QueryDict(mutable=True)
        data.setlist("places", sent)
        form = _PlacesForm(data)
        assert not form.is_valid() and words in form.errors["places"][0]
    html = str(_PlacesForm()["places"])
    assert "multiple" in html and 'data-picker="jurisdiction"' in html and "suzhoushi" in html


@pytest.mark.parametrize("typed", ["德国", "Germany", "DE", "de", "deguo"])
def test_a_country_is_chosen_by_its_chinese_or_english_name_or_code(typed) -> None:
    form = _CountryForm({"country": typed})
    form.is_valid()
    assert form.cleaned_data.get("country") == "DE", form.errors


def test_the_country_picker_refuses_the_mainland_and_unknown_names() -> None:
    for typed in ("CN", "中国", "Atlantis"):
        form = _CountryForm({"country": typed})
        form.is_valid()
        assert "country" in form.errors


def test_a_coded_item_reads_as_its_wording_in_the_page_language() -> None:
    # A rule parameter's structured value (a questionnaire item, a grade) is shown with `text`: its {zh, en} wording
    # in the page's language, never its code, a Python literal or scientific notation.
    item = {"code": "reach", "kind": "impact", "text": {"zh": "受影响的人数", "en": "People affected"},
            "choices": [{"code": "medium", "weight": Decimal("1E+1"),
                         "text": {"zh": "1万至100万人", "en": "10,000 to 1m"}}]}
    with translation.override("zh-hans"):
        shown = formatting.text(item)
        assert shown == "受影响的人数 10 1万至100万人", shown
        assert formatting.text({"zh": "", "en": "only English"}) == "only English"
    with translation.override("en"):
        assert formatting.text(item) == "People affected 10 10,000 to 1m"
    # a mapping without wording keeps every value (nothing is dropped that a person would need)
    assert formatting.text({"code": "x1", "weight": 2}) == "x1 2"


def test_the_formatter_never_shows_a_raw_value() -> None:
    with translation.override("zh-hans"):
        assert formatting.money(Decimal("1234.5")) == "1,234.50 元"
        assert formatting.money(Decimal("3500000")) == "350.00 万元"
        assert formatting.money(None) == formatting.DASH
        assert formatting.money(Decimal("Infinity")) == formatting.DASH
        assert formatting.percent(0.256) == "25.6%"
        assert formatting.span(10, None) == "10 起"
        assert formatting.duration(93_600) == "1 天 2 小时"
        assert formatting.day(dt.date(2026, 12, 5)) == "2026-12-05"
        assert formatting.text(True) == "是" and formatting.text(None) == formatting.DASH
    with translation.override("en"):
        assert formatting.duration(3_900) == "1 h 5 min"
        assert formatting.money(Decimal("3500000")) == "CNY 3.50 million"
        assert formatting.money(Decimal("12.5")) == "CNY 12.50"
