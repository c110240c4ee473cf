"""``providers:`` routes: the publisher index, publisher pages and their feeds.

The namespace is the providers app's name, which templates and links use; the views are
``articles.views.publishers`` (``providers`` depends on nothing in ``articles``).
"""

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from .. import views
from ..feeds import ProviderFeed, feed_urls

app_name = "providers"


class DomainConverter(StringConverter):
    """A path segment without NUL bytes, which PostgreSQL refuses in a query (a 500)."""

    regex = "[^/\x00]+"


register_converter(DomainConverter, "domain")

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("providers/<domain:domain>/", views.ProviderDetailView.as_view(), name="provider_detail"),
    *feed_urls("providers/<domain:domain>/feed/", ProviderFeed, "provider_feed"),
]
