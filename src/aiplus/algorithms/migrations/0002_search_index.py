"""Full-text indexes over the registers' `search_tokens` (core.search: FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from aiplus.core.search import create_index

TABLES = ["algorithms_aimodel", "algorithms_algorithm", "algorithms_hardware", "algorithms_opensourceproject"]


class Migration(migrations.Migration):
    dependencies = [("algorithms", "0001_initial")]

    operations = [create_index(TABLES)]
