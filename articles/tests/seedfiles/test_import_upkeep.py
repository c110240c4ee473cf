"""What an import does around its writes: planner statistics after a large run, cache
entries refreshed before a retry, links to articles another process created meanwhile."""

import threading
import time

import pytest
from django.db import DatabaseError, connection, connections

from articles.merging import merge_providers
from articles.models import Article, RelatedLink
from articles.seedfiles import import_seeds, importer, upkeep, writer
from articles.urlnorm import canonical_url
from providers.models import Provider

from ..seedtext import related_item, seed_record, write_seed

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statistics and locking"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")


def write_folder(directory, count, start=0):
    return [
        write_seed(directory, f"{n:05d}.txt", seed_record(n)) for n in range(start, start + count)
    ]


def tables_vacuumed_since(moment, timeout=10):
    """The tables of ``writer.ANALYZED_MODELS`` vacuumed and analyzed since ``moment``,
    as the server's counters say once every backend has reported (within ``timeout``)."""
    tables = {model._meta.db_table for model in writer.ANALYZED_MODELS}
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
                " AND last_vacuum >= %s AND last_analyze >= %s",
                [sorted(tables), moment, moment],
            )
            done = {name for (name,) in cursor.fetchall()}
            if done == tables or time.monotonic() > deadline:
                return done
            time.sleep(0.05)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_large_import_leaves_postgresql_statistics(tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        before = cursor.fetchone()[0]
    import_seeds(write_folder(tmp_path, 3))

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s", [Article._meta.db_table]
        )
        assert cursor.fetchone()[0] == 3
    # Vacuumed too: their pages are all-visible, so index-only scans need not read them.
    assert tables_vacuumed_since(before) == {m._meta.db_table for m in writer.ANALYZED_MODELS}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_related_links_are_vacuumed_beside_the_other_tables():
    """While another session keeps the related links from being vacuumed, the other
    tables' VACUUM is done already: the two run at once, on two connections."""
    links = RelatedLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        before = cursor.fetchone()[0]
    with other_connection() as blocker:
        blocker.execute("BEGIN")
        # The lock VACUUM takes, held: the links' VACUUM waits for it.
        blocker.execute(f"LOCK TABLE {links} IN SHARE UPDATE EXCLUSIVE MODE")
        finished = threading.Event()
        failures = []

        def vacuum():
            try:
                writer.analyze(writer.ANALYZED_MODELS, vacuum=True)
            except DatabaseError as exc:  # reported below
                failures.append(exc)
            finally:
                finished.set()
                connections.close_all()

        thread = threading.Thread(target=vacuum)
        thread.start()
        try:
            others = tables_vacuumed_since(before) - {links}
            assert not finished.is_set()
        finally:
            blocker.execute("ROLLBACK")
        thread.join(timeout=60)
    assert failures == []
    assert others == {m._meta.db_table for m in writer.ANALYZED_MODELS} - {links}
    assert links in tables_vacuumed_since(before)


