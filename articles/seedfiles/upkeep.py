"""What import runs on PostgreSQL agree on between them: when the planner statistics are
stale, and which run is the last one writing.

Several ``import_seeds`` processes may write one database at once. Each used to decide
alone, from its own writes, when to ``ANALYZE`` during the run and to ``VACUUM`` at its
end: two processes on two halves of a folder ran eight rounds of statistics where one
process on the whole ran five, each round up to a second of the server's time at
12,000 files. Here they decide from what the database knows of all of them:

* ``changes_since_analyze(model)``: how many rows of the table changed since its last
  ``ANALYZE`` (this run's, another run's or autovacuum's), how many it holds, and how
  many it held then;
* ``turn_to_analyze()``: one run at a time analyzes between its chunks;
* ``import_running()``: held by every run while it writes (a shared advisory lock);
  ``last_run_writing()`` tells a finishing run whether any other is still writing, in
  which case that one's end leaves the statistics behind all of them.

On SQLite one writer at a time: a run counts its own writes (``BatchWriter``).
"""

from contextlib import contextmanager

from django.db import connection, transaction

# pg_advisory_lock key the writing runs share ("imports" in ASCII).
IMPORTS_KEY = 0x696D706F727473
# pg_advisory_xact_lock key of a run's ANALYZE between chunks ("analyze" in ASCII).
ANALYZE_KEY = 0x616E616C797A65


def changes_since_analyze(model):
    """PostgreSQL: ``(rows inserted, updated or deleted since the last ANALYZE by
    anyone, rows now, rows counted by that ANALYZE)`` of ``model``'s table, from the
    server's activity counters, which every backend flushes at most a second late (this
    one's first, where the server can: PostgreSQL 15)."""
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT s.n_mod_since_analyze, s.n_live_tup, greatest(c.reltuples, 0)::bigint"
            " FROM pg_class AS c JOIN pg_stat_user_tables AS s ON s.relid = c.oid"
            " WHERE c.oid = %s::regclass",
            [model._meta.db_table],
        )
        return cursor.fetchone() or (0, 0, 0)


@contextmanager
def turn_to_analyze():
    """PostgreSQL: a transaction that tells whether this run may ANALYZE in it, no other
    run doing so at the same time (each would wait for the other's, then redo it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ANALYZE_KEY])
        yield cursor.fetchone()[0]


@contextmanager
def import_running():
    """PostgreSQL: this run is writing, for ``last_run_writing`` in the others."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock_shared(%s)", [IMPORTS_KEY])
    try:
        yield
    finally:
        stop_writing()


def stop_writing():
    """Give up this run's share of ``import_running`` (nothing if it holds none, for
    instance on a connection opened again after a loss)."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_unlock_shared(%s) FROM pg_locks WHERE locktype = 'advisory'"
            " AND pid = pg_backend_pid() AND mode = 'ShareLock'"
            " AND objsubid = 1 AND (classid::bigint << 32 | objid::bigint) = %s",
            [IMPORTS_KEY, IMPORTS_KEY],
        )


def last_run_writing():
    """PostgreSQL, as a run finishes: whether no other run is writing now (it stops
    writing first). If another is, that one finishes after this one's writes and sees
    them. Elsewhere always true."""
    if connection.vendor != "postgresql":
        return True
    stop_writing()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORTS_KEY])
        alone = cursor.fetchone()[0]
        if alone:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORTS_KEY])
    return alone
