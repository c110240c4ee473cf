"""Faults: signals stop a run between chunks, a lost database is retried or the run fails
cleanly, and every such run is recorded and finished by running again."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection
from django.db.backends.utils import CursorWrapper

from articles.models import Article, ImportRun
from articles.seedfiles import import_seeds, importer, writer

from ..seedtext import seed_record, write_seed

ROOT = Path(settings.BASE_DIR)

# Runs the real command in a real process, with two files a chunk, and sends the process
# the given signals itself after the chunks named in STOP_AFTER (so the test is exact).
SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.test"
    import django
    django.setup()
    from django.core.management import call_command, execute_from_command_line
    if os.environ.get("MIGRATE"):
        call_command("migrate", verbosity=0)
    from articles.seedfiles import importer
    importer.import_seeds.__kwdefaults__["chunk_size"] = 2
    plan = [int(n) for n in os.environ["STOP_AFTER"].split(",")]
    original = importer.SeedImporter.import_chunk
    done = []

    def import_chunk(self, paths):
        original(self, paths)
        done.append(1)
        for _ in range(plan.count(len(done))):
            os.kill(os.getpid(), int(os.environ["SEND"]))

    importer.SeedImporter.import_chunk = import_chunk
    execute_from_command_line(["manage.py", "import_seeds", *sys.argv[1:]])
    """
)


