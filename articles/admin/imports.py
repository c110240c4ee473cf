"""Import runs and their failures in the admin: read-only records of each import."""

from django.contrib import admin

from ..models import ImportFailure, ImportRun
from .base import ReadOnlyAdminMixin, SafeToFieldMixin


class ImportFailureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ImportFailure
    extra = 0
    fields = ["file", "line", "message"]
    readonly_fields = fields


@admin.register(ImportRun)
class ImportRunAdmin(SafeToFieldMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "started_at",
        "source",
        "files_seen",
        "created",
        "updated",
        "unchanged",
        "failed",
        "duration",
        "dry_run",
    ]
    list_filter = ["dry_run", "started_at"]
    list_select_related = ["started_by"]
    date_hierarchy = "started_at"
    inlines = [ImportFailureInline]
    fields = [
        ("started_at", "finished_at", "duration"),
        ("started_by", "source", "dry_run"),
        "paths",
        ("files_seen", "created", "updated", "unchanged", "failed"),
    ]
