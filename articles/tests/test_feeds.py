"""RSS, Atom and JSON Feed: valid, published only, conditional GET."""

import json
from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_world():
    topic = make_topic("AI")
    provider = make_provider("ft.com", name="Financial Times")
    now = timezone.now()
    articles = [
        make_article(
            title=f"Feed story {n}",
            excerpt=f"Excerpt {n} with <b>markup</b> & ampersand",
            topics=[topic],
            provider=provider,
            published_at=now - timedelta(hours=n),
            images=1,
        )
        for n in range(3)
    ]
    make_article(title="Pending feed story", status=Article.Status.PENDING, topics=[topic])
    return {"topic": topic, "provider": provider, "articles": articles}


def feed_urls(world, fmt):
    return [
        reverse(f"articles:feed_{fmt}"),
        reverse(f"articles:topic_feed_{fmt}", kwargs={"slug": world["topic"].slug}),
        reverse(f"providers:provider_feed_{fmt}", kwargs={"domain": world["provider"].domain}),
    ]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("scope", [0, 1, 2], ids=["site", "topic", "provider"])
def test_xml_feeds_parse_cleanly(client, feed_world, fmt, scope):
    url = feed_urls(feed_world, fmt)[scope]
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if fmt == "rss" else "atom10")
    assert [entry.title for entry in parsed.entries] == [
        "Feed story 0",
        "Feed story 1",
        "Feed story 2",
    ]
    first = parsed.entries[0]
    article = feed_world["articles"][0]
    assert first.link == f"http://testserver{article.get_absolute_url()}"
    # The excerpt is text: markup in it arrives as text, not as elements.
    assert first.summary == "Excerpt 0 with &lt;b&gt;markup&lt;/b&gt; &amp; ampersand"
    assert first.author == "Financial Times"
    assert [tag.term for tag in first.tags] == ["AI"]
    assert "Pending feed story" not in response.content.decode()
    assert article.secured not in response.content.decode()


@pytest.mark.parametrize("scope", [0, 1, 2], ids=["site", "topic", "provider"])
def test_json_feed_follows_version_1_1(client, feed_world, scope):
    url = feed_urls(feed_world, "json")[scope]
    response = client.get(url)
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"] == f"http://testserver{url}"
    assert feed["home_page_url"].startswith("http://testserver/")
    assert len(feed["items"]) == 3
    for item, article in zip(feed["items"], feed_world["articles"], strict=True):
        assert isinstance(item["id"], str) and item["id"]
        assert item["url"] == f"http://testserver{article.get_absolute_url()}"
        assert item["external_url"] == article.url
        assert item["title"] == article.title
        assert item["content_text"] == article.excerpt
        assert item["date_published"] == article.published_at.isoformat()
        assert isinstance(item["date_modified"], str)
        assert item["authors"] == [{"name": "Financial Times", "url": "https://ft.com/"}]
        assert item["tags"] == ["AI"]
        assert item["image"].startswith("https://img.example/")
        assert set(item) <= {
            "id", "url", "external_url", "title", "content_text", "summary", "image",
            "date_published", "date_modified", "authors", "tags",
        }  # fmt: skip
    assert "Pending feed story" not in response.content.decode()


def test_json_feed_escapes_markup(client):
    make_article(title="</script><script>alert(1)</script>", excerpt="a & b")
    body = client.get(reverse("articles:feed_json")).content.decode()
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["items"][0]["title"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_feeds_answer_conditional_get_with_304(client, feed_world, fmt):
    url = reverse(f"articles:feed_{fmt}")
    # Written an hour ago: a date of the current second is not sent (pagecache).
    Article.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    first = client.get(url)
    assert first.has_header("ETag")
    assert first.has_header("Last-Modified")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


def test_last_modified_moves_when_an_article_is_published(client, feed_world):
    url = reverse("articles:feed_rss")
    Article.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    before = client.get(url)
    # An editor publishes an older story a little later (Last-Modified has 1 s resolution).
    Article.objects.filter(title="Pending feed story").update(
        status=Article.Status.PUBLISHED, updated_at=timezone.now() - timedelta(minutes=30)
    )
    after = client.get(url, headers={"If-Modified-Since": before["Last-Modified"]})
    assert after.status_code == 200
    assert "Pending feed story" in after.content.decode()


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_feed_query_count_does_not_grow_with_items(client, django_assert_max_num_queries, fmt):
    topic = make_topic("AI")
    make_article(topics=[topic], images=1)
    url = reverse(f"articles:topic_feed_{fmt}", kwargs={"slug": "ai"})
    # Four for the feed, one for the content version its Last-Modified must not precede.
    with django_assert_max_num_queries(5) as few:
        client.get(url)
    for _ in range(40):
        make_article(topics=[topic, make_topic()], images=2)
    with django_assert_max_num_queries(5) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_feeds_are_linked_from_page_heads(client, feed_world):
    body = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in body
    assert 'href="/feeds/atom/"' in body and 'href="/feeds/json/"' in body
    body = client.get(feed_world["topic"].get_absolute_url()).content.decode()
    assert (
        'type="application/feed+json" title="AI (JSON Feed)" href="/topics/ai/feed/json/"' in body
    )


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("scope", [0, 1, 2], ids=["site", "topic", "provider"])
def test_control_characters_in_feed_text_are_dropped_not_a_500(client, fmt, scope):
    # The importer keeps text as the feed sent it; XML 1.0 cannot carry these, and
    # Django's feed writer raised UnserializableContentError for the whole feed.
    topic = make_topic("A\x0bI")
    provider = make_provider("ft.com", name="Financial\x1bTimes")
    make_article(
        title="Vertical\x0btab", excerpt="Back\x08space", topics=[topic], provider=provider
    )
    world = {"topic": topic, "provider": provider}
    response = client.get(feed_urls(world, fmt)[scope])
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    [entry] = parsed.entries
    assert (entry.title, entry.summary, entry.author) == (
        "Verticaltab",
        "Backspace",
        "FinancialTimes",
    )
    assert [tag.term for tag in entry.tags] == ["AI"]


def test_control_characters_stay_out_of_the_news_sitemap(client):
    make_article(title="Vertical\x0btab", published_at=timezone.now())
    response = client.get(reverse("sitemap_news"))
    assert response.status_code == 200
    assert "<news:title>Verticaltab</news:title>" in response.content.decode()


# Bounds -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_feeds_are_bounded_however_big_the_excerpts(client, fmt):
    """Five published files with 1 MB excerpts once made /feeds/json/ 10 MB a request."""
    from articles.feeds import FEED_ITEMS
    from articles.templatetags.site_tags import EXCERPT_CHARS

    huge = "word " * 200_000
    now = timezone.now()
    for n in range(5):
        make_article(excerpt=huge, published_at=now - timedelta(minutes=n))
    for n in range(FEED_ITEMS + 10):
        make_article(published_at=now - timedelta(hours=1, minutes=n))
    response = client.get(reverse(f"articles:feed_{fmt}"))
    assert response.status_code == 200
    assert len(response.content) < 60_000
    if fmt == "json":
        items = json.loads(response.content)["items"]
        texts = [item["content_text"] for item in items]
    else:
        items = feedparser.parse(response.content).entries
        texts = [entry.summary for entry in items]
    assert len(items) == FEED_ITEMS
    clipped = [text for text in texts if text.startswith("word word")]
    assert len(clipped) == 5
    assert all(len(text) <= EXCERPT_CHARS and text.endswith("word…") for text in clipped)
