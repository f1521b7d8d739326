"""The expert pool end to end: an official registers an expert on the register page, the expert keeps their own
profile and availability up to date on "my profile" and through the API, and the pool page shows each change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aiplus.core import services as core_services
from aiplus.core.models import AuditEvent, RoleAssignment
from aiplus.core.testing import ERROR_KEYS, bearer, operation
from aiplus.experts.models import ExpertProfile

pytestmark = pytest.mark.django_db



def pool_row(client: Client, name: str) -> str:
    """The pool page's table row of the expert called `name` (as the official sees the page)."""
    response = client.get(reverse("experts:pool"))
    assert response.status_code == 200
    rows = [row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", response.content.decode(), re.S) if name in row]
    assert len(rows) == 1, rows
    return rows[0]


def test_an_official_registers_an_expert_and_the_expert_updates_their_profile(world, client):
    official = world.user("official")
    enterprise = world.orgs["suzhou:enterprise"]
    person = core_services.create_user(acting_user=world.admin, username="li-ming", password="x-password-123",
                                       display_name="李明")
    today = timezone.localdate()

    # ---- the official registers the expert through the page
    client.force_login(official)
    form = client.get(reverse("experts:register"))
    assert form.status_code == 200
    assert 'name="username"' in form.content.decode() and 'value="industry.manufacturing"' in form.content.decode()
    # A username that does not exist is reported beside the field and registers nothing.
    bad = client.post(reverse("experts:register"), {"username": "nobody", "jurisdiction": "suzhou",
                                                    "domains": ["industry.manufacturing"]})
    assert bad.status_code == 400 and 'data-field="username"' in bad.content.decode()
    assert not ExpertProfile.objects.exists()
    response = client.post(reverse("experts:register"), {
        "username": "li-ming", "jurisdiction": "suzhou", "organisation": str(enterprise.pk),
        "domains": ["industry.manufacturing", "science.application"], "technologies": "机器视觉，工业质检",
        "title": "高级工程师"})
    assert response.status_code == 302 and response["Location"] == reverse("experts:pool")
    profile = ExpertProfile.objects.get()
    assert (profile.user_id, profile.organisation_id, profile.jurisdiction.code) == (person.pk, enterprise.pk,
                                                                                    "suzhou")
    assert profile.fields == ["industry.manufacturing", "science.application"]
    assert profile.technologies == ["机器视觉", "工业质检"] and profile.title == "高级工程师"
    assert profile.available and profile.unavailable_until is None and profile.is_active
    assert RoleAssignment.objects.filter(user=person, role="expert", active=True).count() == 1
    assert AuditEvent.objects.filter(action="experts.profile.registered", object_id=str(profile.pk),
                                     actor=official).count() == 1
    row = pool_row(client, "李明")
    assert "高级工程师" in row and enterprise.name in row and "制造业" in row and "科学技术应用" in row
    assert "机器视觉、工业质检" in row and "可参加" in row
    # Registering the same person twice is refused beside the username.
    again = client.post(reverse("experts:register"), {"username": "li-ming", "jurisdiction": "suzhou",
                                                      "domains": ["industry"]})
    assert again.status_code == 400 and 'data-field="username"' in again.content.decode()
    assert ExpertProfile.objects.count() == 1

    # ---- the expert updates fields and availability on "my profile"
    expert = Client()
    expert.force_login(person)
    me = expert.get(reverse("experts:me"))
    assert me.status_code == 200
    assert "高级工程师" in me.content.decode() and 'value="profile"' in me.content.decode()
    assert expert.get(reverse("experts:pool")).status_code == 403  # the pool is the officials'
    away_until = today + dt.timedelta(days=30)
    response = expert.post(reverse("experts:me"), {
        "form": "profile", "domains": ["industry.ai_native", "livelihood.health"], "technologies": "大模型, 医学影像",
        "title": "教授级高级工程师", "unavailable_until": away_until.isoformat()})  # "available" left unticked
    assert response.status_code == 302 and response["Location"] == reverse("experts:me")
    profile.refresh_from_db()
    assert profile.fields == ["industry.ai_native", "livelihood.health"]
    assert profile.technologies == ["大模型", "医学影像"] and profile.title == "教授级高级工程师"
    assert profile.available is False and profile.unavailable_until == away_until
    updated = AuditEvent.objects.filter(action="experts.profile.updated", object_id=str(profile.pk), actor=person)
    assert updated.count() == 1
    assert updated.get().before["available"] is True
    # An unknown field code from a hand-made form is refused beside the field and changes nothing.
    refused = expert.post(reverse("experts:me"), {"form": "profile", "domains": ["nope"], "available": "on"})
    assert refused.status_code == 400 and 'data-field="domains"' in refused.content.decode()
    profile.refresh_from_db()
    assert profile.fields == ["industry.ai_native", "livelihood.health"] and profile.available is False
    row = pool_row(client, "李明")
    assert "教授级高级工程师" in row and "智能原生" in row and "医疗健康" in row and "制造业" not in row
    assert "大模型、医学影像" in row and f"暂不可用（至 {away_until.isoformat()}）" in row

    # ---- and through the API
    api = bearer(person)
    path = operation("aiplus_experts_api_update_expert", expert_id=profile.pk)
    response = api.patch(path, {"available": True, "technologies": ["大模型", "具身智能"], "title": "首席科学家"},
                         content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["user_id"], body["name"]) == (profile.pk, person.pk, "李明")
    assert body["available"] is True and body["unavailable_until"] is None and body["is_active"] is True
    assert body["technologies"] == ["大模型", "具身智能"] and body["title"] == "首席科学家"
    assert body["fields"] == ["industry.ai_native", "livelihood.health"]  # not sent, not changed
    assert body["organisation_id"] == enterprise.pk and body["jurisdiction"] == "suzhou"
    profile.refresh_from_db()
    assert (profile.available, profile.unavailable_until, profile.title) == (True, None, "首席科学家")
    assert profile.technologies == ["大模型", "具身智能"]
    assert AuditEvent.objects.filter(action="experts.profile.updated", object_id=str(profile.pk),
                                     actor=person).count() == 2
    # Bad input comes back in the one error format, naming the field, and changes nothing.
    bad = api.patch(path, {"fields": ["nope"]}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == ERROR_KEYS and bad.json()["field"] == "fields"
    # Taking themself out of the pool is the officials' decision, not the expert's.
    denied = api.patch(path, {"is_active": False}, content_type="application/json")
    assert denied.status_code == 403 and set(denied.json()) == ERROR_KEYS
    # Another expert cannot touch this profile.
    stranger = core_services.create_user(acting_user=world.admin, username="wang-fang", password="x-password-123")
    core_services.assign_role(acting_user=world.admin, user=stranger, role="expert")
    other = bearer(stranger).patch(path, {"title": "冒名"}, content_type="application/json")
    assert other.status_code in (403, 404) and set(other.json()) == ERROR_KEYS
    profile.refresh_from_db()
    assert profile.is_active and profile.title == "首席科学家" and profile.fields == ["industry.ai_native",
                                                                                 "livelihood.health"]
    assert AuditEvent.objects.filter(action="experts.profile.updated", object_id=str(profile.pk)).count() == 2

    # ---- what the official's pool page shows now
    row = pool_row(client, "李明")
    assert "首席科学家" in row and "大模型、具身智能" in row and "可参加" in row and "暂不可用" not in row
    found = client.get(reverse("experts:pool"), {"q": "具身智能"}).content.decode()
    assert "李明" in found
    assert "李明" not in client.get(reverse("experts:pool"), {"field": "industry.manufacturing"}).content.decode()
