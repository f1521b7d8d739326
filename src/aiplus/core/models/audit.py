from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit_actions
from aiplus.core.auditchain import CHAINED_FIELDS, GENESIS, event_hash
from aiplus.core.models.base import AppendOnlyError
from aiplus.core.permissions import Scope

# The key of the PostgreSQL advisory lock that serialises appends to the chain (a transaction-level lock: held until
# the appending transaction commits or rolls back). Any signed 64-bit number no other code uses.
CHAIN_LOCK_KEY = int.from_bytes(hashlib.sha256(b"aiplus.core.auditevent.chain").digest()[:8], "big", signed=True)


class AuditAppendOnly(AppendOnlyError):
    """The audit chain's refusal: besides updates and deletes, any write that would bypass the chain."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly("audit events are append-only")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditAppendOnly("audit events are append-only")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        # A bulk insert would skip `AuditEvent.save`, which links each event into the chain.
        raise AuditAppendOnly("audit events are appended one at a time (aiplus.core.audit.record)")

    def restrict(self, user: Any, action: str = "view") -> AuditEventQuerySet:
        from aiplus.core.permissions import restrict_queryset

        return restrict_queryset(self, user, action)


class AuditEvent(models.Model):
    """One row per service write: who did what to which record, the record before and after, and the request.

    Written by `aiplus.core.audit.record` inside the service's transaction, so a write and its audit event land
    together or not at all. Append-only: the model refuses updates and deletes, and database triggers refuse
    UPDATE, DELETE and (PostgreSQL) TRUNCATE too (migration 0009). Tamper-evident: each event carries its place in
    the chain (`sequence`), the hash of the event before it and its own hash (`aiplus.core.auditchain`);
    `manage.py verify_audit` walks the chain.
    """

    # Set when the event joins the chain (see `save`), like auto_now_add.
    occurred_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
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
    # The hash chain: 1, 2, 3, … with no gaps; prev_hash is the hash of the event with the sequence before.
    sequence = models.PositiveBigIntegerField(_("链序号"), unique=True, editable=False)
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64, editable=False)
    hash = models.CharField(_("事件哈希"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()
    # Officials and auditors see the events of their jurisdictions; members see their organisation's.
    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "action", "occurred_at"])]
        verbose_name = verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditAppendOnly("audit events are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # Inside the caller's transaction when there is one (no savepoint): the chain lock is then held until that
        # transaction ends, so nobody appends after an event that might still roll back.
        with transaction.atomic(using=using, savepoint=False):
            self._join_chain(using)
            super().save(*args, **kwargs)

    @property
    def current_action(self) -> str:
        """The action's code today: an event stored before the codes were unified keeps its old code (the chain
        forbids rewriting it) and is shown under the new one."""
        return audit_actions.current(self.action)

    def _join_chain(self, using: str) -> None:
        """Take the chain lock, then link this event after the last one and compute its hash.

        Two transactions appending at once must not both link to the same last event (a fork): on PostgreSQL the
        first takes a transaction-level advisory lock and the second waits for it until the first commits, then
        reads the new last event (READ COMMITTED takes a fresh snapshot per statement). SQLite serialises writers
        already (transactions begin IMMEDIATE, settings.py). The unique `sequence` refuses a fork in any case.
        """
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        last = AuditEvent.objects.using(using).order_by("-sequence").values_list("sequence", "hash").first()
        self.sequence, self.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        self.occurred_at = timezone.now()
        # Hash the values exactly as the database will give them back.
        for field in self._meta.concrete_fields:
            if field.attname not in CHAINED_FIELDS:
                continue
            value = getattr(self, field.attname)
            if isinstance(field, models.JSONField):
                value = None if value is None else json.loads(json.dumps(value, cls=field.encoder))
            elif value is not None:
                value = field.to_python(value)
            setattr(self, field.attname, value)
        self.hash = event_hash({name: getattr(self, name) for name in CHAINED_FIELDS})

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly("audit events are append-only")
