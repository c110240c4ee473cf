"""Publisher pages: who we carry, and each one's published articles."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.filters import visible_providers
from articles.models import Article
from articles.views import (
    COUNT_CAP,
    FeedLinksMixin,
    WindowPaginationMixin,
    capped_count,
    published_articles,
    published_counts,
)

from .models import Provider


class ProviderListView(ListView):
    """Publishers (never blocked ones) with at least one published article, and how many."""

    template_name = "providers/provider_list.html"

    def get_queryset(self):
        counts = published_counts("provider")
        providers = list(
            Provider.objects.filter(pk__in=counts, is_blocked=False).order_by("name", "domain")
        )
        for provider in providers:
            provider.article_count = counts[provider.pk]
        return providers


class ProviderDetailView(FeedLinksMixin, WindowPaginationMixin, ListView):
    """A publisher's published articles, newest first; a blocked or empty one is a 404."""

    template_name = "providers/provider_detail.html"
    feed_url_names = {
        "rss": "providers:provider_feed_rss",
        "atom": "providers:provider_feed_atom",
        "json": "providers:provider_feed_json",
    }

    def get_feed_url_kwargs(self):
        return {"domain": self.provider.domain}

    def get_queryset(self):
        # Like the publisher list: blocked or without a published story is not found.
        self.provider = get_object_or_404(visible_providers(), domain=self.kwargs["domain"])
        return published_articles().filter(provider=self.provider)

    def get_context_data(self, **kwargs):
        kwargs.update(
            provider=self.provider,
            article_count=capped_count(Article.objects.published().filter(provider=self.provider)),
            count_cap=COUNT_CAP,
        )
        return super().get_context_data(**kwargs)
