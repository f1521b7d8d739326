"""The experts admins are read-only: an admin form would change the pool without a permission check or an audit
event (every change goes through a service that writes exactly one)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory

from aiplus.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_experts_admins_show_records_and_refuse_every_change(world: Any, make_expert: Any, client: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    experts = {model: model_admin for model, model_admin in admin.site._registry.items()
               if model._meta.app_label == "experts"}
    assert len(experts) >= 5
    for model, model_admin in experts.items():
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model

    profile = make_expert(title="研究员")
    events = AuditEvent.objects.count()
    client.force_login(world.admin)
    url = f"/admin/experts/expertprofile/{profile.pk}/change/"
    assert client.get(url).status_code == 200  # view only
    assert client.post(url, {"title": "改名", "fields": "[]"}).status_code == 403
    assert client.get("/admin/experts/expertprofile/add/").status_code == 403
    assert client.post(f"/admin/experts/expertprofile/{profile.pk}/delete/", {"post": "yes"}).status_code == 403
    profile.refresh_from_db()
    assert profile.title == "研究员" and AuditEvent.objects.count() == events
