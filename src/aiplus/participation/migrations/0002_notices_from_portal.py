"""The notices the portal kept before this app (portal.Notice) become participation notices, with their search
tokens; then the full-text indexes of notices and events are created (core.search: FTS5 on SQLite, GIN on
PostgreSQL). Portal migration 0002 removes the old table afterwards."""

from django.db import migrations

from aiplus.core.search import create_index

TABLES = ["participation_notice", "participation_event"]


def copy_notices(apps, schema_editor):  # type: ignore[no-untyped-def]
    from aiplus.participation.search import NOTICES

    Old = apps.get_model("portal", "Notice")
    New = apps.get_model("participation", "Notice")
    for old in Old.objects.all().order_by("id"):
        New.objects.create(
            jurisdiction_id=old.jurisdiction_id, kind="notice", title=old.title, title_en=old.title_en,
            body=old.body, is_published=old.is_published, published_at=old.published_at, is_demo=old.is_demo,
            search_tokens=NOTICES.tokens_for(old.title, old.title_en, "", "", old.body))


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial"), ("portal", "0001_initial")]

    operations = [migrations.RunPython(copy_notices, migrations.RunPython.noop), create_index(TABLES)]
