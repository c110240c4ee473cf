from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles import counts
from articles.models import Article, Topic
from articles.urlnorm import canonical_url, is_http_url

from .factories import make_article, make_provider, make_related, make_topic

pytestmark = pytest.mark.django_db


def test_published_is_the_only_visible_set():
    visible = make_article()
    past_schedule = make_article(publish_at=timezone.now() - timedelta(minutes=1))
    make_article(status=Article.Status.PENDING)
    make_article(status=Article.Status.REJECTED)
    make_article(publish_at=timezone.now() + timedelta(hours=1))
    make_article(provider=make_provider(is_blocked=True))

    assert set(Article.objects.published()) == {visible, past_schedule}
    for article in Article.objects.select_related("provider"):
        assert article.is_published() == (article in {visible, past_schedule})


def test_scheduled_article_appears_when_its_time_comes():
    article = make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert article.is_scheduled
    assert not Article.objects.published().exists()
    later = timezone.now() + timedelta(hours=2)
    assert list(Article.objects.published(now=later)) == [article]


def test_topic_names_are_unique_whatever_the_case():
    make_topic("Computer Vision")
    with pytest.raises(IntegrityError):
        Topic.objects.create(name="computer vision", slug="computer-vision-2")


def test_related_link_cannot_point_at_its_own_article():
    article = make_article()
    with pytest.raises(IntegrityError):
        make_related(article, target=article)


def test_absolute_urls_use_named_routes():
    article = make_article(slug="a-story")
    assert article.get_absolute_url() == "/articles/a-story/"
    assert article.provider.get_absolute_url() == f"/providers/{article.provider.domain}/"
    assert make_topic("AI").get_absolute_url() == "/topics/ai/"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM/Path?a=1#frag", "https://example.com/Path?a=1"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("http://example.com:8080/x", "https://example.com:8080/x"),
        ("http://www.example.com/a/b/?ref=rss", "https://example.com/a/b"),
        (
            "https://example.com/a?z=2&utm_medium=x&a=1&gclid=g&mc_cid=c",
            "https://example.com/a?a=1&z=2",
        ),
        ("https://WWW.example.com/?_ga=1&igshid=2&mc_eid=3", "https://example.com/"),
        ("https://example.com/x?utm_source=t&id=3&fbclid=abc", "https://example.com/x?id=3"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_canonical_url(raw, expected):
    assert canonical_url(raw) == expected


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1)", "ftp://example.com/x", "/relative", "", None, "https://", 3]
)
def test_non_http_urls_are_refused(bad):
    assert not is_http_url(bad)
    with pytest.raises(ValueError):
        canonical_url(bad)


def test_by_scores_puts_unscored_articles_last_on_every_database():
    unscored = make_article(heat=None, quality=None)
    low = make_article(heat=5, quality=10)
    high = make_article(heat=90, quality=10)
    tie_better = make_article(heat=5, quality=80)

    assert list(Article.objects.by_scores("heat", "quality")) == [high, tie_better, low, unscored]
    assert list(Article.objects.by_scores("quality"))[-1] == unscored


def test_reader_querysets_narrow_published_articles():
    topic, other = make_topic("AI"), make_topic("Chips")
    ft = make_provider("ft.com")
    make_provider("empty.example")
    blocked = make_provider("blocked.example", is_blocked=True)
    tagged = [make_article(provider=ft, topics=[topic]) for _ in range(3)]
    make_article(provider=ft, topics=[topic], status=Article.Status.PENDING)
    make_article(provider=blocked, topics=[other])

    published = Article.objects.published()
    assert set(published.in_topic(topic)) == set(tagged)
    assert list(published.publishers()) == [ft]
    assert list(Topic.objects.with_published_articles()) == [topic]
    assert published.counts_by("topics", "topics__name") == [(topic.pk, "AI", 3)]
    assert published.counts_by("provider") == [(ft.pk, 3)]
    assert counts.count_for("topics", topic.pk) == 3
    assert counts.count_for("topics", other.pk) == 0
    assert counts.count_for("publishers", ft.pk) == 3
