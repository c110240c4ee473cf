"""``articles:`` routes: the front page, article, topic and story pages, and their feeds."""

from django.urls import path

from .. import views
from ..feeds import SiteFeed, StoryFeed, TopicFeed, feed_urls

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path(
        "articles/<slug:slug>/related/",
        views.ArticleRelatedView.as_view(),
        name="article_related",
    ),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("stories/<slug:slug>/", views.StoryDetailView.as_view(), name="story_detail"),
    *feed_urls("feeds/", SiteFeed, "feed"),
    *feed_urls("topics/<slug:slug>/feed/", TopicFeed, "topic_feed"),
    *feed_urls("stories/<slug:slug>/feed/", StoryFeed, "story_feed"),
]
