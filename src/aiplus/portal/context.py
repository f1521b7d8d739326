"""What every page's shell needs: the navigation for the user's roles (grouped, core.navigation.menu), the page's
name for its tab title when its template gives none, the demo label, unread count."""

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
    top, groups = navigation.menu(roles, is_superuser=is_super)
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match is not None else ""
    title = next((e.label for e in navigation.entries() if e.url_name == here and here not in navigation.TOP), "")
    current = next((group.key for group in groups if any(e.url_name == here for e in group.entries)), "")
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"navigation_top": top, "navigation_groups": groups, "navigation_current": current,
            "page_title": title, "is_demo_site": settings.AIPLUS_DEMO, "user_roles": roles,
            "unread_notifications": unread}
