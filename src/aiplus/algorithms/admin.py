"""The registers in the admin site: to read, never to change (every write goes through a service that checks who
writes and records one audit event). A model's serving endpoint is left out: it is its owner's secret."""

from django.contrib import admin

from aiplus.algorithms.models import AIModel, Algorithm, Hardware, OpenSourceProject
from aiplus.core.admin import ReadOnlyAdmin


@admin.register(AIModel)
class AIModelAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "kind", "filing_status", "is_published")
    list_filter = ("kind", "filing_status", "is_published")
    exclude = ("endpoint_url",)


@admin.register(Algorithm)
class AlgorithmAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "algorithm_type", "is_published")
    list_filter = ("algorithm_type", "is_published")


@admin.register(Hardware)
class HardwareAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "vendor", "domestic", "organisation", "is_published")
    list_filter = ("kind", "domestic", "is_published")


@admin.register(OpenSourceProject)
class OpenSourceProjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "licence", "is_published")
    list_filter = ("is_published",)
