"""The editorial admin: the review queue first, then topics, import runs and history.

Moderation logic lives in ``articles.moderation``; this module only wires it to the admin.
"""

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from newsroom.admin_actions import MergeForm, ValidSelectionMixin, action_form, intermediate_page
from newsroom.admin_search import BoundedSearchMixin
from newsroom.paginators import BoundedCountPaginator

from . import merging, moderation
from .forms import ArticleAdminForm, ModerationForm, ScheduleForm, StoredTextField, TopicChoiceForm
from .models import (
    Article,
    ArticleImage,
    ImportFailure,
    ImportRun,
    RelatedLink,
    StatusChange,
    Topic,
    score_ordering,
)

Status = Article.Status
THUMB_WIDTH = 64


def thumbnail(url, width, height, max_width=THUMB_WIDTH):
    """A small ``<img>`` with width and height, scaled to ``max_width``."""
    if not url:
        return "—"
    if width and height:
        height = max(1, round(height * max_width / width))
    else:
        height = round(max_width * 9 / 16)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" loading="lazy" class="nr-thumb">',
        url,
        max_width,
        height,
    )


# --- Review-queue filters -------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the review queue (pending); "All" shows every article."""

    title = "status"
    parameter_name = "status"
    ALL = "all"
    DEFAULT = Status.PENDING

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.ALL, "All")]

    def value(self):
        value = super().value()
        return value if value in (*Status.values, self.ALL) else self.DEFAULT

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class RangeFilter(admin.SimpleListFilter):
    """Buckets of an integer score; subclasses set ``field`` and ``ranges``."""

    field = None
    ranges = ()  # (lower, upper-exclusive or None)

    def lookups(self, request, model_admin):
        choices = []
        for low, high in self.ranges:
            label = f"{low}+" if high is None else f"{low}–{high - 1}"
            choices.append((f"{low}-{'' if high is None else high}", label))
        choices.append(("none", "no score"))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == "none":
            return queryset.filter(**{f"{self.field}__isnull": True})
        low, _, high = value.partition("-")
        try:
            queryset = queryset.filter(**{f"{self.field}__gte": int(low)})
            if high:
                queryset = queryset.filter(**{f"{self.field}__lt": int(high)})
        except ValueError:
            return queryset.none()
        return queryset


class HeatFilter(RangeFilter):
    title = "heat"
    parameter_name = "heat"
    field = "heat"
    ranges = ((0, 10), (10, 50), (50, 100), (100, None))


class QualityFilter(RangeFilter):
    title = "quality"
    parameter_name = "quality"
    field = "quality"
    ranges = ((0, 25), (25, 50), (50, 75), (75, None))


class PublisherFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "publisher"


