"""Matching updated one document at a time by the worker (`MatchingChange`, the log every process replays, replaces
`MatchingState`, the version that made each process rebuild), and the platform's one search design for needs,
capability profiles and cases: a `search_tokens` column (filled here for existing rows, by the services from now
on) under an FTS5 table kept by triggers on SQLite, a GIN index on PostgreSQL (aiplus.core.search)."""

from typing import Any

from django.db import migrations, models

from aiplus.core.search import create_index


def fill_tokens(apps: Any, schema_editor: Any) -> None:
    # The same recipe the services apply on write, so an existing row is found exactly as a new one would be.
    from aiplus.scenarios import search

    for model, related, tokens in (("Need", "owner", search.need_tokens),
                                   ("CapabilityProfile", "organisation", search.profile_tokens),
                                   ("Case", None, search.case_tokens)):
        rows = apps.get_model("scenarios", model).objects.using(schema_editor.connection.alias)
        batch = []
        for row in (rows.select_related(related) if related else rows).iterator(chunk_size=500):
            row.search_tokens = tokens(row)
            batch.append(row)
            if len(batch) == 500:
                rows.bulk_update(batch, ["search_tokens"])
                batch = []
        if batch:
            rows.bulk_update(batch, ["search_tokens"])


class Migration(migrations.Migration):

    dependencies = [
        ('scenarios', '0002_copublish_qualifications_models'),
    ]

    operations = [
        migrations.CreateModel(
            name='MatchingChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=10)),
                ('object_id', models.PositiveBigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.DeleteModel(
            name='MatchingState',
        ),
        migrations.AddField(
            model_name='capabilityprofile',
            name='search_tokens',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='case',
            name='search_tokens',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='need',
            name='search_tokens',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        create_index(["scenarios_need", "scenarios_capabilityprofile", "scenarios_case"]),
    ]
