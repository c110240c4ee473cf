"""Topics in the admin: renamed, counted and merged."""

from django.contrib import admin

from .. import merging
from ..models import Article, Topic
from .actions import MergeActionMixin
from .base import ArticleCountMixin, DeskAdmin, counted


@admin.register(Topic)
class TopicAdmin(ArticleCountMixin, MergeActionMixin, DeskAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]
    article_rows = (Article.topics.through, "topic")
    merge_objects = staticmethod(merging.merge_topics)
    merge_intro = "Choose the topic that stays; the others' articles are filed under it."

    def merge_label(self, topic):
        return f"{topic} — {counted(topic.article_count, 'article')}"

    def merge_report(self, result):
        return (
            f"Merged {counted(len(result.merged), 'topic')} into “{result.survivor}”; "
            f"{counted(result.articles_moved, 'article')} re-filed."
        )
