"""Importing seed files: ``import_seeds(paths)`` returns an ``ImportResult``.

How a run goes, chunk by chunk (``CHUNK_SIZE`` files):

1. Find the files (``discovery``: symlinks and special files follow one rule, each thing
   skipped gets a line), read each (refusing one over ``settings.SEED_MAX_BYTES`` before
   reading it) and hash its bytes. One query finds which hashes are already stored:
   those files are *unchanged* and are not even parsed.
2. Parse and check the others (``records``, with the ``SEED_MAX_*`` limits), all in
   memory. A bad file fails here and nothing of it is written.
3. Write the chunk in one transaction with a fixed number of bulk queries (``writer``),
   whatever the number of files or related links. Should the database refuse the chunk,
   it is rolled back and written again file by file, so only the offending file fails:
   each file is all or nothing.

A new article is published when its file says ``published: true`` and
``settings.NEWSROOM_TRUST_FEED_PUBLISHED`` is on, pending otherwise; a file from
Newsroom's own export, imported with ``restore_decisions``, restores the editor's decision
it records (see ``writer``).

Publishers and topics are cached for the run (``lookups``); the caches only learn what a
committed transaction wrote. The same canonical URL twice in one run is an update of the
first.

Faults:

* ``should_stop()`` is asked before each chunk (the command answers it from SIGINT and
  SIGTERM handlers): when true the run stops there, between chunks, with nothing half
  written. ``RunInterrupted`` raised inside a chunk (a second signal), or a
  ``KeyboardInterrupt`` where no handler is installed, rolls the chunk's open
  transaction back and stops the run the same way. Either way the run is recorded
  as ``interrupted`` with its counts and ``files_done``.
* A lost database connection (``OperationalError``/``InterfaceError`` without a
  data-specific SQLSTATE) makes the importer close the connection and retry the same
  query or transaction, ``RETRIES`` times with a growing pause. If it still fails, the
  run stops and is recorded as ``failed`` (the recording retried too). Each transaction
  is all or nothing, so a re-run finishes the job: the files written are unchanged and
  skipped, the rest imported.

A dry run (``dry_run=True``) runs exactly the code of a real run, the database's own
checks included, each chunk inside a transaction that is rolled back: it refuses what a
real run refuses and counts what a real run would create, update and leave unchanged
(an article a rolled-back chunk created counts as updated when a later chunk has it
again). It writes nothing at all, not even an ``ImportRun``: checking files leaves no
trace. Its caches are loaded afresh after each rolled-back chunk, so each chunk creates the
publishers and topics it needs again.
"""

from __future__ import annotations

import functools
import gc
import logging
import time
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from articles.models import Article, ImportedFile, ImportRun
from articles.pagecache import content_changed
from articles.stories.background import ClusteringWorker, background_clustering, cluster_backlog

from .discovery import find_seed_files, read_seed_files, shard_of
from .lookups import Publishers, Topics
from .records import Limits, SeedError, load_seed
from .runs import (
    Failure,
    ImportResult,
    SeedWarning,
    path_text,
    record_progress,
    safe_text,
    start_run,
)
from .upkeep import import_running
from .writer import BatchWriter, Item, sqlite_bulk_pragmas

logger = logging.getLogger(__name__)

CHUNK_SIZE = 250
RETRIES = 3
BACKOFF = 0.5  # seconds before the first retry, doubled for each next one


class RunInterrupted(Exception):  # noqa: N818 - it is how the run ends, not an error
    """Raised (by a signal handler) to stop a run at once; the open transaction is rolled
    back and the run recorded as interrupted."""


class DatabaseUnavailable(Exception):
    """The database connection failed ``RETRIES`` times in a row."""


