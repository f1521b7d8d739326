"""The audit hash chain, step 1: the columns (`sequence`, `prev_hash`, `hash`); `occurred_at` is now set by the
model when the event joins the chain instead of by auto_now_add (same column, same meaning).

The append-only triggers of 0002 (PostgreSQL) and 0005 (SQLite) are dropped here so that 0008 can write the chain
into the existing rows; 0009 puts the new set back (UPDATE, DELETE and TRUNCATE refused). On SQLite, adding a
column rebuilds the table, which would drop its triggers anyway.
"""

import django.utils.timezone
from django.db import migrations, models

# As in 0002 and 0005, to restore them when this migration is reversed.
OLD_POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
]
OLD_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]


def drop_old_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update;")


def restore_old_triggers(apps, schema_editor):
    statements = {"postgresql": OLD_POSTGRES, "sqlite": OLD_SQLITE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_duty_source_kind")]

    operations = [
        migrations.RunPython(drop_old_triggers, restore_old_triggers),
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False,
                                       verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一事件哈希"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="事件哈希"),
            preserve_default=False,
        ),
    ]
