"""Writing a batch of checked records with a fixed number of bulk queries.

``BatchWriter.write(batch)`` writes publishers and topics (through ``lookups``), then the
articles (created with a free slug, or updated), their images, topic links and related
links, whatever the number of files or links; ``write_atomic(batch)`` runs it in a
transaction, retried on a conflict with another process, and feeds the returned
``Written`` to the caches once it has committed. Child rows go in through one COPY each
on PostgreSQL (``articles.bulk.insert_rows``). ``sqlite_bulk_pragmas()`` tunes a SQLite
connection for the run; ``finish_run()`` leaves planner statistics behind a large run.

Any number of processes may import at once on PostgreSQL, over the same files or not,
and end as one import would:

* Publishers, name aliases and topics are inserted in key order, ignoring conflicts, and
  read back (``lookups``).
* Before reading which of its articles exist, a batch takes a transaction-level advisory
  lock on each of its canonical URLs and title slugs, in key order: two processes writing
  the same article, or the same new slug, take turns, and the second sees the first's
  article and updates it (or finds it unchanged: same file, nothing to write).
* The existing articles are read ``FOR UPDATE`` in id order, so an editor's save waits for
  the batch, or the batch for it, and which fields an editor owns is decided under the lock.
* A refused batch is rolled back and written again with its cache entries read afresh:
  once, or up to ``WRITE_ATTEMPTS`` times after a deadlock, a serialization failure or a
  unique key taken meanwhile (a slug).
* A related link written while another process creates the article it cites cannot see
  it; ``finish_run()`` points the run's unresolved links, and the links to the articles
  it created, at the articles that now exist, and clusters the articles they join.

What an editor decided is never overwritten: ``status``, the fields an editor owns
(``Article.owned_in``) and hidden related links (kept hidden, and kept even when the feed
drops them). Status is set on the first import only: from ``published`` when
``trust_published`` (``settings.NEWSROOM_TRUST_FEED_PUBLISHED``), else pending. A record
from Newsroom's own export carries the editor's decision (``SeedRecord.decision``), which
wins over ``published`` on a new article, and is restored onto a stored article no
editor has decided on (``moderated_at`` empty), never over one an editor has; each
restore is a ``StatusChange`` dated when the decision was taken.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils.text import slugify

from articles.bulk import MAX_IN_PARAMS, delete_rows, insert_rows, update_rows
from articles.conflicts import is_conflict
from articles.models import (
    Article,
    ArticleImage,
    ImportedFile,
    RelatedLink,
    StatusChange,
    StoryTerm,
    Topic,
)
from articles.stories import cluster_articles
from articles.stories.background import add_to_backlog
from providers.models import Provider, ProviderAlias

from .upkeep import changes_since_analyze, last_run_writing, turn_to_analyze

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
# What restoring an export's decision writes (``SeedRecord.decision``).
DECISION_FIELDS = ("status", "publish_at", "moderated_at")
FEED_PUBLISHED_NOTE = "Published in the feed (seed published: true) when first imported."
RESTORED_NOTE = "Restored from a Newsroom export (newsroomStatus); dated when it was decided."
IMAGE_FIELDS = ("url", "width", "height", "title")
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
# What the feed refreshes on a related link an editor hid.
RELATED_FEED_FIELDS = [
    name for name in RELATED_COLUMNS if name not in ("article_id", "url", "is_hidden")
]
# SQLite, for this connection while the run writes: a page cache big enough for the
# indexes that random keys (URLs, slugs, hashes) touch all over, and checkpoints every
# 64 MiB of WAL instead of every 4 MiB. Together they took a 10,000-file import from
# 37 s to 23 s.
SQLITE_BULK_PRAGMAS = {"cache_size": -256 * 1024, "wal_autocheckpoint": 16384}
# Tries of one batch in one transaction before it is written again file by file.
WRITE_ATTEMPTS = 4
# Beside a conflict (``articles.conflicts``), what another process's work can cause and a
# second try no longer meets: a unique violation (a slug taken meanwhile).
UNIQUE_VIOLATION = "23505"
# A run that wrote at least this many articles, or a tenth of the table, runs ANALYZE
# on the tables it wrote: a plan made without statistics was measured 100 times slower.
ANALYZE_MIN_ARTICLES = 1000
ANALYZED_MODELS = (
    Article,
    ArticleImage,
    RelatedLink,
    Article.topics.through,
    Topic,
    Provider,
    ProviderAlias,
    # Not ArticleTerms nor ImportedFile: read by their unique index alone, which plans
    # without statistics (ArticleTerms' ANALYZE took 32 ms at 10,000 articles, five times
    # a run).
    StoryTerm,
)


@contextmanager
def sqlite_bulk_pragmas():
    """``SQLITE_BULK_PRAGMAS`` on the connection inside the block, put back after it;
    nothing on another database."""
    if connection.vendor != "sqlite":
        yield
        return
    saved = {}
    with connection.cursor() as cursor:
        for name, value in SQLITE_BULK_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            saved[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in saved.items():
                cursor.execute(f"PRAGMA {name} = {value}")


@dataclass(slots=True)
class Item:
    """One parsed, valid file waiting to be written."""

    name: str
    content_hash: str
    record: object


@dataclass
class Written:
    """What one committed transaction wrote, for the run's caches and counts."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0  # stored meanwhile by another process, from the same bytes
    providers: dict = field(default_factory=dict)
    name_aliases: set = field(default_factory=set)
    topics: dict = field(default_factory=dict)
    logos: list = field(default_factory=list)
    hashes: set = field(default_factory=set)
    # Articles with a related link that found no article, and the articles created.
    citing_unresolved: set = field(default_factory=set)
    created_ids: set = field(default_factory=set)
    # Articles to cluster once committed (``BatchWriter.clusterer``).
    to_cluster: list = field(default_factory=list)


