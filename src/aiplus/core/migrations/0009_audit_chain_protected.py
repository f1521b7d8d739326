"""The audit hash chain, step 3: `sequence` required and unique (a fork cannot be stored), and the database itself
refusing to change or remove audit rows on both vendors:

- PostgreSQL: BEFORE UPDATE and BEFORE DELETE per row, BEFORE TRUNCATE per statement;
- SQLite: BEFORE UPDATE and BEFORE DELETE (SQLite has no TRUNCATE; `DELETE FROM t` without WHERE fires row
  triggers when the table has any, instead of its truncate shortcut).

The test runner: pytest-django empties the database after each transactional test (`transaction=True`,
`live_server`: the browser tests) with Django's `flush`, which is TRUNCATE on PostgreSQL and DELETE on SQLite.
Refusing that would break the suite; turning the triggers off for tests would test something else than production.
So the triggers refuse always, except while the test runner's own flush runs (root conftest.py wraps
TransactionTestCase._fixture_teardown in `aiplus.core.audit.purge_allowed`):
- PostgreSQL: TRUNCATE passes only when the session sets `aiplus.allow_audit_purge = on` AND the database is a
  Django test database (its name starts with `test_`). Anyone may SET a custom setting, so the setting alone would
  let any connection to production empty the log; the name check keeps that door shut outside test databases.
  Row DELETE is never allowed (flush does not use it).
- SQLite: DELETE passes only when the SQL function `aiplus_audit_purge_allowed()` answers 1, which it does only on
  a connection where the test runner's flush turned it on (aiplus.core.apps). Anything that has not registered the
  function (the sqlite3 shell, another program) fails with "no such function": refused as well.
What the triggers cannot stop (a table owner dropping them, a superuser): the hash chain shows it, and
`verify_audit` also reports missing or disabled triggers.
"""

from django.db import migrations, models

POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'TRUNCATE'
            AND current_setting('aiplus.allow_audit_purge', true) = 'on'
            AND starts_with(current_database(), 'test_') THEN
           RETURN NULL;
         END IF;
         RAISE EXCEPTION USING MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused';
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only();",
]
SQLITE_CREATE = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
WHEN NOT aiplus_audit_purge_allowed()
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]


def create_triggers(apps, schema_editor):
    for statement in {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}.get(
            schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_audit_chain_existing_rows")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="链序号"),
        ),
        # After the AlterField: on SQLite it rebuilds the table, which drops the table's triggers.
        migrations.RunPython(create_triggers, drop_triggers),
    ]
