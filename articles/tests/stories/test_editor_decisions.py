"""Editors' decisions on stories survive re-import; imports cost the same queries per
chunk whatever the size of the table; ``cluster_stories`` rebuilds them."""

import difflib
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleTerms, Story, StoryTerm, StoryWord
from articles.stories import merge_stories, split_story, take_out_of_stories
from articles.stories.clustering import refresh_word_counts
from articles.urlnorm import canonical_url

from .helpers import article, groups, import_records, record, url_of
from .test_evidence import FACE_POLICE

pytestmark = pytest.mark.django_db


def five(quality=38):
    return [record(n + 1, *FACE_POLICE[n], quality=quality) for n in range(5)]


def test_a_split_story_stays_split_when_the_same_files_are_imported_again(tmp_path):
    import_records(tmp_path, *five())
    assert groups(1, 2, 3, 4, 5) == {frozenset({1, 2, 3, 4, 5})}
    split_story([article(4), article(5)])
    import_records(tmp_path, *five(quality=60))  # changed files: all five updated
    assert groups(1, 2, 3, 4, 5) == {frozenset({1, 2, 3}), frozenset({4, 5})}
    assert Article.objects.get(url=article(4).url).quality == 60


def test_a_new_article_joins_one_side_of_a_split_without_merging_them(tmp_path):
    import_records(tmp_path, *five())
    split_story([article(4), article(5)])
    import_records(
        tmp_path,
        record(
            6,
            "Met Police live facial recognition cameras return to Stratford",
            "The Metropolitan Police cameras were back in east London.",
            FACE_POLICE[3][2] + timedelta(days=1),
            related=[url_of(1), url_of(4)],
        ),
    )
    assert len(groups(1, 2, 3, 4, 5, 6)) == 2
    assert {frozenset({1, 2, 3}), frozenset({4, 5})} & groups(1, 2, 3, 4, 5) == {
        frozenset({1, 2, 3}),
        frozenset({4, 5}),
    }


def test_an_article_taken_out_of_its_story_is_never_put_back(tmp_path):
    import_records(tmp_path, *five())
    take_out_of_stories([article(2)])
    import_records(tmp_path, *five(quality=70))
    assert article(2).story is None and article(2).story_pinned
    assert groups(1, 3, 4, 5) == {frozenset({1, 3, 4, 5})}


def test_an_editors_merge_title_and_lead_survive_reimport(tmp_path):
    unrelated = record(9, "Chipmakers warn of shortages as demand outstrips supply")
    import_records(
        tmp_path, *five(), unrelated, record(10, "Chip stocks rally", related=[url_of(9)])
    )
    police, chips = article(1).story, article(9).story
    assert police != chips
    result = merge_stories(police, [chips])
    assert result.articles_moved == 2
    Story.objects.filter(pk=police.pk).update(title="The Met's cameras", lead=article(3))
    import_records(
        tmp_path,
        *five(quality=80),
        record(9, "Chipmakers warn again", quality=5),
        record(10, "Chip stocks rally", related=[url_of(9)], quality=5),
    )
    story = Story.objects.get()
    assert story.pk == police.pk
    assert (story.title, story.lead_id) == ("The Met's cameras", article(3).pk)
    assert story.articles.count() == 7


def test_evidence_never_merges_two_curated_stories_but_joins_a_plain_one_to_one(tmp_path):
    import_records(
        tmp_path, record(1, "Budget approved"), record(2, "Shares up", related=[url_of(1)])
    )
    import_records(tmp_path, record(3, "Bonds fall"), record(4, "Gilts slip", related=[url_of(3)]))
    first, second = article(1).story, article(3).story
    Story.objects.filter(pk=first.pk).update(title="Budget")
    Story.objects.filter(pk=second.pk).update(title="Bonds")
    import_records(tmp_path, record(5, "Budget and bonds", related=[url_of(1), url_of(3)]))
    assert Story.objects.count() == 2
    assert article(5).story_id in {first.pk, second.pk}
    # A plain story (no title, lead or pinned member) is merged into a curated one.
    Story.objects.filter(pk=second.pk).update(title="")
    import_records(tmp_path, record(5, "Budget and bonds, again", related=[url_of(1), url_of(3)]))
    assert Story.objects.get().pk == first.pk
    assert groups(1, 2, 3, 4, 5) == {frozenset({1, 2, 3, 4, 5})}


