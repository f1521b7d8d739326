"""Sign-in throttling: too many failed sign-ins for one username, or from one address, within a window, and further
attempts are refused until the window has passed.

Failures are rows of `SignInFailure` (the database is shared by every web process). The window slides: an attempt
is refused while the username has had `AIPLUS_SIGNIN_MAX_FAILURES` failures, or the address
`AIPLUS_SIGNIN_MAX_FAILURES_PER_IP`, within the last `AIPLUS_SIGNIN_WINDOW_SECONDS`. A refused attempt checks no
password and counts as nothing, so the lock ends when the window has passed over the failures that set it. A
successful sign-in clears its username's failures (not its address's). The failure that starts a lock writes one
audit event, `core.account.locked_out`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit
from aiplus.core.models import SignInFailure, User


@dataclass(frozen=True)
class Lock:
    scopes: tuple[str, ...]  # "username", "ip"
    until: dt.datetime

    @property
    def message(self) -> str:
        return str(_("登录失败次数过多，已暂停登录。请于 %(time)s 之后再试。") % {
            "time": formats.time_format(timezone.localtime(self.until), "H:i")})

    def as_dict(self) -> dict[str, Any]:
        return {"code": "too_many_failures", "message": self.message, "field": None}


def normalise(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def client_ip(request: Any) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `AIPLUS_TRUSTED_PROXY_COUNT` proxies the address the outermost
    trusted proxy put into X-Forwarded-For (addresses further left are the client's to forge)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.AIPLUS_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.AIPLUS_SIGNIN_WINDOW_SECONDS)


def _until(filters: dict[str, Any], limit: int, now: dt.datetime) -> dt.datetime | None:
    """When the lock on these failures ends, or None when they set none."""
    if limit <= 0:
        return None
    recent = list(SignInFailure.objects.filter(occurred_at__gt=now - _window(), **filters)
                  .order_by("-occurred_at").values_list("occurred_at", flat=True)[:limit])
    if len(recent) < limit:
        return None
    return recent[-1] + _window()


def lock(username: str | None, ip: str | None) -> Lock | None:
    """The lock in force for this username or address, or None."""
    now = timezone.now()
    ends: dict[str, dt.datetime] = {}
    name = normalise(username)
    if name:
        until = _until({"username": name}, settings.AIPLUS_SIGNIN_MAX_FAILURES, now)
        if until:
            ends["username"] = until
    if ip:
        until = _until({"ip": ip}, settings.AIPLUS_SIGNIN_MAX_FAILURES_PER_IP, now)
        if until:
            ends["ip"] = until
    if not ends:
        return None
    return Lock(scopes=tuple(sorted(ends)), until=max(ends.values()))


@transaction.atomic
def record_failure(username: str | None, ip: str | None, reason: str) -> Lock | None:
    """Count one failed sign-in (made while no lock was in force); returns the lock it starts, if any, after writing
    its audit event."""
    now = timezone.now()
    name = normalise(username)
    SignInFailure.objects.filter(occurred_at__lte=now - _window()).delete()
    SignInFailure.objects.create(username=name, ip=ip, reason=reason[:20], occurred_at=now)
    started = lock(name, ip)
    if started is not None:
        target = User.objects.filter(username__iexact=name).first() if name else None
        audit.record(
            actor=None, action="core.account.locked_out", object_type="core.user",
            object_id=str(target.pk) if target else "", object_repr=name or (ip or ""),
            after={"username": name, "ip": ip, "scopes": list(started.scopes), "reason": reason,
                   "until": started.until.isoformat(),
                   "max_failures": settings.AIPLUS_SIGNIN_MAX_FAILURES,
                   "max_failures_per_ip": settings.AIPLUS_SIGNIN_MAX_FAILURES_PER_IP,
                   "window_seconds": settings.AIPLUS_SIGNIN_WINDOW_SECONDS},
            message=f"sign-in locked ({', '.join(started.scopes)})")
    return started


def clear(username: str | None) -> None:
    """A successful sign-in: forget the username's failures."""
    name = normalise(username)
    if name:
        SignInFailure.objects.filter(username=name).delete()
