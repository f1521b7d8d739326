"""Events through the API and the pages: an official publishes an event with a capacity; people register until it is
full (the next one is refused, nothing written), cancel, register again; the official checks them in once; nobody
else checks in, and registration closes at its deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.participation.models import Event, Registration

pytestmark = pytest.mark.django_db


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _event(client: Any, place: Any, **extra: Any) -> Any:
    start = timezone.now() + dt.timedelta(days=7)
    payload = {"jurisdiction_id": place("suzhou"), "title": "人工智能+制造业供需对接会", "venue": "苏州国际博览中心",
               "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
               "capacity": 2, "description": "企业与服务商现场对接。", "is_published": True, **extra}
    return _post(client, "aiplus_participation_api_create_event", payload)


def test_event_registration_capacity_and_check_in(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    created = _event(official, place)
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["seats_taken"] == 0

    public = Client()
    listed = public.get(operation("aiplus_participation_api_list_events"), {"q": "对接会", "upcoming": "1"}).json()
    assert [row["id"] for row in listed["items"]] == [event["id"]]
    assert _post(public, "aiplus_participation_api_register_for_event", {"name": "游客"},
                 event_id=event["id"]).status_code in (401, 403)

    first = signed_in(world.user("public"))
    second = signed_in(world.user("enterprise_member"))
    third = signed_in(world.user("public", "shenzhen"))
    mine = _post(first, "aiplus_participation_api_register_for_event", {"name": "王芳", "organisation_name": "个人"},
                 event_id=event["id"])
    assert mine.status_code == 201, mine.content
    again = _post(first, "aiplus_participation_api_register_for_event", {"name": "王芳"}, event_id=event["id"])
    assert again.status_code == 409
    assert _post(second, "aiplus_participation_api_register_for_event", {"name": "李强"},
                 event_id=event["id"]).status_code == 201
    before = written(Registration)
    full = _post(third, "aiplus_participation_api_register_for_event", {"name": "陈晨"}, event_id=event["id"])
    assert full.status_code == 409 and full.json()["code"] == "full"
    assert written(Registration) == before
    assert public.get(operation("aiplus_participation_api_get_event", event_id=event["id"])).json()["seats_taken"] == 2

    # a seat freed by a cancellation is taken by the next person
    cancelled = _post(first, "aiplus_participation_api_cancel_registration", registration_id=mine.json()["id"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    taken = _post(third, "aiplus_participation_api_register_for_event", {"name": "陈晨"}, event_id=event["id"])
    assert taken.status_code == 201

    # a person sees only their own registration; the official all of them
    own = second.get(operation("aiplus_participation_api_list_registrations", event_id=event["id"])).json()
    assert [r["name"] for r in own] == ["李强"]
    everyone = official.get(operation("aiplus_participation_api_list_registrations", event_id=event["id"])).json()
    assert {r["name"] for r in everyone} == {"王芳", "李强", "陈晨"}

    # check-in: by the official, once; not by the attendee nor an official elsewhere
    registration = taken.json()["id"]
    assert _post(third, "aiplus_participation_api_check_in", registration_id=registration).status_code == 403
    elsewhere = signed_in(world.user("official", "shenzhen"))
    assert _post(elsewhere, "aiplus_participation_api_check_in", registration_id=registration).status_code == 404
    checked = _post(official, "aiplus_participation_api_check_in", registration_id=registration)
    assert checked.status_code == 200 and checked.json()["checked_in_at"]
    assert _post(official, "aiplus_participation_api_check_in", registration_id=registration).status_code == 409
    assert _post(third, "aiplus_participation_api_cancel_registration",
                 registration_id=registration).status_code == 409
    assert AuditEvent.objects.filter(action="participation.registration.checked_in").count() == 1


def test_registration_closes_and_drafts_are_hidden(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    draft = _event(official, place, is_published=False).json()
    person = signed_in(world.user("public"))
    assert _post(person, "aiplus_participation_api_register_for_event", {"name": "王芳"},
                 event_id=draft["id"]).status_code == 404
    event = Event.objects.get(pk=draft["id"])
    _post(official, "aiplus_participation_api_publish_event", {"is_published": True}, event_id=event.pk)
    Event.objects.filter(pk=event.pk).update(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    closed = _post(person, "aiplus_participation_api_register_for_event", {"name": "王芳"}, event_id=event.pk)
    assert closed.status_code == 409 and closed.json()["code"] == "registration_closed"


def test_bad_events_are_refused_naming_the_field(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    before = written(Event)
    start = timezone.now() + dt.timedelta(days=1)
    assert_refused_naming(_event(official, place, ends_at=(start - dt.timedelta(days=2)).isoformat()), "ends_at")
    assert_refused_naming(_event(official, place, capacity=0), "capacity")
    assert_refused_naming(_event(official, place, capacity=100001), "capacity")
    assert_refused_naming(_event(official, place, venue=""), "venue")
    assert_refused_naming(_event(official, place, description="x" * 20001), "description")
    assert_refused_naming(_event(official, place, registration_closes_at=(
        start + dt.timedelta(days=30)).isoformat()), "registration_closes_at")
    assert written(Event) == before
    assert _event(signed_in(world.user("enterprise_member")), place).status_code == 403
    event = _event(official, place).json()
    assert_refused_naming(_post(signed_in(world.user("public")), "aiplus_participation_api_register_for_event",
                                {"name": "x" * 101}, event_id=event["id"]), "name")


def test_registration_and_check_in_through_the_page(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    event = _event(official, place).json()
    person = signed_in(world.user("public"))
    url = f"/participation/events/{event['id']}/"
    assert person.post(url, {"action": "register", "name": "王芳"}).status_code == 302
    assert 'data-testid="my-registration"' in person.get(url).content.decode()
    registration = Registration.objects.get(event_id=event["id"])
    assert person.post(url, {"action": "check_in", "registration": registration.pk}).status_code == 400
    assert official.post(url, {"action": "check_in", "registration": registration.pk}).status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert Client().post(url, {"action": "register", "name": "匿名"}).status_code == 403
