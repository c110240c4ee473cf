"""Publisher pages: who we carry, and each one's published articles.

They join publishers with articles, so they live on the articles side; their URL names
keep the ``providers:`` namespace (see ``articles.urls.publishers``).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from providers.models import Provider

from ..merging import redirect_to_survivor
from .mixins import (
    CountedIndexMixin,
    CountedRowMixin,
    FeedLinksMixin,
    StoryLinksMixin,
    WindowPaginationMixin,
)


class ProviderListView(CountedIndexMixin, ListView):
    """Publishers (never blocked ones) with at least one published article, and how many."""

    template_name = "providers/provider_list.html"
    model = Provider
    count_kind = "publishers"


class ProviderDetailView(
    CountedRowMixin, StoryLinksMixin, FeedLinksMixin, WindowPaginationMixin, ListView
):
    """A publisher's published articles, newest first; a blocked or empty one is a 404."""

    template_name = "providers/provider_detail.html"
    feed_url_name = "providers:provider_feed_{format}"
    count_kind = "publishers"

    def get_feed_url_kwargs(self):
        return {"domain": self.row.domain}

    def get(self, request, *args, **kwargs):
        """A merged publisher's page answers 301 to the survivor's."""
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if redirect := redirect_to_survivor(request, kwargs["domain"]):
                return redirect
            raise

    def get_row(self):
        # A blocked publisher has no published articles, so it is not found either.
        return get_object_or_404(Provider, domain=self.kwargs["domain"])

    def row_articles(self, articles):
        return articles.from_publisher(self.row)

    def get_context_data(self, **kwargs):
        kwargs["provider"] = self.row
        return super().get_context_data(**kwargs)
