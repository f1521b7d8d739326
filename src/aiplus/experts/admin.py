from django.contrib import admin

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


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    list_display = ("id", "purpose", "jurisdiction", "size", "seed", "created_at")
    inlines = [DrawMemberInline]
    # A draw is a record: it is never edited by hand.
    readonly_fields = ("seed", "candidates", "excluded", "selected")


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("title", "jurisdiction", "draw", "deadline")


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ("consultation", "expert", "submitted_at")
