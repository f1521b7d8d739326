"""What every page's shell needs: the navigation for the user's roles, the demo label, unread count."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aiplus.core import navigation, permissions

MEMBERS = frozenset({permissions.OFFICIAL, permissions.AUDITOR, permissions.ENTERPRISE_MEMBER,
                     permissions.PROVIDER, permissions.EXPERT})
navigation.register("portal:home", _("首页"), order=0)
navigation.register("portal:dashboard", _("工作台"), roles=MEMBERS, order=1)
navigation.register("core:organisations", _("组织"), roles=MEMBERS - {permissions.EXPERT}, order=80)
navigation.register("core:audit", _("审计日志"), roles={permissions.OFFICIAL, permissions.AUDITOR}, order=85)
navigation.register("regulation:coverage", _("条款覆盖"), order=90)
navigation.register("regulation:parameters", _("参数"), order=91)
navigation.register("regulation:departments", _("部门职责"), order=92)
navigation.register("core:holidays", _("节假日安排"), roles={permissions.OFFICIAL, permissions.AUDITOR}, order=93)
navigation.register("regulation:glossary", _("术语"), order=93)


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
