"""API authentication: bearer tokens, the browser session (with CSRF), or anonymous for public operations.

CSRF protects a signed-in session: a forged request from another site could otherwise act with the visitor's
cookie. A caller without a signed-in session has no such credential to borrow, so its request is not checked for a
CSRF token: an anonymous caller of a public operation (the cross-border self-assessment, /api/v1/data/assess) gets
its answer, and one of an operation that needs a user gets a plain 401 (`unauthenticated`), never "CSRF check
failed". A request that carries a signed-in session is checked as before (403 without the token)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from aiplus.core.models import ApiToken

        record = (ApiToken.objects.select_related("user")
                  .filter(key_hash=ApiToken.hash(token), user__is_active=True).first())
        if record is None or (record.expires_at and record.expires_at < timezone.now()):
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


class SessionAuth(NinjaSessionAuth):
    """The browser session; its CSRF token is checked only when the session is signed in (see the module)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not getattr(getattr(request, "user", None), "is_authenticated", False):
            return None  # no signed-in session: nothing a forged request could use; the next method decides
        return super().__call__(request)


class Anonymous:
    """Lets public endpoints run without credentials; `request.auth` is then an AnonymousUser."""

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


AUTHENTICATED: list[Any] = [TokenAuth(), SessionAuth()]
OPTIONAL: list[Any] = [TokenAuth(), SessionAuth(), Anonymous()]
