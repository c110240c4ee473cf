"""Publishers and topics for one import run: cached, created in bulk, folded like the database.

``Publishers`` maps a seed's domain (or a merged publisher's old domain) to a publisher,
creating publishers and name aliases as needed; ``Topics`` maps a topic name, ignoring
case, to a topic, creating it with a free slug. Both load once, when the run first
writes, and ``remember`` only what a committed transaction wrote (the ``Written`` of
``writer``), so a chunk rolled back leaves no trace in them.

An editor's choice of a publisher's name is never overwritten: another name in the feed
becomes a name alias.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.functions import Lower
from django.utils.text import slugify

from articles.models import Topic
from providers.models import Provider, ProviderAlias


class _CachedProvider:
    __slots__ = ("id", "name", "logo_url")

    def __init__(self, id, name, logo_url):
        self.id, self.name, self.logo_url = id, name, logo_url


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

    def write(self, records, written):
        """Publisher ids by seed domain, creating publishers and name aliases as needed."""
        new = written.providers
        logo_updates = {}
        seen = []

        def resolve(domain, name, logo_url):
            provider = self.by_domain.get(domain) or new.get(domain)
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
        self._write_name_aliases(seen, written)
        ids = {domain: p.id for domain, p in new.items()}
        for record in records:
            for domain in (record.domain, *(link.domain for link in record.related)):
                if domain not in ids:
                    ids[domain] = self.by_domain[domain].id
        return ids

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
                    for pk, name in aliases
                ],
                ignore_conflicts=True,
            )
            written.name_aliases = aliases


class Topics:
    def __init__(self):
        self.ids = {}  # lower-case name -> id
        self.slugs = set()

    def load(self):
        for pk, name, slug in Topic.objects.values_list("id", "name", "slug"):
            self.ids[name.lower()] = pk
            self.slugs.add(slug)

    def remember(self, written):
        self.slugs.update(slug for _, slug in written.topics.values())
        self.ids.update({name: pk for name, (pk, _) in written.topics.items()})

    def write(self, records, written):
        """Topic ids by lower-case name for every topic of ``records``, creating topics."""
        new = self._new_names(records)
        ids = dict(self.ids)
        same_as = {}  # key -> key of the new topic the database folds it onto
        if connection.vendor != "sqlite":
            self._reuse_folded(new, ids, written)
            same_as = self._fold_together(new)
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

    def _new_names(self, records):
        """lower-case name -> (name, free slug) for the names no topic has yet."""
        new, new_slugs = {}, set()
        for record in records:
            for name in record.topics:
                key = name.lower()
                if key not in self.ids and key not in new:
                    base = slugify(name)[:100] or "topic"
                    slug, n = base, 2
                    while slug in self.slugs or slug in new_slugs:
                        slug, n = f"{base}-{n}", n + 1
                    new[key] = (name, slug)
                    new_slugs.add(slug)
        return new

    @staticmethod
    def _reuse_folded(new, ids, written):
        """PostgreSQL's LOWER() folds a few letters Python's lower() leaves apart
        ("İstanbul" and "istanbul"), so a name new to the cache may already be taken
        under the unique LOWER(name): file the article under that topic instead.
        One query for every 10,000 names."""
        keys = list(new)
        folded = _pg_lower([new[key][0] for key in keys])
        taken = {}
        for start in range(0, len(folded), 10_000):
            rows = (
                Topic.objects.annotate(folded=Lower("name"))
                .filter(folded__in=folded[start : start + 10_000])
                .order_by("pk")
                .values_list("folded", "pk", "slug")
            )
            for value, pk, slug in rows:
                taken.setdefault(value, (pk, slug))
        for key, value in zip(keys, folded, strict=True):
            if value in taken:
                ids[key] = taken[value][0]
                written.topics[key] = taken[value]
                del new[key]

    @staticmethod
    def _fold_together(new):
        """Two new names the database folds together become one topic, the first."""
        if len(new) <= 1:
            return {}
        folded = _pg_lower([name for name, _slug in new.values()])
        same_as, first = {}, {}
        for key, value in zip(list(new), folded, strict=True):
            if value in first:
                same_as[key] = first[value]
                del new[key]
            else:
                first[value] = key
        return same_as


def _pg_lower(names):
    """PostgreSQL's LOWER() of each name, in one query whatever their number (a SELECT
    list of one column per name stops at 1,664)."""
    if not names:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT LOWER(name) FROM unnest(%s::text[]) WITH ORDINALITY AS t(name, n) ORDER BY n",
            [list(names)],
        )
        return [row[0] for row in cursor.fetchall()]
