"""Chinese search over the catalogue: rjieba tokens (the matching engine's analyzer and domain dictionary) stored
beside the text in `Dataset.search_tokens`, matched as whole tokens through a full-text index: SQLite FTS5
(`datahub_dataset_fts`, kept in step by triggers) or PostgreSQL `to_tsvector('simple', …)` with a GIN index
(migration 0002). Other databases fall back to whole-token LIKE matching over the same column."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from aiplus.scenarios.matching import default_analyzer


def terms(text: str) -> list[str]:
    return default_analyzer().terms(text)


def tokens_for(*parts: Any) -> str:
    """The unique terms of the texts, space-delimited with a leading and trailing space."""
    seen: dict[str, None] = {}
    for part in parts:
        for term in terms(str(part or "")):
            seen.setdefault(term.replace(" ", ""), None)
    return " " + " ".join(seen) + " " if seen else ""


def query_filter(query: str) -> Q | None:
    """Every query term must appear as a whole token (LIKE over the token column; the portable form)."""
    found = [t for t in dict.fromkeys(terms(query)) if t]
    if not found:
        text = query.strip()
        return Q(title__icontains=text) if text else None
    condition = Q()
    for term in found:
        condition &= Q(search_tokens__contains=f" {term} ")
    return condition


def apply(rows: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Rows whose tokens contain every term of the query, through the database's full-text index."""
    found = [t.replace(" ", "") for t in dict.fromkeys(terms(query)) if t.strip()]
    if not found:
        text = query.strip()
        return rows.filter(title__icontains=text) if text else rows
    vendor = connection.vendor
    if vendor == "sqlite":
        match = " AND ".join('"' + term.replace('"', '""') + '"' for term in found)
        return rows.filter(pk__in=RawSQL(
            "SELECT rowid FROM datahub_dataset_fts WHERE datahub_dataset_fts MATCH %s", [match]))
    if vendor == "postgresql":
        return rows.filter(pk__in=RawSQL(
            "SELECT id FROM datahub_dataset WHERE to_tsvector('simple'::regconfig, search_tokens) "
            "@@ plainto_tsquery('simple'::regconfig, %s)", [" ".join(found)]))
    condition = query_filter(query)
    return rows.filter(condition) if condition is not None else rows
