from django.urls import path, register_converter
from django.urls.converters import StringConverter

from articles.feeds import ProviderFeed, feed_view

from . import views

app_name = "providers"


class DomainConverter(StringConverter):
    """A path segment without NUL bytes, which PostgreSQL refuses in a query (a 500)."""

    regex = "[^/\x00]+"


register_converter(DomainConverter, "domain")

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("providers/<domain:domain>/", views.ProviderDetailView.as_view(), name="provider_detail"),
    path(
        "providers/<domain:domain>/feed/rss/",
        feed_view(ProviderFeed, "rss"),
        name="provider_feed_rss",
    ),
    path(
        "providers/<domain:domain>/feed/atom/",
        feed_view(ProviderFeed, "atom"),
        name="provider_feed_atom",
    ),
    path(
        "providers/<domain:domain>/feed/json/",
        feed_view(ProviderFeed, "json"),
        name="provider_feed_json",
    ),
]
