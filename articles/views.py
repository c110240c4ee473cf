"""The reader site: the article list and page, topic pages, robots.txt.

Every queryset here starts from ``Article.objects.published()``; the one exception is
the staff preview in :class:`ArticleDetailView`, which is never cached.
"""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from newsroom.paginators import bounded_count

from .filters import ArticleFilter, in_topic, topics_with_published_articles
from .models import Article, RelatedLink, Topic
from .pagination import page_number_from, paginate_without_count
from .templatetags.site_tags import safe_url

PER_PAGE = 20
# Topic and publisher pages count exactly up to here, then say "More than 1,000":
# an exact count costs as much as the topic is big, a capped one at most this many rows.
COUNT_CAP = 1000


def published_articles():
    """Published articles with what an article card shows, in one query plus two prefetches."""
    return (
        Article.objects.published()
        .select_related("provider")
        .prefetch_related("images", "topics")
        .order_by("-published_at", "-id")
    )


def capped_count(queryset, cap=None):
    """``min(queryset.count(), cap + 1)`` in one bounded query (``COUNT`` over a ``LIMIT``)."""
    cap = COUNT_CAP if cap is None else cap
    return bounded_count(queryset, cap + 1)


class WindowPaginationMixin:
    """ListView pagination without ``COUNT(*)``: Newer/Older and the page number."""

    paginate_by = PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        number = page_number_from(self.request.GET.get(self.page_kwarg))
        page = paginate_without_count(queryset, number, page_size)
        return None, page, page.object_list, page.has_other_pages


class FeedLinksMixin:
    """``<link rel="alternate">`` targets for the page's feeds, by format."""

    feed_url_names = {
        "rss": "articles:feed_rss",
        "atom": "articles:feed_atom",
        "json": "articles:feed_json",
    }

    def get_feed_url_kwargs(self):
        return {}

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "feeds",
            {
                fmt: reverse(name, kwargs=self.get_feed_url_kwargs())
                for fmt, name in self.feed_url_names.items()
            },
        )
        return super().get_context_data(**kwargs)


class ArticleListView(FeedLinksMixin, WindowPaginationMixin, ListView):
    """The front page: filters, sort order and pages over the published articles."""

    template_name = "articles/article_list.html"

    # Filters shown as removable chips, in form order; sort is a setting, not a filter.
    ACTIVE_FILTERS = ("q", "topic", "publisher", "date_from", "date_to", "min_quality")

    def get_queryset(self):
        self.filterset = ArticleFilter(self.request.GET, queryset=published_articles())
        if not self.filterset.is_valid():
            return Article.objects.none()
        return self.filterset.qs

    def active_filters(self):
        if not self.filterset.is_valid():
            return []
        data = self.filterset.form.cleaned_data
        chips = []
        for name in self.ACTIVE_FILTERS:
            value = data.get(name)
            if value in (None, ""):
                continue
            params = self.request.GET.copy()
            params.pop(name, None)
            params.pop(self.page_kwarg, None)
            label = self.filterset.form.fields[name].label
            if hasattr(value, "strftime"):
                value = value.strftime("%-d %b %Y")
            chips.append(
                {
                    "name": name,
                    "label": label,
                    "value": str(value),
                    "remove_url": f"?{params.urlencode()}" if params else "?",
                }
            )
        return chips

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filterset=self.filterset,
            active_filters=self.active_filters(),
            sort=self.filterset.sort_key,
        )
        return context