def import_seeds(
    paths,
    *,
    dry_run=False,
    source="",
    started_by=None,
    progress=None,
    chunk_size=CHUNK_SIZE,
    should_stop=None,
    restore_decisions=False,
    shard=None,
) -> ImportResult:
    """Import seed files and folders; record the run as an ``ImportRun`` unless dry.

    ``restore_decisions`` honours the editor decisions a Newsroom export records
    (``newsroomStatus`` and the rest); otherwise they are ignored with a warning, so a
    feed file cannot publish itself past the desk by carrying them.

    ``progress(done, total)`` is called after each chunk, ``should_stop()`` before each.
    A dry run checks every file as the module says and writes nothing at all, not even
    an ``ImportRun``. ``shard=(k, n)`` imports only the k-th of n slices of the files
    found (``discovery.shard_of``); what the search skipped is reported by shard 1 alone.
    Raises ``SeedPathError`` for a path that does not exist, and ``DatabaseUnavailable``
    only if even the run cannot be recorded.
    """
    started_at = timezone.now()
    clock = time.perf_counter()
    result = ImportResult(dry_run=dry_run)
    if shard is None:
        files = find_seed_files(paths, result.skipped)
    else:
        files = shard_of(find_seed_files(paths, result.skipped if shard[0] == 1 else []), *shard)
    result.files_seen = len(files)
    run = None
    if not dry_run:
        run = retrying(lambda: start_run(result, started_at, source, started_by, paths))
    with (
        _cycle_collector_paused(),
        SeedImporter(result, restore_decisions=restore_decisions) as importer,
    ):
        try:
            for start in range(0, len(files), chunk_size):
                if should_stop and should_stop():
                    result.status = ImportRun.Status.INTERRUPTED
                    break
                chunk = files[start : start + chunk_size]
                importer.import_chunk(chunk)
                result.files_done = start + len(chunk)
                result.last_file = path_text(chunk[-1])
                # After the last chunk, finish_run's statistics and the run's end come.
                if not dry_run and start + chunk_size < len(files):
                    retrying(importer.writer.keep_statistics)
                    seconds = time.perf_counter() - clock
                    retrying(functools.partial(record_progress, run, result, seconds))
                if progress:
                    progress(result.files_done, len(files))
        except (RunInterrupted, KeyboardInterrupt):
            result.status = ImportRun.Status.INTERRUPTED
        except DatabaseUnavailable as exc:
            result.status = ImportRun.Status.FAILED
            result.error = str(exc)
        importer.stop_clustering()
        if importer.started_writing and not dry_run and result.status != ImportRun.Status.FAILED:
            importer.finish()
    result.duration = time.perf_counter() - clock
    if run is not None:
        result.run = retrying(lambda: record_progress(run, result, result.duration, finished=True))
    return result


def connection_lost(exc) -> bool:
    """Whether a database error means the connection is gone (retry) rather than a
    refusal of the data (fail the file). PostgreSQL says which through SQLSTATE: class
    08 (connection exception) and 57P (shutdown, crash); without one, assume lost."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))


def first_line(exc):
    """The first line of a database error's message, printable (or its class's name)."""
    return safe_text(str(exc).strip().split("\n", 1)[0] or type(exc).__name__)


def retrying(operation):
    """``operation()``, retried on a fresh connection while the connection is lost; then
    ``DatabaseUnavailable``. Inside a transaction (a dry run, a test) there is nothing to
    retry on: the transaction is gone with the connection."""
    for attempt in range(RETRIES + 1):
        try:
            return operation()
        except (OperationalError, InterfaceError) as exc:
            if not connection_lost(exc):
                raise
            detail = first_line(exc)
            if attempt == RETRIES or connection.in_atomic_block:
                raise DatabaseUnavailable(f"database unavailable: {detail}") from None
            connection.close()
            time.sleep(BACKOFF * 2**attempt)
    raise AssertionError("unreachable")


@contextmanager
def _cycle_collector_paused():
    """Parsing allocates millions of small containers that reference counting frees on
    its own (none is part of a cycle); the cycle collector, run every 700 allocations,
    spent over a tenth of an import walking them for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


FINISH_FAILED = (
    "the run's last step failed (%s): links to articles another import wrote at the same "
    "time may lack their target, and the planner's statistics wait for autovacuum"
)
CLUSTERING_FAILED = (
    "grouping the articles of %d chunks into stories failed (the log says why); they "
    "wait for the next import, or for manage.py cluster_stories"
)
BACKLOG_FAILED = (
    "grouping %d chunks that earlier imports left unclustered failed again (the log says "
    "why); they stay for the next import, or for manage.py cluster_stories"
)
IGNORED_DECISION = (
    "carries Newsroom's decision keys (newsroomStatus, newsroomEdited, newsroomBlocked, "
    "newsroomDomains): ignored; to restore an export's decisions, import it with "
    "--restore-decisions"
)


