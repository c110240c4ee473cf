"""Topic pages: the topics readers have stories in, and each one's published articles."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from ..models import Topic
from .mixins import (
    CountedIndexMixin,
    CountedRowMixin,
    FeedLinksMixin,
    StoryLinksMixin,
    WindowPaginationMixin,
)


class TopicListView(CountedIndexMixin, ListView):
    """Topics with at least one published article, and how many, by name."""

    template_name = "articles/topic_list.html"
    model = Topic
    count_kind = "topics"


class TopicDetailView(
    CountedRowMixin, StoryLinksMixin, FeedLinksMixin, WindowPaginationMixin, ListView
):
    """A topic's published articles, newest first."""

    template_name = "articles/topic_detail.html"
    feed_url_name = "articles:topic_feed_{format}"
    count_kind = "topics"

    def get_feed_url_kwargs(self):
        return {"slug": self.row.slug}

    def get_row(self):
        return get_object_or_404(Topic, slug=self.kwargs["slug"])

    def row_articles(self, articles):
        return articles.in_topic(self.row)

    def get_context_data(self, **kwargs):
        kwargs["topic"] = self.row
        return super().get_context_data(**kwargs)
