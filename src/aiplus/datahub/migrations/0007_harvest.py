"""Harvest sources and the provenance of harvested copies. Adding columns rebuilds the dataset table on SQLite,
which drops the full-text index's triggers: the index is dropped first and created again after (as in 0006)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from aiplus.core.search import create_index

INDEX = create_index(["datahub_dataset"])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0013_worker_heartbeat'),
        ('datahub', '0006_source_graph'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(INDEX.reverse_code, INDEX.code),
        migrations.AddField(
            model_name='dataset',
            name='harvested_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='采集时间'),
        ),
        migrations.AddField(
            model_name='dataset',
            name='source_identifier',
            field=models.CharField(blank=True, max_length=500, verbose_name='来源标识'),
        ),
        migrations.AddField(
            model_name='dataset',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='撤下时间'),
        ),
        migrations.CreateModel(
            name='HarvestSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('is_demo', models.BooleanField(default=False, editable=False)),
                ('name', models.CharField(max_length=200, verbose_name='名称')),
                ('url', models.URLField(max_length=500, verbose_name='目录地址')),
                ('format', models.CharField(blank=True, choices=[('', '自动识别'), ('jsonld', 'JSON-LD'), ('ttl', 'Turtle'), ('rdf', 'RDF/XML')], max_length=8, verbose_name='格式')),
                ('schedule', models.CharField(choices=[('manual', '手动'), ('daily', '每日'), ('weekly', '每周')], default='manual', max_length=8, verbose_name='采集周期')),
                ('last_harvested_at', models.DateTimeField(blank=True, null=True, verbose_name='最近采集时间')),
                ('last_report', models.JSONField(blank=True, default=dict, verbose_name='最近采集报告')),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.jurisdiction', verbose_name='辖区')),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation', verbose_name='数据提供方')),
                ('registered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '采集源',
                'verbose_name_plural': '采集源',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='dataset',
            name='harvest_source',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='datasets', to='datahub.harvestsource', verbose_name='采集源'),
        ),
        INDEX,
    ]
