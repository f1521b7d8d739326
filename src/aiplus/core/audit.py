"""Writing audit events. Call `record` inside the service's transaction, once per service write."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from aiplus.core.context import current_request_id
from aiplus.core.models import AuditEvent


def _json_safe(value: Any) -> Any:
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model | None) -> dict[str, Any] | None:
    """The concrete field values of a record, JSON-safe (foreign keys by id)."""
    if instance is None:
        return None
    exclude = set(getattr(instance, "audit_exclude", ()))
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name == "password":
            continue
        data[field.attname] = _json_safe(getattr(instance, field.attname))
    return data


def _attached(instance: models.Model | None, attribute: str) -> Any:
    if instance is None:
        return None
    if attribute == "organisation_id" and instance._meta.label == "core.Organisation":
        return instance.pk
    return getattr(instance, attribute, None)


def record(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | bool | None = True,
    jurisdiction_id: int | None = None,
    organisation_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    message: str = "",
) -> AuditEvent:
    """Append one audit event. Must run inside the write's transaction (it refuses to run outside one)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    if after is True:
        after = snapshot(instance)
    actor_obj = actor if getattr(actor, "pk", None) else None
    jurisdiction_id = jurisdiction_id or _attached(instance, "jurisdiction_id")
    organisation_id = organisation_id or _attached(instance, "organisation_id")
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_name=str(actor) if actor_obj else "system",
        action=action,
        object_type=object_type or (instance._meta.label_lower if instance is not None else ""),
        object_id=object_id or (str(instance.pk) if instance is not None else ""),
        object_repr=(object_repr or (str(instance) if instance is not None else ""))[:200],
        jurisdiction_id=jurisdiction_id,
        organisation_id=organisation_id,
        before=before,
        after=after or None,
        request_id=current_request_id(),
        message=message[:300],
    )
