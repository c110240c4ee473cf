"""Clustering an import's chunks after they commit, beside the import, on PostgreSQL.

Inside a chunk's transaction, clustering waited on the database for most of its time
(reading the evidence, placing articles in stories) while the import had the next
files to parse: on PostgreSQL it added a quarter to a 10,000-file import. Here a thread
of the import's own, with a connection of its own, clusters each committed chunk in
the order they committed, while the import goes on with the next one
(``ClusteringWorker``). The stories come out the same: one chunk clusters at a time
and each sees the chunks before it.

What makes it safe to leave a chunk's clustering for later: the chunk's transaction
writes its articles into ``StoryBacklog``, and the clustering's transaction deletes
them. An import that stops in between (killed, a connection lost for good, a
clustering that failed) leaves them there, and the next import that clusters in the
background clusters them before it writes (``cluster_backlog``), as does
``manage.py cluster_stories``. An import waits for its clustering before it finishes.

``background_clustering()`` says when: PostgreSQL (SQLite lets one connection write at
a time, so a second one only waits), clustering on, ``STORY_CLUSTERING_IN_BACKGROUND``
(the default), and no transaction open around the import (a second connection could
not see what it writes: a dry run, a test).
"""

import logging
import queue
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from articles.models import StoryBacklog

from .clustering import cluster_articles

logger = logging.getLogger(__name__)

# Tries of one chunk's clustering: a deadlock with the import's next chunk or another
# process, or a connection lost, is gone on a second try.
ATTEMPTS = 4
# Backlog articles clustered together.
BACKLOG_CHUNK = 250


def background_clustering():
    """Whether this import may cluster in the background (see the module's docstring)."""
    return (
        settings.STORY_CLUSTERING
        and settings.STORY_CLUSTERING_IN_BACKGROUND
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def add_to_backlog(ids):
    """In the chunk's transaction: its articles ``ids`` wait for their clustering. One
    that waits already, from an earlier chunk, gets a new ``version``: the earlier
    chunk's clustering, which may be reading it now, then leaves it for this one's."""
    table = connection.ops.quote_name(StoryBacklog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, version) SELECT unnest(%s::bigint[]), 0"
            f" ON CONFLICT (article_id) DO UPDATE SET version = {table}.version + 1",
            [sorted(ids)],
        )


def cluster_committed(ids):
    """Cluster the committed articles ``ids`` and take them off the backlog, in one
    transaction: each as it was queued when the clustering began. A chunk that writes
    one of them again meanwhile queues it anew (``add_to_backlog``), and it stays queued
    for that chunk's clustering, or, if the import stops first, for the next import's."""
    table = connection.ops.quote_name(StoryBacklog._meta.db_table)
    with transaction.atomic():
        queued = list(
            StoryBacklog.objects.filter(article_id__in=ids).values_list("article_id", "version")
        )
        cluster_articles(ids)
        # The DELETE waits for a chunk that queued one again and has not committed yet,
        # then sees its version and keeps the row.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} USING unnest(%s::bigint[], %s::bigint[])"
                f" AS taken (article_id, version) WHERE {table}.article_id = taken.article_id"
                f" AND {table}.version = taken.version",
                [[pk for pk, _ in queued], [version for _, version in queued]],
            )


def cluster_backlog():
    """Cluster what earlier imports left in the backlog, ``BACKLOG_CHUNK`` articles at a
    time; how many chunks failed. A failed chunk is logged and stays in the backlog:
    articles that cannot be clustered must not stop every import after them."""
    ids = sorted(StoryBacklog.objects.values_list("article_id", flat=True))
    failed = 0
    for start in range(0, len(ids), BACKLOG_CHUNK):
        chunk = ids[start : start + BACKLOG_CHUNK]
        try:
            cluster_committed(chunk)
        except Exception:
            logger.exception("clustering %d backlog articles failed; left there", len(chunk))
            failed += 1
    return failed


class ClusteringWorker:
    """A thread clustering the chunks ``submit``-ted to it, in order, each in its own
    transaction on the thread's own connection; ``close()`` waits for all of them and
    returns how many failed (their articles stay in the backlog)."""

    def __init__(self):
        self._queue = queue.Queue()
        self.failed = 0
        self._thread = threading.Thread(target=self._run, name="clustering", daemon=True)
        self._thread.start()

    def submit(self, ids):
        self._queue.put(sorted(ids))

    def close(self):
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        return self.failed

    def _run(self):
        try:
            while (ids := self._queue.get()) is not None:
                self._cluster(ids)
        finally:
            connection.close()  # this thread's own

    def _cluster(self, ids):
        try:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    return cluster_committed(ids)
                except DatabaseError:
                    if attempt == ATTEMPTS:
                        raise
                    connection.close_if_unusable_or_obsolete()
        except Exception:
            logger.exception("clustering %d articles failed; left in the backlog", len(ids))
            self.failed += 1