class ArticleDetailView(DetailView):
    """One article. Staff may preview an unpublished one; that page is never cached."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        visible_links = (
            # A blocked publisher's coverage never reaches readers, not even as a link.
            RelatedLink.objects.filter(is_hidden=False, provider__is_blocked=False)
            .select_related("provider")
            .annotate(
                # Our page for the linked story, only while readers may see it.
                target_slug=Subquery(
                    Article.objects.published().filter(pk=OuterRef("target_id")).values("slug")[:1]
                )
            )
            .order_by(F("published_at").desc(nulls_last=True), "position", "pk")
        )
        user = self.request.user
        articles = Article.objects.all() if user.is_staff else Article.objects.published()
        return articles.select_related("provider").prefetch_related(
            "images",
            "topics",
            Prefetch("related_links", queryset=visible_links, to_attr="visible_related"),
        )

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.object.is_published():
            add_never_cache_headers(response)
        return response

    def preview_reason(self):
        """Why readers cannot see this article, or "" when they can."""
        article = self.object
        if article.is_published():
            return ""
        if article.provider.is_blocked:
            return "its publisher is blocked"
        if article.is_scheduled:
            return f"it is scheduled for {article.publish_at:%-d %b %Y, %H:%M} UTC"
        return f"its status is {article.get_status_display()}"

    def structured_data(self, canonical):
        """schema.org ``NewsArticle`` for this page, as a dict (serialised in the template)."""
        article = self.object
        provider = article.provider
        publisher = {"@type": "Organization", "name": provider.name}
        home = safe_url(f"https://{provider.domain}/")
        if home:
            publisher["url"] = home
        logo = safe_url(provider.display_logo_url)
        if logo:
            logo = self.request.build_absolute_uri(logo)
            publisher["logo"] = {"@type": "ImageObject", "url": logo}
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.excerpt,
            "url": canonical,
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "datePublished": article.published_at.isoformat(),
            "dateModified": article.updated_at.isoformat(),
            "publisher": publisher,
            "author": publisher,
            "isBasedOn": safe_url(article.url) or None,
            "about": [topic.name for topic in article.topics.all()] or None,
            "image": [
                {
                    "@type": "ImageObject",
                    "url": image.url,
                    "width": image.width,
                    "height": image.height,
                }
                for image in article.images.all()
                if safe_url(image.url)
            ]
            or None,
        }
        return {key: value for key, value in data.items() if value is not None}

    def get_context_data(self, **kwargs):
        canonical = self.request.build_absolute_uri(self.object.get_absolute_url())
        kwargs.update(
            canonical_url=canonical,
            structured_data=self.structured_data(canonical),
            preview_reason=self.preview_reason(),
            lead_image=self.object.lead_image,
        )
        return super().get_context_data(**kwargs)


def published_counts(field):
    """``{value of field: number of published articles}`` in one grouped pass.

    A topic or publisher index needs every count, so this reads every published article
    once (about 0.15 s per 100,000 on SQLite); the list pages themselves never count.
    """
    rows = Article.objects.published().order_by().values_list(field).annotate(n=Count("pk"))
    return {value: n for value, n in rows if value is not None}


class TopicListView(ListView):
    """Topics with at least one published article, and how many."""

    template_name = "articles/topic_list.html"

    def get_queryset(self):
        counts = published_counts("topics")
        topics = list(Topic.objects.filter(pk__in=counts).order_by("name"))
        for topic in topics:
            topic.article_count = counts[topic.pk]
        return topics


class TopicDetailView(FeedLinksMixin, WindowPaginationMixin, ListView):
    """A topic's published articles, newest first."""

    template_name = "articles/topic_detail.html"
    feed_url_names = {
        "rss": "articles:topic_feed_rss",
        "atom": "articles:topic_feed_atom",
        "json": "articles:topic_feed_json",
    }

    def get_feed_url_kwargs(self):
        return {"slug": self.topic.slug}

    def get_queryset(self):
        # A topic readers have no story in is not listed anywhere, so it is not found here.
        self.topic = get_object_or_404(topics_with_published_articles(), slug=self.kwargs["slug"])
        return in_topic(published_articles(), self.topic)

    def get_context_data(self, **kwargs):
        # Driven from the topic's rows, so it reads at most COUNT_CAP + 1 of them.
        tagged = Article.topics.through.objects.filter(topic=self.topic).filter(
            Exists(Article.objects.published().filter(pk=OuterRef("article_id")))
        )
        kwargs.update(topic=self.topic, article_count=capped_count(tagged), count_cap=COUNT_CAP)
        return super().get_context_data(**kwargs)


@require_GET
def robots_txt(request):
    """Point crawlers at the sitemaps. The admin is not named: this file is public."""
    lines = [
        "User-agent: *",
        "Disallow:",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
