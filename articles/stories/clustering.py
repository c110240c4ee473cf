"""Story membership, kept up to date at import: ``cluster_articles(ids)``.

The writer calls it once per written chunk with the ids of the articles it created or
updated: inside the chunk's transaction, or on PostgreSQL in a transaction of its own
right after the chunk commits, beside the import (``background``). It indexes their
significant words (``StoryTerm``), gathers the evidence that two articles tell one
event, and joins their stories (a union, so a chain of evidence makes one story).
Evidence, strongest first:

1. **Citation.** One lists the other (our article, by its canonical URL) as related
   coverage, either way round.
2. **A shared related URL** that is not a hub: listed by at most ``STORY_HUB_LINKS``
   articles (a homepage or a section page, listed by very many, joins nothing), and
   on topic for both: the related item's headline shares a significant word with each
   article (the feed sometimes lists an unrelated item, a game guide under a
   police story: it joins nothing either).
3. **Close headlines** within ``STORY_WINDOW_DAYS``: at least ``MIN_SHARED_TERMS``
   shared significant words, weighing at least ``MIN_TEXT_SCORE`` of the smaller
   article's words (headline words count double); a word used by a tenth of all
   articles, by more than ``FETCH_CAP``, or by more than ``STORY_TERM_CAP`` articles
   of the window is too common to count, for or against. When both
   articles name places, people or organisations, they must share one: two earthquakes
   "off the coast of" Japan and of Chile are two stories.

All three count only between articles published within ``STORY_WINDOW_DAYS`` of each
other: coverage listed months apart is background, not the same event. Hidden related
links (an editor's judgement that they are not coverage) are no evidence.

**Cost.** A fixed number of queries per chunk whatever the size of the table, each
through an index: related links by article, by target and by URL, terms by (term, date)
within the window. How many articles use each word is kept in ``StoryWord`` (moved per chunk),
and a word's rows are read only if it is not common, at most ``FETCH_CAP`` of them, so
the rows read per chunk are bounded too. The URLs a chunk lists go to the database as
subqueries, not lists of thousands of parameters; the counts of a URL's articles come
from ``relatedlink_url_idx`` alone; other articles' words are read only where they can
make an edge (on topic, within the window).

**Editors' decisions** (``articles.stories.editing``) are kept:

* an article an editor placed (``Article.story_pinned``) is never moved, and one an
  editor took out of any story is never put back in one;
* a story is *curated* once an editor gave it a title or a lead, or placed any of its
  members; two curated stories are never merged by evidence, so a story an editor split
  stays split when the same files are imported again (a split pins both halves). A
  curated story merged with others keeps its id, title and lead.

Otherwise merging keeps the oldest story (lowest id), and a new story's slug is made
from a hash of its first member's URL, so it never reveals an unpublished headline.

**Concurrency.** On PostgreSQL the clustering of a chunk takes one advisory lock held to
the end of its transaction, before it reads anything, so chunks of parallel imports
cluster one after the other, each seeing the articles the others committed. Even the
chunk's own articles are read under it: a chunk clustered after it committed (in the
background, ``articles.stories.background``) holds no lock on its rows, and another
import's ``relink`` may cluster some of them at the same moment. Membership then depends
on the order of arrival only where a related URL or a word crosses its threshold
(``STORY_HUB_LINKS``, ``STORY_TERM_CAP``) during the run; story ids and slugs depend on
which member came first.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, IntegerField, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from articles.bulk import MAX_IN_PARAMS, insert_rows, placeholders, update_rows
from articles.models import (
    Article,
    ArticleTerms,
    RelatedLink,
    Story,
    StoryBacklog,
    StoryTerm,
    StoryWord,
)
from articles.pagecache import content_changed

from .terms import Term, headline_terms, significant_terms

MIN_SHARED_TERMS = 3
MIN_TEXT_SCORE = 0.5
# StoryTerm's key, in its order.
KEY_FIELDS = ("term", "published_at", "article")
# pg_advisory_xact_lock key of the clustering step ("stories" in ASCII).
LOCK_KEY = 0x73746F72696573

CITATION, SHARED_LINK, CLOSE_TEXT = 0, 1, 2
# StoryWord's row for this (empty) term counts the articles indexed (ArticleTerms rows),
# so "common" can mean a share of them.
ARTICLE_MARK = ""
# A word is common when this share of all articles use it (and more than MIN_COMMON),
# or more than FETCH_CAP do (its rows are then never read), or more than
# settings.STORY_TERM_CAP articles of an article's window.
COMMON_SHARE = 0.1
MIN_COMMON = 10
FETCH_CAP = 2000


class Member(NamedTuple):
    """What clustering needs to know of an article."""

    id: int
    url: str
    story_id: int | None
    pinned: bool
    published_at: object = None


@dataclass
class ClusterResult:
    joined: int = 0  # articles put into a story
    created: int = 0  # new stories
    merged: int = 0  # stories merged into another

    def __bool__(self):
        return bool(self.joined or self.created or self.merged)


def cluster_articles(article_ids) -> ClusterResult:
    """Index and cluster the articles ``article_ids`` (see the module's docstring)."""
    ids = sorted(set(article_ids))
    if not ids or not settings.STORY_CLUSTERING:
        return ClusterResult()
    # Everything under the lock, the articles' own terms and stories included: another
    # process may be clustering the same articles (an import's ``relink`` clusters the
    # articles it joined, which may be another import's, committed and waiting for that
    # import's background clustering), and both would write their terms.
    lock_stories()
    rows = (
        Article.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("id", "url", "title", "excerpt", "published_at", "story_id", "story_pinned")
    )
    members, dates, terms = {}, {}, {}
    for pk, url, title, excerpt, published_at, story_id, pinned in rows:
        members[pk] = Member(pk, url, story_id, pinned, published_at)
        dates[pk] = published_at
        terms[pk] = significant_terms(title, excerpt)
    count_words(write_terms(terms, dates))
    window = timedelta(days=settings.STORY_WINDOW_DAYS)
    evidence = (
        _citations(members) + _shared_links(members, terms) + _close_texts(members, terms, dates)
    )
    edges = [
        edge for edge in evidence if abs(edge[3].published_at - edge[4].published_at) <= window
    ]
    result = _join(members, edges)
    if result:
        content_changed()
    return result


def lock_stories():
    """PostgreSQL: one chunk clusters at a time, to the end of its transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def write_terms(terms, dates):
    """Replace the words of the articles of ``terms`` in the index (``ArticleTerms`` and
    ``StoryTerm``); return by how much each word's ``StoryWord`` count moves
    (``count_words``). An article whose words and date are those stored is left as it is:
    a feed refreshing its scores re-imports thousands whose headlines did not change."""
    delta = Counter()
    changed = dict(terms)
    old = {}  # article id: (the date its rows carry, its terms), for those that changed
    for batch in _batches(terms):
        for pk, when, words in ArticleTerms.objects.filter(article_id__in=batch).values_list(
            "article_id", "published_at", "terms"
        ):
            stored = decode_terms(words)
            if when == dates[pk] and stored == terms[pk]:
                del changed[pk]
            else:
                old[pk] = (when, list(stored))
    if old:
        _delete_index_rows(old)
        ArticleTerms.objects.filter(article_id__in=list(old)).delete()
        for _, words in old.values():
            delta.subtract(words)
        delta[ARTICLE_MARK] -= len(old)
    adapt = connection.ops.adapt_datetimefield_value
    sets, rows = [], []
    for pk, article_terms in changed.items():
        when = adapt(dates[pk])
        sets.append((pk, when, encode_terms(article_terms)))
        rows += [(term, when, pk) for term in article_terms]
        delta.update(article_terms.keys())
    delta[ARTICLE_MARK] += len(changed)
    insert_rows(ArticleTerms, ("article_id", "published_at", "terms"), sets)
    insert_rows(StoryTerm, ("term", "published_at", "article_id"), rows)
    return delta


def encode_terms(article_terms):
    """``ArticleTerms.terms`` for ``{term: Term}``: JSON ``{term: [weight, is_name]}``."""
    encoded = {term: [info.weight, int(info.is_name)] for term, info in article_terms.items()}
    return json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))


def decode_terms(text):
    """``{term: Term}`` from ``ArticleTerms.terms``."""
    return {term: Term(weight, bool(name)) for term, (weight, name) in json.loads(text).items()}


def _delete_index_rows(old):
    """Delete the ``StoryTerm`` rows of ``old`` (``{article id: (date, terms)}``) by their
    keys, a seek each: the table has no index by article. On PostgreSQL in one ``DELETE
    ... USING unnest(...)``, elsewhere one single-row statement a key: Django's ``pk__in``
    of composite keys built an expression for each value and took 9 s to delete the
    words of 3,000 articles."""
    adapt = connection.ops.adapt_datetimefield_value
    keys = sorted((term, adapt(when), pk) for pk, (when, words) in old.items() for term in words)
    if not keys:
        return
    quote = connection.ops.quote_name
    table = quote(StoryTerm._meta.db_table)
    columns = [quote(StoryTerm._meta.get_field(name).column) for name in KEY_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"DELETE FROM {table} USING unnest(%s::text[], %s::timestamptz[], %s::bigint[])"
                f" AS old ({', '.join(columns)}) WHERE "
                + " AND ".join(f"{table}.{column} = old.{column}" for column in columns),
                [list(column) for column in zip(*keys, strict=True)],
            )
        else:
            cursor.executemany(
                f"DELETE FROM {table} WHERE " + " AND ".join(f"{c} = %s" for c in columns), keys
            )


def count_words(delta):
    """Move the ``StoryWord`` counts by ``delta`` (``{term: change}``), in a few
    statements. Under the lock: every chunk moves the count of ``ARTICLE_MARK``, whose
    row lock would otherwise be taken before the advisory lock by one process and after
    it by another."""
    words = connection.ops.quote_name(StoryWord._meta.db_table)
    changed = sorted((term, n) for term, n in delta.items() if n)
    per_statement = MAX_IN_PARAMS // 2
    with connection.cursor() as cursor:
        for start in range(0, len(changed), per_statement):
            batch = changed[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {words} (term, articles)"
                f" VALUES {', '.join(['(%s, %s)'] * len(batch))}"
                f" ON CONFLICT (term) DO UPDATE"
                f" SET articles = {words}.articles + excluded.articles",
                [v for pair in batch for v in pair],
            )


def refresh_word_counts():
    """Count every word's articles again from the index (after deletions, say)."""
    quote = connection.ops.quote_name
    terms, words = quote(StoryTerm._meta.db_table), quote(StoryWord._meta.db_table)
    sets = quote(ArticleTerms._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {words}")
        cursor.execute(
            f"INSERT INTO {words} (term, articles) SELECT term, COUNT(*) FROM {terms} GROUP BY term"
        )
        cursor.execute(
            f"INSERT INTO {words} (term, articles) SELECT %s, COUNT(*) FROM {sets}", [ARTICLE_MARK]
        )


def _batches(values):
    values = sorted(values)
    for start in range(0, len(values), MAX_IN_PARAMS):
        yield values[start : start + MAX_IN_PARAMS]


def _edge(kind, a, b):
    return (kind, min(a.id, b.id), max(a.id, b.id), a, b)


# --- evidence --------------------------------------------------------------------------


def _citations(members):
    """Edges between our articles where one lists the other, either way round: the
    shown links whose ``target`` is one of the chunk's articles or that one of them
    lists with a ``target``. The writer resolves a link's target as it writes it (and
    points older links at an article it creates); a link another import process wrote
    meanwhile is resolved by ``relink`` at the end of the run, which clusters it then."""
    shown = RelatedLink.objects.filter(is_hidden=False).order_by()
    ids = list(members)
    other = ("url", "story_id", "story_pinned", "published_at")
    cites = shown.filter(article_id__in=ids, target__isnull=False).values_list(
        "article_id", "target_id", *(f"target__{name}" for name in other)
    )
    cited = shown.filter(target_id__in=ids).values_list(
        "target_id", "article_id", *(f"article__{name}" for name in other)
    )
    edges = []
    for query in (cites, cited):
        for mine, pk, *article in query:
            edges.append(_edge(CITATION, members[mine], members.get(pk) or Member(pk, *article)))
    return edges


def _shared_links(members, terms):
    """Edges between articles listing one related URL that is neither a hub nor off topic."""
    shown = RelatedLink.objects.filter(is_hidden=False).order_by()
    own = shown.filter(article_id__in=list(members)).values("url")
    shared = (
        shown.filter(url__in=own)
        .values("url")
        .annotate(n=Count("article_id", distinct=True))
        .filter(n__range=(2, settings.STORY_HUB_LINKS))
        .values("url")
    )
    sharers = defaultdict(list)  # url: [(Member, the item's words)]
    for url, pk, title, *article in shown.filter(url__in=shared).values_list(
        "url",
        "article_id",
        "title",
        "article__url",
        "article__story_id",
        "article__story_pinned",
        "article__published_at",
    ):
        member = members.get(pk) or Member(pk, *article)
        sharers[url].append((member, headline_terms(title)))
    words = {pk: set(article_terms) for pk, article_terms in terms.items()}
    # A URL joins something only if one of the chunk's articles lists it on topic, and
    # only with the articles published within the window of one of those: the words of
    # the other articles are read for those alone.
    window = timedelta(days=settings.STORY_WINDOW_DAYS)
    mine = {}  # url: the chunk's articles listing it on topic
    for url, listed in sharers.items():
        if on_topic := [m for m, item in listed if m.id in members and item & words[m.id]]:
            mine[url] = on_topic
    useful = sorted(mine)
    others = {
        m.id
        for url, on_topic in mine.items()
        for m, _ in sharers[url]
        if m.id not in members
        and any(abs(m.published_at - o.published_at) <= window for o in on_topic)
    }
    for batch in _batches(others):
        for pk, article_terms in ArticleTerms.objects.filter(article_id__in=batch).values_list(
            "article_id", "terms"
        ):
            words.setdefault(pk, set()).update(decode_terms(article_terms))
    edges = []
    for url in useful:
        on_topic = [m for m, item in sharers[url] if item & words.get(m.id, set())]
        for member in on_topic:
            if member.id in members:
                edges += [_edge(SHARED_LINK, member, o) for o in on_topic if o.id != member.id]
    return edges


def _close_texts(members, terms, dates):
    """Edges between articles whose headlines and excerpt leads are close in the window."""
    window = timedelta(days=settings.STORY_WINDOW_DAYS)
    cap = settings.STORY_TERM_CAP
    wanted = {term for article_terms in terms.values() for term in article_terms}
    if not wanted:
        return []
    wanted.add(ARTICLE_MARK)
    # Dates as stored, unparsed: thousands of rows a chunk, which would be parsed one by
    # one. On SQLite the stored text (naive UTC, ISO order), on PostgreSQL the driver's.
    stored = connection.ops.adapt_datetimefield_value
    date = "published_at" if connection.vendor == "postgresql" else "CAST(published_at AS text)"
    low, high = stored(min(dates.values()) - window), stored(max(dates.values()) + window)
    quote = connection.ops.quote_name
    words, index = quote(StoryWord._meta.db_table), quote(StoryTerm._meta.db_table)
    counts = {}
    postings = defaultdict(list)  # term: sorted [(date, article id)]
    with connection.cursor() as cursor:
        for batch in _batches(wanted):
            cursor.execute(
                f"SELECT term, articles FROM {words} WHERE term IN ({placeholders(batch)})",
                batch,
            )
            counts.update(cursor.fetchall())
        # A word a tenth of all articles use (more than MIN_COMMON), or more than
        # FETCH_CAP, is common everywhere: its rows are never read.
        everywhere = min(FETCH_CAP, max(MIN_COMMON, COMMON_SHARE * counts.pop(ARTICLE_MARK, 0)))
        fetch = [term for term, n in counts.items() if n <= everywhere]
        for batch in _batches(fetch):
            cursor.execute(
                f"SELECT article_id, term, {date} FROM {index}"
                f" WHERE term IN ({placeholders(batch)}) AND published_at BETWEEN %s AND %s",
                [*batch, low, high],
            )
            for pk, term, when in cursor.fetchall():
                postings[term].append((when, pk))
    for entries in postings.values():
        entries.sort()
    # For each chunk article, the other articles sharing enough of its uncommon words.
    shared_by, common = {}, {}
    too_common = set(counts) - set(fetch)
    for pk, article_terms in terms.items():
        start, end = stored(dates[pk] - window), stored(dates[pk] + window)
        counts = defaultdict(list)
        common[pk] = set(too_common)
        for term in article_terms:
            entries = postings.get(term)
            if not entries:
                continue
            lo = bisect.bisect_left(entries, (start, 0))
            hi = bisect.bisect_right(entries, (end, float("inf")))
            if hi - lo > cap:
                common[pk].add(term)
                continue
            for _, other in entries[lo:hi]:
                if other != pk:
                    counts[other].append(term)
        shared_by[pk] = {o: ts for o, ts in counts.items() if len(ts) >= MIN_SHARED_TERMS}
    candidates = {o for found in shared_by.values() for o in found} - set(members)
    other_terms, others = {}, {}
    for batch in _batches(candidates):
        for pk, article_terms in ArticleTerms.objects.filter(article_id__in=batch).values_list(
            "article_id", "terms"
        ):
            other_terms[pk] = decode_terms(article_terms)
        for pk, *article in (
            Article.objects.filter(pk__in=batch)
            .order_by()
            .values_list("id", "url", "story_id", "story_pinned", "published_at")
        ):
            others[pk] = Member(pk, *article)
    edges = []
    for pk, found in shared_by.items():
        for other, shared in found.items():
            mine = terms[pk]
            theirs = terms.get(other) or other_terms.get(other)
            member = members.get(other) or others.get(other)
            if not theirs or member is None:
                continue
            if texts_close(mine, theirs, shared, common[pk]):
                edges.append(_edge(CLOSE_TEXT, members[pk], member))
    return edges


def texts_close(mine, theirs, shared, common=frozenset()):
    """Whether two articles' terms (``{term: Term}``) tell one event, given the uncommon
    ``shared`` terms and the ``common`` ones, which weigh nothing (see the module's
    docstring, evidence 3)."""
    shared_weight = sum(min(mine[t].weight, theirs[t].weight) for t in shared)
    smaller = min(
        sum(info.weight for t, info in mine.items() if t not in common),
        sum(info.weight for t, info in theirs.items() if t not in common),
    )
    if not smaller or shared_weight / smaller < MIN_TEXT_SCORE:
        return False
    my_names = {t for t, info in mine.items() if info.is_name}
    their_names = {t for t, info in theirs.items() if info.is_name}
    if my_names and their_names:
        return bool(my_names & set(theirs) or their_names & set(mine))
    return True


# --- joining ---------------------------------------------------------------------------


def _node(member):
    """An article's place in the union: its story, itself, or nowhere (an editor took it
    out of every story)."""
    if member.story_id:
        return ("story", member.story_id)
    if member.pinned:
        return None
    return ("article", member.id)


def _join(members, edges) -> ClusterResult:
    result = ClusterResult()
    if not edges:
        return result
    nodes = {}
    for edge in edges:
        for member in edge[3:]:
            nodes.setdefault(member.id, member)
    story_ids = {m.story_id for m in nodes.values() if m.story_id}
    curated = set()
    if story_ids:
        curated = set(
            Story.objects.filter(pk__in=story_ids)
            .exclude(title="", lead__isnull=True)
            .values_list("pk", flat=True)
        )
        curated |= set(
            Article.objects.filter(story_id__in=story_ids, story_pinned=True)
            .values_list("story_id", flat=True)
            .distinct()
        )
    parent, holds = {}, {}  # union-find; root: the curated story it holds

    def find(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for node in {_node(m) for m in nodes.values()} - {None}:
        find(node)
        holds[node] = node[1] if node[0] == "story" and node[1] in curated else None
    for _, _, _, a, b in sorted(edges, key=lambda e: e[:3]):
        na, nb = _node(a), _node(b)
        if na is None or nb is None:
            continue
        ra, rb = find(na), find(nb)
        if ra == rb or (holds[ra] and holds[rb]):
            continue
        parent[rb] = ra
        holds[ra] = holds[ra] or holds[rb]

    groups = defaultdict(list)
    for node in parent:
        groups[find(node)].append(node)
    urls = {m.id: m.url for m in nodes.values()}
    assign = defaultdict(list)  # story id or a new story's slug: article ids
    moved = {}  # merged story: survivor
    new_slugs = {}
    for root, group in groups.items():
        if len(group) < 2:
            continue
        stories = sorted(n[1] for n in group if n[0] == "story")
        articles = sorted(n[1] for n in group if n[0] == "article")
        survivor = holds[root] or (stories[0] if stories else None)
        if survivor is None:
            first = min(articles, key=lambda pk: urls[pk])
            survivor = new_slugs[first] = story_slug(urls[first])
        assign[survivor] += articles
        moved.update({s: survivor for s in stories if s != survivor})
    touched = [story for story in assign if isinstance(story, int)]
    if new_slugs:
        taken = set(
            Story.objects.filter(slug__in=list(new_slugs.values())).values_list("slug", flat=True)
        )
        fresh = {
            slug: f"{slug}-{first}" if slug in taken else slug for first, slug in new_slugs.items()
        }
        created = Story.objects.bulk_create(
            [Story(slug=fresh[slug]) for slug in new_slugs.values()]
        )
        ids = {slug: story.pk for slug, story in zip(new_slugs.values(), created, strict=True)}
        assign = {ids.get(key, key): value for key, value in assign.items()}
        result.created = len(created)
    result.joined = place_articles(assign)
    # A story's date moves only for what readers see: a published article joining it, or
    # a merged story's published members. A pending one joining changes no public page,
    # and the date is public (the story page's JSON-LD, the stories sitemap).
    shown = set()
    if moved:
        visible = Article.objects.published().filter(story_id__in=list(moved))
        shown = {moved[pk] for pk in visible.values_list("story_id", flat=True).distinct()}
        result.joined += Article.objects.filter(story_id__in=list(moved)).update(
            story_id=Case(
                *(When(story_id=old, then=Value(new)) for old, new in moved.items()),
                output_field=IntegerField(),
            )
        )
        Story.objects.filter(pk__in=list(moved)).delete()
        result.merged = len(moved)
    if touched:
        joined = [pk for story in touched for pk in assign[story]]
        shown |= set(
            Article.objects.published().filter(pk__in=joined).values_list("story_id", flat=True)
        )
        if dated := [story for story in touched if story in shown]:
            Story.objects.filter(pk__in=dated).update(updated_at=timezone.now())
    return result


def place_articles(assign):
    """Put the articles of ``assign`` (``{story id: [article ids]}``) into their stories,
    in one statement on PostgreSQL (``update_rows``): the number of articles placed."""
    placed = [Article(pk=pk, story_id=story) for story, pks in assign.items() for pk in pks]
    update_rows(Article, ["story"], sorted(placed, key=lambda article: article.pk))
    return len(placed)


def story_slug(url):
    """A new story's slug: no headline in it, since its first member may be unpublished,
    and keyed with ``SECRET_KEY``: a plain hash of that member's URL let anyone confirm a
    guessed URL of an unpublished article against a public slug. The same in every
    process of one site, which share the key."""
    return "story-" + salted_hmac("newsroom.story-slug", url, algorithm="sha256").hexdigest()[:12]


def cluster_all(chunk_size=250, progress=None) -> ClusterResult:
    """Index and cluster every article, oldest first, a chunk per transaction: what the
    imports would have built had clustering been on (``manage.py cluster_stories``)."""
    from django.db import transaction

    total = ClusterResult()
    with transaction.atomic():
        lock_stories()
        refresh_word_counts()
        # What imports left for their background clustering is part of this pass.
        StoryBacklog.objects.all().delete()
    ids = list(Article.objects.order_by("published_at", "id").values_list("id", flat=True))
    for start in range(0, len(ids), chunk_size):
        with transaction.atomic():
            result = cluster_articles(ids[start : start + chunk_size])
        total.joined += result.joined
        total.created += result.created
        total.merged += result.merged
        if progress:
            progress(min(start + chunk_size, len(ids)), len(ids))
    return total
