from django.contrib import admin
from django.http import HttpRequest

from aiplus.experts.models import ConflictDeclaration, Consultation, Draw, DrawMember, ExpertProfile, Opinion


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "organisation", "jurisdiction", "available", "is_active")
    list_filter = ("is_active", "available", "jurisdiction")
    raw_id_fields = ("user", "organisation")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ("expert", "organisation", "relationship", "declared_at")
    raw_id_fields = ("expert", "organisation")


class DrawMemberInline(admin.TabularInline):
    model = DrawMember
    extra = 0
    raw_id_fields = ("expert",)
    readonly_fields = ("expert", "position")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    list_display = ("id", "purpose", "jurisdiction", "size", "seed", "created_at")
    inlines = [DrawMemberInline]
    # A draw is a record: it is never made or edited by hand (its seed comes from its recorded inputs).
    readonly_fields = ("purpose", "subject_type", "subject_id", "jurisdiction", "fields", "size", "seed",
                       "seed_inputs", "conflicted_organisation_ids", "candidates", "excluded", "selected",
                       "created_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Draw | None = None) -> bool:
        return False


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("title", "jurisdiction", "draw", "deadline")


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ("consultation", "expert", "submitted_at")
