"""What every page's shell needs: the navigation for the user's roles, the demo label, unread count."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from aiplus.core import navigation, permissions

# The menu entries are declared with the pages' routes (core.routing), each app's own.


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = permissions.user_roles(user) if user is not None else {permissions.PUBLIC}
    is_super = bool(getattr(user, "is_superuser", False))
    menu = [(entry.url_name, entry.label) for entry in navigation.entries()
            if entry.roles is None or is_super or roles & entry.roles]
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"navigation": menu, "is_demo_site": settings.AIPLUS_DEMO, "user_roles": roles,
            "unread_notifications": unread}
