"""Writing articles back as seed files: ``export_seeds(directory)``.

Each article becomes ``<slug>.txt`` (slugs are unique, stable and safe as file names)
laid out like the feed's own files: ``---``, the fields in the feed's order with a blank
line between the blocks, ``---``. The article's own URL spelling (``webUrl``… or
``sourceUrl``…) is kept, and so is the feed's quoting: the ``webUrl`` files quote their
URLs, the ``sourceUrl`` files leave them bare; titles, excerpts and ``secured`` are always
double-quoted, so ``secured`` comes back byte for byte.

What the file holds is what the database holds, so importing an export into an empty
database gives the same articles, publishers, topics, images and related links. The
normalisations, compared with the file first imported:

* related items that repeated another or pointed at the article itself are gone;
* a publisher has one name (its display name) and its normalised domain (no ``www.``);
* topics come out in the order they were first attached;
* ``published`` is ``true`` exactly when the article is published here; a rejected
  article comes out as ``published: false`` (the format has no "rejected");
* an editor's title, excerpt, category or topics replace the feed's;
* related links an editor hid are written too (they are feed data), marked
  ``hidden: true``, which the importer honours for links it creates;
* keys the importer does not model inside ``provider``, images or related items are
  not kept (unknown *top-level* keys are, in ``Article.feed_extra``, and come back
  after the related block);
* an article's slug comes from its title when imported into a new database, so an
  article whose title an editor changed may get a different slug there.

A file of the same name already in the folder is overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import yaml
from django.db.models import Prefetch

from articles.models import Article, ArticleImage, RelatedLink
from articles.seeds import SOURCE, URL_KEYS

_RESOLVER = yaml.resolver.Resolver()
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0", "\\": "\\\\", '"': '\\"'}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]')
_PLAIN_START = re.compile(r"[\w(/.]")


@dataclass
class ExportResult:
    directory: Path
    count: int = 0


def _escape(match):
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def quoted(value: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def plain(value: str) -> str:
    """The value bare when YAML reads it back as the same string, else double-quoted."""
    if (
        value
        and _PLAIN_START.match(value)
        and value.isprintable()
        and value == value.strip()
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return value
    return quoted(value)


def _date(value):
    value = value.astimezone(UTC)
    if value.microsecond:
        return value.isoformat().replace("+00:00", "Z")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar(value, url=None):
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    return url(value) if url else quoted(str(value))


def render_seed(article, topics, images, links) -> str:
    """One article as seed-file text. ``topics`` are names; ``links`` in position order."""
    style = article.url_style
    url_key, amp_key, cdn_key = URL_KEYS[style]
    url = plain if style == SOURCE else quoted
    provider = article.provider
    lines = ["---"]
    add = lines.append
    if article.category:
        add(f"category: {plain(article.category)}")
    add(f"title: {quoted(article.title)}")
    add(f"excerpt: {quoted(article.excerpt)}")
    add(f"publishedDateTime: {_date(article.published_at)}")
    add(f"{url_key}: {url(article.source_url)}")
    if article.amp_url:
        add(f"{amp_key}: {url(article.amp_url)}")
    if article.cdn_amp_url:
        add(f"{cdn_key}: {url(article.cdn_amp_url)}")
    if article.kind:
        add(f"type: {plain(article.kind)}")
    if article.quality is not None:
        add(f"quality: {article.quality}")
    add(f"heat: {-1 if article.heat is None else article.heat}")
    add(f"published: {_scalar(article.status == Article.Status.PUBLISHED)}")

    add("")
    add("provider:")
    add(f"  name: {plain(provider.name)}")
    add(f"  domain: {plain(provider.domain)}")
    extra = dict(article.feed_extra or {})
    logos = (extra.pop("provider", None) or {}).get("images")
    if logos:
        add("  images:")
        for logo in logos:
            prefix = "    - "
            for key, value in logo.items():
                add(f"{prefix}{key}: {_scalar(value, url if key == 'url' else None)}")
                prefix = "      "

    if topics:
        add("")
        add("topics:")
        lines.extend(f"  - {plain(name)}" for name in topics)

    if images:
        add("")
        add("images:")
        for image in images:
            add(f"  - url: {url(image.url)}")
            if image.width is not None:
                add(f"    width: {image.width}")
            if image.height is not None:
                add(f"    height: {image.height}")
            add(f"    title: {quoted(image.title)}")

    if links:
        add("")
        add("related:")
        for link in links:
            add(f"  - title: {quoted(link.title)}")
            add(f"    excerpt: {quoted(link.excerpt)}")
            if link.published_at:
                add(f"    publishedDateTime: {_date(link.published_at)}")
            add(f"    {url_key}: {url(link.source_url)}")
            if link.amp_url:
                add(f"    {amp_key}: {url(link.amp_url)}")
            if link.cdn_amp_url:
                add(f"    {cdn_key}: {url(link.cdn_amp_url)}")
            if link.kind:
                add(f"    type: {plain(link.kind)}")
            add("    provider:")
            add(f"      name: {plain(link.provider.name)}")
            add(f"      domain: {plain(link.provider.domain)}")
            if link.quality is not None:
                add(f"    quality: {link.quality}")
            if link.image_url:
                add("    images:")
                add(f"      - url: {url(link.image_url)}")
                if link.image_width is not None:
                    add(f"        width: {link.image_width}")
                if link.image_height is not None:
                    add(f"        height: {link.image_height}")
            if link.is_hidden:
                add("    hidden: true")

    if extra:
        add("")
        for key, value in extra.items():
            if isinstance(value, dict) and set(value) == {"__yaml__"}:
                value = yaml.safe_load(value["__yaml__"])
            dumped = yaml.safe_dump(
                {key: value}, allow_unicode=True, sort_keys=False, width=1_000_000
            )
            lines.extend(dumped.rstrip("\n").split("\n"))

    add("")
    add(f"secured: {quoted(article.secured)}")
    add("---")
    add("")
    return "\n".join(lines) + "\n"


def export_file_name(article) -> str:
    if len(article.slug) > 200:
        return f"{article.slug[:200]}-{article.pk}.txt"
    return f"{article.slug}.txt"


def export_seeds(directory, queryset=None, *, chunk_size=500) -> ExportResult:
    """Write every article of ``queryset`` (default: all) into ``directory`` as a seed."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    queryset = (Article.objects.all() if queryset is None else queryset).order_by("id")
    queryset = queryset.select_related("provider").prefetch_related(
        Prefetch("images", queryset=ArticleImage.objects.order_by("position")),
        Prefetch(
            "related_links",
            queryset=RelatedLink.objects.select_related("provider").order_by("position", "id"),
        ),
    )
    through = Article.topics.through
    result = ExportResult(directory)
    articles = []

    def flush():
        topics = {}
        for article_id, name in (
            through.objects.filter(article_id__in=[a.pk for a in articles])
            .order_by("id")
            .values_list("article_id", "topic__name")
        ):
            topics.setdefault(article_id, []).append(name)
        for article in articles:
            text = render_seed(
                article,
                topics.get(article.pk, []),
                list(article.images.all()),
                list(article.related_links.all()),
            )
            (directory / export_file_name(article)).write_text(text, encoding="utf-8", newline="\n")
            result.count += 1
        articles.clear()

    for article in queryset.iterator(chunk_size=chunk_size):
        articles.append(article)
        if len(articles) >= chunk_size:
            flush()
    flush()
    return result
