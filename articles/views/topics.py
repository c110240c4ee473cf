"""Topic pages: the topics readers have stories in, and each one's published articles."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from ..models import Article, Topic
from .mixins import CappedCountMixin, CountedIndexMixin, FeedLinksMixin, WindowPaginationMixin


class TopicListView(CountedIndexMixin, ListView):
    """Topics with at least one published article, and how many."""

    template_name = "articles/topic_list.html"
    model = Topic
    ordering = ["name"]
    count_field = "topics"


class TopicDetailView(CappedCountMixin, FeedLinksMixin, WindowPaginationMixin, ListView):
    """A topic's published articles, newest first."""

    template_name = "articles/topic_detail.html"
    feed_url_name = "articles:topic_feed_{format}"

    def get_feed_url_kwargs(self):
        return {"slug": self.topic.slug}

    def get_queryset(self):
        # A topic readers have no story in is not listed anywhere, so it is not found here.
        self.topic = get_object_or_404(
            Topic.objects.with_published_articles(), slug=self.kwargs["slug"]
        )
        return Article.objects.published().for_cards().in_topic(self.topic)

    def count_articles(self, limit):
        return Article.objects.published().count_in_topic(self.topic, limit)

    def get_context_data(self, **kwargs):
        kwargs["topic"] = self.topic
        return super().get_context_data(**kwargs)
