"""Sitemaps of what readers may see, and a Google News sitemap of the last two days.

Each section lists one model's reader-visible rows, as the model's querysets define them,
and every page of a section costs the same however big the site is:

- articles are split into pages by id (:class:`IdRangePaginator`), each page one indexed
  range of at most ``ARTICLES_PER_PAGE`` ids, so neither a page nor the index counts or
  skips over the table;
- stories are paged by id the same way, each with the last change of what readers see of it;
- topics and publishers come from ``articles.counts`` (once per content version).

An article's ``lastmod`` is ``Article.content_changed_at`` (when readers' copy changed, not
when an import last touched the row); every section's date in the index is the newest of
those, read once per content version.
"""

import hashlib
import math
from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from . import counts, pagecache
from .coverage import visible_stories
from .models import Article

NEWS_WINDOW = timedelta(hours=48)
# Google News reads at most 1,000 URLs per news sitemap.
NEWS_LIMIT = 1000
ARTICLES_PER_PAGE = 1000
ROWS_PER_PAGE = 1000
# What ``Article.content_changed_at`` reads, besides the slug for the URL.
CONTENT_DATE_FIELDS = ("slug", "published_at", "moderated_at", "publish_at")
STORIES_PER_PAGE = 1000


class IdRangePage:
    def __init__(self, object_list, number):
        self.object_list = object_list
        self.number = number


class IdRangePaginator:
    """Page ``n`` holds the rows of ``queryset`` with the ``n``-th ``per_page`` ids, counted
    from the lowest id of its model's table.

    Pages hold at most ``per_page`` rows (fewer where ids went to unpublished or deleted
    articles), and there are as many as the range of ids needs: no ``COUNT``, no
    ``OFFSET``, two index lookups for the range.
    """

    def __init__(self, queryset, per_page):
        self.queryset = queryset
        self.per_page = per_page

    @cached_property
    def id_range(self):
        """The table's lowest and highest ids, once per content version: two index seeks
        (SQLite answers ``MIN`` and ``MAX`` in one query by scanning a whole index)."""
        model = self.queryset.model

        def compute():
            ids = model.objects.order_by("pk").values_list("pk", flat=True)
            return ids.first() or 1, ids.last() or 0

        return counts.memo(f"sitemap:ids:{model._meta.label_lower}", compute)

    @property
    def num_pages(self):
        first, last = self.id_range
        return max(1, math.ceil((last - first + 1) / self.per_page))

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = self.id_range[0] + (number - 1) * self.per_page
        rows = self.queryset.filter(pk__gte=start, pk__lt=start + self.per_page)
        return IdRangePage(rows, number)


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = ARTICLES_PER_PAGE

    def items(self):
        return Article.objects.published().only(*CONTENT_DATE_FIELDS).newest_first()

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, article):
        return article.content_changed_at

    def get_latest_lastmod(self):
        return latest_content_change()


def latest_content_change():
    """The newest ``Article.content_changed_at`` readers may see, once per content version.

    Every section of the index reads it: a topic's or a publisher's page changes when one
    of its articles does.
    """
    return counts.memo(
        "sitemap:content:lastmod",
        lambda: Article.objects.published().aggregate(
            last=Max(Article.content_changed_expression())
        )["last"],
    )


class StorySitemap(Sitemap):
    """Stories readers may see, paged by id like articles; a story's last change is the
    latest of its own (a title) and its published members' (nothing unpublished counts)."""

    changefreq = "hourly"
    limit = STORIES_PER_PAGE

    def items(self):
        last_member = (
            Article.objects.published()
            .filter(story=OuterRef("pk"))
            .order_by()
            .values("story")
            .annotate(last=Max(Article.content_changed_expression()))
            .values("last")
        )
        return (
            visible_stories()
            .annotate(member_lastmod=Subquery(last_member))
            .only("slug", "updated_at")
            .order_by("pk")
        )

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, story):
        return max(filter(None, (story.updated_at, story.member_lastmod)))

    def get_latest_lastmod(self):
        def compute():
            # A visible story's own change, or its published members': one pass over the
            # published members in a story.
            latest = Greatest(Article.content_changed_expression(), "story__updated_at")
            members = Article.objects.published().filter(story__isnull=False)
            return members.aggregate(last=Max(latest))["last"]

        return counts.memo("sitemap:stories:lastmod", compute)


class RowSitemap(Sitemap):
    """The slugs or domains ``counts.index_keys(kind)`` gives, linked with ``url_name``."""

    changefreq = "hourly"
    limit = ROWS_PER_PAGE
    kind = None
    url_name = None
    url_kwarg = None

    def items(self):
        return counts.index_keys(self.kind)

    def location(self, key):
        return reverse(self.url_name, kwargs={self.url_kwarg: key})

    def get_latest_lastmod(self):
        return latest_content_change()


class TopicSitemap(RowSitemap):
    kind = "topics"
    url_name = "articles:topic_detail"
    url_kwarg = "slug"


class ProviderSitemap(RowSitemap):
    kind = "publishers"
    url_name = "providers:provider_detail"
    url_kwarg = "domain"


class NewsSitemap(Sitemap):
    """Articles published in the last 48 hours, for ``articles/sitemap_news.xml``."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("title", *CONTENT_DATE_FIELDS)
            .newest_first()[:NEWS_LIMIT]
        )

    def lastmod(self, article):
        return article.content_changed_at


def news_sitemap(request):
    """``sitemap-news.xml``: cached like any page, and until its oldest article leaves
    the 48 hours (which no write marks)."""
    response = sitemap_views.sitemap(
        request, sitemaps={"news": NewsSitemap}, template_name="articles/sitemap_news.xml"
    )
    oldest = (
        Article.objects.published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if oldest is not None:
        pagecache.holds_until(response, oldest + NEWS_WINDOW)
    return response


SITEMAPS = {
    "articles": ArticleSitemap,
    "stories": StorySitemap,
    "topics": TopicSitemap,
    "publishers": ProviderSitemap,
    "news": NewsSitemap,
}


def sitemap_index(request):
    """``sitemap.xml``: Django's sitemap index, rendered once per content version and
    host. It lists every page of every section (120 at 100,000 articles, 5 at 1,000);
    rendered on every request it was the one reader page whose cost grew with the feed
    (1.26 times at 100,000 in-process, even with a light template)."""

    def compute():
        response = sitemap_views.index(
            request,
            sitemaps=SITEMAPS,
            sitemap_url_name="sitemap_section",
            template_name="articles/sitemap_index.xml",
        )
        response.render()
        return response.content, dict(response.headers)

    site = hashlib.sha256(f"{request.scheme}://{request.get_host()}".encode()).hexdigest()[:32]
    content, headers = counts.memo(f"sitemap-index:{site}", compute, request=request)
    return HttpResponse(content, headers=headers)