class HasImageFilter(admin.SimpleListFilter):
    title = "image"
    parameter_name = "has_image"

    def lookups(self, request, model_admin):
        return [("yes", "has an image"), ("no", "has no image")]

    def queryset(self, request, queryset):
        has_image = Exists(ArticleImage.objects.filter(article=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(has_image)
        if self.value() == "no":
            return queryset.filter(~has_image)
        return queryset


# --- Inlines ---------------------------------------------------------------------------


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    fields = ["preview", "position", "url", "width", "height", "title"]
    readonly_fields = ["preview"]

    @admin.display(description="image")
    def preview(self, image):
        return thumbnail(image.url, image.width, image.height, max_width=96)


class RelatedLinkInline(admin.TabularInline):
    """The feed's related coverage: editors only hide or unhide links."""

    model = RelatedLink
    fk_name = "article"
    extra = 0
    can_delete = False
    fields = ["title", "provider", "published_at", "link", "is_hidden"]
    readonly_fields = ["title", "provider", "published_at", "link"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="URL")
    def link(self, related):
        return format_html('<a href="{}" rel="noopener">{}</a>', related.source_url, related.url)


class StatusChangeInline(admin.TabularInline):
    """The article's moderation history, read-only."""

    model = StatusChange
    extra = 0
    can_delete = False
    verbose_name_plural = "moderation history"
    fields = ["changed_at", "changed_by", "from_status", "to_status", "publish_at", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Articles --------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(BoundedSearchMixin, ValidSelectionMixin, admin.ModelAdmin):
    list_display = [
        "lead_thumbnail",
        "title",
        "publisher",
        "status_display",
        "heat",
        "quality",
        "published",
        "topic_list",
    ]
    list_display_links = ["title"]
    list_filter = [
        StatusFilter,
        ("provider", PublisherFilter),
        ("topics", admin.RelatedFieldListFilter),
        "published_at",
        QualityFilter,
        HeatFilter,
        HasImageFilter,
    ]
    # Publishers come by prefetch, not a join: a single-table query lets the database
    # walk the (status, score) indexes for every sort order.
    list_select_related = False
    search_fields = ["title", "excerpt", "url", "provider__name"]
    ordering = ["-heat", "-quality", "-published_at"]  # see get_ordering
    list_per_page = 50
    list_max_show_all = 200
    paginator = BoundedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ["topics"]
    form = ArticleAdminForm
    # Text comes back as stored unless the editor changed it (see StoredTextField), so an
    # untouched title or excerpt is never marked editor-owned by a save.
    formfield_overrides = {
        models.CharField: {"strip": False, "widget": widgets.AdminTextInputWidget},
        models.TextField: {"form_class": StoredTextField, "widget": widgets.AdminTextareaWidget},
    }
    actions = ["publish", "reject", "send_back", "schedule", "add_topic", "remove_topic"]
    inlines = [ArticleImageInline, RelatedLinkInline, StatusChangeInline]
    fieldsets = [
        (None, {"fields": ["title", "excerpt", "category", "topics", "editor_owned"]}),
        (
            "Moderation",
            {"fields": ["status_display", "publish_at", "moderated_by", "moderated_at"]},
        ),
        (
            "Feed metadata",
            {
                "classes": ["collapse"],
                "fields": [
                    "provider",
                    "kind",
                    "published_at",
                    ("quality", "heat"),
                    "url",
                    "source_url",
                    "url_style",
                    "amp_url",
                    "cdn_amp_url",
                    "slug",
                    "secured_summary",
                    "source_file",
                    "content_hash",
                    "imported_at",
                    ("created_at", "updated_at"),
                ],
            },
        ),
    ]
    readonly_fields = [
        "editor_owned",
        "status_display",
        "publish_at",
        "moderated_by",
        "moderated_at",
        "provider",
        "kind",
        "published_at",
        "quality",
        "heat",
        "url",
        "source_url",
        "url_style",
        "amp_url",
        "cdn_amp_url",
        "slug",
        "secured_summary",
        "source_file",
        "content_hash",
        "imported_at",
        "created_at",
        "updated_at",
    ]

    def get_ordering(self, request):
        """The queue: hottest, then best, then newest; unscored last on every database."""
        return score_ordering("heat", "quality")

    def get_queryset(self, request):
        images = ArticleImage.objects.order_by("position")
        return (
            super()
            .get_queryset(request)
            .prefetch_related("provider", Prefetch("images", queryset=images), "topics")
        )

    def has_add_permission(self, request):
        """Articles come from imports only: their identity is the feed's URL."""
        return False

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(f"{self.opts.app_label}.publish_article")

    class Media:
        css = {"all": ["admin-newsroom/admin.css"]}

    def action_checkbox(self, article):
        """Django's checkbox, without a template render per row (a third of the page time)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            article.pk,
            f"Select this object for an action - {article}",
        )

    # Columns and read-only fields.

    @admin.display(description="publisher", ordering="provider__name")
    def publisher(self, article):
        return article.provider

    @admin.display(description="published", ordering="published_at")
    def published(self, article):
        return article.published_at

    @admin.display(description="image")
    def lead_thumbnail(self, article):
        image = article.lead_image
        if image is None:
            return "—"
        return thumbnail(image.url, image.width, image.height)

    @admin.display(description="status", ordering="status")
    def status_display(self, article):
        if article.is_scheduled:
            return f"scheduled for {article.publish_at:%Y-%m-%d %H:%M} UTC"
        return article.get_status_display()

    @admin.display(description="topics")
    def topic_list(self, article):
        return ", ".join(topic.name for topic in article.topics.all()) or "—"

    @admin.display(description="encrypted body")
    def secured_summary(self, article):
        size = len(article.secured.encode())
        return f"encrypted body, {size} bytes" if size else "none"

    @admin.display(description="editor-owned fields")
    def editor_owned(self, article):
        owned = article.editor_owned_fields
        if not owned:
            return "none: imports may refresh title, excerpt, category and topics"
        return format_html(
            "{} <span class='help'>(imports leave these alone)</span>",
            ", ".join(owned),
        )

    def save_model(self, request, obj, form, change):
        """Remember the feed fields an editor changed, so imports never overwrite them."""
        obj.mark_edited(
            *(name for name in Article.EDITABLE_FEED_FIELDS if name in form.changed_data)
        )
        super().save_model(request, obj, form, change)

    # Bulk actions.

    def _report(self, request, changed, total, verb):
        skipped = total - len(changed)
        message = f"{len(changed)} article(s) {verb}."
        if skipped:
            message += f" {skipped} already were, left as they were."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish(self, request, queryset):
        articles = list(queryset)
        changed = moderation.publish(articles, request.user)
        self._report(request, changed, len(articles), "published")

    @admin.action(description="Reject selected articles", permissions=["publish"])
    def reject(self, request, queryset):
        articles = list(queryset)
        changed = moderation.reject(articles, request.user)
        self._report(request, changed, len(articles), "rejected")

    @admin.action(description="Send selected articles back to pending", permissions=["publish"])
    def send_back(self, request, queryset):
        articles = list(queryset)
        changed = moderation.send_back(articles, request.user)
        self._report(request, changed, len(articles), "sent back to pending")

    @admin.action(description="Schedule selected articles…", permissions=["publish"])
    def schedule(self, request, queryset):
        form = action_form(request, ScheduleForm)
        if form.is_bound and form.is_valid():
            articles = list(queryset)
            changed = moderation.schedule(
                articles,
                request.user,
                form.cleaned_data["publish_at"],
                note=form.cleaned_data["note"],
            )
            self._report(request, changed, len(articles), "scheduled")
            return None
        return intermediate_page(
            self,
            request,
            queryset,
            form,
            action="schedule",
            title="Schedule articles",
            intro="These articles become visible to readers at the time you choose.",
            submit="Schedule",
        )

    def _topic_action(self, request, queryset, *, add):
        form = action_form(request, TopicChoiceForm)
        if form.is_bound and form.is_valid():
            topic = form.cleaned_data["topic"]
            articles = list(queryset)
            if add:
                changed = moderation.add_topic(articles, topic, request.user)
                verb = f"given the topic “{topic}”"
            else:
                changed = moderation.remove_topic(articles, topic, request.user)
                verb = f"taken out of the topic “{topic}”"
            self.message_user(request, f"{len(changed)} article(s) {verb}.", messages.SUCCESS)
            return None
        return intermediate_page(
            self,
            request,
            queryset,
            form,
            action="add_topic" if add else "remove_topic",
            title="Add a topic" if add else "Remove a topic",
            intro="Topics an editor sets are kept when the feed is imported again.",
            submit="Add topic" if add else "Remove topic",
        )

    @admin.action(description="Add a topic to selected articles…", permissions=["change"])
    def add_topic(self, request, queryset):
        return self._topic_action(request, queryset, add=True)

    @admin.action(description="Remove a topic from selected articles…", permissions=["change"])
    def remove_topic(self, request, queryset):
        return self._topic_action(request, queryset, add=False)

    # One article at a time, from its change page.

    DECISIONS = {
        "publish": ("Publish now", ModerationForm),
        "schedule": ("Schedule", ScheduleForm),
        "reject": ("Reject", ModerationForm),
        "pending": ("Send back to pending", ModerationForm),
    }

    def get_urls(self):
        return [
            path(
                "<path:object_id>/moderate/<slug:decision>/",
                self.admin_site.admin_view(self.moderate_view),
                name="articles_article_moderate",
            ),
            *super().get_urls(),
        ]

    def moderation_links(self, request, article):
        if not self.has_publish_permission(request):
            return []
        links = []
        for decision, (label, _form) in self.DECISIONS.items():
            already_live = article.status == Status.PUBLISHED and not article.is_scheduled
            if decision == "publish" and already_live:
                continue
            if decision == "reject" and article.status == Status.REJECTED:
                continue
            if decision == "pending" and article.status == Status.PENDING:
                continue
            url = reverse("admin:articles_article_moderate", args=[article.pk, decision])
            links.append((label, url))
        return links

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "moderation_links": self.moderation_links(request, article) if article else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def moderate_view(self, request, object_id, decision):
        if decision not in self.DECISIONS:
            raise Http404("No such moderation decision.")
        if not self.has_publish_permission(request):
            raise PermissionDenied
        # get_object() answers None for a missing id and for one that is not a number.
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        label, form_class = self.DECISIONS[decision]
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            if decision == "schedule":
                moderation.schedule(article, request.user, form.cleaned_data["publish_at"], note)
            elif decision == "publish":
                moderation.publish(article, request.user, note)
            elif decision == "reject":
                moderation.reject(article, request.user, note)
            else:
                moderation.send_back(article, request.user, note)
            self.message_user(request, f"{label}: done for “{article}”.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: {article}",
            "decision_label": label,
            "form": form,
            "original": article,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/moderate.html", context)


# --- Topics ----------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(BoundedSearchMixin, ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def get_queryset(self, request):
        """Counted per topic shown, by a subquery (no join to multiply or GROUP BY to sort)."""
        Through = Article.topics.through
        counts = (
            Through.objects.filter(topic=OuterRef("pk"))
            .order_by()
            .values("topic")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(article_count=Coalesce(Subquery(counts), 0))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, topic):
        return topic.article_count

    @admin.action(description="Merge selected topics…", permissions=["change"])
    def merge(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, "Select at least two topics to merge.", messages.WARNING)
            return None
        form = action_form(request, MergeForm, queryset=queryset.order_by("name"))
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = list(queryset.exclude(pk=survivor.pk))
            result = merging.merge_topics(survivor, others, user=request.user)
            self.message_user(
                request,
                f"Merged {len(others)} topic(s) into “{survivor}”; "
                f"{result.articles_moved} article(s) re-filed.",
                messages.SUCCESS,
            )
            return None
        return intermediate_page(
            self,
            request,
            queryset,
            form,
            action="merge",
            title="Merge topics",
            intro="Choose the topic that stays; the others' articles are filed under it.",
            submit="Merge",
        )


# --- Import runs and history (read-only) ----------------------------------------------


class ReadOnlyAdminMixin:
    """Records kept by the system: anyone allowed to view them may only look."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ImportFailureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ImportFailure
    extra = 0
    fields = ["file", "line", "message"]
    readonly_fields = fields


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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


@admin.register(StatusChange)
class StatusChangeAdmin(BoundedSearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
