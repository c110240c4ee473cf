"""Seed files for story tests: an article with a headline, an excerpt, a date and related
coverage, through the real importer."""

from datetime import UTC, datetime

from articles.models import Article
from articles.seedfiles import import_seeds
from articles.urlnorm import canonical_url

from ..seedtext import related_item, seed_record, write_seed

_files = iter(range(1, 1_000_000))


def url_of(n):
    return f"https://www.example-news.com/news/{n}/police-facial-recognition"


def record(n, title, excerpt="", when=None, related=(), **overrides):
    """A record for article ``n``; ``related`` are (URL, headline) pairs or URLs."""
    items = []
    for index, item in enumerate(related):
        url, headline = (item, None) if isinstance(item, str) else item
        entry = related_item(n * 100 + index, url=url)
        if headline is not None:
            entry["title"] = headline
            entry["excerpt"] = ""
        items.append(entry)
    rec = seed_record(
        n,
        related=0,
        title=title,
        excerpt=excerpt or f"{title}.",
        publishedDateTime=when or datetime(2020, 2, 11, 11, 37, tzinfo=UTC),
        **overrides,
    )
    rec["related"] = items
    return rec


def import_records(tmp_path, *records, chunk_size=250):
    """Write and import ``records`` (in one folder, in this order); the result."""
    folder = tmp_path / f"run{next(_files)}"
    for index, rec in enumerate(records):
        write_seed(folder, f"{index:05d}_{next(_files):016x}.txt", rec)
    result = import_seeds([folder], chunk_size=chunk_size)
    assert result.failed == 0, result.failures
    return result


def article(n):
    return Article.objects.get(url=canonical_url(url_of(n)))


def story_of(n):
    return article(n).story_id


def groups(*numbers):
    """The partition of articles ``numbers`` by story: frozensets, storyless alone."""
    out = {}
    for n in numbers:
        key = story_of(n) or f"none-{n}"
        out.setdefault(key, set()).add(n)
    return {frozenset(group) for group in out.values()}