def _queries_importing(tmp_path, records):
    with CaptureQueriesContext(connection) as queries:
        import_records(tmp_path, *records)
    return [re.sub(r'"s\d+_x\d+"', "savepoint", q["sql"])[:70] for q in queries]


def _filler(start, count):
    base = FACE_POLICE[0][2]
    return [
        record(
            n,
            f"Filler headline number {n} about parliament",
            when=base + timedelta(hours=n % 48),
            related=[url_of(n - 1), f"https://hub.example/{n % 3}"],
        )
        for n in range(start, start + count)
    ]


def test_queries_per_imported_chunk_do_not_grow_with_the_table(tmp_path):
    def chunk(offset, days):
        return [
            record(
                offset + n + 1,
                f"{FACE_POLICE[n][0]} ({days})",  # a free slug: the writer looks no further
                FACE_POLICE[n][1],
                FACE_POLICE[n][2] + timedelta(days=days),
                related=[url_of(offset + n)],
            )
            for n in range(5)
        ]

    # Both tables big enough that five articles do not trigger the importer's ANALYZE.
    import_records(tmp_path, *_filler(1000, 60))
    small = _queries_importing(tmp_path, chunk(2000, 100))
    import_records(tmp_path, *_filler(3000, 300))
    assert Article.objects.count() > 360
    large = _queries_importing(tmp_path, chunk(4000, 200))
    assert len(large) == len(small), "\n".join(difflib.unified_diff(small, large, lineterm=""))
    assert Article.objects.get(url=article(4001).url).story_id == article(4005).story_id


def test_cluster_stories_builds_the_stories_of_an_existing_database(tmp_path, settings):
    settings.STORY_CLUSTERING = False
    import_records(tmp_path, *five(), record(9, "Chip stocks", related=[url_of(8)]))
    assert not Story.objects.exists() and not StoryTerm.objects.exists()
    settings.STORY_CLUSTERING = True
    call_command("cluster_stories", verbosity=0)
    assert groups(1, 2, 3, 4, 5, 9) == {frozenset({1, 2, 3, 4, 5}), frozenset({9})}
    assert StoryTerm.objects.filter(article=article(9)).exists()
    call_command("cluster_stories", verbosity=0)  # again: nothing changes
    assert Story.objects.count() == 1


def _index():
    """The word index as (term, date, article id) rows, and StoryWord's counts."""
    rows = set(StoryTerm.objects.values_list("term", "published_at", "article_id"))
    return rows, dict(StoryWord.objects.filter(articles__gt=0).values_list("term", "articles"))


def test_a_re_imported_article_s_words_replace_its_old_ones_in_the_index(tmp_path):
    import_records(tmp_path, *five())
    first = article(1)
    old_words = set(json.loads(ArticleTerms.objects.get(article=first).terms))
    later = FACE_POLICE[0][2] + timedelta(days=3)
    import_records(tmp_path, record(1, "Chip makers report record quarterly sales", when=later))
    terms = ArticleTerms.objects.get(article=first)
    assert terms.published_at == later
    assert set(json.loads(terms.terms)) == {
        "chip",
        "maker",
        "report",
        "record",
        "quarterly",
        "sale",
    }
    rows, counts = _index()
    mine = {(term, when) for term, when, pk in rows if pk == first.pk}
    assert mine == {(term, later) for term in json.loads(terms.terms)}
    assert not old_words & {term for term, _ in mine}
    # The counts moved by the re-import are those a full recount gives.
    refresh_word_counts()
    assert _index() == (rows, counts)
    assert counts[""] == ArticleTerms.objects.count() == 5


