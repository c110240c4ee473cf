"""Several ``import_seeds`` processes at once on PostgreSQL end exactly like one import.

Each import here is a real ``manage.py import_seeds`` subprocess with its own connection
to the test database, so the data is committed (``transaction=True``) for them to see.
The folder is built to collide: publishers, name aliases and topics (in two spellings)
that are new to every process, titles shared by pairs of articles (one slug each), and
related links citing other articles of the folder.

SQLite lets one writer in at a time, so there the processes could only take turns: the
tests need PostgreSQL.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.db.models.functions import Lower

from articles.models import (
    Article,
    ImportFailure,
    ImportRun,
    RelatedLink,
    StatusChange,
    Story,
    Topic,
)
from articles.seedfiles import import_seeds
from articles.seedfiles.writer import url_lock_key
from articles.urlnorm import canonical_url
from providers.models import Provider, ProviderAlias

from ..seedtext import related_item, seed_record, write_seed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so concurrent imports only "
        "take turns there",
    ),
]

ROOT = Path(__file__).resolve().parents[3]
FILES = 360
TIMEOUT = 300


def article_url(n):
    return f"https://www.example-news.com/news/{n}/police-facial-recognition"


def colliding_record(n):
    """File ``n`` of the folder: its publisher, topics and title shared with others."""
    domain = f"new-publisher-{n // 6}.example"
    provider = {
        "name": f"New Publisher {n // 6}" + (" Ltd" if n % 6 == 5 else ""),
        "domain": domain,
    }
    if n % 4 == 0:
        provider["images"] = [{"url": f"/logos/{domain}.png", "width": 50, "height": 50}]
    spelling = "topic" if n % 2 else "TOPIC"
    cited = article_url((n * 37 + 11) % FILES)
    record = seed_record(
        n,
        title=f"Shared headline number {n // 2}",
        provider=provider,
        topics=[f"{spelling} {n % 19}", "Policing"],
        published=n % 3 == 0,
    )
    record["related"] = [
        related_item(n, domain=f"related-{n % 23}.example", name=f"Related {n % 23}"),
        related_item(n + 1, url=cited, domain=domain),
        related_item(n + 2),
    ]
    return record


@pytest.fixture
def seed_paths(tmp_path):
    return [
        write_seed(tmp_path / "seeds", f"{n:05d}_{n:016x}.txt", colliding_record(n))
        for n in range(FILES)
    ]


def database_url():
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_import(arguments):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
        "DEBUG": "false",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_seeds", *map(str, arguments)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_together(*shards):
    """One import per shard, held at their first chunk until every one has started, so
    they overlap however fast they run: the test holds the advisory lock an import
    takes on each file's URL (``writer.lock_articles``) until all of them wait for it."""
    keys = [url_lock_key(canonical_url(article_url(n))) for n in range(FILES)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_lock(hashtextextended(key, 0)) FROM unnest(%s::text[]) AS key",
            [keys],
        )
        cursor.fetchall()
        try:
            processes = [start_import(paths) for paths in shards]
            held = wait_for_lock_wait(processes, count=len(processes))
        finally:
            cursor.execute("SELECT pg_advisory_unlock_all()")
    assert held, "the imports never all waited at their first chunk"
    outcomes = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        outcomes.append((process.returncode, out, err))
    return outcomes


def snapshot():
    """What an import leaves, in terms that do not depend on which process wrote what."""
    names = {domain: {name} for domain, name in Provider.objects.values_list("domain", "name")}
    for domain, alias in ProviderAlias.objects.values_list("provider__domain", "value"):
        names[domain].add(alias)
    return {
        "articles": sorted(
            Article.objects.values_list(
                "url", "title", "status", "content_hash", "provider__domain"
            )
        ),
        "slugs": Article.objects.values("slug").distinct().count(),
        "publisher names": names,
        "topics": sorted(Topic.objects.values_list(Lower("name"), flat=True)),
        "topic links": sorted(
            Article.topics.through.objects.values_list("article__url", Lower("topic__name"))
        ),
        "related": sorted(
            RelatedLink.objects.values_list(
                "article__url", "position", "url", "target__url", "provider__domain"
            )
        ),
        "images": sorted(Article.objects.values_list("url", "images__url")),
        "status changes": sorted(StatusChange.objects.values_list("article__url", "to_status")),
        "stories": stories_by_members(),
    }


def stories_by_members():
    """Each story as the sorted URLs of its articles (ids and slugs depend on who came first)."""
    members = {}
    for story_id, url in Article.objects.filter(story__isnull=False).values_list("story", "url"):
        members.setdefault(story_id, []).append(url)
    return sorted(tuple(sorted(urls)) for urls in members.values())


