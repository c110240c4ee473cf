"""The front page, an article's page, its related coverage, and robots.txt.

The front page is ``ArticleFilter`` over ``published().for_cards()``, one card a story
when no filter is set (``articles.coverage.one_per_story``); an article's page
adds the first ``RELATED_SHOWN`` related links readers may see, and links to a paginated
page of all of them. Staff may preview an unpublished article, and those pages are sent
with no-cache headers.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from newsroom.paginators import bounded_count

from ..coverage import attach_coverage, one_per_story
from ..editors import can_preview
from ..filters import ArticleFilter
from ..images import absolute_image_url
from ..models import Article, RelatedLink
from ..search import MAX_WORDS, search_was_cut
from ..templatetags.site_tags import clip, safe_url
from .mixins import FeedLinksMixin, StoryLinksMixin, WindowPaginationMixin

# A search says how many stories match, up to this many.
SEARCH_COUNT_CAP = 1000
# An article page shows this many related links; the rest are a link away.
RELATED_SHOWN = 20
RELATED_PER_PAGE = 50


def articles_for(user):
    """The articles ``user`` may open: an editor allowed to preview may open any, readers
    the published ones."""
    return Article.objects.all() if can_preview(user) else Article.objects.published()


class ArticleListView(StoryLinksMixin, FeedLinksMixin, WindowPaginationMixin, ListView):
    """The front page: filters, sort order and pages over the published articles."""

    template_name = "articles/article_list.html"

    # Filters shown as removable chips, in form order; sort is a setting, not a filter.
    ACTIVE_FILTERS = ("q", "topic", "publisher", "date_from", "date_to", "min_quality")

    def get_queryset(self):
        self.filterset = ArticleFilter(
            self.request.GET,
            queryset=Article.objects.published().for_cards(),
            request=self.request,
        )
        if not self.filterset.is_valid():
            return Article.objects.none()
        if self.grouped:
            return one_per_story(self.filterset.qs)
        return self.filterset.qs

    @property
    def grouped(self):
        """Stories are grouped (each once, led by its reader's lead, ``articles.coverage``)
        on the unfiltered front page, in every sort order. A filter lists every matching
        article on its own: a story's lead may not match it, and no match should vanish."""
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        return not any(data.get(name) not in (None, "") for name in self.ACTIVE_FILTERS)

    def cards_are_grouped(self):
        return self.filterset.is_valid() and self.grouped

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

    def canonical_params(self):
        sort = self.filterset.sort_key
        return {} if sort == ArticleFilter.DEFAULT_SORT else {"sort": sort}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        active_filters = self.active_filters()
        sort = self.filterset.sort_key
        page = context["page_obj"]
        context.update(
            filterset=self.filterset,
            active_filters=active_filters,
            sort=sort,
            # The newest story leads the front page: page 1, unfiltered, newest first.
            lead_story=(
                page.number == 1
                and not active_filters
                and not self.filterset.errors
                and sort == ArticleFilter.DEFAULT_SORT
            ),
        )
        query = (self.filterset.form.cleaned_data.get("q") or "").strip()
        if query and not self.filterset.errors:
            # "12 results for …", counted no further than SEARCH_COUNT_CAP.
            count = bounded_count(self.filterset.qs, SEARCH_COUNT_CAP + 1)
            context.update(
                search_query=query,
                result_count=min(count, SEARCH_COUNT_CAP),
                more_results=count > SEARCH_COUNT_CAP,
                # A long query is cut (articles.search): say so, not silently.
                search_cut=search_was_cut(query),
                search_max_words=MAX_WORDS,
            )
        return context


class ArticleDetailView(DetailView):
    """One article. Editors may preview an unpublished one; that page is never cached."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return articles_for(self.request.user).for_cards()

    def story_coverage(self):
        """The way to a published article's story (``attach_coverage``), if any."""
        article = self.object
        if article.story_id and article.is_published():
            attach_coverage([article])
        return getattr(article, "coverage", None)

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
        logo = absolute_image_url(self.request, provider.display_logo_url)
        if logo:
            publisher["logo"] = {"@type": "ImageObject", "url": logo}
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": clip(article.excerpt, 300),
            "url": canonical,
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "datePublished": article.published_at.isoformat(),
            "dateModified": article.content_changed_at.isoformat(),
            "publisher": publisher,
            "author": publisher,
            "isBasedOn": safe_url(article.url) or None,
            "about": [topic.name for topic in article.topics.all()] or None,
            "image": [
                {
                    "@type": "ImageObject",
                    "url": url,
                    "width": image.width,
                    "height": image.height,
                }
                for image in article.images.all()
                if (url := absolute_image_url(self.request, image.url))
            ]
            or None,
        }
        return {key: value for key, value in data.items() if value is not None}

    def get_context_data(self, **kwargs):
        canonical = self.request.build_absolute_uri(self.object.get_absolute_url())
        lead_image = self.object.lead_image
        related = list(
            RelatedLink.objects.filter(article=self.object).shown_to_readers()[: RELATED_SHOWN + 1]
        )
        kwargs.update(
            related_links=related[:RELATED_SHOWN],
            more_related=len(related) > RELATED_SHOWN,
            canonical_url=canonical,
            structured_data=self.structured_data(canonical),
            preview_reason=self.preview_reason(),
            lead_image=lead_image,
            lead_image_url=absolute_image_url(self.request, lead_image.url) if lead_image else "",
            coverage=self.story_coverage(),
        )
        return super().get_context_data(**kwargs)


class ArticleRelatedView(WindowPaginationMixin, ListView):
    """Every related link readers may see for one article, ``RELATED_PER_PAGE`` a page."""

    template_name = "articles/article_related.html"
    paginate_by = RELATED_PER_PAGE

    def get_queryset(self):
        self.article = get_object_or_404(
            articles_for(self.request.user).select_related("provider"), slug=self.kwargs["slug"]
        )
        return RelatedLink.objects.filter(article=self.article).shown_to_readers()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.article.is_published():
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        kwargs["article"] = self.article
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
