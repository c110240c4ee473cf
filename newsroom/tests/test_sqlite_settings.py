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
