"""What the reader's list pages share, one small mixin a concern."""

from django.urls import reverse

from newsroom.paginators import page_number_from, paginate_without_count

from ..feeds import FORMATS
from ..models import Article

PER_PAGE = 20
# Topic and publisher pages count exactly up to here, then say "More than 1,000":
# an exact count costs as much as the topic is big, a capped one at most this many rows.
COUNT_CAP = 1000


class WindowPaginationMixin:
    """ListView pagination without ``COUNT(*)``: Newer/Older and the page number."""

    paginate_by = PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        number = page_number_from(self.request.GET.get(self.page_kwarg))
        page = paginate_without_count(queryset, number, page_size)
        return None, page, page.object_list, page.has_other_pages


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
    """An index of the rows (topics, publishers) with published articles, and how many.

    Two queries whatever the size of the index: the published articles grouped by
    ``count_field``, then the view's rows among those counted, each given ``article_count``.
    """

    count_field = None

    def get_queryset(self):
        counts = Article.objects.published().counts_by(self.count_field)
        rows = list(super().get_queryset().filter(pk__in=counts))
        for row in rows:
            row.article_count = counts[row.pk]
        return rows


class CappedCountMixin:
    """``article_count`` for the page, exact up to ``count_cap`` (``COUNT_CAP``), then more.

    Views say how to count with ``count_articles(limit)``; ``COUNT_CAP + 1`` rows at most
    are read, so the template can tell "1,000" from "More than 1,000".
    """

    def count_articles(self, limit):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        kwargs.update(article_count=self.count_articles(COUNT_CAP + 1), count_cap=COUNT_CAP)
        return super().get_context_data(**kwargs)
