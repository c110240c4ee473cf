"""The review queue and the article change page.

``ArticleAdmin`` is the queue's columns, filters and change form; moderation comes from
the decision table (``.decisions``), the queue's topic actions from ``articles.moderation``.
An editor's change to a feed field is recorded by ``Article.mark_edited``.
"""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.db import connections, models
from django.db.models import F, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator, smart_split

from newsroom.paginators import BoundedCountPaginator

from .. import moderation, stories
from ..editors import desk_time, desk_time_short
from ..forms import (
    ArticleAdminForm,
    ModerationForm,
    SeenInlineForm,
    SeenInlineFormSet,
    StoredTextField,
    TopicChoiceForm,
)
from ..models import Article, ArticleImage, RelatedLink, StatusChange, score_ordering
from ..search import MAX_WORDS, matching_ids
from .actions import (
    CHANGED_MEANWHILE,
    Page,
    action_form,
    intermediate_page,
    is_stale,
    selection_state,
)
from .base import DeskAdmin, ReadOnlyAdminMixin, counted, read_only_rest
from .decisions import ModerationAdminMixin, bulk_actions
from .filters import (
    HasImageFilter,
    HeatFilter,
    PublisherDateFilter,
    PublisherFilter,
    QualityFilter,
    StatusFilter,
    StoryFilter,
)

THUMB_WIDTH = 64
EXCERPT_CHARS = 140
# The queue and the article page need the width: no navigation sidebar beside them.
WIDE_PAGE = {"is_nav_sidebar_enabled": False}
QUEUE_TITLES = {
    StatusFilter.DEFAULT: "Review queue",
    StatusFilter.SCHEDULED: "Scheduled articles",
    Article.Status.PUBLISHED: "Published articles",
    Article.Status.REJECTED: "Rejected articles",
    StatusFilter.ALL: "All articles",
}
TOPIC_INTRO = "Topics an editor sets are kept when the feed is imported again."
ADD_TOPIC = Page("add_topic", "Add a topic", TOPIC_INTRO, "Add topic")
REMOVE_TOPIC = Page("remove_topic", "Remove a topic", TOPIC_INTRO, "Remove topic")


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


def _time_cell(when):
    """A compact time in the desk's zone, the full one on hover."""
    if when is None:
        return "—"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        when.isoformat(),
        desk_time(when),
        desk_time_short(when),
    )


# --- Inlines ---------------------------------------------------------------------------


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    form, formset = SeenInlineForm, SeenInlineFormSet
    extra = 0
    fields = ["preview", "position", "url", "width", "height", "title"]
    readonly_fields = ["preview"]

    @admin.display(description="image")
    def preview(self, image):
        return thumbnail(image.url, image.width, image.height, max_width=96)


