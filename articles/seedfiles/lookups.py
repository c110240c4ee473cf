"""Publishers and topics for one import run: cached, created in bulk, folded like the database.

``Publishers`` maps a seed's domain (or a merged publisher's old domain) to a publisher,
creating publishers and name aliases as needed; ``Topics`` maps a topic name, ignoring
case, to a topic (or to the topic a former name now means), creating it with a free
slug. Both load once, when the run first
writes, and ``remember`` only what a committed transaction wrote (the ``Written`` of
``writer``), so a chunk rolled back leaves no trace in them.

Other processes may import at the same time (``writer`` says how the articles stay
apart). A name missing from the cache is looked up before it is created; rows are
inserted in key order with ``ON CONFLICT DO NOTHING`` (``ignore_conflicts``), which waits
for another transaction inserting the same key, and then read back, so the ids are the
database's whoever inserted the rows. When a chunk fails, ``forget(records)`` drops what
the cache holds for it, so the retry reads it afresh.

An editor's choice of a publisher's name is never overwritten: another name in the feed
becomes a name alias.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.models.functions import Lower
from django.utils.text import slugify

from articles.models import Topic, TopicAlias
from providers.models import Provider, ProviderAlias

# Rows per query when looking names up.
LOOKUP_BATCH = 1000
# Rounds of "insert, read back, take another slug" before a topic is given up on.
SLUG_ROUNDS = 5


class _CachedProvider:
    __slots__ = ("id", "name", "logo_url")

    def __init__(self, id, name, logo_url):
        self.id, self.name, self.logo_url = id, name, logo_url


def _batches(values, size=LOOKUP_BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _domains(record):
    return (record.domain, *(link.domain for link in record.related))


class Publishers:
    def __init__(self):
        self.by_domain = {}  # domain (or merged domain) -> _CachedProvider
        self.name_aliases = set()  # (provider id, name)

    def load(self):
        self.by_domain = {
            domain: _CachedProvider(pk, name, logo_url)
            for pk, domain, name, logo_url in Provider.objects.values_list(
                "id", "domain", "name", "logo_url"
            )
        }
        by_id = {p.id: p for p in self.by_domain.values()}
        for provider_id, kind, value in ProviderAlias.objects.values_list(
            "provider_id", "kind", "value"
        ):
            if kind == ProviderAlias.Kind.DOMAIN:
                # A merged publisher: its domain now lands on the survivor.
                self.by_domain[value] = by_id[provider_id]
            else:
                self.name_aliases.add((provider_id, value))

    def remember(self, written):
        self.by_domain.update(written.providers)
        for provider, logo_url in written.logos:
            provider.logo_url = logo_url
        self.name_aliases |= written.name_aliases

    def forget(self, records):
        """Drop the cached publishers (and their name aliases) of ``records``."""
        dropped = {
            cached.id
            for record in records
            for domain in _domains(record)
            if (cached := self.by_domain.pop(domain, None))
        }
        self.name_aliases = {alias for alias in self.name_aliases if alias[0] not in dropped}

    def write(self, records, written):
        """Publisher ids by seed domain, creating publishers and name aliases as needed."""
        new = written.providers  # domain -> _CachedProvider, not in the cache before
        logo_updates = {}
        seen = []

        def resolve(domain, name, logo_url):
            provider = self.by_domain.get(domain) or new.get(domain)
            if provider is None:
                provider = new[domain] = _CachedProvider(None, name, logo_url)
            elif logo_url and not provider.logo_url:
                if provider.id is None:  # new to this batch: not stored yet
                    provider.logo_url = logo_url
                elif provider.id not in logo_updates:
                    logo_updates[provider.id] = (provider, logo_url)
            seen.append((provider, name))

        for record in records:
            resolve(record.domain, record.provider_name, record.logo_url)
            for link in record.related:
                resolve(link.domain, link.provider_name, "")

        if new:
            self._store(new, logo_updates)
        if logo_updates:
            Provider.objects.bulk_update(
                [Provider(id=pk, logo_url=url) for pk, (_, url) in sorted(logo_updates.items())],
                ["logo_url"],
            )
            written.logos = list(logo_updates.values())
        self._write_name_aliases(seen, written)
        ids = {domain: p.id for domain, p in new.items()}
        for record in records:
            for domain in _domains(record):
                if domain not in ids:
                    ids[domain] = self.by_domain[domain].id
        return ids

    def _store(self, new, logo_updates):
        """Give every publisher of ``new`` its stored id: the one it has (another process
        may have created it, or merged its domain into another), else a new one."""
        self._read(new, logo_updates)
        missing = sorted(domain for domain, p in new.items() if p.id is None)
        if missing:
            Provider.objects.bulk_create(
                [
                    Provider(domain=domain, name=new[domain].name, logo_url=new[domain].logo_url)
                    for domain in missing
                ],
                ignore_conflicts=True,
            )
            self._read({domain: new[domain] for domain in missing}, logo_updates)
        lost = [domain for domain in missing if new[domain].id is None]
        if lost:
            raise DatabaseError(f"publisher {lost[0]!r} could not be stored")

    @staticmethod
    def _read(providers, logo_updates):
        """Fill in the stored id, name and logo of ``providers`` (domain -> cached)."""
        found = {}
        for domains in _batches(providers):
            found.update(
                (domain, (pk, name, logo))
                for domain, pk, name, logo in Provider.objects.filter(
                    domain__in=domains
                ).values_list("domain", "id", "name", "logo_url")
            )
            merged = ProviderAlias.objects.filter(
                kind=ProviderAlias.Kind.DOMAIN, value__in=domains
            ).values_list("value", "provider_id", "provider__name", "provider__logo_url")
            found.update((domain, (pk, name, logo)) for domain, pk, name, logo in merged)
        for domain, (pk, name, stored_logo) in found.items():
            cached = providers[domain]
            if cached.logo_url and not stored_logo:
                logo_updates[pk] = (cached, cached.logo_url)
            cached.id, cached.name, cached.logo_url = pk, name, stored_logo

    def _write_name_aliases(self, seen, written):
        aliases = {
            (provider.id, name)
            for provider, name in seen
            if name != provider.name and (provider.id, name) not in self.name_aliases
        }
        if aliases:
            ProviderAlias.objects.bulk_create(
                [
                    ProviderAlias(provider_id=pk, kind=ProviderAlias.Kind.NAME, value=name[:253])
                    for pk, name in sorted(aliases)
                ],
                ignore_conflicts=True,
            )
            written.name_aliases = aliases


class Topics:
    """Topic ids by lower-case name.

    The database's ``LOWER()`` decides which names are one topic (the unique index is
    on it): PostgreSQL folds a few letters Python's ``lower()`` leaves apart ("İstanbul"
    and "istanbul"), SQLite folds only ASCII. So new names are folded by the database,
    and matched to stored topics on that folding.
    """

    def __init__(self):
        self.ids = {}  # lower-case name -> id
        self.slugs = set()

    def load(self):
        # A former name (a renamed or merged topic's) files under the topic it means
        # now, unless a topic has that name again.
        for pk, name in TopicAlias.objects.values_list("topic_id", "name"):
            self.ids[name.lower()] = pk
        for pk, name, slug in Topic.objects.values_list("id", "name", "slug"):
            self.ids[name.lower()] = pk
            self.slugs.add(slug)

    def remember(self, written):
        self.slugs.update(slug for _, slug in written.topics.values())
        self.ids.update({name: pk for name, (pk, _) in written.topics.items()})

    def forget(self, records):
        for record in records:
            for name in record.topics:
                self.ids.pop(name.lower(), None)

    def write(self, records, written):
        """Topic ids by lower-case name for every topic of ``records``, creating topics."""
        names = {}  # lower-case name -> the first spelling seen
        for record in records:
            for name in record.topics:
                key = name.lower()
                if key not in self.ids:
                    names.setdefault(key, name)
        ids = dict(self.ids)
        if names:
            found = self._store(names)
            written.topics.update(found)
            ids.update({key: pk for key, (pk, _) in found.items()})
        return ids

    def _store(self, names):
        """``{key: (id, slug)}`` for ``names``, creating the topics not stored yet."""
        folded = dict(zip(names, _db_lower(list(names.values())), strict=True))
        for _round in range(SLUG_ROUNDS):
            stored = _topics_by_folded_name(set(folded.values()))
            missing = {}  # folded name -> spelling, one per topic to create
            for key, value in folded.items():
                if value not in stored:
                    missing.setdefault(value, names[key])
            if not missing:
                return {key: stored[value] for key, value in folded.items()}
            slugs = self._free_slugs([missing[value] for value in sorted(missing)])
            Topic.objects.bulk_create(
                [Topic(name=name, slug=slug) for name, slug in slugs], ignore_conflicts=True
            )
            # A row not stored lost to another process's topic of that name (read back
            # next round) or of that slug: the slugs tried are taken either way.
            self.slugs.update(slug for _, slug in slugs)
        raise DatabaseError(f"no free slug for the topic {next(iter(missing.values()))!r}")

    def _free_slugs(self, names):
        bases = [slugify(name)[:100] or "topic" for name in names]
        self.slugs |= set(Topic.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
        result, taken = [], set(self.slugs)
        for name, base in zip(names, bases, strict=True):
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            result.append((name, slug))
        return result


def _db_lower(values):
    """The database's ``LOWER()`` of each of ``values``, in order."""
    folded = []
    with connection.cursor() as cursor:
        for batch in _batches(values):
            cast = "%s" if connection.vendor == "sqlite" else "%s::text"
            cursor.execute("SELECT " + ", ".join([f"LOWER({cast})"] * len(batch)), batch)
            folded.extend(cursor.fetchone())
    return folded


def _topics_by_folded_name(folded):
    """``{LOWER(name): (id, slug)}`` for the stored topics among ``folded``, by their
    names, else by their former names (``TopicAlias``)."""
    found = {}
    for batch in _batches(folded):
        found.update(
            (value, (pk, slug))
            for value, pk, slug in TopicAlias.objects.annotate(folded=Lower("name"))
            .filter(folded__in=batch)
            .values_list("folded", "topic_id", "topic__slug")
        )
        found.update(
            (value, (pk, slug))
            for value, pk, slug in Topic.objects.annotate(folded=Lower("name"))
            .filter(folded__in=batch)
            .values_list("folded", "id", "slug")
        )
    return found
