"""API authentication: bearer tokens, the browser session (with CSRF), or anonymous for public reads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth


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


class Anonymous:
    """Lets public endpoints run without credentials; `request.auth` is then an AnonymousUser."""

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


AUTHENTICATED: list[Any] = [TokenAuth(), SessionAuth()]
OPTIONAL: list[Any] = [TokenAuth(), SessionAuth(), Anonymous()]
