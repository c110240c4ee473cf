"""Stories on the desk: titled, given a lead among their members, merged, and split.

Imports build stories (``articles.stories``); here editors correct them. A title or a lead
makes a story the editors': evidence never merges it with another editors' story. Splits
and "take out of its story" are actions on the review queue (``.articles``), where the
members are listed grouped by story; this page links there.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .. import stories
from ..forms import SeenForm
from ..models import Article, Story
from .actions import MergeActionMixin
from .base import DeskAdmin, SavesChangedFieldsMixin, counted

MEMBERS_SHOWN = 50


class StoryForm(SeenForm):
    class Meta:
        model = Story
        fields = ["title", "lead"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lead = self.fields["lead"]
        lead.queryset = (
            Article.objects.filter(story=self.instance)
            if self.instance.pk
            else Article.objects.none()
        ).select_related("provider")
        lead.label_from_instance = lambda a: f"{a.title} — {a.provider} ({a.get_status_display()})"
        lead.help_text = "One of the story's articles. Empty: the best published one."


@admin.register(Story)
class StoryAdmin(SavesChangedFieldsMixin, MergeActionMixin, DeskAdmin):
    form = StoryForm
    list_display = ["headline", "member_count", "pending_count", "slug", "updated_at"]
    list_display_links = ["headline"]
    search_fields = ["title", "slug", "articles__title"]
    ordering = ["-updated_at", "-id"]
    list_per_page = 50
    show_full_result_count = False
    fields = ["title", "lead", "members", "slug", ("created_at", "updated_at")]
    readonly_fields = ["members", "slug", "created_at", "updated_at"]
    actions = ["merge"]
    merge_ordering = ("-updated_at", "-id")
    merge_objects = staticmethod(stories.merge_stories)
    merge_state_fields = ("pk", "title", "lead_id")
    merge_intro = (
        "Choose the story that stays, with its title and lead; the others' articles join it "
        "and later imports keep them together."
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("lead")
            .annotate(
                member_count=Count("articles", distinct=True),
                pending_count=Count(
                    "articles", filter=Q(articles__status=Article.Status.PENDING), distinct=True
                ),
            )
        )

    def has_add_permission(self, request):
        """Stories come from imports and from splitting one on the review queue."""
        return False

    def has_delete_permission(self, request, obj=None):
        """A deleted story's articles would be grouped again by the next import: take
        articles out of their story on the review queue instead."""
        return False

    def has_merge_permission(self, request, obj=None):
        return self.has_change_permission(request)

    @admin.display(description="story", ordering="title")
    def headline(self, story):
        if story.title:
            return story.title
        if story.lead_id:
            return format_html("<i>{}</i>", story.lead.title)
        return format_html("<i>untitled ({})</i>", story.slug)

    @admin.display(description="articles", ordering="member_count")
    def member_count(self, story):
        return story.member_count

    @admin.display(description="pending", ordering="pending_count")
    def pending_count(self, story):
        return story.pending_count

    @admin.display(description="articles in this story")
    def members(self, story):
        if not story.pk:
            return "—"
        articles = list(
            story.articles.select_related("provider").order_by("-published_at", "-id")[
                : MEMBERS_SHOWN + 1
            ]
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> — {}, {}{}</li>',
            (
                (
                    reverse("admin:articles_article_change", args=[a.pk]),
                    a.title,
                    a.provider,
                    a.get_status_display(),
                    " (lead)" if a.pk == story.lead_id else "",
                )
                for a in articles[:MEMBERS_SHOWN]
            ),
        )
        queue = reverse("admin:articles_article_changelist") + f"?status=all&story={story.pk}"
        more = "and more; " if len(articles) > MEMBERS_SHOWN else ""
        return format_html(
            '<ul class="nr-story-members">{}</ul><p>{}<a href="{}">open them in the queue</a> '
            "to publish the best version, reject the rest, or split some out.</p>",
            rows,
            more,
            queue,
        )

    def merge_label(self, story):
        return f"{story} — {counted(story.member_count, 'article')}"

    def merge_report(self, result):
        return (
            f"Merged {counted(len(result.merged), 'story', 'stories')} into “{result.survivor}”; "
            f"{counted(result.articles_moved, 'article')} moved."
        )
