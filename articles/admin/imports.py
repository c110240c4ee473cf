"""Import runs and their failures in the admin: read-only records of each import.

Dry runs are not recorded, so there is no dry-run column or filter; durations read as
"0.06 s" or "2 min 5 s".
"""

from django.contrib import admin

from ..dashboard import readable_duration
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
        "status",
        "source",
        "files_seen",
        "created",
        "updated",
        "unchanged",
        "failed",
        "duration_display",
    ]
    list_filter = ["status", "started_at"]
    list_select_related = ["started_by"]
    date_hierarchy = "started_at"
    inlines = [ImportFailureInline]
    fields = [
        ("started_at", "finished_at", "duration_display"),
        ("started_by", "source"),
        "paths",
        ("status", "files_done"),
        ("files_seen", "created", "updated", "unchanged", "failed"),
    ]

    @admin.display(description="duration", ordering="duration")
    def duration_display(self, run):
        return readable_duration(run.duration)