def single_process_snapshot(paths):
    """The same files imported by one process, from empty."""
    Article.objects.all().delete()
    Story.objects.all().delete()
    Provider.objects.all().delete()
    Topic.objects.all().delete()
    result = import_seeds(sorted({path.parent for path in paths}))
    assert not result.failures
    return snapshot()


def assert_ran_at_once(runs):
    assert len(runs) >= 2 and not any(run.failed for run in runs)
    assert max(run.started_at for run in runs) < min(run.finished_at for run in runs), (
        "the imports did not overlap in time: nothing was tested"
    )


def assert_clean(outcomes):
    for code, _out, err in outcomes:
        assert code == 0, err
        assert "refused" not in err, err
    assert not ImportFailure.objects.exists()


def test_two_processes_over_the_same_files(seed_paths):
    outcomes = run_together(seed_paths, seed_paths)

    assert_clean(outcomes)
    assert_ran_at_once(list(ImportRun.objects.all()))
    runs = ImportRun.objects.all()
    # Every file was created by one process; the other found it (or updated it) after.
    assert sum(run.created for run in runs) == FILES
    assert Article.objects.count() == FILES
    assert Provider.objects.count() == FILES // 6 + 23 + 7
    assert Topic.objects.count() == 19 + 1
    concurrent = snapshot()
    assert concurrent == single_process_snapshot(seed_paths)


def test_overlapping_shards(seed_paths):
    third = FILES // 3
    shards = [seed_paths[: 2 * third], seed_paths[third:], seed_paths[::2]]

    outcomes = run_together(*shards)

    assert_clean(outcomes)
    assert_ran_at_once(list(ImportRun.objects.all()))
    assert Article.objects.count() == FILES
    assert sum(run.created for run in ImportRun.objects.all()) == FILES
    # Links to an article another process created at the same time point at it.
    cited = RelatedLink.objects.filter(url__startswith="https://example-news.com/news/")
    assert cited.count() == FILES and not cited.filter(target=None).exists()
    concurrent = snapshot()
    assert concurrent == single_process_snapshot(seed_paths)


def test_the_shards_of_one_folder_end_like_one_import(seed_paths):
    """``import_seeds FOLDER --shard K/2``, as the README splits an import."""
    folder = seed_paths[0].parent

    outcomes = run_together([folder, "--shard", "1/2"], [folder, "--shard", "2/2"])

    assert_clean(outcomes)
    runs = list(ImportRun.objects.order_by("source"))
    assert_ran_at_once(runs)
    assert [(run.source, run.files_seen, run.created) for run in runs] == [
        ("import_seeds command, shard 1/2", FILES // 2, FILES // 2),
        ("import_seeds command, shard 2/2", FILES // 2, FILES // 2),
    ]
    concurrent = snapshot()
    assert concurrent == single_process_snapshot(seed_paths)


def test_an_editor_saving_during_an_import_keeps_the_title(tmp_path):
    """The editor's save holds the row; the import of a changed file waits for it, then
    reads that the title is the editor's, and refreshes only what is still the feed's."""
    path = write_seed(tmp_path, "a.txt", seed_record(1))
    import_seeds([path])
    article = Article.objects.get()
    write_seed(tmp_path, "a.txt", seed_record(1, title="The feed's new title", excerpt="New."))

    saved, release = threading.Event(), threading.Event()

    def editor():
        try:
            with transaction.atomic():
                mine = Article.objects.get(pk=article.pk)
                mine.title = "The editor's title"
                mine.mark_edited("title")
                mine.save(update_fields=["title", "edited_fields"])
                saved.set()
                release.wait(TIMEOUT)
        finally:
            connections.close_all()

    thread = threading.Thread(target=editor)
    thread.start()
    try:
        assert saved.wait(30)
        process = start_import([path])
        waited = wait_for_lock_wait([process])
    finally:
        release.set()
        thread.join(TIMEOUT)
    out, err = process.communicate(timeout=TIMEOUT)

    assert waited, "the import never waited for the editor's row"
    assert process.returncode == 0, err
    article.refresh_from_db()
    assert article.title == "The editor's title"
    assert article.excerpt == "New."
    assert article.editor_owns("title")


def wait_for_lock_wait(processes, count=1, timeout=60):
    """Wait until ``count`` backends of the test database wait for a lock; False on
    timeout or if one of ``processes`` has ended."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and all(p.poll() is None for p in processes):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return True
            time.sleep(0.05)
    return False
