from django.contrib import admin

from aiplus.departments.models import Duty, Handover, WorkItem


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    """Read only: a duty moves by a handover (the department page or the API), which keeps its history."""

    list_display = ("code", "jurisdiction", "department", "held_since", "source_kind")
    list_filter = ("pack", "code")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Handover)
class HandoverAdmin(DutyAdmin):
    list_display = ("duty", "from_department", "to_department", "effective_on", "items_moved")  # type: ignore[assignment]
    list_filter = ()  # type: ignore[assignment]


@admin.register(WorkItem)
class WorkItemAdmin(DutyAdmin):
    list_display = ("title", "duty", "department", "status", "due_on")  # type: ignore[assignment]
    list_filter = ("status",)  # type: ignore[assignment]
