from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from aiplus.core import totp
from aiplus.core.account import VERIFIED
from aiplus.core.context import reset_request_id, set_request_id

# Accept a caller's request id (from a load balancer) only if it looks like one.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        token = set_request_id(incoming if _SAFE_ID.match(incoming) else None)
        try:
            from aiplus.core.context import current_request_id

            request.request_id = current_request_id()  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
            return response
        finally:
            reset_request_id(token)


# Two-factor requirement: a signed-in holder of a role in `AIPLUS_REQUIRE_2FA_ROLES` (officials and auditors by
# default) who has no confirmed authenticator reaches no page but the two-factor setup (and signing out, switching the
# language); the API answers 403 in its error format. Off when `AIPLUS_REQUIRE_2FA` is off (the demo).

# Pages a user who still has to set up two-factor sign-in may open.
EXEMPT_VIEWS = {"core:two_factor", "core:login", "core:login_code", "core:logout", "set_language"}


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if not settings.AIPLUS_REQUIRE_2FA:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.session.get(VERIFIED) == user.pk:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if not totp.required_for(user):
            return None
        if totp.confirmed_device(user) is not None:
            # Set up (perhaps in another session); signing in asks this user for a code.
            request.session[VERIFIED] = user.pk
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "two_factor_required", "field": None,
                                 "message": str(_("请先在账户页面设置两步验证。"))}, status=403)
        target = f"{reverse('core:two_factor')}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
