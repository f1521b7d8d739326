"""An observation's value driven with hostile numbers (hypothesis) through the API and the page form: each refused
naming the field, nothing written; values within the indicator's bounds round-trip exactly."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aiplus.core import testing
from aiplus.core.models import Jurisdiction
from aiplus.insights.models import Observation

pytestmark = pytest.mark.django_db


def _payload(place):
    today = timezone.localdate()
    return {"indicator": "ai_industry_scale_cny", "jurisdiction_id": place.pk,
            "as_of": str(today - dt.timedelta(days=3)), "value": 1, "source": "统计局",
            "source_date": str(today - dt.timedelta(days=1))}


def test_a_hostile_value_is_a_4xx_naming_the_field_and_writes_nothing(world):
    official = world.user("official", "suzhou")
    api, page = testing.bearer(official), testing.signed_in(official)
    place = Jurisdiction.objects.get(code="suzhou-sip")
    payload = _payload(place)
    testing.assert_hostile_numbers_refused(
        lambda text: api.post("/api/v1/insights/observations", testing.json_with(payload, ("value",), text),
                              content_type="application/json"), Observation, "value", Observation)
    form = {"action": "enter", **{f"entry-{k}": v for k, v in payload.items() if k != "jurisdiction_id"},
            "entry-jurisdiction": place.pk}

    @given(text=testing.out_of_domain(Observation, "value"))
    @testing.domain_settings(10)
    def hostile_form(text: str) -> None:
        before = testing.written(Observation)
        response = page.post("/insights/statistics/", {**form, "entry-value": text.strip('"')})
        testing.assert_page_refused_naming(response, "value")
        assert testing.written(Observation) == before

    hostile_form()


def test_a_value_within_the_indicators_bounds_round_trips(world):
    api = testing.bearer(world.user("official", "suzhou"))
    payload = _payload(Jurisdiction.objects.get(code="suzhou-sip"))

    @given(value=st.one_of(st.sampled_from([Decimal(0), Decimal("999999999999")]),
                           st.decimals(0, Decimal("999999999999"), places=3, allow_nan=False,
                                       allow_infinity=False)))
    @testing.domain_settings(8)
    def round_trip(value: Decimal) -> None:
        response = api.post("/api/v1/insights/observations",
                            testing.json_with(payload, ("value",), testing.literal(value)),
                            content_type="application/json")
        assert response.status_code == 201, response.content
        assert Decimal(json.loads(response.content)["value"]) == value
        assert Observation.objects.get(pk=response.json()["id"]).value == value

    round_trip()