@sqlite_only
@pytest.mark.django_db
def test_a_large_import_leaves_sqlite_statistics(tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")
    import_seeds(write_folder(tmp_path, 3))

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analyzed = {row[0] for row in cursor.fetchall()}
    assert {Article._meta.db_table, RelatedLink._meta.db_table} <= analyzed


@pytest.mark.django_db
def test_only_a_run_that_wrote_a_tenth_of_the_articles_analyzes(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(writer, "analyze", lambda models, vacuum=False: calls.append(models))
    import_seeds(write_folder(tmp_path / "first", 20))
    assert calls == [writer.ANALYZED_MODELS]

    import_seeds(write_folder(tmp_path / "one more", 1, start=20))  # 1 of 21
    assert len(calls) == 1

    monkeypatch.setattr(writer, "ANALYZE_MIN_ARTICLES", 1)
    import_seeds(write_folder(tmp_path / "another", 1, start=21))
    assert len(calls) == 2


@sqlite_only
@pytest.mark.django_db
def test_a_long_run_analyzes_each_time_the_table_has_doubled(tmp_path, monkeypatch):
    """A fresh import plans its later chunks with statistics of a table that grew since:
    it analyzes as it goes, each time it has written as many articles again as the table
    held at the last ANALYZE, then once at the end. (SQLite: the run counts its own
    writes, since no other writes meanwhile.)"""
    sizes = []
    monkeypatch.setattr(
        writer, "analyze", lambda models, vacuum=False: sizes.append(Article.objects.count())
    )
    monkeypatch.setattr(writer, "ANALYZE_MIN_ARTICLES", 2)
    import_seeds(write_folder(tmp_path / "run", 16), chunk_size=1)
    assert sizes == [2, 5, 11, 16]

    sizes.clear()
    import_seeds(write_folder(tmp_path / "dry", 16, start=16), chunk_size=1, dry_run=True)
    assert sizes == []


def other_connection():
    """A connection of another process's own to the test database (autocommit)."""
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )


def spy_on_analyze(monkeypatch):
    """``[(articles then, vacuum)]`` for each ANALYZE the runs make, which still runs."""
    calls = []
    real = writer.analyze

    def spy(models, vacuum=False):
        calls.append((Article.objects.count(), vacuum))
        real(models, vacuum=vacuum)

    monkeypatch.setattr(writer, "analyze", spy)
    return calls


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_analyzes_when_the_table_doubled_whoever_wrote_it(tmp_path, monkeypatch):
    """On PostgreSQL the server's counters say how much changed since the last ANALYZE,
    by this run, another run or autovacuum: runs in parallel do not each analyze for
    their own writes."""
    calls = spy_on_analyze(monkeypatch)
    monkeypatch.setattr(writer, "ANALYZE_MIN_ARTICLES", 2)
    import_seeds(write_folder(tmp_path / "run", 16), chunk_size=1)
    assert calls == [(2, False), (4, False), (8, False), (16, True)]

    # Someone else's ANALYZE (another run's, autovacuum's) counts too: after one at 20,
    # this run waits for the table to reach 40 before its own (it would have at 32).
    calls.clear()

    def analyzed_elsewhere(done, total):
        if done == 4:
            with other_connection() as other:
                other.execute(f"ANALYZE {Article._meta.db_table}")

    import_seeds(
        write_folder(tmp_path / "more", 24, start=16), chunk_size=1, progress=analyzed_elsewhere
    )
    assert calls == [(40, True)]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_run_finishing_while_another_writes_leaves_the_vacuum_to_it(tmp_path, monkeypatch):
    """Two runs at once: the first to finish leaves the statistics to the other, whose
    end sees both runs' writes; the last to finish vacuums."""
    calls = spy_on_analyze(monkeypatch)
    with other_connection() as other:  # another run, still writing
        other.execute("SELECT pg_advisory_lock_shared(%s)", [upkeep.IMPORTS_KEY])
        import_seeds(write_folder(tmp_path / "first", 3))
    assert calls == []

    import_seeds(write_folder(tmp_path / "last", 1, start=3))
    # The last run wrote one article of four, but the table changed by four since its
    # last ANALYZE: the end of this run leaves statistics behind both.
    assert calls == [(4, True)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        assert cursor.fetchone()[0] == 0, "a run kept an advisory lock"


@pytest.mark.django_db(transaction=True)  # the refusal comes at commit
def test_a_publisher_merged_during_the_run_is_read_afresh(tmp_path):
    """The run cached example-news.com; an editor merges it into another publisher before
    the next chunk. That chunk is refused (the cached publisher is gone) and written again
    against a fresh entry: the article lands on the survivor, and no file fails."""
    paths = write_folder(tmp_path, 2)

    def merge_after_first_chunk(done, total):
        if done == 1:
            survivor = Provider.objects.create(domain="survivor.example", name="Survivor")
            merge_providers(survivor, [Provider.objects.get(domain="example-news.com")])

    result = import_seeds(paths, chunk_size=1, progress=merge_after_first_chunk)

    assert result.failures == [] and result.created == 2
    assert Article.objects.filter(provider__domain="survivor.example").count() == 2
    assert not Provider.objects.filter(domain="example-news.com").exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_link_to_an_article_another_run_is_creating_points_at_it(tmp_path, monkeypatch, settings):
    """Run A holds its chunk open, with article 1 written but not committed, while run B
    imports a file citing article 1: B cannot see it. Once A commits, A's end of run
    points B's link at it."""
    # With clustering on, B's chunk would wait for A's to commit before grouping stories
    # (one chunk clusters at a time), and this race could not happen.
    settings.STORY_CLUSTERING = False
    cited = seed_record(1)
    citing = seed_record(
        2, provider={"name": "Other", "domain": "other.example"}, topics=["Elsewhere"]
    )
    citing["related"] = [related_item(5, url=cited["webUrl"])]
    inside, release = threading.Event(), threading.Event()
    main = threading.current_thread()
    content_changed = importer.content_changed

    def held_open():  # called inside the chunk's transaction
        content_changed()
        if threading.current_thread() is not main:
            inside.set()
            release.wait(60)

    monkeypatch.setattr(importer, "content_changed", held_open)

    def run_a():
        try:
            import_seeds([write_seed(tmp_path / "a", "1.txt", cited)])
        finally:
            connections.close_all()

    thread = threading.Thread(target=run_a)
    thread.start()
    try:
        assert inside.wait(30)
        import_seeds([write_seed(tmp_path / "b", "2.txt", citing)])
        link = RelatedLink.objects.get(article__url=canonical_url(citing["webUrl"]))
        assert link.target is None
    finally:
        release.set()
        thread.join(60)

    link.refresh_from_db()
    assert link.target == Article.objects.get(url=canonical_url(cited["webUrl"]))
