"""Editors' transactions that lose a race with another writer are run again.

An import locks the articles it refreshes, checks its links' targets when it commits
and places articles in stories from a second connection; an editor's decision, merge or
story edit locks some of the same rows. Each side locks in a fixed order, but not in
one order across all of them, so PostgreSQL may find two of them waiting on each other
and abort one ("deadlock detected"). The importer writes the batch again; an editor's
action must not answer a server error for it either: ``retried`` runs the whole
transaction again, from the start, with nothing of the lost try left.
"""

import functools
import random
import time

from django.db import DatabaseError, connection, transaction

# Deadlock, serialization failure: PostgreSQL's "run the transaction again".
CONFLICT_SQLSTATES = {"40P01", "40001"}
ATTEMPTS = 4
BACKOFF = 0.05  # seconds at most before the second try, doubled for each next one


def is_conflict(exc):
    """Whether the database aborted ``exc``'s transaction for another one's sake."""
    if getattr(exc.__cause__, "sqlstate", None) in CONFLICT_SQLSTATES:
        return True
    # SQLite waits for the write lock (the ``timeout`` setting) before giving up.
    return connection.vendor == "sqlite" and "database is locked" in str(exc)


def retried(function):
    """Run ``function`` in a transaction of its own, again when the database aborts it
    for a conflict with another transaction (``ATTEMPTS`` tries in all, with a short
    random pause between them). Called inside an outer transaction, it is only that
    transaction's savepoint: nothing can be run again there, and the error is raised."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        outer = connection.in_atomic_block
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except DatabaseError as exc:
                if outer or attempt == ATTEMPTS or not is_conflict(exc):
                    raise
            time.sleep(random.uniform(0, BACKOFF * 2 ** (attempt - 1)))
        raise AssertionError("unreachable")

    return run
