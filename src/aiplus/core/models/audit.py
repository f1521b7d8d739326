from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.permissions import Scope


class AuditAppendOnly(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly("audit events are append-only")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditAppendOnly("audit events are append-only")

    def restrict(self, user: Any, action: str = "view") -> AuditEventQuerySet:
        from aiplus.core.permissions import restrict_queryset

        return restrict_queryset(self, user, action)


class AuditEvent(models.Model):
    """One row per service write: who did what to which record, the record before and after, and the request.

    Written by `aiplus.core.audit.record` inside the service's transaction, so a write and its audit event land
    together or not at all. Append-only: the model refuses updates and deletes, and on PostgreSQL a database
    trigger refuses them too (migration 0002).
    """

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # No database constraint: deleting an account must not rewrite history (the row keeps actor_name).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+", verbose_name=_("操作人"))
    # Kept as text so the record survives the account.
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("事件"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("辖区"))
    organisation = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("组织"))
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()
    # Officials and auditors see the events of their jurisdictions; members see their organisation's.
    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "action", "occurred_at"])]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditAppendOnly("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly("audit events are append-only")
