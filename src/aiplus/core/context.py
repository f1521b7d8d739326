"""The request (or background job) a write belongs to, so audit events can be traced back to it."""

from __future__ import annotations

import contextvars
import uuid
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from django.http import HttpRequest

    from aiplus.core.models import User

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("aiplus_request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None = None) -> contextvars.Token[str]:
    return _request_id.set(value or uuid.uuid4().hex)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


def acting_user(request: HttpRequest) -> User:
    """The user a page's write acts as, typed as the platform's User for the services' `acting_user`. It may be
    anonymous: every service checks permissions itself and refuses an anonymous user as it refuses any other."""
    return cast("User", request.user)
