"""What the reader's indexes and filters need to know about every topic and publisher,
computed once per content version: exact, flat, never stale.

``memo(name, compute)`` returns ``compute()`` as of the current content version
(``pagecache.current_version()``). The cache key holds the version's counter, so any
change readers could see gives a new key, and so does a scheduled time passing: the first
read after ``next_change_at`` bumps the version, as the page cache does. A request reads
the version once (the page cache's read of it, or one kept on the request).

Inside a transaction (a write's, or a test's) the connection may see rows no commit has
versioned yet, so there the value is computed afresh and not stored.

On top of it, for ``kind`` ``"topics"`` or ``"publishers"`` (``KINDS``):

- :func:`count_for`: one row's number of published articles (counted on its own);
- :func:`index_page`: a page of the rows readers have stories in, by name, with counts;
- :func:`index_keys`: every such row's slug or domain, by name (sitemaps);
- :func:`top_choices`: the ``limit`` rows with most stories, by name (the filter form);
- :func:`visible_row`: the row a URL names, if readers have stories in it (else None).

Only a version's first request pays for the one grouped pass over the published
articles (or, for one row's count, over that row's); every other request reads a few
small cache entries.
"""

import hashlib
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string

from newsroom.paginators import WindowPage

from . import pagecache

KEY_PREFIX = "newsroom:counts:"
TIMEOUT = 24 * 3600
_MISSING = object()


def current_version(request=None):
    """The content version (``pagecache.current_version``), read once per request: the
    one the page cache read for it, else kept on ``request``."""
    version = pagecache.serving_version.get() or getattr(request, "_content_version", None)
    if version is None:
        version = pagecache.current_version()
        if request is not None:
            request._content_version = version
    return version


def memo(name, compute, request=None, keep=None):
    """``compute()`` as of the current content version, computed once per version
    (stored only if ``keep(value)``, when given)."""
    if transaction.get_connection().in_atomic_block:
        return compute()
    try:
        version = current_version(request)
        cache = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
        key = f"{KEY_PREFIX}{version.counter}:{name}"
        value = cache.get(key, _MISSING)
    except (DatabaseError, *pagecache.CACHE_ERRORS):
        # No version to trust, or no cache to keep it in: the view's own queries run
        # (and say what is wrong, if the database is).
        return compute()
    if value is _MISSING:
        value = compute()
        if keep is None or keep(value):
            with suppress(*pagecache.CACHE_ERRORS):  # if not, computed again next time
                cache.set(key, value, TIMEOUT)
    return value


@dataclass(frozen=True)
class Kind:
    """One kind of row: the article field that names it, the field its URL uses, and the
    template of its index's rows."""

    field: str
    key_field: str
    rows_template: str

    @property
    def model(self):
        from .models import Article

        return Article._meta.get_field(self.field).related_model


KINDS = {
    "topics": Kind("topics", "slug", "includes/topic_rows.html"),
    "publishers": Kind("provider", "domain", "includes/provider_rows.html"),
}


def _index(kind, request):
    """``[(row, count)]`` for every row of ``kind`` readers have stories in, by name.

    One grouped pass over the published articles. The rows are model instances holding
    ``pk``, ``name`` and the URL key (enough for a link), each with ``article_count``.
    """

    def compute():
        from .models import Article

        spec = KINDS[kind]
        name, key = f"{spec.field}__name", f"{spec.field}__{spec.key_field}"
        grouped = Article.objects.published().counts_by(spec.field, name, key)
        rows = []
        for pk, row_name, row_key, n in grouped:
            row = spec.model(pk=pk, name=row_name, **{spec.key_field: row_key})
            row.article_count = n
            rows.append(row)
        return rows

    return memo(f"{kind}:index", compute, request=request)


def count_for(kind, pk, request=None):
    """How many published articles row ``pk`` of ``kind`` has (0 if none).

    Counted on its own (the row's articles, not the whole table) when not cached.
    """

    def compute():
        from .models import Article

        return Article.objects.published().filter(**{KINDS[kind].field: pk}).count()

    return memo(f"{kind}:count:{pk}", compute, request=request)


def index_keys(kind, request=None):
    """Every slug (or domain) readers have stories under, in index order."""
    key_field = KINDS[kind].key_field
    return memo(
        f"{kind}:keys",
        lambda: [getattr(row, key_field) for row in _index(kind, request)],
        request=request,
    )


def index_page(kind, number, per_page, request=None):
    """Page ``number`` of the index as a ``WindowPage`` of rows with ``article_count``,
    each with its ``url`` and ``count_label`` ("1,234 stories"), and the page's list
    items rendered as ``rows_html`` (``Kind.rows_template``), all once per version.
    Rendered on every request, a row cost about 40 us with ``reverse``, ``intcomma``
    and ``pluralize``, and 28 us without: a page of 100 publishers cost 1.3 times a page
    of 50."""

    def compute():
        offset = (number - 1) * per_page
        window = _index(kind, request)[offset : offset + per_page + 1]
        rows = window[:per_page]
        for row in rows:
            row.url = row.get_absolute_url()
            row.count_label = story_count_label(row.article_count)
        page = WindowPage(rows, number, len(window) > per_page, per_page)
        page.rows_html = render_to_string(KINDS[kind].rows_template, {"rows": rows})
        return page

    return memo(f"{kind}:page:{per_page}:{number}", compute, request=request)


def story_count_label(n):
    """ "1 story", "1,234 stories"."""
    return f"{n:,} {'story' if n == 1 else 'stories'}"


def top_choices(kind, limit, request=None):
    """``[(key, name)]`` of the ``limit`` rows with most stories, ordered by name."""

    def compute():
        index = _index(kind, request)
        top = {row.pk for row in sorted(index, key=lambda row: -row.article_count)[:limit]}
        key_field = KINDS[kind].key_field
        return [(getattr(row, key_field), str(row)) for row in index if row.pk in top]

    return memo(f"{kind}:top:{limit}", compute, request=request)


def visible_row(kind, request=None, **lookup):
    """The row of ``kind`` matching ``lookup`` (a slug, a domain) if readers have stories
    in it, else ``None``: one indexed ``EXISTS`` per content version and row, whose cost
    on PostgreSQL grows with the row's articles (a bitmap of all of them). Misses are not
    stored, so made-up slugs in URLs cannot fill the cache."""
    from .models import Article, Topic

    def compute():
        rows = (
            Topic.objects.with_published_articles()
            if kind == "topics"
            else Article.objects.published().publishers()
        )
        return rows.filter(**lookup).first()

    digest = hashlib.sha256(repr(sorted(lookup.items())).encode()).hexdigest()[:32]
    return memo(f"{kind}:row:{digest}", compute, request=request, keep=bool)
