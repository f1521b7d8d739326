"""The admin site signs nobody in itself: its login page sends to the platform's, so that every sign-in is throttled
and asks for the TOTP code of users who have set one up (aiplus.core.account)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), login_url="core:login")


admin.site.login = admin_login  # type: ignore[method-assign]
