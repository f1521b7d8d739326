"""Audit events as people read them: a sentence ("苏州官员 分配算力需求：客服大模型微调") and what changed, field by
field, with the fields' labels and the values formatted by the one formatter (choices by their labels, money in
元/万元, dates, yes/no, related records by their names) — never `compute.request.placed` or a JSON snapshot.

    sentence(event)                 → "suzhou-official 分配算力需求：客服大模型微调"
    changes(event)                  → [Change(field="status", label="状态", before="调度中", after="已分配")]

A creation (no `before`) has no changes to list: the record's own page shows what it holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from aiplus.core import formatting

# Bookkeeping columns no reader needs to see change.
HIDDEN = frozenset({"id", "created_at", "updated_at", "search_tokens", "is_demo", "password", "hash", "prev_hash",
                    "sequence"})
MAX_TEXT = 80  # a long text reads as its start


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def model_for(object_type: str) -> type[models.Model] | None:
    """The model an event's `object_type` ("app.model") names, or None for one that no longer exists."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def actor_text(event: Any) -> str:
    name = getattr(event, "actor_name", "") or ""
    return _("平台") if name in ("", "system") else name


def sentence(event: Any) -> str:
    """Who did what to which record, in the reader's language."""
    action = formatting.audit_action(event.action)
    if event.object_repr:
        return _("%(actor)s %(action)s：%(object)s") % {"actor": actor_text(event), "action": action,
                                                        "object": event.object_repr}
    return _("%(actor)s %(action)s") % {"actor": actor_text(event), "action": action}


Resolver = Callable[[type[models.Model], Any], str]


def _related_name(model: type[models.Model], pk: Any) -> str:
    found = model._default_manager.filter(pk=pk).first()
    return str(found) if found is not None else formatting.DASH


def cached_resolver() -> Resolver:
    """A resolver of related records by name that asks the database once per record (for a page of events)."""
    seen: dict[tuple[str, str], str] = {}

    def resolve(model: type[models.Model], pk: Any) -> str:
        key = (model._meta.label_lower, str(pk))
        if key not in seen:
            seen[key] = _related_name(model, pk)
        return seen[key]

    return resolve


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def value_text(field: models.Field | None, value: Any, resolve: Resolver = _related_name) -> str:
    """A stored snapshot value (JSON-safe: decimals and dates as text, related records by id) as a person reads it."""
    if value is None or value == "":
        return formatting.DASH
    if field is None:
        return _short(formatting.text(value)) if not isinstance(value, dict) else _("（结构化内容）")
    if field.is_relation and field.related_model is not None and not isinstance(value, list | dict):
        return _short(resolve(field.related_model, value))  # type: ignore[arg-type]
    if field.choices:
        names = dict(field.flatchoices)
        if isinstance(value, list):
            return formatting.labels(value, names)
        return str(names.get(value, value))
    if isinstance(field, models.BooleanField):
        return formatting.yes_no(value)
    if isinstance(field, models.DecimalField):
        if field.name.endswith("_cny"):
            return formatting.money(value)
        return formatting.figure(value, field.decimal_places)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return formatting.moment(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return _("（结构化内容）")
    return _short(formatting.text(value))


def changes(event: Any, resolve: Resolver = _related_name) -> list[Change]:
    """The fields an event changed, each with its label and its value before and after, in the model's field order."""
    before, after = getattr(event, "before", None), getattr(event, "after", None)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    model = model_for(event.object_type)
    fields: dict[str, models.Field] = {}
    if model is not None:
        fields = {f.attname: f for f in model._meta.concrete_fields}  # type: ignore[misc]
    found: list[Change] = []
    for key, field in fields.items():  # a key the model no longer has is left out: nothing a reader can name
        if field.name in HIDDEN or (key not in before and key not in after) or before.get(key) == after.get(key):
            continue
        found.append(Change(field=field.name, label=str(field.verbose_name),
                            before=value_text(field, before.get(key), resolve),
                            after=value_text(field, after.get(key), resolve)))
    return found
