"""Publisher pages: who we carry, and each one's published articles.

They join publishers with articles, so they live on the articles side; their URL names
keep the ``providers:`` namespace (see ``articles.urls.publishers``).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from providers.models import Provider

from ..merging import redirect_to_survivor
from ..models import Article
from .mixins import CappedCountMixin, CountedIndexMixin, FeedLinksMixin, WindowPaginationMixin


class ProviderListView(CountedIndexMixin, ListView):
    """Publishers (never blocked ones) with at least one published article, and how many."""

    template_name = "providers/provider_list.html"
    queryset = Provider.objects.filter(is_blocked=False)
    ordering = ["name", "domain"]
    count_field = "provider"


class ProviderDetailView(CappedCountMixin, FeedLinksMixin, WindowPaginationMixin, ListView):
    """A publisher's published articles, newest first; a blocked or empty one is a 404."""

    template_name = "providers/provider_detail.html"
    feed_url_name = "providers:provider_feed_{format}"

    def get_feed_url_kwargs(self):
        return {"domain": self.provider.domain}

    def get(self, request, *args, **kwargs):
        """A merged publisher's page answers 301 to the survivor's."""
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if redirect := redirect_to_survivor(request, kwargs["domain"]):
                return redirect
            raise

    def get_queryset(self):
        # Like the publisher list: blocked or without a published story is not found.
        self.provider = get_object_or_404(
            Article.objects.published().publishers(), domain=self.kwargs["domain"]
        )
        return Article.objects.published().for_cards().from_publisher(self.provider)

    def count_articles(self, limit):
        return Article.objects.published().count_from_publisher(self.provider, limit)

    def get_context_data(self, **kwargs):
        kwargs["provider"] = self.provider
        return super().get_context_data(**kwargs)
