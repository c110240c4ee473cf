"""Pagination for big tables, in two shapes, neither of which counts the whole table.

- :func:`bounded_count` is the one bounded count: ``COUNT`` over a ``LIMIT``. The admin's
  :class:`BoundedCountPaginator` counts up to ``max_count`` with it.
- :func:`paginate_without_count` gives the reader's lists Newer/Older pages: Django's
  ``Paginator`` runs ``COUNT(*)`` over the filtered queryset on every page, which grows
  with the table, but "is there a next page?" only takes one extra row: fetch
  ``per_page + 1`` rows and show ``per_page`` of them (a :class:`WindowPage`).
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property


def bounded_count(object_list, limit):
    """``min(len(object_list), limit)``, for a queryset in one ``COUNT`` over a ``LIMIT``.

    Ordering cannot change how many rows there are; dropping it lets the database count
    straight off an index and stop after ``limit`` rows.
    """
    try:
        return object_list.order_by()[:limit].count()
    except (AttributeError, TypeError):
        return min(len(object_list), limit)


class BoundedCountPaginator(Paginator):
    """Counts at most ``max_count`` rows (``SELECT COUNT(*) FROM (… LIMIT n)``).

    A full ``COUNT(*)`` over 100,000 articles costs as much as reading them; the review
    queue only needs to know there are "at least 10,000" and how to reach the first
    pages. Past the cap, the last page links stop at the cap.
    """

    max_count = 10_000

    @cached_property
    def count(self):
        return bounded_count(self.object_list, self.max_count)

    @property
    def is_capped(self):
        return self.count >= self.max_count


@dataclass
class WindowPage:
    """The slice of results on one page; a small stand-in for ``django.core.paginator.Page``."""

    object_list: list
    number: int
    has_next: bool
    per_page: int

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def previous_page_number(self):
        return self.number - 1

    def start_index(self):
        """The 1-based position of the page's first row in the whole list."""
        return (self.number - 1) * self.per_page + 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def page_number_from(value, max_page=10_000):
    """The 1-based page number in ``value`` (``?page=``), or ``Http404`` for anything else."""
    if value in (None, ""):
        return 1
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("Page is not a number.") from None
    if not 1 <= number <= max_page:
        raise Http404("No such page.")
    return number


def paginate_without_count(queryset, number, per_page):
    """One page of ``queryset`` in a single query; a page past the end is a 404."""
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    if number > 1 and not rows:
        raise Http404("No such page.")
    return WindowPage(
        object_list=rows[:per_page], number=number, has_next=len(rows) > per_page, per_page=per_page
    )
