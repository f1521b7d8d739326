"""Make the audit table append-only in the database itself, not only in the ORM (PostgreSQL).

SQLite has no TRUNCATE, so a trigger there would also stop the test runner from emptying tables between tests;
on SQLite the ORM-level guard (AuditEvent.save/delete and its queryset) is the protection.
"""

from django.db import migrations

POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
]


def forwards(apps, schema_editor):
    statements = {"postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditevent_append_only();")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