@pytest.fixture
def subprocess_db(tmp_path, transactional_db):
    """Environment for a subprocess sharing a database with this test, and a reader
    of its ImportRun rows: PostgreSQL's test database itself, or a SQLite file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    if connection.vendor == "sqlite":
        path = tmp_path / "db.sqlite3"
        env.update(DATABASE_URL=f"sqlite:///{path}", MIGRATE="1")

        def runs():
            with sqlite3.connect(path) as db:
                return db.execute(
                    "SELECT status, files_done, created, files_seen FROM articles_importrun"
                ).fetchall()

        def articles():
            with sqlite3.connect(path) as db:
                return db.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    else:
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )

        def runs():
            return list(
                ImportRun.objects.values_list("status", "files_done", "created", "files_seen")
            )

        def articles():
            return Article.objects.count()

    return env, runs, articles


def run_command(tmp_path, env, send, stop_after, folder):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT.format(root=str(ROOT)))
    env = dict(env, SEND=str(int(send)), STOP_AFTER=stop_after)
    return subprocess.run(
        [sys.executable, str(script), str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def seed_folder(tmp_path, count=6):
    folder = tmp_path / "seeds"
    for n in range(count):
        write_seed(folder, f"{n}.txt", seed_record(n + 1, related=1))
    return folder


@pytest.mark.parametrize(("send", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_between_chunks_and_records_it(tmp_path, subprocess_db, send, code):
    env, runs, articles = subprocess_db
    folder = seed_folder(tmp_path)
    done = run_command(tmp_path, env, send, "1", folder)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert lines[-1] == (
        f"interrupted after 2 of 6 files; last file: {folder / '1.txt'}; run again to finish"
    )
    assert runs() == [("interrupted", 2, 2, 6)]
    assert articles() == 2

    # Running again finishes the job: the two files written are unchanged.
    again = run_command(tmp_path, env, send, "99", folder)
    assert again.returncode == 0, again.stderr
    assert "created 4, updated 0, unchanged 2, failed 0" in again.stdout
    assert articles() == 6


def test_a_second_signal_rolls_back_the_chunk_being_written(tmp_path, subprocess_db):
    env, runs, articles = subprocess_db
    folder = seed_folder(tmp_path)
    # Two signals after chunk 1: the second, inside chunk 1's wrapper, stops at once.
    done = run_command(tmp_path, env, signal.SIGINT, "1,1", folder)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert "interrupted after 0 of 6 files; last file: none" in done.stderr
    [(status, files_done, created, seen)] = runs()
    assert (status, files_done, seen) == ("interrupted", 0, 6)
    assert articles() == created  # counts match what committed


class FlakyCursor:
    """Makes the first ``times`` queries matching ``needle`` raise OperationalError, as a
    dropped connection does: Django's for a query through Django's cursor, the driver's
    for a PostgreSQL COPY (``articles.bulk``), which Django's wrapper must translate."""

    def __init__(self, monkeypatch, needle, times):
        self.needle, self.left, self.raised = needle, times, 0
        for name in ("execute", "executemany"):
            original = getattr(CursorWrapper, name)
            monkeypatch.setattr(CursorWrapper, name, self.wrap(original, OperationalError))
        if connection.vendor == "postgresql":
            import psycopg

            wrapped = self.wrap(psycopg.Cursor.copy, psycopg.OperationalError)
            monkeypatch.setattr(psycopg.Cursor, "copy", wrapped)
        monkeypatch.setattr(importer, "BACKOFF", 0.001)

    def wrap(self, original, error):
        def method(cursor, sql, *args, **kwargs):
            if self.left and self.needle in str(sql):
                self.left -= 1
                self.raised += 1
                raise error("server closed the connection unexpectedly")
            return original(cursor, sql, *args, **kwargs)

        return method


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "needle",
    ['"content_hash" IN', 'INSERT INTO "articles_article"', ' "articles_relatedlink" ('],
)
def test_a_lost_connection_is_retried(tmp_path, monkeypatch, needle):
    # The last needle is the related links' INSERT on SQLite and their COPY on PostgreSQL.
    folder = seed_folder(tmp_path, count=3)
    flaky = FlakyCursor(monkeypatch, needle, importer.RETRIES)
    result = import_seeds([folder])
    assert flaky.raised == importer.RETRIES
    assert (result.created, result.failed, result.status) == (3, 0, "completed")
    assert ImportRun.objects.get().status == "completed"
    assert Article.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_for_good_fails_the_run_cleanly_and_a_rerun_finishes(
    tmp_path, monkeypatch
):
    folder = seed_folder(tmp_path, count=6)
    write_seed(folder, "0.txt", seed_record(1, related=1))
    first = import_seeds([folder], chunk_size=2)
    assert first.created == 6
    Article.objects.filter(url__contains="/news/4/").delete()
    for n in range(6, 10):
        write_seed(folder, f"{n}.txt", seed_record(n + 1, related=1))

    # The third chunk's hash lookup never gets through.
    calls = {"n": 0}
    original = importer.SeedImporter.import_chunk

    def import_chunk(self, paths):
        calls["n"] += 1
        if calls["n"] == 3:
            FlakyCursor(monkeypatch, '"content_hash" IN', 99)
        return original(self, paths)

    monkeypatch.setattr(importer.SeedImporter, "import_chunk", import_chunk)
    result = import_seeds([folder], chunk_size=2)
    assert result.status == "failed"
    assert result.error.startswith("database unavailable: server closed the connection")
    assert result.where_it_stopped().endswith(
        f"stopped after 4 of 10 files; last file: {folder / '3.txt'}; run again to finish"
    )
    run = ImportRun.objects.latest("id")
    assert (run.status, run.files_done, run.created, run.unchanged) == ("failed", 4, 1, 3)

    monkeypatch.undo()
    again = import_seeds([folder], chunk_size=2)
    assert (again.status, again.created, again.unchanged, again.failed) == ("completed", 4, 6, 0)
    assert Article.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_a_refusal_of_the_data_is_not_retried(tmp_path, monkeypatch):
    """An OperationalError with a data SQLSTATE (e.g. a program limit) fails the file."""
    folder = seed_folder(tmp_path, count=2)

    class Limit(Exception):
        sqlstate = "54011"

    def refuse(cursor, sql, *args, **kwargs):
        if 'INSERT INTO "articles_article"' in sql and "news/1/" in str(args):
            raise OperationalError("target lists can have at most 1664 entries") from Limit()
        return original(cursor, sql, *args, **kwargs)

    original = CursorWrapper.execute
    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    result = import_seeds([folder])
    assert (result.created, result.failed, result.status) == (1, 1, "completed")
    assert "the database refused it: target lists" in result.failures[0].message


