from django.urls import path

from . import views
from .feeds import SiteFeed, TopicFeed, feed_view

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("feeds/rss/", feed_view(SiteFeed, "rss"), name="feed_rss"),
    path("feeds/atom/", feed_view(SiteFeed, "atom"), name="feed_atom"),
    path("feeds/json/", feed_view(SiteFeed, "json"), name="feed_json"),
    path("topics/<slug:slug>/feed/rss/", feed_view(TopicFeed, "rss"), name="topic_feed_rss"),
    path("topics/<slug:slug>/feed/atom/", feed_view(TopicFeed, "atom"), name="topic_feed_atom"),
    path("topics/<slug:slug>/feed/json/", feed_view(TopicFeed, "json"), name="topic_feed_json"),
]
