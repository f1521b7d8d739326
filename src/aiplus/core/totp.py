"""Two-factor sign-in with TOTP (RFC 6238: 30-second steps, 6 digits, SHA-1, as every authenticator app reads an
otpauth:// URI). pyotp does the arithmetic; this module keeps the rules:

- a user starts a setup (a new secret, shown once as an otpauth:// URI, as text and as a QR code) and confirms it
  with a code; from then on, signing in asks for a code after the password;
- a code is accepted for the current step or one step either side (clock drift), and never twice: the device keeps
  the last step it accepted, and only a later step passes;
- holders of `AIPLUS_REQUIRE_2FA_ROLES` must have one when `AIPLUS_REQUIRE_2FA` is on.

Each write is one transaction with its audit event (`core.totp.setup_started`, `core.totp.enabled`,
`core.totp.setup_failed`, `core.totp.failed`); the secret is never written to the audit log.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import TotpDevice, User

STEP_SECONDS = 30
DIGITS = 6


def required_for(user: Any) -> bool:
    """Whether this user must have a confirmed authenticator (the setting is on and they hold a listed role)."""
    if not settings.AIPLUS_REQUIRE_2FA or not getattr(user, "is_authenticated", False):
        return False
    return bool(permissions.user_roles(user) & set(settings.AIPLUS_REQUIRE_2FA_ROLES))


def confirmed_device(user: Any) -> TotpDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()


def pending_device(user: Any) -> TotpDevice | None:
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=True).first()


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=device.user.username, issuer_name=settings.AIPLUS_TOTP_ISSUER)


def current_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The step (current, or one either side) whose code this is, or None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    step = current_step(now)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


@transaction.atomic
def start_setup(*, acting_user: User) -> TotpDevice:
    """A new secret for the acting user, waiting for a code. Replaces an unconfirmed one; refused when an
    authenticator is already confirmed (an administrator removes it first)."""
    if confirmed_device(acting_user) is not None:
        raise ServiceError("already_enabled", _("两步验证已经启用。"), "code")
    TotpDevice.objects.filter(user=acting_user, confirmed_at__isnull=True).delete()
    device = TotpDevice.objects.create(user=acting_user, secret=pyotp.random_base32())
    audit.record(actor=acting_user, action="core.totp.setup_started", instance=device,
                 after={"user": acting_user.username})
    return device


def confirm_setup(*, acting_user: User, code: str) -> TotpDevice:
    """Confirm the pending secret with a code from the authenticator; a wrong code is refused naming `code`, and
    the failure is audited."""
    with transaction.atomic():
        device = (TotpDevice.objects.select_for_update()
                  .filter(user=acting_user, confirmed_at__isnull=True).first())
        if device is None:
            raise ServiceError("no_pending_setup", _("请先开始设置两步验证。"), "code")
        step = _matching_step(device.secret, code)
        if step is not None:
            device.confirmed_at = timezone.now()
            device.last_used_step = step
            device.save(update_fields=["confirmed_at", "last_used_step"])
            audit.record(actor=acting_user, action="core.totp.enabled", instance=device,
                         after={"user": acting_user.username, "confirmed_at": device.confirmed_at.isoformat()})
            return device
    # outside the transaction above, so that nothing rolls the audit event back when the error is raised
    with transaction.atomic():
        audit.record(actor=acting_user, action="core.totp.setup_failed", instance=device,
                     after={"user": acting_user.username})
    raise ServiceError("invalid_code", _("验证码不正确，请输入验证器当前显示的 6 位数字。"), "code")


def verify(*, user: User, code: str) -> str | None:
    """Check a sign-in code against the user's confirmed authenticator. Returns None when it is accepted (and
    remembers its step), else why not ("no_device", "invalid", "reused"), after auditing the failure."""
    with transaction.atomic():
        device = (TotpDevice.objects.select_for_update()
                  .filter(user=user, confirmed_at__isnull=False).first())
        if device is None:
            return "no_device"
        step = _matching_step(device.secret, code)
        if step is not None and (device.last_used_step is None or step > device.last_used_step):
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return None
        problem = "invalid" if step is None else "reused"
        audit.record(actor=user, action="core.totp.failed", instance=device,
                     after={"user": user.username, "reason": problem})
    return problem


FAILURE_MESSAGES = {
    "invalid": _("验证码不正确。"),
    "reused": _("该验证码已经用过，请等待验证器显示下一个验证码。"),
    "no_device": _("该账户没有启用两步验证。"),
}


@transaction.atomic
def reset(*, acting_user: User | None, user: User) -> bool:
    """Remove a user's authenticator (a lost phone); they set up a new one at their next sign-in if their role
    requires it. Only a superuser (or a management command, acting_user None) may."""
    if acting_user is not None and not getattr(acting_user, "is_superuser", False):
        raise PermissionDeniedError()
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        return False
    before = audit.snapshot(device)
    device.delete()
    audit.record(actor=acting_user, action="core.totp.reset", object_type="core.totpdevice",
                 object_id=str(before["id"]) if before else "", object_repr=f"TOTP · {user}", before=before,
                 after=None)
    return True
