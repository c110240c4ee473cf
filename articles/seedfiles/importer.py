"""Importing seed files: ``import_seeds(paths)`` returns an ``ImportResult``.

How a run goes, chunk by chunk (``CHUNK_SIZE`` files):

1. Read each file (refusing one over ``settings.SEED_MAX_BYTES`` before reading it) and
   hash its bytes (``discovery``). One query finds which hashes are already stored: those
   files are *unchanged* and are not even parsed.
2. Parse and check the others (``records``), all in memory. A bad file fails here and
   nothing of it is written.
3. Write the chunk in one transaction with a fixed number of bulk queries (``writer``),
   whatever the number of files or related links. Should the database refuse the chunk,
   it is rolled back and written again file by file, so only the offending file fails:
   each file is all or nothing.

Publishers and topics are cached for the run (``lookups``); the caches only learn what a
committed transaction wrote. The same canonical URL twice in one run is an update of the
first.

Every run that writes is recorded (``runs``). A dry run (``dry_run=True``) reads, checks
and counts exactly like a real one but writes nothing at all, not even an ``ImportRun``:
checking files must leave no trace.
"""

from __future__ import annotations

import gc
import time
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from articles.models import Article
from articles.pagecache import content_changed

from .discovery import find_seed_files, read_seed_files
from .lookups import Publishers, Topics
from .records import SeedError, load_seed
from .runs import Failure, ImportResult, SeedWarning, record_run
from .writer import BatchWriter, Item, sqlite_bulk_pragmas

CHUNK_SIZE = 250


def import_seeds(
    paths,
    *,
    dry_run=False,
    source="",
    started_by=None,
    progress=None,
    chunk_size=CHUNK_SIZE,
) -> ImportResult:
    """Import seed files and folders; record the run as an ``ImportRun`` unless dry.

    ``progress(done, total)`` is called after each chunk. A dry run validates every file
    and counts what it would create or update, and writes nothing at all, not even an
    ``ImportRun``. Raises ``SeedPathError`` for a path that does not exist.
    """
    started_at = timezone.now()
    clock = time.perf_counter()
    files = find_seed_files(paths)
    with _cycle_collector_paused(), SeedImporter(dry_run=dry_run) as importer:
        result = importer.result
        result.files_seen = len(files)
        for start in range(0, len(files), chunk_size):
            importer.import_chunk(files[start : start + chunk_size])
            if progress:
                progress(min(start + chunk_size, len(files)), len(files))
        if not dry_run:
            importer.writer.finish_run()  # statistics, links to other processes' articles
    result.duration = time.perf_counter() - clock
    if not dry_run:
        result.run = record_run(result, started_at, source, started_by, paths)
    return result


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


class SeedImporter:
    """One import run, used as a context manager (it tunes the connection while it
    writes). Use ``import_seeds()``; this class holds the run's state."""

    def __init__(self, *, dry_run=False):
        self.result = ImportResult(dry_run=dry_run)
        self.dry_run = dry_run
        self.max_bytes = settings.SEED_MAX_BYTES
        self.seen_hashes = set()
        self.dry_run_urls = set()
        self.publishers = Publishers()
        self.topics = Topics()
        self.writer = BatchWriter(self.publishers, self.topics, timezone.now())
        self.started_writing = False
        self._cleanup = ExitStack()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return self._cleanup.__exit__(*exc_info)

    def import_chunk(self, paths):
        loaded = read_seed_files(paths, self.max_bytes, self.result.failures)
        known = set(
            Article.objects.filter(content_hash__in={f.content_hash for f in loaded}).values_list(
                "content_hash", flat=True
            )
        )
        known |= self.seen_hashes
        batch, batch_urls = [], set()
        for index, seed_file in enumerate(loaded):
            loaded[index] = None  # a chunk of large files need not stay in memory
            if seed_file.content_hash in known:
                self.result.unchanged += 1
                continue
            try:
                record = load_seed(seed_file.data)
            except SeedError as exc:
                self.result.failures.append(Failure(seed_file.name, exc.line, exc.message))
                continue
            self.result.warnings.extend(
                SeedWarning(seed_file.name, message) for message in record.warnings
            )
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
        if self.dry_run:
            self._count_dry_run(batch)
            return
        if not self.started_writing:
            self.publishers.load()
            self.topics.load()
            self._cleanup.enter_context(sqlite_bulk_pragmas())
            self.started_writing = True
        try:
            # Readers' cached pages are stale once the batch commits.
            written = self.writer.write_atomic(batch, on_write=content_changed)
        except DatabaseError as exc:
            if len(batch) == 1:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                self.result.failures.append(
                    Failure(batch[0].name, None, f"the database refused it: {message}")
                )
                return
            for item in batch:
                self._write_batch([item])
            return
        self.seen_hashes |= written.hashes
        self.result.created += written.created
        self.result.updated += written.updated
        self.result.unchanged += written.unchanged

    def _count_dry_run(self, batch):
        urls = {item.record.url for item in batch}
        existing = set(Article.objects.filter(url__in=urls).values_list("url", flat=True))
        for item in batch:
            if item.record.url in existing or item.record.url in self.dry_run_urls:
                self.result.updated += 1
            else:
                self.result.created += 1
            self.dry_run_urls.add(item.record.url)
            self.seen_hashes.add(item.content_hash)
