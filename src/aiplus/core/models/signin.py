"""Sign-in security: failed sign-ins (for throttling) and TOTP authenticators (the second factor).

Both live in the database, so every web process of a deployment sees the same counters and the same last-used
TOTP step.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInFailure(models.Model):
    """One failed sign-in (a wrong password, an unknown user, a wrong or reused TOTP code). Rows older than the
    throttling window are deleted as new ones arrive; a successful sign-in deletes the rows of its username."""

    username = models.CharField(max_length=150, blank=True)  # as typed, stripped and case-folded
    ip = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=20)
    occurred_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = _("登录失败记录")
        indexes = [
            models.Index(fields=["username", "occurred_at"], name="signin_failure_user_idx"),
            models.Index(fields=["ip", "occurred_at"], name="signin_failure_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username or '-'} @ {self.ip or '-'} ({self.reason})"


class TotpDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238, 30-second steps, 6 digits). It counts once confirmed with a code;
    `last_used_step` is the last step a code was accepted for, so that no code is accepted twice."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device",
                                verbose_name=_("用户"))
    secret = models.CharField(max_length=64)  # base32; never shown again once confirmed, never audited
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)

    audit_exclude: ClassVar[tuple[str, ...]] = ("secret",)

    class Meta:
        verbose_name = verbose_name_plural = _("两步验证器")

    def __str__(self) -> str:
        return f"TOTP · {self.user}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
