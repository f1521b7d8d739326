"""The audit hash chain, step 2: chain the events written before it existed, in id order (the order they were
written in), with the code the application itself uses (`aiplus.core.auditchain`), so that `verify_audit` accepts
them. A data migration of its own: PostgreSQL refuses to alter a table with row changes pending in the same
transaction.
"""

from django.db import migrations

from aiplus.core.auditchain import CHAINED_FIELDS, rechain

BATCH = 500


def chain_existing_rows(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    db = schema_editor.connection.alias
    ids = list(AuditEvent.objects.using(db).order_by("id").values_list("id", flat=True))
    fields = [name for name in CHAINED_FIELDS if name not in ("sequence", "prev_hash")]

    def rows():
        # By batches of ids, so that no cursor stays open on the table while it is being updated.
        for start in range(0, len(ids), BATCH):
            yield from AuditEvent.objects.using(db).filter(id__in=ids[start:start + BATCH]).order_by("id").values(
                "id", *fields)

    pending = []
    for row in rechain(rows()):
        pending.append(AuditEvent(id=row["id"], sequence=row["sequence"], prev_hash=row["prev_hash"],
                                  hash=row["hash"]))
        if len(pending) == BATCH:
            AuditEvent.objects.using(db).bulk_update(pending, ["sequence", "prev_hash", "hash"])
            pending = []
    if pending:
        AuditEvent.objects.using(db).bulk_update(pending, ["sequence", "prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_chain_fields")]

    operations = [migrations.RunPython(chain_existing_rows, migrations.RunPython.noop)]
