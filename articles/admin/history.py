"""The moderation history across all articles, read-only and searchable."""

from django.contrib import admin

from newsroom.paginators import BoundedCountPaginator

from ..models import StatusChange
from .base import BoundedSearchMixin, ReadOnlyAdminMixin, SafeLookupsMixin, SafeToFieldMixin


@admin.register(StatusChange)
class StatusChangeAdmin(
    SafeLookupsMixin, SafeToFieldMixin, BoundedSearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    list_display = ["changed_at", "article", "from_status", "to_status", "publish_at", "changed_by"]
    list_filter = ["to_status", "from_status", "changed_at"]
    list_select_related = ["article", "changed_by"]
    search_fields = ["article__title", "note"]
    date_hierarchy = "changed_at"
    show_full_result_count = False
    paginator = BoundedCountPaginator
    fields = [
        "article",
        ("from_status", "to_status", "publish_at"),
        ("changed_by", "changed_at"),
        "note",
    ]
