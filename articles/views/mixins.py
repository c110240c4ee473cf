"""What the reader's list pages share, one small mixin a concern."""

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse

from newsroom.paginators import page_number_from, paginate_without_count

from .. import counts
from ..coverage import attach_coverage
from ..feeds import FORMATS
from ..models import Article

PER_PAGE = 20
# The topic and publisher indexes: a page's weight stays the same however many there are.
INDEX_PER_PAGE = 100


class WindowPaginationMixin:
    """ListView pagination without ``COUNT(*)``: Newer/Older and the page number."""

    paginate_by = PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        number = page_number_from(self.request.GET.get(self.page_kwarg))
        page = paginate_without_count(queryset, number, page_size)
        return None, page, page.object_list, page.has_other_pages

    def canonical_params(self):
        """Query parameters other than the page that the canonical URL keeps."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Page 2 is its own page, not a copy of page 1: its canonical link says so.
        params = self.canonical_params()
        page = context.get("page_obj")
        if page is not None and page.number > 1:
            params[self.page_kwarg] = page.number
        context["canonical_query"] = f"?{urlencode(params)}" if params else ""
        return context


class StoryLinksMixin:
    """Each card of an article in a story links to the story (``article.coverage``, two
    grouped queries a page): "+N more sources" where the list shows each story once
    (``grouped_cards``), else "Full coverage: N sources"."""

    def cards_are_grouped(self):
        return False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attach_coverage(context.get("article_list") or [])
        context["grouped_cards"] = self.cards_are_grouped()
        return context


class FeedLinksMixin:
    """``<link rel="alternate">`` targets for the page's feeds: ``feeds`` by format."""

    feed_url_name = "articles:feed_{format}"

    def get_feed_url_kwargs(self):
        return {}

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "feeds",
            {
                fmt: reverse(
                    self.feed_url_name.format(format=fmt), kwargs=self.get_feed_url_kwargs()
                )
                for fmt in FORMATS
            },
        )
        return super().get_context_data(**kwargs)


class CountedIndexMixin:
    """A paginated index of the rows (topics, publishers) readers have stories in, by name,
    each with its exact ``article_count``, read from ``articles.counts``: a few cache reads
    per page, and one grouped pass over the published articles per content version.
    """

    count_kind = None  # a key of ``counts.KINDS``
    paginate_by = INDEX_PER_PAGE

    def get_queryset(self):
        return self.model.objects.none()  # the rows come from paginate_queryset

    def paginate_queryset(self, queryset, page_size):
        number = page_number_from(self.request.GET.get(self.page_kwarg))
        page = counts.index_page(self.count_kind, number, page_size, request=self.request)
        if number > 1 and not page.object_list:
            raise Http404("No such page.")
        return None, page, page.object_list, page.has_other_pages

    def get_context_data(self, **kwargs):
        kwargs.setdefault("sort", "name")  # pages read "Previous" and "Next"
        return super().get_context_data(**kwargs)


class CountedRowMixin:
    """A page about one row (a topic, a publisher) readers have stories in, and how many.

    ``get_row()`` finds it by its URL; one with no published story is not found, like
    everywhere else on the site. ``article_count`` is exact, from ``articles.counts``.
    """

    count_kind = None  # a key of ``counts.KINDS``

    def get_row(self):
        raise NotImplementedError

    def get_queryset(self):
        self.row = self.get_row()
        self.article_count = counts.count_for(self.count_kind, self.row.pk, request=self.request)
        if not self.article_count:
            raise Http404("Nothing published here.")
        return self.row_articles(Article.objects.published().for_cards())

    def get_context_data(self, **kwargs):
        kwargs["article_count"] = self.article_count
        return super().get_context_data(**kwargs)
