"""``articles.bulk``: ``insert_rows`` (COPY on PostgreSQL, multi-row INSERTs on SQLite) and
``update_rows`` (one ``UPDATE ... FROM unnest`` on PostgreSQL, single-row statements on
SQLite), the same rows back either way, whatever the text holds."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from articles import bulk
from articles.models import Article, RelatedLink

from .factories import make_article, make_provider

pytestmark = pytest.mark.django_db

COLUMNS = ("article_id", "position", "url", "source_url", "title", "excerpt")
COLUMNS += ("published_at", "provider_id", "quality", "is_hidden", "target_id")
COLUMNS += ("kind", "amp_url", "cdn_amp_url", "image_url")
# What a COPY's text format escapes, and what SQL would have to quote.
AWKWARD = ["tab\there", "new\nline\r\n", "back\\slash", "\\N", "", 'it\'s "quoted"', "é ’ 漢字 🙂"]


def link_rows(article, provider, count, target=None):
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    adapt = connection.ops.adapt_datetimefield_value
    return [
        (
            article.pk,
            n,
            f"https://example.org/{n}",
            f"https://example.org/{n}?src=feed",
            AWKWARD[n % len(AWKWARD)],
            AWKWARD[(n + 1) % len(AWKWARD)],
            adapt(when) if n % 2 else None,
            provider.pk,
            None if n % 3 else n,
            n % 2 == 0,
            target.pk if target and n % 5 == 0 else None,
            "",
            "",
            "",
            "",
        )
        for n in range(count)
    ]


def stored(article):
    return [
        (
            link.position,
            link.url,
            link.title,
            link.excerpt,
            link.published_at,
            link.quality,
            link.is_hidden,
            link.target_id,
        )
        for link in RelatedLink.objects.filter(article=article).order_by("position")
    ]


def test_rows_come_back_as_written():
    article, other, provider = make_article(), make_article(), make_provider()
    rows = link_rows(article, provider, 30, target=other)
    bulk.insert_rows(RelatedLink, COLUMNS, rows)
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    assert stored(article) == [
        (
            n,
            f"https://example.org/{n}",
            AWKWARD[n % len(AWKWARD)],
            AWKWARD[(n + 1) % len(AWKWARD)],
            when if n % 2 else None,
            None if n % 3 else n,
            n % 2 == 0,
            other.pk if n % 5 == 0 else None,
        )
        for n in range(30)
    ]


def test_more_rows_than_one_statement_takes(monkeypatch):
    monkeypatch.setattr(bulk, "MAX_IN_PARAMS", len(COLUMNS) * 4)
    article, provider = make_article(), make_provider()
    bulk.insert_rows(RelatedLink, COLUMNS, link_rows(article, provider, 10))
    assert [row[0] for row in stored(article)] == list(range(10))


def test_no_rows_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk.insert_rows(RelatedLink, COLUMNS, [])


def test_a_conflict_is_djangos_integrity_error_and_writes_nothing():
    """The importer retries a conflict with another process on Django's IntegrityError;
    a COPY runs past Django's cursor, so it must raise the same."""
    article, provider = make_article(), make_provider()
    rows = link_rows(article, provider, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(RelatedLink, COLUMNS, rows + rows[:1])
    assert not RelatedLink.objects.filter(article=article).exists()


def test_updated_rows_come_back_as_written(django_assert_max_num_queries):
    """Text, NULLs, JSON, a foreign key by its attname and a date, row by row; the fields
    not named are left alone."""
    articles = [make_article() for _ in range(len(AWKWARD))]
    untouched = {a.pk: (a.slug, a.quality) for a in articles}
    publisher = make_provider()
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    for n, article in enumerate(articles):
        article.title = AWKWARD[n]
        article.excerpt = AWKWARD[-n - 1]
        article.heat = None if n % 2 else n
        article.feed_extra = {"n": n, "text": AWKWARD[n], "list": [1, None]} if n % 3 else {}
        article.provider_id = publisher.pk
        article.published_at = when
        article.slug, article.quality = "never-written", 0
    fields = ("title", "excerpt", "heat", "feed_extra", "provider_id", "published_at")
    with django_assert_max_num_queries(1 if connection.vendor == "postgresql" else len(articles)):
        bulk.update_rows(Article, fields, articles)
    for n, article in enumerate(articles):
        article.refresh_from_db()
        assert (article.title, article.excerpt) == (AWKWARD[n], AWKWARD[-n - 1])
        assert article.heat == (None if n % 2 else n)
        assert article.feed_extra == (
            {"n": n, "text": AWKWARD[n], "list": [1, None]} if n % 3 else {}
        )
        assert (article.provider_id, article.published_at) == (publisher.pk, when)
        assert (article.slug, article.quality) == untouched[article.pk]


def test_update_keeps_the_search_index_in_step():
    """A title written by ``update_rows`` is what search finds (the PostgreSQL trigger and
    the SQLite FTS table follow the column)."""
    from articles.search import search_articles as search

    article = make_article(title="Harbour cranes idle")
    article.title = "Zeppelin hangar reopens"
    bulk.update_rows(Article, ["title"], [article])
    assert list(search(Article.objects.all(), "zeppelin")) == [article]
    assert not search(Article.objects.all(), "cranes").exists()


def test_no_objects_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk.update_rows(Article, ["title"], [])
