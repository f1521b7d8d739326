from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from aiplus.core import models


@admin.register(models.User)
class AiplusUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("aiplus", {"fields": ("display_name", "language")}))


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_name", "action", "object_repr", "jurisdiction", "request_id")
    list_filter = ("action",)
    search_fields = ("object_repr", "actor_name", "request_id")

    # Append-only: superusers can read audit events here, never change them.
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


for model in (models.Jurisdiction, models.Organisation, models.RoleAssignment, models.ObjectPermission,
              models.Department, models.Notification, models.JobProgress, models.WorkflowTimer):
    admin.site.register(model)