class BatchWriter:
    """Writes batches of ``Item``s against the run's ``Publishers`` and ``Topics``."""

    def __init__(self, publishers, topics, now, *, trust_published=True):
        self.publishers = publishers
        self.topics = topics
        self.now = now
        self.trust_published = trust_published
        self.articles_written = 0
        # Statistics kept fresh during a long run (``keep_statistics``).
        self.analyzed_at = 0  # articles_written at the last ANALYZE
        self.table_size = None  # articles in the table then, as far as this run knows
        # PostgreSQL: the articles this run wrote citing a URL with no article, and
        # the ones it created (``relink``).
        self.citing_unresolved, self.created_ids = set(), set()
        # A ``ClusteringWorker`` clustering the committed batches, or None: each batch
        # clusters in its own transaction (``articles.stories.background``).
        self.clusterer = None

    def write_atomic(self, batch, on_write=None) -> Written:
        """``write(batch)`` in a transaction (calling ``on_write()`` inside it); the
        caches learn what it wrote. On a ``DatabaseError`` the batch's cache entries are
        dropped and it is tried again, once, or up to ``WRITE_ATTEMPTS`` times on a
        conflict with another transaction; then the error is raised, and the caller
        writes the files one by one."""
        records = [item.record for item in batch]
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    written = self.write(batch)
                    if on_write:
                        on_write()
            except DatabaseError as exc:
                self.publishers.forget(records)
                self.topics.forget(records)
                # Once more for any error (a cached row may have gone: merged, deleted);
                # up to WRITE_ATTEMPTS for a conflict with another transaction.
                if attempt == WRITE_ATTEMPTS or (attempt > 1 and not is_transient(exc)):
                    raise
                continue
            if written.to_cluster:
                self.clusterer.submit(written.to_cluster)
            self.publishers.remember(written)
            self.topics.remember(written)
            self.articles_written += written.created + written.updated
            if connection.vendor == "postgresql":
                self.citing_unresolved |= written.citing_unresolved
                self.created_ids |= written.created_ids
            return written

    def write(self, batch) -> Written:
        written = Written()
        records = [item.record for item in batch]
        provider_ids = self.publishers.write(records, written)
        _restore_publisher_decisions(records, provider_ids)
        lock_articles(records)
        # Under the row locks, so an editor's save is either seen or waits for the batch.
        stored = {
            url: (pk, edited, content_hash, status, moderated_at)
            for pk, url, edited, content_hash, status, moderated_at in Article.objects.filter(
                url__in=[r.url for r in records]
            )
            .order_by("pk")
            .select_for_update()
            .values_list("id", "url", "edited_fields", "content_hash", "status", "moderated_at")
        }
        written.hashes = {item.content_hash for item in batch}
        # Another process stored the very same file since the run looked: nothing to do.
        recorded = set(
            ImportedFile.objects.filter(content_hash__in=written.hashes).values_list(
                "content_hash", flat=True
            )
        )
        batch = [
            item
            for item in batch
            if (
                item.content_hash not in recorded
                and stored.get(item.record.url, (0, 0, ""))[2] != item.content_hash
            )
            # Known bytes whose decisions an earlier run did not restore (--restore-decisions).
            or _still_to_restore(item.record, stored.get(item.record.url))
        ]
        written.unchanged = len(records) - len(batch)
        records = [item.record for item in batch]
        urls = {r.url for r in records}
        existing = {url: (pk, edited) for url, (pk, edited, *_) in stored.items() if url in urls}
        # Stored articles whose status is still the feed's: an export may restore theirs.
        undecided = {
            url: status
            for url, (_, _, _, status, moderated_at) in stored.items()
            if url in urls and moderated_at is None
        }
        # Topics an editor owns on an article are not the feed's to add (nor to create).
        topic_ids = self.topics.write(
            [r for r in records if not Article.owned_in(existing.get(r.url, (0, ()))[1], "topics")],
            written,
        )
        created = self._create_articles(batch, existing, provider_ids)
        topics_locked, restored = self._update_articles(batch, existing, undecided, provider_ids)
        article_ids = {article.url: article.pk for article in created}
        article_ids.update({url: pk for url, (pk, _) in existing.items()})
        updated_ids = [pk for pk, _ in existing.values()]

        self._write_images(batch, article_ids, updated_ids)
        self._write_topic_links(batch, article_ids, updated_ids, topics_locked, topic_ids)
        written.citing_unresolved = self._write_related(
            batch, article_ids, updated_ids, provider_ids
        )
        if created:
            self._link_new_articles(created)
            written.created_ids = {article.pk for article in created}
        self._record_status_changes(batch, created, restored)
        # Every file's bytes, not only an article's last: two files of one article are
        # both seen next time, and neither rewrites it again.
        ImportedFile.objects.bulk_create(
            [
                ImportedFile(
                    content_hash=item.content_hash,
                    article_id=article_ids[item.record.url],
                    imported_at=self.now,
                )
                for item in batch
            ],
            ignore_conflicts=True,
        )
        if self.clusterer is None:
            cluster_articles(article_ids.values())
        else:
            written.to_cluster = list(article_ids.values())
            add_to_backlog(written.to_cluster)
        written.created = len(created)
        written.updated = len(existing)
        return written

    def keep_statistics(self):
        """Between two chunks: ANALYZE the tables once the articles have grown by as
        many again as they were at the last ANALYZE (and by at least
        ``ANALYZE_MIN_ARTICLES``), so about log2(size) times in all.

        A fresh import into an empty table otherwise plans every query of its later
        chunks from the statistics of an empty table: on PostgreSQL a one-process import
        of 12,000 files spent 28.7 CPU-seconds in the server, growing faster than the
        files, and two processes spent most of theirs in the phases one lock serializes.
        On PostgreSQL the database's counters say how much the table grew, whoever wrote
        it (``upkeep``), and one run at a time analyzes: runs in parallel share the work.
        On SQLite, where one run writes at a time, the run counts its own writes.
        """
        if connection.vendor == "postgresql":
            _, rows, analyzed_rows = changes_since_analyze(Article)
            if rows - analyzed_rows >= max(ANALYZE_MIN_ARTICLES, analyzed_rows):
                with turn_to_analyze() as mine:
                    if mine:
                        analyze(ANALYZED_MODELS)
            return
        if self.table_size is None:
            self.table_size = Article.objects.count()
        since = self.articles_written - self.analyzed_at
        if since >= max(ANALYZE_MIN_ARTICLES, self.table_size):
            analyze(ANALYZED_MODELS)
            self.table_size += since
            self.analyzed_at = self.articles_written

    def finish_run(self):
        """After the run's last batch: resolve its links that another process's articles
        now answer (PostgreSQL), and ANALYZE the tables if the run wrote enough of them
        (on PostgreSQL with a VACUUM, see ``analyze``). On PostgreSQL, a run that
        finishes while another is still writing leaves that to the other's end, which
        sees both runs' writes: the last run to finish does it, for its own writes or
        for the changes the database counts since the last ANALYZE."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                relink(self.citing_unresolved, self.created_ids)
                break
            except DatabaseError as exc:
                # Another run relinking at the same time updates the same links, in
                # its own order: a deadlock, which the next try no longer meets.
                if attempt == WRITE_ATTEMPTS or not is_transient(exc):
                    raise
        self.citing_unresolved, self.created_ids = set(), set()
        if not last_run_writing():
            return
        written = self.articles_written
        if connection.vendor == "postgresql":
            written = max(written, changes_since_analyze(Article)[0])
        if written and (written >= ANALYZE_MIN_ARTICLES or written * 10 >= Article.objects.count()):
            analyze(ANALYZED_MODELS, vacuum=True)

    # --- articles ------------------------------------------------------------------------

    def _create_articles(self, batch, existing, provider_ids):
        new_items = [item for item in batch if item.record.url not in existing]
        slugs = self._new_slugs(new_items)
        return Article.objects.bulk_create(
            [
                self._new_article(item, slugs[index], provider_ids)
                for index, item in enumerate(new_items)
            ]
        )

    def _update_articles(self, batch, existing, undecided, provider_ids):
        """Update the articles already stored, grouped by which editable fields an editor
        left to the feed, and restore an export's decision on those no editor decided
        on. Return the ids of those whose topics an editor owns, and the restores as
        ``(article id, status before, decision)``."""
        updates = {}
        topics_locked = set()
        restored = []
        for item in batch:
            record = item.record
            if record.url not in existing:
                continue
            pk, edited = existing[record.url]
            if Article.owned_in(edited, "topics"):
                topics_locked.add(pk)
            article = self._article_fields(item, provider_ids)
            article.pk = article.id = pk
            article.updated_at = self.now
            fields = tuple(FEED_OWNED_FIELDS) + tuple(
                name for name in EDITABLE_SCALARS if not Article.owned_in(edited, name)
            )
            if record.decision and record.url in undecided:
                self._apply_decision(article, record.decision)
                fields += DECISION_FIELDS
                restored.append((pk, undecided[record.url], record.decision))
            updates.setdefault(fields, []).append(article)
        for fields, articles in updates.items():
            update_rows(Article, fields, articles)
        return topics_locked, restored

    def _apply_decision(self, article, decision):
        article.status = decision.status
        article.publish_at = decision.publish_at
        article.moderated_at = decision.moderated_at or self.now

    def _link_new_articles(self, created):
        # Links elsewhere that already cite one of the new articles now point at it.
        RelatedLink.objects.filter(url__in=[a.url for a in created], target__isnull=True).update(
            target=Subquery(Article.objects.filter(url=OuterRef("url")).values("id")[:1])
        )

    def _record_status_changes(self, batch, created, restored):
        """The history of the statuses this batch set: the feed's ``published: true`` on
        a new article, and every decision restored from an export."""
        decisions = {item.record.url: item.record.decision for item in batch}
        changes = []
        for article in created:
            decision = decisions.get(article.url)
            if decision:
                changes.append(self._restore_change(article.pk, Article.Status.PENDING, decision))
            elif article.status == Article.Status.PUBLISHED:
                changes.append(
                    StatusChange(
                        article_id=article.pk,
                        from_status=Article.Status.PENDING,
                        to_status=Article.Status.PUBLISHED,
                        changed_at=self.now,
                        note=FEED_PUBLISHED_NOTE,
                    )
                )
        changes += [self._restore_change(*restore) for restore in restored]
        StatusChange.objects.bulk_create(changes)

    def _restore_change(self, article_id, from_status, decision):
        return StatusChange(
            article_id=article_id,
            from_status=from_status,
            to_status=decision.status,
            publish_at=decision.publish_at,
            changed_at=decision.moderated_at or self.now,
            note=RESTORED_NOTE,
        )

    def _new_slugs(self, items):
        bases = [slug_base(item.record.title) for item in items]
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
        if item.record.edited:  # an export's, restored (--restore-decisions)
            article.edited_fields = list(item.record.edited)
        if item.record.decision:
            self._apply_decision(article, item.record.decision)
        elif item.record.published and self.trust_published:
            article.status = Article.Status.PUBLISHED
        return article

    # --- child rows ----------------------------------------------------------------------

    def _write_images(self, batch, article_ids, updated_ids):
        """Write the batch's lead images. An updated article's image keeps its row at
        its position, changed in place if the file changed it (as related links do, so
        an editor's page opened before the refresh still names the rows it shows); the
        positions the file no longer has are deleted, the new ones inserted."""
        stored = {}  # (article id, position): (image id, IMAGE_FIELDS values)
        if updated_ids:
            for pk, article_id, position, *values in ArticleImage.objects.filter(
                article_id__in=updated_ids
            ).values_list("id", "article_id", "position", *IMAGE_FIELDS):
                stored[article_id, position] = (pk, tuple(values))
        rows, refreshed, kept = [], [], set()
        for item in batch:
            article_id = article_ids[item.record.url]
            for position, image in enumerate(item.record.images):
                values = (image.url, image.width, image.height, image.title)
                if old := stored.get((article_id, position)):
                    kept.add(old[0])
                    if old[1] != values:
                        fields = dict(zip(IMAGE_FIELDS, values, strict=True))
                        refreshed.append(ArticleImage(id=old[0], **fields))
                else:
                    rows.append((article_id, position, *values))
        delete_rows(ArticleImage, sorted(pk for pk, _ in stored.values() if pk not in kept))
        update_rows(ArticleImage, IMAGE_FIELDS, refreshed)
        insert_rows(ArticleImage, ("article_id", "position", *IMAGE_FIELDS), rows)

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
        # Two spellings of one topic (see Topics.write) give the same row twice.
        insert_rows(through, ("article_id", "topic_id"), list(dict.fromkeys(rows)))

    def _write_related(self, batch, article_ids, updated_ids, provider_ids):
        """Write the batch's related links. An updated article's link that the file
        gives again keeps its row: left as it is if the file gives it as stored (a feed
        refreshing its scores re-imports thousands of articles whose coverage did not
        change), else refreshed in place, hidden or shown as it was. So an editor's
        page opened before the refresh still names the rows it shows. The links the
        file no longer gives are deleted, and the new ones inserted."""
        hidden, shown = _stored_related(updated_ids)
        targets = _articles_by_url({link.url for item in batch for link in item.record.related})
        adapt_datetime = connection.ops.adapt_datetimefield_value
        rows, refreshed, kept = [], [], set()
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
                values = dict(zip(RELATED_COLUMNS, row, strict=True))
                values["published_at"] = link.published_at
                key = (article_id, link.url)
                if stored := shown.get(key):
                    kept.add(stored[0])
                    if stored[1] == tuple(values[name] for name in RELATED_FEED_FIELDS):
                        continue
                if pk := stored[0] if stored else hidden.get(key):
                    values.pop("is_hidden")
                    refreshed.append(RelatedLink(id=pk, **values))
                else:
                    rows.append(row)
        delete_rows(RelatedLink, sorted(pk for pk, _ in shown.values() if pk not in kept))
        insert_rows(RelatedLink, RELATED_COLUMNS, rows)
        update_rows(RelatedLink, RELATED_FEED_FIELDS, refreshed)
        return {
            article_ids[item.record.url]
            for item in batch
            if any(
                link.url not in targets and link.url not in article_ids
                for link in item.record.related
            )
        }


def _still_to_restore(record, stored):
    """Whether an export's record holds a decision its stored article lacks: its status
    (no editor decided on the article yet), or its edited fields."""
    if stored is None or not record.restores:
        return False
    _pk, edited, _hash, _status, moderated_at = stored
    if record.decision and moderated_at is None:
        return True
    return not set(record.edited) <= set(edited or ())


def _restore_publisher_decisions(records, provider_ids):
    """An export's blocks and merged domains (``--restore-decisions`` only: the importer
    drops them otherwise): a block is set, a merged domain becomes a domain alias if no
    publisher has it. Never an unblock: a block set here since stays."""
    owners = [owner for r in records for owner in (r, *r.related)]  # records and links
    blocked = sorted({provider_ids[o.domain] for o in owners if o.provider_blocked})
    if blocked:
        Provider.objects.filter(pk__in=blocked, is_blocked=False).update(is_blocked=True)
    merged = {(provider_ids[o.domain], d) for o in owners for d in o.provider_domains}
    if merged:
        taken = set(
            Provider.objects.filter(domain__in={d for _, d in merged}).values_list(
                "domain", flat=True
            )
        )
        ProviderAlias.objects.bulk_create(
            [
                ProviderAlias(provider_id=pk, kind=ProviderAlias.Kind.DOMAIN, value=domain)
                for pk, domain in sorted(merged)
                if domain not in taken
            ],
            ignore_conflicts=True,
        )


def slug_base(title):
    return slugify(title)[:SLUG_BASE_LENGTH].strip("-") or "article"


def url_lock_key(url):
    """The advisory lock key (``lock_articles``) of an article's canonical URL."""
    return f"url:{url}"


