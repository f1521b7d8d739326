"""Writing audit events. Call `record` inside the service's transaction, once per service write."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from aiplus.core import audit_actions
from aiplus.core.auditchain import CHAINED_FIELDS, GENESIS, event_hash
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
    if not audit_actions.is_registered(action):
        raise ValueError(f"audit action {action!r} is not registered in aiplus.core.audit_actions (app.noun.verb)")
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


# The triggers that keep the database itself from changing or removing audit rows (core migration 0009).
PROTECTING_TRIGGERS = {
    "postgresql": {"core_auditevent_no_update": "UPDATE", "core_auditevent_no_delete": "DELETE",
                   "core_auditevent_no_truncate": "TRUNCATE"},
    "sqlite": {"core_auditevent_no_update": "UPDATE", "core_auditevent_no_delete": "DELETE"},
}


def missing_protections(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The protecting triggers that are gone (or, on PostgreSQL, disabled), each said with what it refused."""
    connection = connections[using]
    expected = PROTECTING_TRIGGERS.get(connection.vendor, {})
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # 'O' and 'A' fire in ordinary sessions; 'D' is disabled, 'R' fires only on replicas.
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled IN ('O', 'A')",
                           [table])
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return [f"trigger {name} is missing or disabled: the database no longer refuses {statement} of audit events"
            for name, statement in expected.items() if name not in present]


@dataclass(frozen=True)
class ChainReport:
    """What `verify_chain` found: how many events it checked, the last one, and the first broken link if any."""

    count: int
    head: tuple[int, str] | None = None
    problem: str = ""
    event_id: int | None = None
    protections_missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problem and not self.protections_missing


def verify_chain(*, using: str = DEFAULT_DB_ALIAS, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the audit events in chain order and check every link; stop at the first broken one.

    Each event must hash to its stored `hash` (else its content was changed), follow the previous event's
    `sequence` by one (else events were deleted: a gap) and carry the previous event's hash as its `prev_hash` (else
    the previous event was changed and rehashed, or the link itself was altered). `anchor` is a (sequence, hash)
    head printed by an earlier run: the log must still contain it (a chain alone cannot show that events were removed
    from its end, or that the whole chain was recomputed).
    """
    protections = tuple(missing_protections(using))
    rows = AuditEvent.objects.using(using).order_by("sequence").values("id", "hash", *CHAINED_FIELDS)
    count, previous_sequence, previous_hash, previous_id = 0, 0, GENESIS, None
    anchor_hash: str | None = None

    def broken(row: dict[str, Any], problem: str) -> ChainReport:
        return ChainReport(count=count, head=(previous_sequence, previous_hash) if previous_id else None,
                           problem=f"event id {row['id']} (#{row['sequence']}): {problem}", event_id=row["id"],
                           protections_missing=protections)

    for row in rows.iterator(chunk_size=2000):
        if event_hash(row) != row["hash"]:
            return broken(row, "content changed (its fields no longer hash to its stored hash)")
        if row["sequence"] != previous_sequence + 1:
            first, last = previous_sequence + 1, row["sequence"] - 1
            missing = f"#{first}" if first == last else f"#{first}–#{last}"
            where = f"after event id {previous_id} (#{previous_sequence})" if previous_id else "at the start of the log"
            return broken(row, f"gap: event {missing} is missing {where} (deleted)")
        if row["prev_hash"] != previous_hash:
            before = f"event id {previous_id} (#{previous_sequence})" if previous_id else "the start of the chain"
            return broken(row, f"wrong prev_hash: it links to {row['prev_hash'][:16]}…, but {before} has hash "
                               f"{previous_hash[:16]}… (that event was changed and rehashed, or this link altered)")
        count += 1
        previous_sequence, previous_hash, previous_id = row["sequence"], row["hash"], row["id"]
        if anchor is not None and row["sequence"] == anchor[0]:
            anchor_hash = row["hash"]
    head = (previous_sequence, previous_hash) if previous_id else None
    problem = ""
    if anchor is not None and anchor_hash is None:
        problem = (f"anchor #{anchor[0]} is not in the log, which ends at #{previous_sequence}: events at the end of "
                   "the log were deleted")
    elif anchor is not None and anchor_hash != anchor[1]:
        problem = f"event #{anchor[0]} does not have the anchor's hash: the chain up to it was rewritten"
    return ChainReport(count=count, head=head, problem=problem, protections_missing=protections)
