"""The admin site shows the kernel's records; it never changes them.

Every change to users, roles, organisations, permissions and the other kernel records goes through a service, which
checks permissions and writes exactly one audit event (CONTRIBUTING.md). The admin's own add/change/delete forms do
neither (they leave only Django's admin log, which is not the audit log and can be edited), so these admins are
list-and-view only. Superusers change this data through the platform's pages, the API or management commands.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from aiplus.core import models


class ReadOnly:
    """Mixed into a ModelAdmin or an inline: rows are listed and viewed, never added, changed or deleted here."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    pass


@admin.register(models.User)
class AiplusUserAdmin(ReadOnlyAdmin, UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("aiplus", {"fields": ("display_name", "language")}))


@admin.register(models.AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    # Append-only: superusers can read audit events here, never change them.
    list_display = ("sequence", "occurred_at", "actor_name", "action", "object_repr", "jurisdiction", "request_id")
    list_filter = ("action",)
    search_fields = ("object_repr", "actor_name", "request_id")
    readonly_fields = ("sequence", "occurred_at", "prev_hash", "hash")


for model in (models.Jurisdiction, models.Organisation, models.RoleAssignment, models.ObjectPermission,
              models.Department, models.Notification, models.JobProgress, models.WorkflowTimer,
              models.WorkerHeartbeat):
    admin.site.register(model, ReadOnlyAdmin)
