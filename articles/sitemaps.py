"""Sitemaps of what readers may see, and a Google News sitemap of the last two days.

Each section lists one model's reader-visible rows, as the model's querysets define them.
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.utils import timezone

from .models import Article, Topic

NEWS_WINDOW = timedelta(hours=48)
# Google News reads at most 1,000 URLs per news sitemap.
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 10_000

    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_at").newest_first()

    def lastmod(self, article):
        return article.updated_at


class TopicSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Topic.objects.with_published_articles().order_by("name")


class ProviderSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Article.objects.published().publishers().order_by("domain")


class NewsSitemap(Sitemap):
    """Articles published in the last 48 hours, for ``articles/sitemap_news.xml``."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "title", "published_at", "updated_at")
            .newest_first()[:NEWS_LIMIT]
        )

    def lastmod(self, article):
        return article.updated_at


SITEMAPS = {
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "publishers": ProviderSitemap,
    "news": NewsSitemap,
}
