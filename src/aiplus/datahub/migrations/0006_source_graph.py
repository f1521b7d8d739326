"""Each catalogue record keeps the graph another catalogue wrote it in. Adding a column makes SQLite rebuild the
dataset table, which drops the full-text index's triggers: the index is dropped first and created again after."""

from django.db import migrations, models

from aiplus.core.search import create_index

INDEX = create_index(["datahub_dataset"])


class Migration(migrations.Migration):

    dependencies = [
        ('datahub', '0005_shared_modalities'),
    ]

    operations = [
        migrations.RunPython(INDEX.reverse_code, INDEX.code),
        migrations.AddField(
            model_name='dataservice',
            name='source_graph',
            field=models.TextField(blank=True, verbose_name='来源图'),
        ),
        migrations.AddField(
            model_name='dataset',
            name='source_graph',
            field=models.TextField(blank=True, verbose_name='来源图'),
        ),
            INDEX,
    ]
