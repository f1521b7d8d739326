"""Full-text index over `Dataset.search_tokens` (rjieba tokens, space-delimited): an FTS5 external-content table
kept in step by triggers on SQLite, a GIN index on to_tsvector('simple', …) on PostgreSQL. No extension needed."""

from typing import Any

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE datahub_dataset_fts USING fts5(search_tokens, content='datahub_dataset', "
    "content_rowid='id')",
    "CREATE TRIGGER datahub_dataset_fts_ai AFTER INSERT ON datahub_dataset BEGIN "
    "INSERT INTO datahub_dataset_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "CREATE TRIGGER datahub_dataset_fts_ad AFTER DELETE ON datahub_dataset BEGIN "
    "INSERT INTO datahub_dataset_fts(datahub_dataset_fts, rowid, search_tokens) "
    "VALUES ('delete', old.id, old.search_tokens); END",
    "CREATE TRIGGER datahub_dataset_fts_au AFTER UPDATE OF search_tokens ON datahub_dataset BEGIN "
    "INSERT INTO datahub_dataset_fts(datahub_dataset_fts, rowid, search_tokens) "
    "VALUES ('delete', old.id, old.search_tokens); "
    "INSERT INTO datahub_dataset_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "INSERT INTO datahub_dataset_fts(datahub_dataset_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS datahub_dataset_fts_au",
    "DROP TRIGGER IF EXISTS datahub_dataset_fts_ad",
    "DROP TRIGGER IF EXISTS datahub_dataset_fts_ai",
    "DROP TABLE IF EXISTS datahub_dataset_fts",
]
POSTGRES_UP = ["CREATE INDEX datahub_dataset_tsv ON datahub_dataset "
               "USING gin (to_tsvector('simple'::regconfig, search_tokens))"]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS datahub_dataset_tsv"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("datahub", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
                             _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})),
    ]
