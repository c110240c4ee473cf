"""Counts and choices once per content version: exact after every change, and when a
scheduled time passes with no write at all.

The tests commit their transactions (the content version moves only on commit) and use
a fresh local-memory cache each.
"""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from articles import counts
from articles.models import Article

from .factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    backend = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"test-{uuid.uuid4().hex}",
    }
    with override_settings(CACHES={"default": backend}):
        caches["default"].clear()
        yield


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


def listed(response):
    return [(row.name, row.article_count) for row in response.context["object_list"]]


def test_index_counts_are_computed_once_per_version(client):
    ft = make_provider("ft.com", name="Financial Times")
    make_article(provider=ft, topics=[make_topic("AI")])
    first, computed = get(client, "/providers/")
    again, cached = get(client, "/providers/")
    assert listed(first) == listed(again) == [("Financial Times", 1)]
    assert cached < computed
    assert cached <= 1  # the content version, read from its row with local memory

    make_article(provider=ft)  # a save bumps the version
    assert listed(get(client, "/providers/")[0]) == [("Financial Times", 2)]
    assert get(client, "/providers/ft.com/")[0].context["article_count"] == 2


def test_unpublishing_shows_on_the_next_request(client):
    topic = make_topic("AI")
    story = make_article(topics=[topic])
    make_article(topics=[topic])
    assert listed(get(client, "/topics/")[0]) == [("AI", 2)]
    story.status = Article.Status.REJECTED
    story.save()
    assert listed(get(client, "/topics/")[0]) == [("AI", 1)]
    assert get(client, "/topics/ai/")[0].context["article_count"] == 1


def test_a_scheduled_time_passing_moves_the_counts(client, monkeypatch):
    topic = make_topic("AI")
    make_article(topics=[topic])
    soon = timezone.now() + timedelta(minutes=5)
    make_article(topics=[topic], publish_at=soon)
    assert listed(get(client, "/topics/")[0]) == [("AI", 1)]
    assert counts.top_choices("topics", 10) == [("ai", "AI")]

    later = soon + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # no write, only time
    assert listed(get(client, "/topics/")[0]) == [("AI", 2)]
    assert get(client, "/topics/ai/")[0].context["article_count"] == 2


def test_the_version_is_read_once_a_request(client):
    topic = make_topic("AI")
    make_article(topics=[topic], provider=make_provider("ft.com"))
    get(client, "/")
    _, queries = get(client, "/?topic=ai&publisher=ft.com")
    # version, topic check, publisher check, the page, its two prefetches
    assert queries <= 6


def test_inside_a_transaction_counts_are_fresh_and_not_stored():
    from django.db import transaction

    topic = make_topic("AI")
    make_article(topics=[topic])
    assert counts.count_for("topics", topic.pk) == 1
    with transaction.atomic():
        make_article(topics=[topic])  # seen by this connection, not yet versioned
        assert counts.count_for("topics", topic.pk) == 2
        transaction.set_rollback(True)
    assert counts.count_for("topics", topic.pk) == 1


def test_visible_rows_are_read_once_a_version_and_misses_not_stored(client):
    topic = make_topic("AI")
    make_article(topics=[topic])
    assert counts.visible_row("topics", slug="ai") == topic
    with CaptureQueriesContext(connection) as queries:
        assert counts.visible_row("topics", slug="ai") == topic
    assert all("articles_topic" not in q["sql"] for q in queries.captured_queries)
    assert counts.visible_row("topics", slug="made-up") is None
    lonely = make_topic("Lonely")
    make_article(topics=[lonely], status=Article.Status.PENDING)
    assert counts.visible_row("topics", slug="lonely") is None
    Article.objects.filter(topics=lonely).update(status=Article.Status.PUBLISHED)
    counts_bump()
    assert counts.visible_row("topics", slug="lonely") == lonely


def counts_bump():
    from articles import pagecache

    pagecache.bump()


def test_index_rows_are_rendered_once_per_version_and_escaped_once(client):
    odd = make_provider("odd.example", name="Smith & <Jones>")
    make_article(provider=odd, topics=[make_topic("R&D")])
    item = (
        '<li><a href="/providers/odd.example/">Smith &amp; &lt;Jones&gt;</a>'
        ' <span class="domain">odd.example</span> <span class="count">1 story</span></li>'
    )
    for _ in range(2):  # rendered, then read from the cache (pickled, still safe)
        assert item in get(client, "/providers/")[0].content.decode()
        assert '<a href="/topics/rd/">R&amp;D</a>' in get(client, "/topics/")[0].content.decode()
    make_article(provider=odd)
    assert '<span class="count">2 stories</span>' in get(client, "/providers/")[0].content.decode()


def test_the_sitemap_index_is_built_once_per_version_and_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example"]
    make_article(published_at=timezone.now() - timedelta(days=1))
    first, computed = get(client, "/sitemap.xml")
    again, cached = get(client, "/sitemap.xml")
    assert again.content == first.content and cached < computed
    assert again["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert b"http://testserver/sitemap-articles.xml" in again.content
    other = client.get("/sitemap.xml", headers={"host": "news.example"})
    assert b"http://news.example/sitemap-articles.xml" in other.content
    make_article(published_at=timezone.now())  # a new version: a new lastmod
    assert get(client, "/sitemap.xml")[0].content != first.content
