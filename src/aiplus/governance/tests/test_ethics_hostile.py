"""Hostile input to ethics review: unknown fields, out-of-bounds text and lists, malformed dates and ids, forms
posted by the wrong people. Each is a 4xx naming its field (or a 403/404), and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance.models import EthicsApplication, Review

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("payload", "field"), [
    ({"title": "x", "committee_id": 0, "sneaky": 1}, "sneaky"),
    ({"title": "x" * 201}, "title"),
    ({"title": "x", "overview": "长" * 5001}, "overview"),
    ({"title": "x", "listed_item": "not-a-list-item"}, "listed_item"),
    ({"title": ""}, "title"),
])
def test_bad_applications_are_refused_naming_the_field(ethics: Any, payload: dict[str, Any], field: str) -> None:
    client = signed_in(ethics.applicant)
    before = written(EthicsApplication)
    answer = client.post(operation("aiplus_governance_api_create_application"),
                         {"committee_id": ethics.committee.pk, **payload}, content_type="application/json")
    assert_refused_naming(answer, field)
    assert written(EthicsApplication) == before


@pytest.mark.parametrize(("payload", "field"), [
    ({"held_on": "2026-13-01"}, "held_on"),
    ({"present": list(range(201))}, "present"),
    ({"votes": {"abc": "approve"}}, "votes"),
    ({"votes": {"1": "x" * 100}}, "votes"),
    ({"present": "1,2,3"}, "present"),
])
def test_bad_reviews_are_refused_naming_the_field(ethics: Any, make_application: Any, payload: dict[str, Any],
                                                  field: str) -> None:
    application = make_application()
    chair = signed_in(ethics.chair)
    chair.post(operation("aiplus_governance_api_examine_application", application_id=application.pk),
               {"procedure": "general"}, content_type="application/json")
    present = [m.pk for m in ethics.members[:5]]
    body = {"held_on": str(timezone.localdate()), "present": present,
            "votes": {str(i): "approve" for i in present}, **payload}
    before = written(Review)
    answer = chair.post(operation("aiplus_governance_api_record_review", application_id=application.pk), body,
                        content_type="application/json")
    assert 400 <= answer.status_code < 500
    assert field in answer.content.decode()
    assert written(Review) == before


def test_bad_ids_are_not_found(ethics: Any) -> None:
    client = signed_in(ethics.chair)
    assert client.get("/governance/ethics/applications/999999/").status_code == 404
    assert client.get("/governance/ethics/committees/999999/").status_code == 404
    assert client.get(operation("aiplus_governance_api_get_application", application_id=999999)).status_code == 404
    assert client.post(operation("aiplus_governance_api_submit_application", application_id=999999),
                       content_type="application/json").status_code == 404


def test_forms_posted_by_the_wrong_people_are_refused(ethics: Any, make_application: Any) -> None:
    application = make_application()
    url = f"/governance/ethics/applications/{application.pk}/"
    before = AuditEvent.objects.count()
    # the applicant may not examine its own application; a committee member not chairing may not record a review
    applicant = signed_in(ethics.applicant)
    assert applicant.post(url, {"action": "examine", "procedure": "general"}).status_code == 403  # no form of its
    plain = signed_in(ethics.members[3].user)
    assert plain.post(url, {"action": "review", "held_on": str(timezone.localdate())}).status_code == 400
    # a Shenzhen member cannot even see it
    assert signed_in(ethics.world.user("enterprise_member", "shenzhen")).post(
        url, {"action": "submit"}).status_code == 404
    assert AuditEvent.objects.count() == before
    # the page shows the refusal beside the field and keeps nothing half written
    chair = signed_in(ethics.chair)
    assert chair.post(url, {"action": "examine", "procedure": "nonsense"}).status_code == 400
    assert EthicsApplication.objects.get(pk=application.pk).status == "submitted"


def test_a_page_quorum_failure_is_shown_beside_the_form(ethics: Any, make_application: Any) -> None:
    application = make_application()
    url = f"/governance/ethics/applications/{application.pk}/"
    chair = signed_in(ethics.chair)
    assert chair.post(url, {"action": "examine", "procedure": "general"}).status_code == 302
    data = {"action": "review", "held_on": str(timezone.localdate())}
    for m in ethics.members[:4]:
        data[f"present_{m.pk}"] = "on"
        data[f"vote_{m.pk}"] = "approve"
    answer = chair.post(url, data)
    assert answer.status_code == 400
    assert "应不少于5名" in answer.content.decode()
    assert not Review.objects.exists()
