"""The pragmas every SQLite connection opens with (newsroom/settings/base.py), tried on a
real database file: the test suite's own in-memory database has no file to map."""

import runpy
import sqlite3
from pathlib import Path

import newsroom.settings.base


def settings_for(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return runpy.run_path(Path(newsroom.settings.base.__file__))


def test_a_sqlite_database_opens_in_wal_with_a_memory_map_and_a_larger_cache(tmp_path, monkeypatch):
    path = tmp_path / "site.sqlite3"
    options = settings_for(f"sqlite:///{path}", monkeypatch)["DATABASES"]["default"]["OPTIONS"]
    with sqlite3.connect(path) as db:
        db.executescript(options["init_command"])
        pragma = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in (
            "journal_mode", "synchronous", "mmap_size", "cache_size"
        )}  # fmt: skip
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL: safe with WAL
        "mmap_size": 256 * 1024 * 1024,
        "cache_size": -32768,  # KiB: 32 MB
    }


def test_postgresql_gets_no_sqlite_pragmas(monkeypatch):
    database = settings_for("postgres://u@127.0.0.1:5432/newsroom", monkeypatch)["DATABASES"]
    assert "init_command" not in database["default"].get("OPTIONS", {})


def test_two_writers_at_once_wait_for_each_other_instead_of_failing(
    tmp_path, monkeypatch, django_db_blocker
):
    """Two of Django's connections with the project's options, each reading then writing
    in a transaction, the second beginning while the first holds its write: the second
    waits and both commit. With deferred transactions the second failed at once with
    "database is locked" (two editors deciding on one article)."""
    import threading
    import time

    from django.db import connections, transaction

    path = tmp_path / "site.sqlite3"
    database = settings_for(f"sqlite:///{path}", monkeypatch)["DATABASES"]["default"]
    database = {**database, "TIME_ZONE": None, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False}
    database.update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False, TEST={})
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE decision (who TEXT, seen INTEGER)")
    first_writing, errors = threading.Event(), []

    def decide(who, hold):
        connection = connections[who]
        try:
            with transaction.atomic(using=who), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM decision")
                seen = cursor.fetchone()[0]
                if hold:
                    first_writing.set()
                    time.sleep(0.3)
                cursor.execute("INSERT INTO decision VALUES (%s, %s)", [who, seen])
        except Exception as exc:  # noqa: BLE001 - the test reports what failed
            errors.append(f"{who}: {exc}")
        finally:
            connection.close()

    for alias in ("ada", "ben"):
        connections.settings[alias] = database
    try:
        django_db_blocker.unblock()
        ada = threading.Thread(target=decide, args=("ada", True))
        ada.start()
        first_writing.wait(5)
        ben = threading.Thread(target=decide, args=("ben", False))
        ben.start()
        ada.join(10)
        ben.join(10)
    finally:
        django_db_blocker.restore()
        for alias in ("ada", "ben"):
            connections.settings.pop(alias, None)
    assert errors == []
    with sqlite3.connect(path) as db:
        # Ben's transaction began after Ada's committed: he saw her decision.
        assert db.execute("SELECT who, seen FROM decision ORDER BY seen").fetchall() == [
            ("ada", 0),
            ("ben", 1),
        ]
