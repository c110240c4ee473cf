"""Importing seed files: ``import_seeds(paths)`` returns an ``ImportResult``.

How a run goes, chunk by chunk (``CHUNK_SIZE`` files):

1. Read each file (refusing one over ``settings.SEED_MAX_BYTES`` before reading it) and
   hash its bytes. One query finds which hashes are already stored: those files are
   *unchanged* and are not even parsed.
2. Parse and check the others (``articles.seeds``), all in memory. A bad file fails here
   and nothing of it is written.
3. Write the chunk in one transaction with a fixed number of bulk queries, whatever the
   number of files or related links. Should the database refuse the chunk, it is rolled
   back and written again file by file, so only the offending file fails: each file is
   all or nothing.

Publishers and topics are cached for the run; the caches only learn what a committed
transaction wrote. The same canonical URL twice in one run is an update of the first.

Every run that writes is recorded as an ``ImportRun`` with one ``ImportFailure`` per bad
file. A dry run (``dry_run=True``) reads, checks and counts exactly like a real one but
writes nothing at all, not even an ``ImportRun``: checking files must leave no trace.

What an editor decided is never overwritten: ``status`` (set from ``published`` on the
first import only), the fields listed in ``Article.edited_fields``, hidden related links
(kept hidden, and kept even when the feed drops them) and a publisher's name.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from articles.models import (
    Article,
    ArticleImage,
    ImportFailure,
    ImportRun,
    RelatedLink,
    StatusChange,
    Topic,
)
from articles.seeds import SeedError, load_seed
from providers.models import Provider, ProviderAlias

CHUNK_SIZE = 250
# Below SQLite's (32,766) and PostgreSQL's (65,535) limits on parameters per query.
MAX_IN_PARAMS = 10_000
SLUG_BASE_LENGTH = 200
# Refreshed on every changed file; title, excerpt and category only while an editor has
# not changed them (``Article.edited_fields``).
FEED_OWNED_FIELDS = [
    "source_url",
    "url_style",
    "kind",
    "amp_url",
    "cdn_amp_url",
    "published_at",
    "quality",
    "heat",
    "secured",
    "provider_id",
    "feed_extra",
    "source_file",
    "content_hash",
    "imported_at",
    "updated_at",
]
EDITABLE_SCALARS = tuple(f for f in Article.EDITABLE_FEED_FIELDS if f != "topics")
RELATED_FEED_FIELDS = [
    "position",
    "source_url",
    "title",
    "excerpt",
    "published_at",
    "provider_id",
    "quality",
    "kind",
    "amp_url",
    "cdn_amp_url",
    "image_url",
    "image_width",
    "image_height",
    "target_id",
]


@dataclass(slots=True)
class Failure:
    file: str
    line: int | None
    message: str

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(slots=True)
class SeedWarning:
    file: str
    message: str

    def __str__(self):
        return f"{self.file}: {self.message}"


@dataclass
class ImportResult:
    dry_run: bool = False
    files_seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[SeedWarning] = field(default_factory=list)
    duration: float = 0.0
    run: ImportRun | None = None

    @property
    def failed(self):
        return len(self.failures)

    def summary(self):
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"failed {self.failed} in {self.duration:.2f}s"
        )


def path_text(path) -> str:
    """``path`` as text a database accepts: bytes that are not UTF-8 in a file name
    (Python keeps them as lone surrogates) become U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class SeedPathError(Exception):
    """A path given to the importer that is neither a file nor a folder of seed files."""


def find_seed_files(paths) -> list[Path]:
    """Files as given, and every ``*.txt`` under each folder (recursively), in order."""
    found, seen = [], set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not candidates:
                raise SeedPathError(f"no seed files (*.txt) under {raw}")
        elif path.is_file():
            candidates = [path]
        else:
            raise SeedPathError(f"no such file or folder: {raw}")
        for candidate in candidates:
            key = os.path.realpath(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


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
    importer = SeedImporter(dry_run=dry_run)
    result = importer.result
    result.files_seen = len(files)
    with _cycle_collector_paused():
        try:
            for start in range(0, len(files), chunk_size):
                importer.import_chunk(files[start : start + chunk_size])
                if progress:
                    progress(min(start + chunk_size, len(files)), len(files))
        finally:
            importer.restore_connection()
    result.duration = time.perf_counter() - clock
    if not dry_run:
        result.run = _record_run(result, started_at, source, started_by, paths)
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


def _record_run(result, started_at, source, started_by, paths):
    with transaction.atomic():
        run = ImportRun.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            started_by=started_by,
            source=source,
            paths="\n".join(path_text(p) for p in paths),
            files_seen=result.files_seen,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            failed=result.failed,
            duration=timedelta(seconds=result.duration),
        )
        ImportFailure.objects.bulk_create(
            ImportFailure(run=run, file=f.file[:1000], line=f.line, message=f.message)
            for f in result.failures
        )
    return run