def test_an_article_re_imported_with_the_same_words_keeps_its_index_rows(tmp_path):
    """A feed refreshing its scores re-imports articles whose headlines did not change:
    their words are neither deleted nor written again, and the counts do not move."""
    import_records(tmp_path, *five())
    before = _index()
    with CaptureQueriesContext(connection) as queries:
        import_records(tmp_path, *five(quality=90))  # changed files: all five updated
    assert Article.objects.filter(quality=90).count() == 5
    index_writes = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r'\s*(DELETE|INSERT|COPY)\b.*"articles_(storyterm|articleterms)"', q["sql"])
    ]
    assert index_writes == []
    assert _index() == before


def test_articles_re_imported_with_new_words_leave_no_old_row(tmp_path):
    """Every old key of every changed article is deleted (in one statement on
    PostgreSQL, a key a statement on SQLite)."""
    import_records(tmp_path, *five())
    old_rows, _ = _index()
    assert len(old_rows) > 20
    import_records(
        tmp_path,
        *(
            record(n + 1, f"Completely different headline number {n}", when=FACE_POLICE[n][2])
            for n in range(5)
        ),
    )
    rows, counts = _index()
    assert not rows & old_rows
    assert {term for term, _, _ in rows} >= {"completely", "different", "headline"}
    refresh_word_counts()
    assert _index() == (rows, counts)


def test_deleting_an_article_deletes_its_words_from_the_index(tmp_path):
    import_records(tmp_path, *five())
    gone = article(1)
    gone.delete()  # StoryTerm has no foreign-key constraint: Django's CASCADE does it
    assert not StoryTerm.objects.filter(article_id=gone.pk).exists()
    assert not ArticleTerms.objects.filter(article_id=gone.pk).exists()
    assert StoryTerm.objects.filter(article=article(2)).exists()


@pytest.mark.parametrize("published", [False, True], ids=["pending joins", "published joins"])
def test_only_a_published_article_joining_a_story_moves_its_public_date(tmp_path, published):
    """A pending article joining a visible story changed its ``updated_at``, which dates
    the story page's JSON-LD and the stories sitemap: a hidden article showed through."""
    import_records(tmp_path, *five()[:3])
    story = Story.objects.get()
    Story.objects.filter(pk=story.pk).update(updated_at=story.updated_at - timedelta(days=1))
    before = Story.objects.get().updated_at

    import_records(
        tmp_path,
        record(
            6,
            "Met Police facial recognition cameras deployed in London",
            "The Metropolitan Police cameras went live in London.",
            FACE_POLICE[2][2] + timedelta(hours=2),
            related=[url_of(1), url_of(2)],
            published=published,
        ),
    )

    assert article(6).story_id == story.pk
    assert article(6).status == ("published" if published else "pending")
    assert (Story.objects.get().updated_at > before) is published


def test_a_new_storys_slug_cannot_be_checked_against_a_guessed_url(tmp_path, settings):
    """It was sha256(first member's URL): anyone could confirm that a guessed URL of an
    unpublished article belongs to a public story. It is keyed with SECRET_KEY now."""
    import hashlib

    from articles.stories.clustering import story_slug

    url = canonical_url(url_of(1))
    plain = "story-" + hashlib.sha256(url.encode()).hexdigest()[:12]
    import_records(tmp_path, *five()[:3])
    slug = Story.objects.get().slug
    assert slug.startswith("story-") and len(slug) == len(plain)
    assert slug not in {
        "story-" + hashlib.sha256(canonical_url(url_of(n)).encode()).hexdigest()[:12]
        for n in range(1, 4)
    }
    assert story_slug(url) == story_slug(url)  # every process of the site agrees
    settings.SECRET_KEY = "another site's key, " + "x" * 40
    assert story_slug(url) != plain and story_slug(url) != slug
