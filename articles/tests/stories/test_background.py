"""Clustering committed chunks in the background (PostgreSQL): the same stories as
clustering inside each chunk's transaction, and nothing lost when it fails or stops."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from articles.models import Article, ArticleTerms, Story, StoryBacklog, StoryWord
from articles.stories import background, cluster_all
from articles.stories.clustering import ARTICLE_MARK, cluster_articles

from .helpers import import_records, record, url_of
from .test_evidence import DAY

pytestmark = [
    # Committed for real: the background connection sees only what is committed.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite lets one connection write at a time, so imports "
        "cluster inside each chunk's transaction there",
    ),
]

SHARED = (
    "https://www.newsobserver.com/news/local/article239680113.html",
    "Raleigh police quietly tested facial recognition, records show",
)


def records():
    """Every kind of evidence, across chunks of one file (``chunk_size=1``)."""
    return [
        record(1, "Parliament approves the budget after a long night"),
        record(2, "Markets rally as shares climb", related=[url_of(1)]),
        record(
            3, "Met Police begins deploying live facial recognition in Stratford", related=[SHARED]
        ),
        record(
            4,
            "London police cameras scan shoppers for wanted suspects",
            when=DAY + timedelta(days=3),
            related=[SHARED],
        ),
        record(5, "Chipmakers warn of shortages as demand outstrips supply"),
        record(6, "Budget row: parliament approves the budget after a long night", related=[]),
        record(7, "Unrelated football result"),
    ]


def stories():
    """Each story as the set of its articles' numbers."""
    members = {}
    for story_id, url in Article.objects.filter(story__isnull=False).values_list("story", "url"):
        members.setdefault(story_id, set()).add(int(url.split("/news/")[1].split("/")[0]))
    return sorted(sorted(numbers) for numbers in members.values())


def test_background_clustering_makes_the_stories_clustering_in_each_chunk_does(
    tmp_path, monkeypatch
):
    submitted = []
    submit = background.ClusteringWorker.submit
    monkeypatch.setattr(
        background.ClusteringWorker,
        "submit",
        lambda self, ids: (submitted.append(ids), submit(self, ids)),
    )
    import_records(tmp_path, *records(), chunk_size=1)
    in_background = stories()
    assert len(submitted) == 7, "the import did not cluster in the background"
    assert in_background == [[1, 2, 6], [3, 4]]
    assert not StoryBacklog.objects.exists()

    Article.objects.all().delete()
    Story.objects.all().delete()
    submitted.clear()
    with transaction.atomic():  # a transaction around the import: each chunk clusters inside
        import_records(tmp_path, *records(), chunk_size=1)
    assert submitted == []
    assert stories() == in_background


def test_articles_whose_clustering_failed_wait_for_the_next_import(tmp_path, monkeypatch):
    def refuse(ids):
        raise DatabaseError("the clustering's connection broke")

    monkeypatch.setattr(background, "cluster_articles", refuse)
    result = import_records(tmp_path, *records()[:2])

    assert [w.file for w in result.warnings] == ["(stories)"]
    assert "wait for the next import" in result.warnings[0].message
    assert stories() == []
    assert set(StoryBacklog.objects.values_list("article__url", flat=True)) == {
        Article.objects.get(url__contains="/news/1/").url,
        Article.objects.get(url__contains="/news/2/").url,
    }

    monkeypatch.undo()
    result = import_records(tmp_path, records()[6])
    assert result.warnings == []
    assert stories() == [[1, 2]]
    assert not StoryBacklog.objects.exists()


def test_a_backlog_that_fails_again_does_not_stop_the_next_imports(tmp_path, monkeypatch):
    """Articles that cannot be clustered (a bug, bad data) used to fail every import
    after them, before it wrote anything: the backlog is clustered first."""
    monkeypatch.setattr(background, "cluster_articles", lambda ids: 1 / 0)
    import_records(tmp_path, *records()[:2])
    assert StoryBacklog.objects.count() == 2

    result = import_records(tmp_path, records()[6])  # still failing for those two

    assert Article.objects.count() == 3
    assert [w.file for w in result.warnings] == ["(stories)", "(stories)"]
    assert "earlier imports left unclustered failed again" in result.warnings[0].message
    assert StoryBacklog.objects.count() == 3  # the new article's clustering failed too
    monkeypatch.undo()
    import_records(tmp_path, records()[4])
    assert stories() == [[1, 2]] and not StoryBacklog.objects.exists()