@dataclass(slots=True)
class _Item:
    """One parsed, valid file waiting to be written."""

    name: str
    content_hash: str
    record: object


class _CachedProvider:
    __slots__ = ("id", "name", "logo_url")

    def __init__(self, id, name, logo_url):
        self.id, self.name, self.logo_url = id, name, logo_url


@dataclass
class _Written:
    """What one committed transaction wrote, for the run's caches and counts."""

    created: int = 0
    updated: int = 0
    providers: dict = field(default_factory=dict)
    name_aliases: set = field(default_factory=set)
    topics: dict = field(default_factory=dict)
    logos: list = field(default_factory=list)
    hashes: set = field(default_factory=set)


class SeedImporter:
    """One import run. Use ``import_seeds()``; this class holds the run's caches."""

    def __init__(self, *, dry_run=False):
        self.result = ImportResult(dry_run=dry_run)
        self.dry_run = dry_run
        self.max_bytes = settings.SEED_MAX_BYTES
        self.now = timezone.now()
        self.seen_hashes = set()
        self.dry_run_urls = set()
        self.providers = None  # domain (or merged domain) -> _CachedProvider
        self.name_aliases = set()  # (provider id, name)
        self.topics = {}  # lower-case name -> id
        self.topic_slugs = set()
        self.saved_pragmas = None

    # --- reading ----------------------------------------------------------------------

    def _fail(self, name, message, line=None):
        self.result.failures.append(Failure(name, line, message))

    def _read(self, path, name):
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                self._fail(name, f"file is {size} bytes, over the {self.max_bytes} byte limit")
                return None
            with open(path, "rb") as handle:
                data = handle.read(self.max_bytes + 1)
        except OSError as exc:
            self._fail(name, f"cannot read it: {exc.strerror or exc}")
            return None
        if len(data) > self.max_bytes:
            self._fail(name, f"file is over the {self.max_bytes} byte limit")
            return None
        return data

    def import_chunk(self, paths):
        loaded = []
        for path in paths:
            name = path_text(path)
            data = self._read(path, name)
            if data is not None:
                loaded.append((name, data, hashlib.sha256(data).hexdigest()))
        known = set(
            Article.objects.filter(content_hash__in={h for _, _, h in loaded}).values_list(
                "content_hash", flat=True
            )
        )
        known |= self.seen_hashes
        batch, batch_urls = [], set()
        for index, (name, data, content_hash) in enumerate(loaded):
            loaded[index] = None  # a chunk of large files need not stay in memory
            if content_hash in known:
                self.result.unchanged += 1
                continue
            try:
                record = load_seed(data)
            except SeedError as exc:
                self._fail(name, exc.message, exc.line)
                continue
            self.result.warnings.extend(SeedWarning(name, message) for message in record.warnings)
            if record.url in batch_urls:
                # The same article twice: write the first so the second updates it.
                self._write_batch(batch)
                batch, batch_urls = [], set()
            known.add(content_hash)
            batch.append(_Item(name, content_hash, record))
            batch_urls.add(record.url)
        self._write_batch(batch)

    # --- writing ----------------------------------------------------------------------

    def _write_batch(self, batch):
        if not batch:
            return
        if self.dry_run:
            self._count_dry_run(batch)
            return
        if self.providers is None:
            self._load_caches()
            self._tune_connection()
        try:
            with transaction.atomic():
                written = self._write(batch)
        except DatabaseError as exc:
            if len(batch) == 1:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                self._fail(batch[0].name, f"the database refused it: {message}")
                return
            for item in batch:
                self._write_batch([item])
            return
        self._remember(written)

    # SQLite, for this connection while the run writes: a page cache big enough for the
    # indexes that random keys (URLs, slugs, hashes) touch all over, and checkpoints every
    # 64 MiB of WAL instead of every 4 MiB. Together they took a 10,000-file import from
    # 37 s to 23 s. Both are put back when the run ends.
    SQLITE_BULK_PRAGMAS = {"cache_size": -256 * 1024, "wal_autocheckpoint": 16384}

    def _tune_connection(self):
        if self.saved_pragmas is not None or connection.vendor != "sqlite":
            return
        self.saved_pragmas = {}
        with connection.cursor() as cursor:
            for name, value in self.SQLITE_BULK_PRAGMAS.items():
                cursor.execute(f"PRAGMA {name}")
                self.saved_pragmas[name] = int(cursor.fetchone()[0])
                cursor.execute(f"PRAGMA {name} = {int(value)}")

    def restore_connection(self):
        if not self.saved_pragmas:
            return
        with connection.cursor() as cursor:
            for name, value in self.saved_pragmas.items():
                cursor.execute(f"PRAGMA {name} = {value}")
        self.saved_pragmas = None

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

    def _load_caches(self):
        self.providers = {
            domain: _CachedProvider(pk, name, logo_url)
            for pk, domain, name, logo_url in Provider.objects.values_list(
                "id", "domain", "name", "logo_url"
            )
        }
        by_id = {p.id: p for p in self.providers.values()}
        for provider_id, kind, value in ProviderAlias.objects.values_list(
            "provider_id", "kind", "value"
        ):
            if kind == ProviderAlias.Kind.DOMAIN:
                # A merged publisher: its domain now lands on the survivor.
                self.providers[value] = by_id[provider_id]
            else:
                self.name_aliases.add((provider_id, value))
        for pk, name, slug in Topic.objects.values_list("id", "name", "slug"):
            self.topics[name.lower()] = pk
            self.topic_slugs.add(slug)

    def _remember(self, written):
        self.providers.update(written.providers)
        for provider, logo_url in written.logos:
            provider.logo_url = logo_url
        self.name_aliases |= written.name_aliases
        self.topic_slugs.update(slug for _, slug in written.topics.values())
        self.topics.update({name: pk for name, (pk, _) in written.topics.items()})
        self.seen_hashes |= written.hashes
        self.result.created += written.created
        self.result.updated += written.updated

    def _write(self, batch):
        written = _Written()
        records = [item.record for item in batch]
        provider_ids = self._write_providers(records, written)
        existing = {
            url: (pk, edited)
            for pk, url, edited in Article.objects.filter(
                url__in=[r.url for r in records]
            ).values_list("id", "url", "edited_fields")
        }
        # Topics an editor owns on an article are not the feed's to add (nor to create).
        topic_ids = self._write_topics(
            [r for r in records if not Article.owned_in(existing.get(r.url, (0, ()))[1], "topics")],
            written,
        )
        new_items = [item for item in batch if item.record.url not in existing]
        slugs = self._new_slugs(new_items)
        now = self.now
        created = Article.objects.bulk_create(
            [
                self._new_article(item, slugs[index], provider_ids)
                for index, item in enumerate(new_items)
            ]
        )
        article_ids = {article.url: article.pk for article in created}
        article_ids.update({url: pk for url, (pk, _) in existing.items()})

        # Updates, grouped by which editable fields an editor left to the feed.
        updates = {}
        topics_locked = set()
        for item in batch:
            record = item.record
            if record.url not in existing:
                continue
            pk, edited = existing[record.url]
            if Article.owned_in(edited, "topics"):
                topics_locked.add(pk)
            article = self._article_fields(item, provider_ids)
            article.pk = article.id = pk
            article.updated_at = now
            fields = tuple(FEED_OWNED_FIELDS) + tuple(
                name for name in EDITABLE_SCALARS if not Article.owned_in(edited, name)
            )
            updates.setdefault(fields, []).append(article)
        for fields, articles in updates.items():
            Article.objects.bulk_update(articles, list(fields))
        updated_ids = [pk for pk, _ in existing.values()]

        self._write_images(batch, article_ids, updated_ids)
        self._write_topic_links(batch, article_ids, updated_ids, topics_locked, topic_ids)
        self._write_related(batch, article_ids, updated_ids, provider_ids)

        if created:
            # Links elsewhere that already cite one of the new articles now point at it.
            RelatedLink.objects.filter(
                url__in=[a.url for a in created], target__isnull=True
            ).update(target=Subquery(Article.objects.filter(url=OuterRef("url")).values("id")[:1]))
            StatusChange.objects.bulk_create(
                StatusChange(
                    article_id=article.pk,
                    from_status=Article.Status.PENDING,
                    to_status=Article.Status.PUBLISHED,
                    changed_at=now,
                    note="Published in the feed (seed published: true) when first imported.",
                )
                for article in created
                if article.status == Article.Status.PUBLISHED
            )
        written.created = len(created)
        written.updated = len(existing)
        written.hashes = {item.content_hash for item in batch}
        return written

    # --- publishers and topics ---------------------------------------------------------

    def _write_providers(self, records, written):
        """Publisher ids by seed domain, creating publishers and name aliases as needed."""
        new = written.providers
        logo_updates = {}
        seen = []

        def resolve(domain, name, logo_url):
            provider = self.providers.get(domain) or new.get(domain)
            if provider is None:
                provider = new[domain] = _CachedProvider(None, name, logo_url)
            elif logo_url and not provider.logo_url:
                if provider.id is None:  # created by this batch: not cached yet
                    provider.logo_url = logo_url
                elif provider.id not in logo_updates:
                    logo_updates[provider.id] = (provider, logo_url)
            seen.append((provider, name))

        for record in records:
            resolve(record.domain, record.provider_name, record.logo_url)
            for link in record.related:
                resolve(link.domain, link.provider_name, "")

        if new:
            objs = [
                Provider(domain=domain, name=p.name, logo_url=p.logo_url)
                for domain, p in new.items()
            ]
            for obj, cached in zip(Provider.objects.bulk_create(objs), new.values(), strict=True):
                cached.id = obj.pk
        if logo_updates:
            Provider.objects.bulk_update(
                [Provider(id=pk, logo_url=url) for pk, (_, url) in logo_updates.items()],
                ["logo_url"],
            )
            written.logos = list(logo_updates.values())
        aliases = {
            (provider.id, name)
            for provider, name in seen
            if name != provider.name and (provider.id, name) not in self.name_aliases
        }
        if aliases:
            ProviderAlias.objects.bulk_create(
                [
                    ProviderAlias(provider_id=pk, kind=ProviderAlias.Kind.NAME, value=name[:253])
                    for pk, name in aliases
                ],
                ignore_conflicts=True,
            )
            written.name_aliases = aliases
        ids = {domain: p.id for domain, p in new.items()}
        for record in records:
            for domain in (record.domain, *(link.domain for link in record.related)):
                if domain not in ids:
                    ids[domain] = self.providers[domain].id
        return ids

    def _write_topics(self, records, written):
        new = {}
        for record in records:
            for name in record.topics:
                key = name.lower()
                if key not in self.topics and key not in new:
                    base = slugify(name)[:100] or "topic"
                    slug, n = base, 2
                    while slug in self.topic_slugs or slug in {s for _, s in new.values()}:
                        slug, n = f"{base}-{n}", n + 1
                    new[key] = (name, slug)
        ids = dict(self.topics)
        if new and connection.vendor != "sqlite":
            # PostgreSQL's LOWER() folds a few letters Python's lower() leaves apart
            # ("İstanbul" and "istanbul"), so a name new to the cache may already be taken
            # under the unique LOWER(name): file the article under that topic instead.
            for key, (name, _slug) in list(new.items()):
                taken = (
                    Topic.objects.alias(folded=Lower("name"))
                    .filter(folded=Lower(Value(name)))
                    .values_list("pk", "slug")
                    .first()
                )
                if taken:
                    ids[key] = taken[0]
                    written.topics[key] = taken
                    del new[key]
        same_as = {}  # key -> key of the new topic the database folds it onto
        if len(new) > 1 and connection.vendor != "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join(["LOWER(%s::text)"] * len(new)),
                    [name for name, _slug in new.values()],
                )
                folded = cursor.fetchone()
            first = {}
            for key, value in zip(list(new), folded, strict=True):
                if value in first:
                    same_as[key] = first[value]
                    del new[key]
                else:
                    first[value] = key
        if new:
            topics = Topic.objects.bulk_create(
                [Topic(name=name, slug=slug) for name, slug in new.values()]
            )
            for key, topic in zip(new, topics, strict=True):
                ids[key] = topic.pk
                written.topics[key] = (topic.pk, topic.slug)
        for key, kept in same_as.items():
            ids[key] = ids[kept]
            written.topics[key] = written.topics[kept]
        return ids

    # --- articles ------------------------------------------------------------------------

    def _new_slugs(self, items):
        bases = [
            slugify(item.record.title)[:SLUG_BASE_LENGTH].strip("-") or "article" for item in items
        ]
        taken = set(Article.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
        repeated = {b for b in bases if b in taken or bases.count(b) > 1}
        if repeated:
            candidates = [f"{b}-{n}" for b in repeated for n in range(2, 12)]
            taken |= set(Article.objects.filter(slug__in=candidates).values_list("slug", flat=True))
        slugs = []
        for base, item in zip(bases, items, strict=True):
            slug, n = base, 2
            while slug in taken:
                slug = f"{base}-{n}" if n < 12 else f"{base}-{item.content_hash[:12]}"
                n += 1
            taken.add(slug)
            slugs.append(slug)
        return slugs

    def _article_fields(self, item, provider_ids):
        record = item.record
        return Article(
            url=record.url,
            source_url=record.source_url,
            url_style=record.url_style,
            title=record.title,
            excerpt=record.excerpt,
            category=record.category,
            kind=record.kind,
            amp_url=record.amp_url,
            cdn_amp_url=record.cdn_amp_url,
            published_at=record.published_at,
            quality=record.quality,
            heat=record.heat,
            secured=record.secured,
            provider_id=provider_ids[record.domain],
            feed_extra=record.extra,
            source_file=item.name[-255:],
            content_hash=item.content_hash,
            imported_at=self.now,
        )

    def _new_article(self, item, slug, provider_ids):
        article = self._article_fields(item, provider_ids)
        article.slug = slug
        if item.record.published:
            article.status = Article.Status.PUBLISHED
        return article

    def _write_images(self, batch, article_ids, updated_ids):
        if updated_ids:
            ArticleImage.objects.filter(article_id__in=updated_ids).delete()
        _insert_rows(
            ArticleImage,
            ("article_id", "position", "url", "width", "height", "title"),
            [
                (article_ids[item.record.url], position, i.url, i.width, i.height, i.title)
                for item in batch
                for position, i in enumerate(item.record.images)
            ],
        )

    def _write_topic_links(self, batch, article_ids, updated_ids, topics_locked, topic_ids):
        through = Article.topics.through
        refresh = [pk for pk in updated_ids if pk not in topics_locked]
        if refresh:
            through.objects.filter(article_id__in=refresh).delete()
        rows = [
            (pk, topic_ids[name.lower()])
            for item in batch
            if (pk := article_ids[item.record.url]) not in topics_locked
            for name in item.record.topics
        ]
        # Two spellings of one topic (see _write_topics) give the same row twice.
        _insert_rows(through, ("article_id", "topic_id"), list(dict.fromkeys(rows)))

    def _write_related(self, batch, article_ids, updated_ids, provider_ids):
        hidden, shown = {}, set()
        if updated_ids:
            for pk, article_id, url, is_hidden in RelatedLink.objects.filter(
                article_id__in=updated_ids
            ).values_list("id", "article_id", "url", "is_hidden"):
                if is_hidden:
                    hidden[article_id, url] = pk
                else:
                    shown.add((article_id, url))
            RelatedLink.objects.filter(article_id__in=updated_ids, is_hidden=False).delete()
        link_urls = list({link.url for item in batch for link in item.record.related})
        targets = {}
        for start in range(0, len(link_urls), MAX_IN_PARAMS):
            urls = link_urls[start : start + MAX_IN_PARAMS]
            targets.update(Article.objects.filter(url__in=urls).values_list("url", "id"))
        adapt_datetime = connection.ops.adapt_datetimefield_value
        rows, kept_hidden = [], []
        for item in batch:
            article_id = article_ids[item.record.url]
            for position, link in enumerate(item.record.related):
                image = link.image
                row = (
                    article_id,
                    position,
                    link.url,
                    link.source_url,
                    link.title,
                    link.excerpt,
                    adapt_datetime(link.published_at),
                    provider_ids[link.domain],
                    link.quality,
                    link.kind,
                    link.amp_url,
                    link.cdn_amp_url,
                    image.url if image else "",
                    image.width if image else None,
                    image.height if image else None,
                    # An export's "hidden: true" hides a link new to the article, never
                    # one an editor has seen and left shown.
                    link.hidden and (article_id, link.url) not in shown,
                    targets.get(link.url),
                )
                hidden_pk = hidden.get((article_id, link.url))
                if hidden_pk:
                    values = dict(zip(RELATED_COLUMNS, row, strict=True))
                    values["published_at"] = link.published_at
                    values.pop("is_hidden")
                    kept_hidden.append(RelatedLink(id=hidden_pk, **values))
                else:
                    rows.append(row)
        _insert_rows(RelatedLink, RELATED_COLUMNS, rows)
        if kept_hidden:
            RelatedLink.objects.bulk_update(kept_hidden, RELATED_FEED_FIELDS)


RELATED_COLUMNS = (
    "article_id",
    "position",
    "url",
    "source_url",
    "title",
    "excerpt",
    "published_at",
    "provider_id",
    "quality",
    "kind",
    "amp_url",
    "cdn_amp_url",
    "image_url",
    "image_width",
    "image_height",
    "is_hidden",
    "target_id",
)


def _insert_rows(model, fields, rows):
    """INSERT ``rows`` (tuples of database-ready values, in ``fields`` order) with one
    ``executemany``. The child rows of a chunk number in the thousands and need no ids
    back; building a model instance for each, as ``bulk_create`` does, took longer than
    parsing the files they came from."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