@pytest.mark.django_db(transaction=True)
def test_a_refusal_says_its_first_line_or_else_its_kind(tmp_path, monkeypatch):
    """The file's failure names the database's reason on one line; a refusal with no
    message at all names its kind."""
    folder = seed_folder(tmp_path, count=3)

    def refuse(cursor, sql, *args, **kwargs):
        if 'INSERT INTO "articles_article"' in sql:
            if "news/1/" in str(args):
                raise IntegrityError("value too long\nDETAIL: the row")
            if "news/2/" in str(args):
                raise IntegrityError()
        return original(cursor, sql, *args, **kwargs)

    original = CursorWrapper.execute
    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    result = import_seeds([folder])
    assert sorted(failure.message for failure in result.failures) == [
        "the database refused it: IntegrityError",
        "the database refused it: value too long",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_command_says_where_a_lost_database_stopped_it(tmp_path, monkeypatch, capsys):
    from django.core.management import call_command

    folder = seed_folder(tmp_path, count=2)
    FlakyCursor(monkeypatch, '"content_hash" IN', 99)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_seeds", str(folder))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "database unavailable: server closed the connection unexpectedly; "
        "stopped after 0 of 2 files; last file: none; run again to finish"
    ]
    assert ImportRun.objects.get().status == "failed"


class Deadlock(Exception):
    sqlstate = "40P01"


class Refusal(Exception):
    sqlstate = "XX000"


def failing_relink(monkeypatch, cause, times):
    """``relink`` raises a DatabaseError caused by ``cause`` ``times`` times, then works."""
    original, calls = writer.relink, []

    def relink(citing, created):
        calls.append(1)
        if len(calls) <= times:
            raise DatabaseError("relinking failed") from cause()
        return original(citing, created)

    monkeypatch.setattr(writer, "relink", relink)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_at_the_end_of_a_run_is_tried_again(tmp_path, monkeypatch):
    """Two runs relinking at once update the same links in their own order; the one
    PostgreSQL picks to fail tries again."""
    calls = failing_relink(monkeypatch, Deadlock, times=1)
    result = import_seeds([seed_folder(tmp_path, count=2)])
    assert len(calls) == 2
    assert (result.status, result.created, result.warnings) == ("completed", 2, [])


@pytest.mark.django_db(transaction=True)
def test_a_failed_end_of_run_is_a_warning_not_a_crash(tmp_path, monkeypatch):
    """Every file is written when the last step runs: the run is complete, recorded, and
    says what it could not do."""
    failing_relink(monkeypatch, Refusal, times=99)
    result = import_seeds([seed_folder(tmp_path, count=2)])
    assert (result.status, result.created, result.failed) == ("completed", 2, 0)
    assert [w.file for w in result.warnings] == ["(finish)"]
    assert "last step failed (relinking failed)" in result.warnings[0].message
    assert ImportRun.objects.get().status == "completed"
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_a_run_is_on_record_while_it_runs(tmp_path):
    for n in range(5):
        write_seed(tmp_path, f"{n}.txt", seed_record(600 + n))
    seen = []

    def look(done, total):
        run = ImportRun.objects.get()
        seen.append((run.status, run.files_done, run.created, run.files_seen))

    result = import_seeds([tmp_path], chunk_size=2, progress=look)
    assert seen[:2] == [("running", 2, 2, 5), ("running", 4, 4, 5)]
    assert ImportRun.objects.get() == result.run
    assert (result.run.status, result.run.files_done, result.run.created) == ("completed", 5, 5)


@pytest.mark.django_db
def test_a_run_killed_outright_stays_on_record_with_what_it_did(tmp_path, admin_client):
    """SIGKILL, the OOM killer, a machine lost: no handler runs. The run's record says
    how far it got, and the admin says it has not been heard from."""
    from datetime import timedelta

    from django.urls import reverse

    for n in range(5):
        write_seed(tmp_path, f"{n}.txt", seed_record(610 + n))
    write_seed(tmp_path, "9_bad.txt", "---\ntitle: [\n")

    class Killed(BaseException):
        pass

    def kill_after_the_second_chunk(done, total):
        if done == 4:
            raise Killed

    with pytest.raises(Killed):
        import_seeds([tmp_path], chunk_size=2, progress=kill_after_the_second_chunk)
    run = ImportRun.objects.get()
    assert (run.status, run.files_done, run.created, run.finished_at) == ("running", 4, 4, None)
    assert Article.objects.count() == 4

    ImportRun.objects.filter(pk=run.pk).update(started_at=run.started_at - timedelta(hours=1))
    listing = admin_client.get(reverse("admin:articles_importrun_changelist")).text
    assert "no word since" in listing and "after 4 of 6 files" in listing