def lock_articles(records):
    """PostgreSQL: take this transaction's advisory lock on the canonical URL and the
    title slug of each record, in key order (so two batches never wait on each other
    in a circle); nothing on another database, whose writers take turns anyway."""
    if connection.vendor != "postgresql" or not records:
        return
    keys = [url_lock_key(r.url) for r in records] + [f"slug:{slug_base(r.title)}" for r in records]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM ("
            " SELECT DISTINCT hashtextextended(key, 0) AS k FROM unnest(%s::text[]) AS key"
            ") AS keys ORDER BY k",
            [keys],
        )
        cursor.fetchall()


def is_transient(exc):
    """Whether ``exc`` is a conflict with another transaction, gone on a second try."""
    return is_conflict(exc) or getattr(exc.__cause__, "sqlstate", None) == UNIQUE_VIOLATION


def relink(citing, created):
    """Point the links of the articles ``citing`` that have no target, and the links
    without one to the articles ``created``, at the article of their URL if it exists
    now, and cluster the articles they join (PostgreSQL; elsewhere writers take turns,
    and links are always resolved when written). A link written while another process
    was creating the article it cites could not see it; a link's target is the
    clustering's citation evidence.

    By article ids, which the server joins to the links: a run's unresolved URLs were
    ten times as many and took longer to send than to look up."""
    if connection.vendor != "postgresql" or not (citing or created):
        return
    link, article = RelatedLink._meta.db_table, Article._meta.db_table
    sides = (("l.article_id", sorted(citing)), ("a.id", sorted(created)))
    joined = set()
    with transaction.atomic(), connection.cursor() as cursor:
        for column, ids in sides:
            for start in range(0, len(ids), MAX_IN_PARAMS):
                cursor.execute(
                    f"UPDATE {link} AS l SET target_id = a.id FROM {article} AS a"
                    f" WHERE {column} = ANY(%s) AND l.target_id IS NULL AND l.url = a.url"
                    " AND l.article_id <> a.id RETURNING l.article_id, a.id",
                    [ids[start : start + MAX_IN_PARAMS]],
                )
                joined.update(pk for pair in cursor.fetchall() for pk in pair)
        cluster_articles(joined)


