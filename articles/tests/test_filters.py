"""The list's FilterSet and the search function, asserted on ``filterset.qs``."""

import datetime
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from articles.filters import ArticleFilter
from articles.models import Article
from articles.search import MAX_WORDS, search_articles, search_words

from .factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db


def filtered(query):
    filterset = ArticleFilter(QueryDict(query), queryset=Article.objects.published())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime(2024, 3, day, hour))


def test_topic_filter_by_slug():
    ai, cv = make_topic("AI"), make_topic("Computer Vision")
    both = make_article(topics=[ai, cv])
    only_ai = make_article(topics=[ai])
    make_article(topics=[cv])
    assert set(filtered("topic=ai")) == {both, only_ai}


def test_topic_filter_offers_only_topics_with_published_articles():
    make_article(topics=[make_topic("AI")])
    make_article(topics=[make_topic("Secret")], status=Article.Status.PENDING)
    filterset = ArticleFilter(QueryDict("topic=secret"), queryset=Article.objects.published())
    assert not filterset.is_valid()
    assert [t.slug for t in filterset.form.fields["topic"].queryset] == ["ai"]


def test_publisher_filter_by_domain():
    ft = make_provider("ft.com")
    mine = make_article(provider=ft)
    make_article()
    assert filtered("publisher=ft.com") == [mine]


@pytest.mark.parametrize("value", ["http://[", "http://%5B::1", "https://[::1", "//["])
def test_a_publisher_that_is_no_url_is_a_form_error_not_a_500(client, value):
    make_article()
    response = client.get(reverse("articles:article_list"), {"publisher": value})
    assert response.status_code == 200
    assert "No publisher with published stories has that domain." in response.text


def test_blocked_publisher_is_not_a_choice():
    make_article(provider=make_provider("bad.example", is_blocked=True))
    filterset = ArticleFilter(QueryDict("publisher=bad.example"), queryset=Article.objects.all())
    assert not filterset.is_valid()


def test_date_range_includes_both_days():
    before = make_article(published_at=at(9, 23))
    first = make_article(published_at=at(10, 0))
    last = make_article(published_at=at(12, 23))
    after = make_article(published_at=at(13, 0))
    assert set(filtered("date_from=2024-03-10&date_to=2024-03-12")) == {first, last}
    assert set(filtered("date_from=2024-03-13")) == {after}
    assert set(filtered("date_to=2024-03-09")) == {before}


def test_minimum_quality():
    make_article(quality=10)
    good = make_article(quality=80)
    exact = make_article(quality=50)
    make_article(quality=None)
    assert set(filtered("min_quality=50")) == {good, exact}


def test_sorts():
    now = timezone.now()
    a = make_article(heat=5, quality=90, published_at=now - timedelta(hours=3))
    b = make_article(heat=None, quality=None, published_at=now - timedelta(hours=1))
    c = make_article(heat=50, quality=10, published_at=now - timedelta(hours=2))
    assert filtered("") == [b, c, a]
    assert filtered("sort=newest") == [b, c, a]
    assert filtered("sort=heat") == [c, a, b]
    assert filtered("sort=quality") == [a, c, b]
    assert filtered("sort=bogus") == [b, c, a]


def test_filters_combine():
    ai = make_topic("AI")
    ft = make_provider("ft.com")
    hit = make_article(topics=[ai], provider=ft, quality=70, title="Robots everywhere")
    make_article(topics=[ai], provider=ft, quality=10, title="Robots nowhere")
    make_article(topics=[ai], quality=70, title="Robots elsewhere")
    assert filtered("topic=ai&publisher=ft.com&min_quality=50&q=robots") == [hit]


def test_unpublished_articles_never_pass_any_filter():
    ai = make_topic("AI")
    make_article(topics=[ai], status=Article.Status.PENDING, title="Robots pending")
    assert filtered("q=robots") == []
    assert filtered("q=robots&sort=heat") == []


# Search ---------------------------------------------------------------------------


def test_search_every_word_in_title_or_excerpt_any_case():
    both = make_article(title="Police use FACIAL recognition", excerpt="Cameras in London")
    title_only = make_article(title="Facial recognition at airports", excerpt="Queues")
    make_article(title="Voice recognition", excerpt="Not a face")
    qs = Article.objects.published()
    assert set(search_articles(qs, "facial")) == {both, title_only}
    assert set(search_articles(qs, "Facial LONDON")) == {both}
    assert set(search_articles(qs, "recognition   cameras ")) == {both}
    assert set(search_articles(qs, "facial submarine")) == set()


def test_empty_search_changes_nothing():
    make_article()
    qs = Article.objects.published()
    assert search_articles(qs, "") is qs
    assert search_articles(qs, "   ") is qs
    assert search_articles(qs, None) is qs


def test_search_treats_wildcards_literally():
    percent = make_article(title="Rates rise 5% today")
    make_article(title="Rates rise 50 today")
    assert list(search_articles(Article.objects.published(), "5%")) == [percent]
    assert list(search_articles(Article.objects.published(), "_")) == []


def test_search_words_are_distinct_and_capped():
    assert search_words("a A b") == ["a", "b"]
    assert len(search_words(" ".join(f"w{n}" for n in range(50)))) == MAX_WORDS
