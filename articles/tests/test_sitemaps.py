"""sitemap.xml, its sections, the Google News sitemap and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


@pytest.fixture
def site():
    now = timezone.now()
    topic = make_topic("AI")
    make_topic("Empty topic")
    provider = make_provider("ft.com")
    fresh = make_article(slug="fresh", topics=[topic], provider=provider, published_at=now)
    old = make_article(slug="old", provider=provider, published_at=now - timedelta(days=3))
    make_article(slug="pending", status=Article.Status.PENDING, published_at=now)
    make_article(slug="blocked", provider=make_provider("bad.example", is_blocked=True))
    return {"fresh": fresh, "old": old, "topic": topic, "provider": provider}


def test_index_lists_every_section_including_news(client, site):
    assert locations(client, reverse("sitemap")) == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-topics.xml",
        "http://testserver/sitemap-publishers.xml",
        "http://testserver/sitemap-news.xml",
    ]


def test_sections_hold_published_things_only(client, site):
    assert locations(client, "/sitemap-articles.xml") == [
        "http://testserver/articles/fresh/",
        "http://testserver/articles/old/",
    ]
    assert locations(client, "/sitemap-topics.xml") == ["http://testserver/topics/ai/"]
    assert locations(client, "/sitemap-publishers.xml") == ["http://testserver/providers/ft.com/"]


def test_news_sitemap_has_the_last_two_days(client, site):
    response = client.get(reverse("sitemap_news"))
    root = ET.fromstring(response.content)
    urls = root.findall("sm:url", NS)
    assert [u.find("sm:loc", NS).text for u in urls] == ["http://testserver/articles/fresh/"]
    news = urls[0].find("news:news", NS)
    assert news.find("news:publication/news:name", NS).text == "Newsroom"
    assert news.find("news:publication/news:language", NS).text == "en"
    assert news.find("news:title", NS).text == site["fresh"].title
    assert news.find("news:publication_date", NS).text == site["fresh"].published_at.isoformat()


def test_news_sitemap_escapes_titles(client):
    make_article(title="Fish & <chips>", published_at=timezone.now())
    response = client.get(reverse("sitemap_news"))
    root = ET.fromstring(response.content)
    assert root.find(".//news:title", NS).text == "Fish & <chips>"
    assert b"<chips>" not in response.content


def test_sitemap_query_count_is_bounded(client, django_assert_max_num_queries):
    for _ in range(30):
        make_article(topics=[make_topic()])
    # One of each for the content version the Last-Modified must not precede.
    with django_assert_max_num_queries(4):
        client.get("/sitemap-articles.xml")
    # And one for the oldest article, whose 48 hours bound the cached copy.
    with django_assert_max_num_queries(5):
        client.get(reverse("sitemap_news"))


def test_article_sitemap_pages_by_id_range(client, monkeypatch):
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    stories = [make_article() for _ in range(5)]
    Article.objects.filter(pk=stories[1].pk).update(status=Article.Status.PENDING)
    pages = {}
    for n in range(1, 10):
        response = client.get("/sitemap-articles.xml", {"p": n})
        if response.status_code == 404:
            break
        pages[n] = locations(client, f"/sitemap-articles.xml?p={n}")
    listed = [loc for page in pages.values() for loc in page]
    expected = [s for s in stories if s is not stories[1]]
    assert sorted(listed) == sorted(f"http://testserver{s.get_absolute_url()}" for s in expected)
    assert all(len(page) <= 2 for page in pages.values())
    assert len(pages) == -(-(stories[-1].pk - stories[0].pk + 1) // 2)
    index = locations(client, reverse("sitemap"))
    assert index.count("http://testserver/sitemap-articles.xml") == 1
    assert f"http://testserver/sitemap-articles.xml?p={len(pages)}" in index


def test_sitemap_index_query_count_is_bounded(client, django_assert_max_num_queries):
    for _ in range(30):
        make_article(topics=[make_topic()])
    # Each section's date reads the content version once (from the row here, from Redis
    # in production) and the newest change once per version; articles and stories add
    # their id range, two index seeks each (kept per content version outside a test's
    # transaction).
    with django_assert_max_num_queries(12):
        client.get(reverse("sitemap"))
    with django_assert_max_num_queries(2):
        client.get("/sitemap-publishers.xml")
