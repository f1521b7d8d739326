"""Refuse UPDATE of audit rows in SQLite itself, as 0002 does on PostgreSQL.

DELETE stays guarded by the ORM only on SQLite: Django's test runner empties tables between transactional tests
with DELETE there (PostgreSQL uses TRUNCATE, which row triggers do not see), so a DELETE trigger would break it.
"""

from django.db import migrations

SQLITE_CREATE = """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update;")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_timer_overdue_notified")]
    operations = [migrations.RunPython(forwards, backwards)]
