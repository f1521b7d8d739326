"""One Chinese search for every module: analyzer terms stored beside the text in a `search_tokens` column, matched
as whole tokens through the database's full-text index.

A model that is searchable keeps `search_tokens` (unique terms, space-delimited, with a leading and trailing space)
filled by its services on write, and one migration creates the index: on SQLite an FTS5 external-content table
`<table>_fts` kept in step by triggers, on PostgreSQL a GIN index on `to_tsvector('simple', search_tokens)` (no
extension needed). Other databases fall back to whole-token LIKE matching over the same column.

The kernel does not know the analyzer (it lives in the scenarios matching engine, which the kernel may not import):
each `SearchIndex` is given a function returning one, so every module segments with the same rjieba dictionary and
folds synonyms the same way, on the stored side and on the query side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import connection, migrations
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

Rows = TypeVar("Rows", bound=QuerySet[Any])


class Analyzer(Protocol):
    def terms(self, text: str) -> list[str]: ...

    def search_terms(self, text: str) -> list[str]: ...


@dataclass(frozen=True)
class SearchIndex:
    """How one model is searched: its table (its FTS5 table on SQLite is `<table>_fts`), the analyzer, the field a
    query the analyzer keeps nothing of (a single character, punctuation) is matched against as a substring, and
    whether the stored tokens include the parts of compound words (`subwords`: a query for 养老 then finds
    智慧养老; the query side is always segmented whole)."""

    table: str
    analyzer: Callable[[], Analyzer]
    fallback_field: str = "title"
    subwords: bool = False
    column: str = "search_tokens"

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    def terms(self, text: str) -> list[str]:
        return self.analyzer().terms(text)

    def tokens_for(self, *parts: Any) -> str:
        """The unique terms of the texts, space-delimited with a leading and trailing space."""
        analyzer = self.analyzer()
        split = analyzer.search_terms if self.subwords else analyzer.terms
        seen: dict[str, None] = {}
        for part in parts:
            for term in split(str(part or "")):
                seen.setdefault(term.replace(" ", ""), None)
        return " " + " ".join(seen) + " " if seen else ""

    def _query_terms(self, query: str) -> list[str]:
        return [t.replace(" ", "") for t in dict.fromkeys(self.terms(query)) if t.strip()]

    def query_filter(self, query: str) -> Q | None:
        """Every query term must appear as a whole token (LIKE over the token column; the portable form)."""
        found = self._query_terms(query)
        if not found:
            text = query.strip()
            return Q(**{f"{self.fallback_field}__icontains": text}) if text else None
        condition = Q()
        for term in found:
            condition &= Q(**{f"{self.column}__contains": f" {term} "})
        return condition

    def apply(self, rows: Rows, query: str) -> Rows:
        """Rows whose tokens contain every term of the query, through the database's full-text index."""
        found = self._query_terms(query)
        if not found:
            text = query.strip()
            return rows.filter(**{f"{self.fallback_field}__icontains": text}) if text else rows
        vendor = connection.vendor
        if vendor == "sqlite":
            match = " AND ".join('"' + term.replace('"', '""') + '"' for term in found)
            return rows.filter(pk__in=RawSQL(
                f"SELECT rowid FROM {self.fts_table} WHERE {self.fts_table} MATCH %s", [match]))
        if vendor == "postgresql":
            return rows.filter(pk__in=RawSQL(
                f"SELECT id FROM {self.table} WHERE to_tsvector('simple'::regconfig, {self.column}) "
                "@@ plainto_tsquery('simple'::regconfig, %s)", [" ".join(found)]))
        condition = self.query_filter(query)
        return rows.filter(condition) if condition is not None else rows


# -- migrations -------------------------------------------------------------------------------------------------------

def index_statements(table: str, column: str = "search_tokens") -> dict[str, tuple[list[str], list[str]]]:
    """(create, drop) statements of the full-text index over `table.column`, by database vendor. The SQLite FTS5
    table is external-content (it stores no copy of the text) and is filled from the existing rows on creation."""
    fts = f"{table}_fts"
    sqlite_up = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='id')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]
    sqlite_down = [f"DROP TRIGGER IF EXISTS {fts}_au", f"DROP TRIGGER IF EXISTS {fts}_ad",
                   f"DROP TRIGGER IF EXISTS {fts}_ai", f"DROP TABLE IF EXISTS {fts}"]
    postgres_up = [f"CREATE INDEX {table}_tsv ON {table} USING gin (to_tsvector('simple'::regconfig, {column}))"]
    postgres_down = [f"DROP INDEX IF EXISTS {table}_tsv"]
    return {"sqlite": (sqlite_up, sqlite_down), "postgresql": (postgres_up, postgres_down)}


def create_index(tables: Sequence[str], column: str = "search_tokens") -> migrations.RunPython:
    """A migration operation creating (and, reversed, dropping) the full-text index of each table: run it after
    the column exists and has been filled, so the FTS5 table starts from the stored tokens."""

    def run(up: bool) -> Callable[[Any, Any], None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            for table in tables:
                create, drop = index_statements(table, column).get(schema_editor.connection.vendor, ([], []))
                for statement in create if up else drop:
                    schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(True), run(False))