def analyze(models, vacuum=False):
    """Fresh planner statistics for the tables of ``models``.

    ``vacuum`` (PostgreSQL, outside a transaction): ``VACUUM (ANALYZE)``, which also
    marks the pages just written all-visible, so counting and sorting off an index need
    not visit the table (the review queue's bounded count of 10,000 pending articles:
    6.1 ms before, 1.3 ms after), whether or not autovacuum has caught up yet. The
    related links, the largest table, are vacuumed on a second connection beside the
    others: this is the run's last step, with nothing else left for the server to do.
    """
    quote = connection.ops.quote_name
    tables = [quote(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if vacuum and not connection.in_atomic_block:
                _vacuum_side_by_side(tables, quote(RelatedLink._meta.db_table))
            else:
                cursor.execute("ANALYZE " + ", ".join(tables))
        elif connection.vendor == "sqlite":
            # A sample of each index is enough for the planner and keeps ANALYZE quick.
            cursor.execute("PRAGMA analysis_limit = 1000")
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def _vacuum_side_by_side(tables, largest):
    """``VACUUM (ANALYZE)`` of ``tables``: ``largest`` on a connection of its own, in a
    thread, the others on this one, at the same time (at 12,000 articles the related
    links took 0.44 s and the seven others 0.49 s)."""

    def vacuum(names):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) " + ", ".join(names))

    def vacuum_on_own_connection(names):
        try:
            vacuum(names)
        finally:
            connection.close()  # this thread's own

    others = [table for table in tables if table != largest]
    if len(others) == len(tables) or not others:
        vacuum(tables)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        side = pool.submit(vacuum_on_own_connection, [largest])
        vacuum(others)
        side.result()


def _stored_related(updated_ids):
    """The related links of updated articles: the hidden ones, ``{(article id, url): link
    id}``, and the shown ones, ``{(article id, url): (link id, RELATED_FEED_FIELDS
    values)}``."""
    hidden, shown = {}, {}
    if updated_ids:
        for pk, article_id, url, is_hidden, *values in RelatedLink.objects.filter(
            article_id__in=updated_ids
        ).values_list("id", "article_id", "url", "is_hidden", *RELATED_FEED_FIELDS):
            if is_hidden:
                hidden[article_id, url] = pk
            else:
                shown[article_id, url] = (pk, tuple(values))
    return hidden, shown


def _articles_by_url(urls):
    """``{url: article id}`` for the stored articles among ``urls``."""
    urls = list(urls)
    found = {}
    for start in range(0, len(urls), MAX_IN_PARAMS):
        found.update(
            Article.objects.filter(url__in=urls[start : start + MAX_IN_PARAMS]).values_list(
                "url", "id"
            )
        )
    return found