class SeedImporter:
    """One import run, used as a context manager (it tunes the connection while it
    writes). Use ``import_seeds()``; this class holds the run's state."""

    def __init__(self, result=None, *, restore_decisions=False):
        self.result = result or ImportResult()
        self.restore_decisions = restore_decisions
        self.dry_run = self.result.dry_run
        self.dry_created = set()  # URLs of the articles rolled-back chunks created
        self.chunk_created = set()  # ... and the chunk being checked
        self.max_bytes = settings.SEED_MAX_BYTES
        now = timezone.now()
        self.limits = Limits.from_settings(settings, now)
        self.seen_hashes = set()
        self.publishers = Publishers()
        self.topics = Topics()
        self.writer = BatchWriter(
            self.publishers,
            self.topics,
            now,
            trust_published=settings.NEWSROOM_TRUST_FEED_PUBLISHED,
        )
        self.caches_loaded = False
        self.started_writing = False
        self._cleanup = ExitStack()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return self._cleanup.__exit__(*exc_info)

    def import_chunk(self, paths):
        if not self.dry_run:
            self._import_chunk(paths)
            return
        with transaction.atomic():
            self._import_chunk(paths)
            transaction.set_rollback(True)
        self.dry_created |= self.chunk_created
        self.chunk_created = set()
        # The caches learnt what was rolled back: start them again.
        self.publishers = self.writer.publishers = Publishers()
        self.topics = self.writer.topics = Topics()
        self.caches_loaded = False

    def _import_chunk(self, paths):
        loaded = read_seed_files(paths, self.max_bytes, self.result.failures)
        hashes = {f.content_hash for f in loaded}
        known = retrying(
            lambda: set(
                ImportedFile.objects.filter(content_hash__in=hashes).values_list(
                    "content_hash", flat=True
                )
            )
        )
        known |= self.seen_hashes
        batch, batch_urls = [], set()
        for index, seed_file in enumerate(loaded):
            loaded[index] = None  # a chunk of large files need not stay in memory
            # An export imported before without --restore-decisions is read again with
            # it: its bytes are known, its decisions not yet restored.
            if seed_file.content_hash in known and not (
                self.restore_decisions and seed_file.content_hash not in self.seen_hashes
            ):
                self.result.unchanged += 1
                continue
            try:
                record = load_seed(seed_file.data, self.limits)
            except SeedError as exc:
                self.result.failures.append(Failure(seed_file.name, exc.line, exc.message))
                continue
            self.result.warnings.extend(
                SeedWarning(seed_file.name, message) for message in record.warnings
            )
            if record.restores and not self.restore_decisions:
                record.drop_decisions()
                self.result.warnings.append(SeedWarning(seed_file.name, IGNORED_DECISION))
            if record.url in batch_urls:
                # The same article twice: write the first so the second updates it.
                self._write_batch(batch)
                batch, batch_urls = [], set()
            known.add(seed_file.content_hash)
            batch.append(Item(seed_file.name, seed_file.content_hash, record))
            batch_urls.add(record.url)
        self._write_batch(batch)

    def _write_batch(self, batch):
        if not batch:
            return
        if not self.caches_loaded:
            retrying(self._start_writing)
        if self.dry_run:
            urls = {item.record.url for item in batch}
            stored = set(Article.objects.filter(url__in=urls).values_list("url", flat=True))
        try:
            # Readers' cached pages are stale once the batch commits.
            written = retrying(lambda: self.writer.write_atomic(batch, on_write=content_changed))
        except DatabaseError as exc:
            if len(batch) == 1:
                self.result.failures.append(
                    Failure(batch[0].name, None, f"the database refused it: {first_line(exc)}")
                )
                return
            for item in batch:
                self._write_batch([item])
            return
        self.seen_hashes |= written.hashes
        if self.dry_run:
            # What a rolled-back chunk created, a real run would now update.
            new = urls - stored
            again = len(new & self.dry_created)
            self.chunk_created |= new
            written.created -= again
            written.updated += again
        self.result.created += written.created
        self.result.updated += written.updated
        self.result.unchanged += written.unchanged

    def _start_writing(self):
        self.publishers.load()
        self.topics.load()
        self.caches_loaded = True
        if not self.started_writing:
            self._cleanup.enter_context(sqlite_bulk_pragmas())
            if not self.dry_run:
                self._cleanup.enter_context(import_running())
            if not self.dry_run and background_clustering():
                if failed := cluster_backlog():
                    self.result.warnings.append(SeedWarning("(stories)", BACKLOG_FAILED % failed))
                self.writer.clusterer = ClusteringWorker()
                self._cleanup.callback(self.stop_clustering)
            self.started_writing = True

    def finish(self):
        """Links to other processes' articles, statistics for the planner
        (``BatchWriter.finish_run``). Every file is written by then: a refusal here is a
        warning, not a failed run."""
        try:
            retrying(self.writer.finish_run)
        except DatabaseError as exc:
            logger.exception("finishing the import run failed")
            self.result.warnings.append(SeedWarning("(finish)", FINISH_FAILED % first_line(exc)))

    def stop_clustering(self):
        """Wait for the chunks clustering in the background; a warning if some failed."""
        clusterer, self.writer.clusterer = self.writer.clusterer, None
        if clusterer and (failed := clusterer.close()):
            self.result.warnings.append(SeedWarning("(stories)", CLUSTERING_FAILED % failed))
