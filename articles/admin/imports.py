"""Import runs and their failures in the admin: read-only records of each import, and
the page that imports uploaded seed files (``articles.uploads``) as one more run.

Dry runs are not recorded, so there is no dry-run column or filter; durations read as
"0.06 s" or "2 min 5 s".
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from ..dashboard import readable_duration
from ..forms import SeedUploadForm
from ..models import ImportFailure, ImportRun
from ..seedfiles.importer import DatabaseUnavailable
from ..uploads import UploadRefused, import_upload, readable_size
from .base import ReadOnlyAdminMixin, SafeLookupsMixin, SafeToFieldMixin

UPLOAD_PERMISSION = "articles.import_seeds"
# A run writes its counts after every chunk (seconds apart): this long without, it died.
SILENT_RUN = timedelta(minutes=15)
SKIPPED_SHOWN = 5


class ImportFailureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ImportFailure
    extra = 0
    fields = ["file", "line", "message"]
    readonly_fields = fields


@admin.register(ImportRun)
class ImportRunAdmin(SafeLookupsMixin, SafeToFieldMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "started_at",
        "status_display",
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
        ("status_display", "files_done"),
        ("files_seen", "created", "updated", "unchanged", "failed"),
    ]
    change_list_template = "admin/articles/importrun/change_list.html"
    upload_template = "admin/articles/importrun/upload.html"

    @admin.display(description="status", ordering="status")
    def status_display(self, run):
        """A running run that has not written for ``SILENT_RUN`` probably died."""
        if run.status != ImportRun.Status.RUNNING:
            return run.get_status_display()
        last_word = run.started_at + (run.duration or timedelta())
        if timezone.now() - last_word < SILENT_RUN:
            return f"running: {run.files_done} of {run.files_seen} files"
        return (
            f"no word since {timezone.localtime(last_word):%Y-%m-%d %H:%M}, "
            f"after {run.files_done} of {run.files_seen} files: killed, or its machine lost?"
        )

    @admin.display(description="duration", ordering="duration")
    def duration_display(self, run):
        return readable_duration(run.duration)

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="articles_importrun_upload",
            ),
            *super().get_urls(),
        ]

    def has_upload_permission(self, request):
        return request.user.has_perm(UPLOAD_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_upload": self.has_upload_permission(request)}
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        """Upload seed files or zips of them; import them and show the run's report."""
        if not self.has_upload_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = SeedUploadForm(request.POST, request.FILES) if posted else SeedUploadForm()
        if posted and form.is_valid():
            try:
                upload = import_upload(form.cleaned_data["files"], request.user)
            except UploadRefused as exc:
                form.add_error("files", str(exc))
            except DatabaseUnavailable as exc:
                form.add_error(None, f"{exc}; nothing was recorded. Try again shortly.")
            else:
                return self._after_upload(request, upload)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import seed files",
            "form": form,
            "limits": upload_limits(),
            "can_view_runs": self.has_view_permission(request),
        }
        return TemplateResponse(request, self.upload_template, context)

    def _after_upload(self, request, upload):
        result = upload.result
        level = messages.WARNING if result.failed or result.where_it_stopped() else messages.SUCCESS
        summary = (
            f"Imported {', '.join(upload.names)}: {result.files_seen} seed "
            f"file{'s' if result.files_seen != 1 else ''}; {result.summary()}."
        )
        if result.failed:
            summary += " The failed files and why are listed below."
        messages.add_message(request, level, summary)
        if result.where_it_stopped():
            messages.error(request, result.where_it_stopped())
        if upload.skipped:
            shown = ", ".join(upload.skipped[:SKIPPED_SHOWN])
            more = len(upload.skipped) - SKIPPED_SHOWN
            what = (
                "1 entry that is not a seed file"
                if len(upload.skipped) == 1
                else f"{len(upload.skipped)} entries that are not seed files"
            )
            rest = f" and {more} more" if more > 0 else ""
            messages.info(request, f"Skipped {what} (.txt): {shown}{rest}.")
        if self.has_view_permission(request, result.run):
            return redirect(reverse("admin:articles_importrun_change", args=[result.run.pk]))
        return redirect(reverse("admin:articles_importrun_upload"))


def upload_limits():
    """The limits as the upload page states them."""
    return {
        "request": readable_size(settings.SEED_UPLOAD_MAX_BYTES),
        "request_bytes": settings.SEED_UPLOAD_MAX_BYTES,
        "loose_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "files": settings.SEED_UPLOAD_MAX_FILES,
        "total": readable_size(settings.SEED_UPLOAD_MAX_TOTAL_BYTES),
        "file": readable_size(settings.SEED_MAX_BYTES),
    }
