"""Topic and publisher indexes and pages: what they list, what they cost, capped counts.

Publisher pages keep their ``providers:`` URL names, served by ``articles.views.publishers``.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_provider, make_related, make_topic

pytestmark = pytest.mark.django_db


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_provider_list_counts_published_articles_only(client):
    ft = make_provider("ft.com", name="Financial Times")
    bbc = make_provider("bbc.co.uk", name="BBC")
    make_article(provider=ft)
    make_article(provider=ft)
    make_article(provider=ft, status=Article.Status.PENDING)
    make_article(provider=ft, publish_at=timezone.now() + timedelta(days=1))
    make_article(provider=bbc, status=Article.Status.REJECTED)
    related_only = make_provider("related.example", name="Related Only")
    make_related(make_article(provider=ft), provider=related_only)
    blocked = make_provider("blocked.example", name="Blocked", is_blocked=True)
    make_article(provider=blocked)

    response = client.get(reverse("providers:provider_list"))
    assert [(p.name, p.article_count) for p in response.context["object_list"]] == [
        ("Financial Times", 3)
    ]
    body = response.content.decode()
    assert "3 stories" in body
    assert "BBC" not in body and "Blocked" not in body and "Related Only" not in body


def test_provider_page(client):
    ft = make_provider("ft.com", name="Financial Times", logo_url="https://ft.com/logo.png")
    stories = [make_article(provider=ft) for _ in range(3)]
    make_article(provider=ft, status=Article.Status.PENDING, title="Secret draft")
    make_article(title="Someone else's story")
    response = client.get(ft.get_absolute_url())
    assert response.context["article_count"] == 3
    assert set(response.context["article_list"]) == set(stories)
    body = response.content.decode()
    assert "<h1" in body and "Financial Times" in body
    assert 'src="https://ft.com/logo.png" alt="" width="40" height="40"' in body
    assert "3 published stories" in body
    assert "Secret draft" not in body and "Someone else" not in body
    assert 'href="/providers/ft.com/feed/rss/"' in body


def test_blocked_or_unknown_provider_is_not_found(client):
    blocked = make_provider("blocked.example", is_blocked=True)
    make_article(provider=blocked)
    assert client.get(blocked.get_absolute_url()).status_code == 404
    assert client.get("/providers/nobody.example/").status_code == 404


@pytest.mark.parametrize("suffix", ["", "feed/rss/", "feed/atom/", "feed/json/"])
def test_provider_domain_with_a_nul_byte_is_not_found(client, suffix):
    # PostgreSQL refuses NUL in a query parameter; the lookup must not reach it.
    make_provider("ft.com")
    assert client.get(f"/providers/ft.com%00/{suffix}").status_code == 404


def test_provider_page_paginates(client):
    ft = make_provider("ft.com")
    for _ in range(21):
        make_article(provider=ft)
    assert len(client.get("/providers/ft.com/").context["article_list"]) == 20
    assert len(client.get("/providers/ft.com/?page=2").context["article_list"]) == 1
    assert client.get("/providers/ft.com/?page=3").status_code == 404


def test_provider_query_counts_do_not_grow(client, django_assert_max_num_queries):
    ft = make_provider("ft.com")
    for _ in range(3):
        make_article(provider=ft, images=1)
    detail, listing = query_count(client, "/providers/ft.com/"), query_count(client, "/providers/")
    for _ in range(30):
        make_article(provider=ft, images=1)
        make_article()
    with django_assert_max_num_queries(5):
        assert query_count(client, "/providers/ft.com/") == detail
    with django_assert_max_num_queries(2):
        assert query_count(client, "/providers/") == listing


def test_topic_pages_query_counts_do_not_grow(client, django_assert_max_num_queries):
    topic = make_topic("AI")
    for _ in range(3):
        make_article(topics=[topic])
    detail, listing = query_count(client, "/topics/ai/"), query_count(client, "/topics/")
    for _ in range(30):
        make_article(topics=[topic, make_topic()])
    with django_assert_max_num_queries(5):
        assert query_count(client, "/topics/ai/") == detail
    with django_assert_max_num_queries(2):
        assert query_count(client, "/topics/") == listing


def test_detail_pages_count_exactly(client):
    ft = make_provider("ft.com")
    topic = make_topic("AI")
    for _ in range(1002):
        make_article(provider=ft, topics=[topic])
    make_article(provider=ft, topics=[topic], status=Article.Status.PENDING)
    assert "1,002 published stories" in client.get("/providers/ft.com/").content.decode()
    assert "1,002 published stories" in client.get("/topics/ai/").content.decode()
    make_article(provider=make_provider("bbc.co.uk"))
    assert "1 published story" in client.get("/providers/bbc.co.uk/").content.decode()


def test_publisher_index_is_paginated(client, monkeypatch):
    from articles.views import ProviderListView, TopicListView

    monkeypatch.setattr(ProviderListView, "paginate_by", 2)
    monkeypatch.setattr(TopicListView, "paginate_by", 2)
    for name in ("Charlie", "Alpha", "Echo", "Bravo", "Delta"):
        provider = make_provider(f"{name.lower()}.example", name=name)
        make_article(provider=provider, topics=[make_topic(name)])
    for url in ("/providers/", "/topics/"):
        pages = [client.get(url, {"page": n}) for n in (1, 2, 3)]
        names = [[row.name for row in page.context["object_list"]] for page in pages]
        assert names == [["Alpha", "Bravo"], ["Charlie", "Delta"], ["Echo"]], url
        assert 'rel="next" href="?page=2"' in pages[0].content.decode()
        assert "Next →" in pages[0].content.decode()
        assert client.get(url, {"page": 4}).status_code == 404
        assert client.get(url, {"page": "x"}).status_code == 404


def test_a_publisher_page_under_the_unicode_spelling_of_its_domain_redirects(client):
    provider = make_provider(domain="xn--mnchen-3ya.de", name="Münchner")
    make_article(provider=provider)
    response = client.get("/providers/münchen.de/")
    assert response.status_code == 301
    assert response["Location"] == reverse("providers:provider_detail", args=["xn--mnchen-3ya.de"])