def test_cluster_stories_clusters_what_imports_left(tmp_path, monkeypatch):
    monkeypatch.setattr(background, "cluster_articles", lambda ids: 1 / 0)
    import_records(tmp_path, *records()[:2])
    assert StoryBacklog.objects.count() == 2
    monkeypatch.undo()

    cluster_all()

    assert stories() == [[1, 2]]
    assert not StoryBacklog.objects.exists()


def test_with_background_clustering_off_each_chunk_clusters_in_its_transaction(
    tmp_path, monkeypatch, settings
):
    settings.STORY_CLUSTERING_IN_BACKGROUND = False
    started = []
    monkeypatch.setattr(background.ClusteringWorker, "__init__", lambda self: started.append(1))
    import_records(tmp_path, *records()[:2], chunk_size=1)
    assert started == []
    assert stories() == [[1, 2]]
    assert not StoryBacklog.objects.exists()


def test_two_clusterings_of_the_same_articles_take_turns(tmp_path, settings):
    """An import's ``relink`` clusters the articles it joined, which may be another
    import's, committed and not yet clustered by that import's background thread: both
    clusterings then index the same articles. The second waits for the first and
    rewrites the terms the first wrote; before, both inserted them and one failed on
    ``articles_articleterms_pkey``."""
    settings.STORY_CLUSTERING = False
    import_records(tmp_path, *records()[:2])
    ids = list(Article.objects.values_list("pk", flat=True))
    settings.STORY_CLUSTERING = True
    first_clustered, errors = threading.Event(), []

    def cluster(hold):
        try:
            with transaction.atomic():
                cluster_articles(ids)
                if hold:  # hold the transaction open while the other one starts
                    first_clustered.set()
                    time.sleep(0.5)
        except DatabaseError as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            first_clustered.set()
            connection.close()

    first = threading.Thread(target=cluster, args=(True,))
    first.start()
    assert first_clustered.wait(30)
    second = threading.Thread(target=cluster, args=(False,))
    second.start()
    first.join(30)
    second.join(30)

    assert errors == []
    assert ArticleTerms.objects.filter(article_id__in=ids).count() == 2
    assert StoryWord.objects.get(term=ARTICLE_MARK).articles == 2
    assert stories() == [[1, 2]]


def lock_waiters():
    """How many backends of this database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_an_article_written_again_while_its_clustering_runs_stays_in_the_backlog(
    tmp_path, settings
):
    """A chunk's clustering may read an article before the next chunk writes it again:
    the next chunk's queueing outlives that clustering, so an import stopped before the
    next clustering leaves the article for the next import. Before, the first
    clustering took the row off, and the second text was never clustered."""
    settings.STORY_CLUSTERING = False
    import_records(tmp_path, *records()[:2])
    ids = sorted(Article.objects.values_list("pk", flat=True))
    settings.STORY_CLUSTERING = True
    background.add_to_backlog(ids)  # the first chunk, committed
    finished, errors = threading.Event(), []

    def first_chunks_clustering():
        try:
            background.cluster_committed(ids)
        except DatabaseError as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            finished.set()
            connection.close()

    with transaction.atomic():  # the next chunk writes the first article again
        background.add_to_backlog(ids[:1])
        clustering = threading.Thread(target=first_chunks_clustering)
        clustering.start()
        deadline = time.monotonic() + 30
        while not lock_waiters() and not finished.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not finished.is_set(), "the clustering did not wait for the next chunk"
    clustering.join(30)

    assert errors == []
    assert list(StoryBacklog.objects.values_list("article_id", "version")) == [(ids[0], 1)]
    assert stories() == [[1, 2]]

    background.cluster_backlog()  # the next import
    assert not StoryBacklog.objects.exists()
