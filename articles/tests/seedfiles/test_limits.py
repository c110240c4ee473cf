"""Limits on what one file may hold: never losing the file, one warning line each, and
an importer whose cost grows linearly with every count."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleImage, RelatedLink, Topic
from articles.seedfiles import import_seeds
from articles.seedfiles.records import cut
from providers.models import Provider

from ..seedtext import related_item, render_seed, seed_record, write_seed

pytestmark = pytest.mark.django_db


def import_one(tmp_path, record):
    result = import_seeds([write_seed(tmp_path, "a.txt", record)])
    assert (result.created + result.updated, result.failed) == (1, 0), result.failures
    return result, Article.objects.get()


def messages(result):
    return [w.message for w in result.warnings]


def test_a_long_title_imports_cut_on_a_word_boundary(tmp_path):
    title = " ".join(["headline"] * 166) + " end"  # 1,498 characters
    result, article = import_one(tmp_path, seed_record(1, title=title))
    assert len(article.title) <= 500 and article.title.endswith("headline…")
    assert title.startswith(article.title[:-1])
    assert f"title is {len(title)} characters, cut to 500 (the title column)" in messages(result)


def test_a_title_with_no_spaces_is_cut_at_the_column():
    assert cut("x" * 1500, 500) == "x" * 499 + "…"
    assert cut("short", 500) == "short"


@override_settings(SEED_MAX_EXCERPT=100)
def test_a_long_excerpt_is_cut_with_a_warning(tmp_path):
    record = seed_record(1, related=1, excerpt="word " * 300)
    record["related"][0]["excerpt"] = "more " * 300
    result, article = import_one(tmp_path, record)
    assert len(article.excerpt) <= 100
    assert len(RelatedLink.objects.get().excerpt) <= 100
    assert "excerpt is 1500 characters, cut to 100 (SEED_MAX_EXCERPT)" in messages(result)
    assert "related item 1 excerpt is 1500 characters, cut to 100 (SEED_MAX_EXCERPT)" in (
        messages(result)
    )


@override_settings(SEED_MAX_RELATED=5, SEED_MAX_TOPICS=3, SEED_MAX_IMAGES=2)
def test_items_past_the_limits_are_dropped_with_one_warning_each(tmp_path):
    record = seed_record(
        1,
        related=8,
        topics=[f"Topic {n}" for n in range(7)],
        images=[{"url": f"https://img.example/{n}.jpg"} for n in range(4)],
    )
    result, article = import_one(tmp_path, record)
    assert article.related_links.count() == 5
    assert article.topics.count() == 3
    assert ArticleImage.objects.count() == 2
    assert sorted(messages(result)) == [
        "4 images, over the limit of 2 (SEED_MAX_IMAGES): images 3 to 4 dropped",
        "7 topics, over the limit of 3 (SEED_MAX_TOPICS): topics 4 to 7 dropped",
        "8 related items, over the limit of 5 (SEED_MAX_RELATED): related items 6 to 8 dropped",
    ]


def test_the_default_limits():
    from django.conf import settings

    assert (settings.SEED_MAX_RELATED, settings.SEED_MAX_TOPICS, settings.SEED_MAX_IMAGES) == (
        200,
        50,
        20,
    )
    assert (settings.SEED_MAX_EXCERPT, settings.SEED_MAX_FUTURE_HOURS) == (5000, 24)


def test_a_date_far_ahead_is_set_to_the_import_time(tmp_path):
    record = seed_record(1, related=1, publishedDateTime="9999-12-31T00:00:00Z")
    record["related"][0]["publishedDateTime"] = "9999-12-31"
    before = datetime.now(UTC)
    result, article = import_one(tmp_path, record)
    assert before - timedelta(seconds=5) <= article.published_at <= datetime.now(UTC)
    assert RelatedLink.objects.get().published_at <= datetime.now(UTC)
    assert any(
        m.startswith("publishedDateTime 9999-12-31T00:00:00+00:00 is more than 24 hours ahead")
        for m in messages(result)
    )


def test_a_date_a_little_ahead_is_kept(tmp_path):
    soon = (datetime.now(UTC) + timedelta(hours=3)).replace(microsecond=0)
    result, article = import_one(tmp_path, seed_record(1, publishedDateTime=soon))
    assert article.published_at == soon and not result.warnings


def topics_file(count):
    return render_seed(seed_record(1, related=0, topics=[f"t{n}" for n in range(count)]))


def shapes(queries):
    return [re.sub(r'"s\d+_x\d+"', "sp", q["sql"])[:60] for q in queries.captured_queries]


def test_seventy_thousand_topics_take_bounded_time_and_queries(tmp_path):
    big = topics_file(70_000).encode()
    assert len(big) < 1024 * 1024
    (tmp_path / "small").mkdir()
    (tmp_path / "big").mkdir()
    (tmp_path / "small" / "a.txt").write_text(topics_file(60))
    (tmp_path / "big" / "a.txt").write_bytes(big)
    with CaptureQueriesContext(connection) as small:
        import_seeds([tmp_path / "small"])
    Article.objects.all().delete()
    Topic.objects.all().delete()
    Provider.objects.all().delete()
    clock = time.perf_counter()
    with CaptureQueriesContext(connection) as large:
        result = import_seeds([tmp_path / "big"])
    assert time.perf_counter() - clock < 10
    assert result.created == 1 and Topic.objects.count() == 50
    assert shapes(large) == shapes(small)


def test_thousands_of_new_topics_in_one_chunk(tmp_path):
    # 40 files of 50 new topics: 2,000 new topics in one transaction. PostgreSQL used
    # to refuse more than 1,664 (one SELECT column per name).
    for n in range(40):
        topics = [f"Topic {n}-{k}" for k in range(50)]
        write_seed(tmp_path, f"{n}.txt", seed_record(n, related=0, topics=topics))
    result = import_seeds([tmp_path])
    assert (result.created, result.failed) == (40, 0)
    assert Topic.objects.count() == 2000


def test_related_cost_is_linear(tmp_path):
    record = seed_record(1, related=0)
    record["related"] = [related_item(n) for n in range(200)]
    clock = time.perf_counter()
    result, article = import_one(tmp_path, record)
    assert time.perf_counter() - clock < 10
    assert article.related_links.count() == 200
