"""A need's computing-support requirement (routed to the compute department's queue). On SQLite, adding a column
rebuilds the table, which drops the full-text index's triggers: the index is dropped first and created again after
(as datahub's 0006 and 0007 do)."""

from django.db import migrations, models

from aiplus.core.search import create_index

INDEX = create_index(["scenarios_need"])


class Migration(migrations.Migration):

    dependencies = [
        ('scenarios', '0005_need_list_order_index'),
    ]

    operations = [
        migrations.RunPython(INDEX.reverse_code, INDEX.code),
        migrations.AddField(
            model_name='need',
            name='compute_needed',
            field=models.CharField(blank=True, max_length=2000, verbose_name='所需算力支持'),
        ),
        INDEX,
    ]