class RelatedLinkInline(admin.TabularInline):
    """The feed's related coverage: editors only hide or unhide links.

    Listed in the order the public page shows them (newest first), hidden ones in place.
    """

    model = RelatedLink
    form, formset = SeenInlineForm, SeenInlineFormSet
    fk_name = "article"
    extra = 0
    can_delete = False
    verbose_name_plural = "related coverage (in the order readers see it)"
    fields = ["title", "provider", "published_at", "link", "is_hidden"]
    readonly_fields = ["title", "provider", "published_at", "link"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("provider")
            .order_by(F("published_at").desc(nulls_last=True), "position", "pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="URL")
    def link(self, related):
        return format_html('<a href="{}" rel="noopener">{}</a>', related.source_url, related.url)


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The article's moderation history, read-only."""

    model = StatusChange
    extra = 0
    can_delete = False
    verbose_name_plural = "moderation history"
    fields = ["changed_at", "changed_by", "from_status", "to_status", "publish_at", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


# --- Articles --------------------------------------------------------------------------


class QueueChangeList(ChangeList):
    """A click on the heat or quality column sorts unscored articles lowest, as every
    other score sort does (``score_ordering``): last when highest first, first when
    lowest first. PostgreSQL's plain ``DESC`` would put them first, and read no index:
    the score indexes say ``NULLS LAST`` (``ScoreIndex``)."""

    score_columns = ("heat", "quality")

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        if connections[queryset.db].vendor == "sqlite":
            return ordering  # NULL is lowest there already.
        return [self.nulls_lowest(term) for term in ordering]

    def nulls_lowest(self, term):
        if not isinstance(term, str) or term.removeprefix("-") not in self.score_columns:
            return term
        if term.startswith("-"):
            return F(term[1:]).desc(nulls_last=True)
        return F(term).asc(nulls_first=True)


@admin.register(Article)
class ArticleAdmin(ModerationAdminMixin, DeskAdmin):
    # One wide "article" cell (headline, excerpt's first line, source link), then short
    # columns: the table is laid out to the page's width (admin.css), never wider.
    list_display = [
        "article_cell",
        "publisher",
        "status_display",
        "heat",
        "quality",
        "topic_list",
        "publisher_date",
        "arrived",
    ]
    list_display_links = None
    list_filter = [
        StatusFilter,
        PublisherFilter,
        ("topics", admin.RelatedFieldListFilter),
        ("published_at", PublisherDateFilter),
        QualityFilter,
        HeatFilter,
        HasImageFilter,
        StoryFilter,
    ]
    # Publishers come by prefetch, not a join: a single-table query lets the database
    # walk the (status, score) indexes for every sort order.
    list_select_related = False
    # Title and excerpt are searched through the full-text index (get_search_results).
    search_fields = ["url", "provider__name"]
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
    actions = [
        *bulk_actions(),
        "publish_best_of_story",
        "add_topic",
        "remove_topic",
        "split_into_new_story",
        "take_out_of_story",
    ]
    inlines = [ArticleImageInline, RelatedLinkInline, StatusChangeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "excerpt",
                    "category",
                    "topics",
                    "editor_owned",
                    ("seen_version", "opened_at"),
                ]
            },
        ),
        (
            "Moderation",
            {
                "fields": [
                    "status_display",
                    "scheduled_for",
                    "moderated_by",
                    "moderated_at",
                    "story_link",
                ]
            },
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
    # What an editor may change is the feed fields they can own; the rest is shown only.
    readonly_fields = read_only_rest(
        fieldsets, [*Article.EDITABLE_FEED_FIELDS, "seen_version", "opened_at"]
    )

    def get_search_results(self, request, queryset, search_term):
        """Every word (or "quoted phrase") somewhere: in the URL or the publisher's name
        by substring, or in the title or excerpt by the full-text index (the readers'
        search: whole words, accents and case folded). So ``guardian facial`` finds the
        Guardian's articles on facial recognition."""
        terms = list(smart_split(search_term))[:MAX_WORDS]
        if not terms:
            return queryset, False
        found = Q()
        for term in terms:
            by_field, _ = super().get_search_results(request, queryset, term)
            found &= Q(pk__in=matching_ids(queryset, term)) | Q(pk__in=by_field.values("pk"))
        return queryset.filter(found), False

    def get_ordering(self, request):
        """The queue: hottest, then best, then newest; unscored last on every database.
        Grouped by story: each story's articles together, the newest story first."""
        if StoryFilter.groups(request):
            return ["-story_id", *score_ordering("heat", "quality")]
        return score_ordering("heat", "quality")

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("provider", "topics")
        if StoryFilter.groups(request):
            queryset = queryset.prefetch_related("story")
        return queryset

    def get_list_display(self, request):
        """Grouped by story, each row names its story."""
        columns = super().get_list_display(request)
        if StoryFilter.groups(request):
            return [columns[0], "story_cell", *columns[1:]]
        return columns

    def changelist_view(self, request, extra_context=None):
        """Titled for what it lists: "Review queue" for pending articles, and so on. An
        old link filtering by ``provider__id__exact`` is redirected to ``publisher``."""
        legacy = PublisherFilter.legacy_redirect_query(request.GET)
        if legacy is not None:
            return HttpResponseRedirect(f"{request.path}?{legacy}")
        status = request.GET.get(StatusFilter.parameter_name)
        title = QUEUE_TITLES.get(status, QUEUE_TITLES[StatusFilter.DEFAULT])
        context = {"title": title, "subtitle": None, **WIDE_PAGE, **(extra_context or {})}
        return super().changelist_view(request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {**WIDE_PAGE, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def has_add_permission(self, request):
        """Articles come from imports only: their identity is the feed's URL."""
        return False

    class Media:
        css = {"all": ["admin-newsroom/admin.css"]}
        js = ["admin-newsroom/queue.js"]

    def action_checkbox(self, article):
        """Django's checkbox, without a template render per row (a third of the page time)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            article.pk,
            f"Select this object for an action - {article}",
        )

    # Columns and read-only fields.

    @admin.display(description="article", ordering="title")
    def article_cell(self, article):
        """The headline (to the change page), the excerpt's first line, the source."""
        first_line = next((line for line in article.excerpt.splitlines() if line.strip()), "")
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        return format_html(
            '<a class="nr-headline" href="{}">{}</a>'
            '<span class="nr-excerpt" title="{}">{}</span>'
            '<a class="nr-source" href="{}" rel="noopener noreferrer" target="_blank">'
            "source: {}</a>",
            change_url,
            article.title,
            first_line,
            Truncator(first_line).chars(EXCERPT_CHARS),
            article.source_url,
            urlsplit(article.source_url).hostname or article.source_url,
        )

    @admin.display(description="publisher", ordering="provider__name")
    def publisher(self, article):
        return article.provider

    @admin.display(description="publisher's date", ordering="published_at")
    def publisher_date(self, article):
        return _time_cell(article.published_at)

    @admin.display(description="arrived", ordering="imported_at")
    def arrived(self, article):
        return _time_cell(article.imported_at or article.created_at)

    @admin.display(description="status", ordering="status")
    def status_display(self, article):
        if article.is_scheduled:
            return format_html(
                "scheduled for <time datetime='{}'>{}</time>",
                article.publish_at.isoformat(),
                desk_time(article.publish_at),
            )
        return article.get_status_display()

    @admin.display(description="scheduled for")
    def scheduled_for(self, article):
        """On the desk's clock; readers see a published article from this time on."""
        return desk_time(article.publish_at) if article.publish_at else "—"

    @admin.display(description="topics")
    def topic_list(self, article):
        return ", ".join(topic.name for topic in article.topics.all()) or "—"

    @admin.display(description="story")
    def story_cell(self, article):
        story = article.story
        if story is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_story_change", args=[story.pk]), story
        )

    @admin.display(description="story")
    def story_link(self, article):
        """The story this article is in, its other versions a click away."""
        story = article.story
        if story is None:
            return "none" + (" (taken out by an editor)" if article.story_pinned else "")
        queue = reverse("admin:articles_article_changelist") + f"?status=all&story={story.pk}"
        return format_html(
            '<a href="{}">{}</a> — <a href="{}">all its articles in the queue</a>{}',
            reverse("admin:articles_story_change", args=[story.pk]),
            story,
            queue,
            " (placed by an editor)" if article.story_pinned else "",
        )

    @admin.display(description="encrypted body")
    def secured_summary(self, article):
        size = len(article.secured.encode())
        return f"encrypted body, {size} bytes" if size else "none"

    @admin.display(description="editor-owned fields")
    def editor_owned(self, article):
        owned = article.editor_owned_fields
        if not owned:
            *others, last = Article.EDITABLE_FEED_FIELDS
            return f"none: imports may refresh {', '.join(others)} and {last}"
        return format_html(
            "{} <span class='help'>(imports leave these alone)</span>",
            ", ".join(owned),
        )

    @staticmethod
    def _edited(form):
        """The article's own fields the editor changed."""
        columns = {field.name for field in Article._meta.concrete_fields}
        return [name for name in form.changed_data if name in columns or name == "topics"]

    def save_model(self, request, obj, form, change):
        """Write only what the editor changed, and remember it is theirs.

        An import may have refreshed the row since the form was opened (quality, the
        encrypted body, its hash, topics): a full-row save would put the old values
        back. The editor's fields become editor-owned, so imports never overwrite them,
        and the edit version moves on (see ``ArticleAdminForm``).
        """
        changed = self._edited(form)
        obj.mark_edited(*(name for name in Article.EDITABLE_FEED_FIELDS if name in changed))
        if not change:
            super().save_model(request, obj, form, change)
            return
        if not changed:
            return
        obj.edit_version += 1
        fields = [name for name in changed if name != "topics"]
        obj.save(update_fields=[*fields, "edited_fields", "edit_version", "updated_at"])

    def save_related(self, request, form, formsets, change):
        """A save that changed only images or related links moves the edit version too,
        so a page opened before it is refused as it is after an edit of the headline."""
        super().save_related(request, form, formsets, change)
        if change and not self._edited(form) and any(f.has_changed() for f in formsets):
            Article.objects.filter(pk=form.instance.pk).update(edit_version=F("edit_version") + 1)

    # The queue's topic actions, which ask for the topic on an intermediate page.

    def _topic_action(self, request, queryset, *, add):
        form = action_form(request, TopicChoiceForm)
        if not (form.is_bound and form.is_valid()):
            page = ADD_TOPIC if add else REMOVE_TOPIC
            return intermediate_page(self, request, queryset, form, page)
        topic = form.cleaned_data["topic"]
        if add:
            change, verb = moderation.add_topic, "given the topic"
        else:
            change, verb = moderation.remove_topic, "taken out of the topic"
        changed = change(list(queryset), topic, request.user)
        message = f"{counted(len(changed), 'article')} {verb} “{topic}”."
        self.message_user(request, message, messages.SUCCESS)
        return None

    @admin.action(description="Add a topic to selected articles…", permissions=["change"])
    def add_topic(self, request, queryset):
        return self._topic_action(request, queryset, add=True)

    @admin.action(description="Remove a topic from selected articles…", permissions=["change"])
    def remove_topic(self, request, queryset):
        return self._topic_action(request, queryset, add=False)

    # Stories: publish the best version, reject the rest; split; take out.

    @admin.action(
        description="Publish selected, reject the other pending articles of their stories…",
        permissions=["publish"],
    )
    def publish_best_of_story(self, request, queryset):
        articles = list(queryset.only("pk", "story_id", "title", "status", "publish_at"))
        story_ids = {a.story_id for a in articles if a.story_id}
        rest = Article.objects.filter(story_id__in=story_ids, status=Article.Status.PENDING)
        rest = rest.exclude(pk__in=[a.pk for a in articles])
        form = action_form(request, ModerationForm)
        # What the page lists: the selected articles and the versions it will reject.
        state = selection_state(queryset, rest)
        stale = form.is_bound and is_stale(request, state)
        if stale or not (form.is_bound and form.is_valid()):
            page = Page(
                "publish_best_of_story",
                "Publish these articles and reject the other versions?",
                "Readers see the selected articles from now on; the other pending articles "
                "of their stories are rejected.",
                "Publish and reject",
            )
            others = list(rest.select_related("provider")[:50])
            warnings = [CHANGED_MEANWHILE] if stale else []
            warnings.append(
                f"{counted(rest.count(), 'other pending article')} will be rejected"
                + (": " + "; ".join(f"“{a}” ({a.provider})" for a in others) if others else ".")
            )
            return intermediate_page(
                self, request, queryset, form, page, warnings=warnings, state=state
            )
        note = form.cleaned_data.get("note", "")
        published, rejected = moderation.publish_best(articles, list(rest), request.user, note)
        self.message_user(
            request,
            f"{counted(len(published), 'article')} published, "
            f"{counted(len(rejected), 'other version')} rejected.",
            messages.SUCCESS,
        )
        return None

    @admin.action(description="Split selected into a new story", permissions=["change"])
    def split_into_new_story(self, request, queryset):
        story = stories.split_story(queryset.only("pk", "url", "story_id"), request.user)
        self.message_user(
            request,
            f"{counted(story.articles.count(), 'article')} moved to a new story, “{story}”; "
            "later imports keep them apart.",
            messages.SUCCESS,
        )

    @admin.action(description="Take selected out of their stories", permissions=["change"])
    def take_out_of_story(self, request, queryset):
        changed = stories.take_out_of_stories(queryset.only("pk", "story_id"), request.user)
        self.message_user(
            request,
            f"{counted(changed, 'article')} taken out of their stories; "
            "later imports leave them out.",
            messages.SUCCESS,
        )
