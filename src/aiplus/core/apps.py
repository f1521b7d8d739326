from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

# The SQL function SQLite's audit DELETE trigger asks (migration 0009). It answers 1 only while
# `aiplus.core.audit.purge_allowed` is active on that connection, which only the test runner's flush uses; a
# connection that has not registered it (the sqlite3 shell, another program) gets "no such function", so DELETE is
# refused there too.
SQLITE_PURGE_FUNCTION = "aiplus_audit_purge_allowed"


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_PURGE_FUNCTION, 0, lambda: 1 if getattr(connection, "aiplus_audit_purge_allowed", False) else 0)


class CoreConfig(AppConfig):
    name = "aiplus.core"
    label = "core"
    verbose_name = _("平台内核")

    def ready(self) -> None:
        connection_created.connect(register_sqlite_functions, dispatch_uid="aiplus.core.sqlite_functions")
        # Working days also count the holiday notices the operator entered (aiplus.core.holidays).
        from aiplus.core import calendar, holidays

        calendar.use_entered_years(holidays.arrangement)
