"""Notices moved to the participation app (participation migration 0002 copied the rows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("participation", "0002_notices_from_portal")]

    operations = [migrations.DeleteModel(name="Notice")]
