from django.urls import path

from articles.feeds import ProviderFeed, feed_view

from . import views

app_name = "providers"

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("providers/<str:domain>/", views.ProviderDetailView.as_view(), name="provider_detail"),
    path(
        "providers/<str:domain>/feed/rss/",
        feed_view(ProviderFeed, "rss"),
        name="provider_feed_rss",
    ),
    path(
        "providers/<str:domain>/feed/atom/",
        feed_view(ProviderFeed, "atom"),
        name="provider_feed_atom",
    ),
    path(
        "providers/<str:domain>/feed/json/",
        feed_view(ProviderFeed, "json"),
        name="provider_feed_json",
    ),
]
