"""Writing articles back as seed files: ``export_seeds(directory)``.

Each article becomes ``<slug>.txt`` (slugs are unique, stable and safe as file names)
laid out like the feed's own files (see ``format``): ``---``, the fields in the feed's
order with a blank line between the blocks, ``---``. The article's own URL spelling
(``webUrl``… or ``sourceUrl``…) is kept, and so is the feed's quoting: the ``webUrl``
files quote their URLs, the ``sourceUrl`` files leave them bare; titles, excerpts and
``secured`` are always double-quoted, so ``secured`` comes back byte for byte.
``render_seed`` writes one article, a function a block.

What the file holds is what the database holds, so importing an export into an empty
database gives the same articles, publishers, topics, images and related links. The
normalisations, compared with the file first imported:

* related items that repeated another or pointed at the article itself are gone;
* a publisher has one name (its display name) and its normalised domain (no ``www.``);
* topics come out in the order they were first attached;
* ``published`` is ``true`` exactly when the article is published here and any
  scheduled time has come (a scheduled one is ``false`` until then), so a reader of
  the plain format never puts a story live early;
* an article an editor decided on (it has a ``moderated_at``), a rejected one and a
  scheduled one also get Newsroom's own keys after ``published`` (``format``):
  ``newsroomStatus``, ``newsroomPublishAt`` when it is scheduled and
  ``newsroomModeratedAt`` when an editor decided, which the importer restores. An
  article whose status is still the feed's gets none, so a feed file comes back as it
  came in;
* an editor's title, excerpt, category or topics replace the feed's;
* related links an editor hid are written too (they are feed data), marked
  ``hidden: true``, which the importer honours for links it creates;
* keys the importer does not model inside ``provider``, images or related items are
  not kept (unknown *top-level* keys are, in ``Article.feed_extra``, and come back
  after the related block);
* an article's slug comes from its title when imported into a new database, so an
  article whose title an editor changed may get a different slug there;
* the feed fields an editor changed are listed as ``newsroomEdited``, so a later feed
  file leaves them alone on the restored database too;
* a blocked publisher is marked ``newsroomBlocked: true`` inside ``provider``, and the
  domains merged into it are listed as ``newsroomDomains``: restored with
  ``--restore-decisions``, so a blocked publisher's stories stay unseen there too, and
  later imports of a merged domain land on the survivor.

A file of the same name already in the folder is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db.models import Prefetch
from django.utils import timezone

from articles.models import Article, ArticleImage, RelatedLink
from providers.models import ProviderAlias

from .format import (
    BLOCKED_KEY,
    DOMAINS_KEY,
    EDITED_KEY,
    MODERATED_AT_KEY,
    PUBLISH_AT_KEY,
    STATUS_KEY,
    URL_KEYS,
    date_text,
    literal_text,
    plain,
    quoted,
    url_quoting,
)


@dataclass
class ExportResult:
    directory: Path
    count: int = 0


def _scalar(value, url=None):
    literal = literal_text(value)
    if literal is not None:
        return literal
    return url(value) if url else quoted(str(value))


def render_seed(article, topics, images, links, now=None) -> str:
    """One article as seed-file text. ``topics`` are names; ``links`` in position order;
    ``now`` the export's time (whether a schedule has come)."""
    style = article.url_style
    keys, url = URL_KEYS[style], url_quoting(style)
    extra = dict(article.feed_extra or {})
    logos = (extra.pop("provider", None) or {}).get("images")
    lines = ["---", *_top_level_lines(article, keys, url, now or timezone.now())]
    lines += _decision_lines(article)
    lines += ["", *_provider_lines(article.provider, logos, url)]
    lines += _publisher_decision_lines(article.provider)
    if topics:
        lines += ["", "topics:", *(f"  - {plain(name)}" for name in topics)]
    if images:
        lines += ["", "images:", *_image_lines(images, url)]
    if links:
        lines += ["", "related:"]
        for link in links:
            lines += _related_lines(link, keys, url)
    if extra:
        lines += ["", *_extra_lines(extra)]
    lines += ["", f"secured: {quoted(article.secured)}", "---", ""]
    return "\n".join(lines) + "\n"


def _url_lines(owner, keys, url, pad=""):
    url_key, amp_key, cdn_key = keys
    lines = [f"{pad}{url_key}: {url(owner.source_url)}"]
    if owner.amp_url:
        lines.append(f"{pad}{amp_key}: {url(owner.amp_url)}")
    if owner.cdn_amp_url:
        lines.append(f"{pad}{cdn_key}: {url(owner.cdn_amp_url)}")
    return lines


def _top_level_lines(article, keys, url, now):
    lines = [f"category: {plain(article.category)}"] if article.category else []
    lines += [
        f"title: {quoted(article.title)}",
        f"excerpt: {quoted(article.excerpt)}",
        f"publishedDateTime: {date_text(article.published_at)}",
        *_url_lines(article, keys, url),
    ]
    if article.kind:
        lines.append(f"type: {plain(article.kind)}")
    if article.quality is not None:
        lines.append(f"quality: {article.quality}")
    lines.append(f"heat: {-1 if article.heat is None else article.heat}")
    live = article.status == Article.Status.PUBLISHED and (
        article.publish_at is None or article.publish_at <= now
    )
    lines.append(f"published: {_scalar(live)}")
    return lines


def has_decision(article):
    """Whether the article's status is more than the feed's ``published`` can say: an
    editor decided on it, or it is rejected or scheduled (a fixture can set those)."""
    return (
        article.moderated_at is not None
        or article.status == Article.Status.REJECTED
        or (article.status == Article.Status.PUBLISHED and article.publish_at is not None)
    )


def _decision_lines(article):
    """Newsroom's decision keys (``format.DECISION_KEYS``), for an article that has one,
    and the feed fields an editor changed (``format.EDITED_KEY``)."""
    lines = []
    if article.edited_fields:
        lines += [f"{EDITED_KEY}:", *(f"  - {plain(name)}" for name in article.edited_fields)]
    if not has_decision(article):
        return lines
    lines.append(f"{STATUS_KEY}: {plain(article.status)}")
    if article.status == Article.Status.PUBLISHED and article.publish_at is not None:
        lines.append(f"{PUBLISH_AT_KEY}: {date_text(article.publish_at)}")
    if article.moderated_at is not None:
        lines.append(f"{MODERATED_AT_KEY}: {date_text(article.moderated_at)}")
    return lines


def _provider_lines(provider, logos, url, pad=""):
    lines = [f"{pad}provider:", f"{pad}  name: {plain(provider.name)}"]
    lines.append(f"{pad}  domain: {plain(provider.domain)}")
    if logos:
        lines.append(f"{pad}  images:")
        for logo in logos:
            prefix = f"{pad}    - "
            for key, value in logo.items():
                lines.append(f"{prefix}{key}: {_scalar(value, url if key == 'url' else None)}")
                prefix = f"{pad}      "
    return lines


def _publisher_decision_lines(provider, pad=""):
    """The desk's decisions on a publisher (the article's or a related item's), inside
    its ``provider``: blocked, and the domains merged into it (``domain_aliases``, set by
    ``_write_files``). A publisher only ever cited keeps its block through a restore."""
    lines = []
    if provider.is_blocked:
        lines.append(f"{pad}  {BLOCKED_KEY}: true")
    if domains := getattr(provider, "domain_aliases", None):
        lines += [f"{pad}  {DOMAINS_KEY}:", *(f"{pad}    - {plain(d)}" for d in sorted(domains))]
    return lines


def _image_lines(images, url):
    lines = []
    for image in images:
        lines.append(f"  - url: {url(image.url)}")
        if image.width is not None:
            lines.append(f"    width: {image.width}")
        if image.height is not None:
            lines.append(f"    height: {image.height}")
        lines.append(f"    title: {quoted(image.title)}")
    return lines


def _related_lines(link, keys, url):
    lines = [f"  - title: {quoted(link.title)}", f"    excerpt: {quoted(link.excerpt)}"]
    if link.published_at:
        lines.append(f"    publishedDateTime: {date_text(link.published_at)}")
    lines += _url_lines(link, keys, url, pad="    ")
    if link.kind:
        lines.append(f"    type: {plain(link.kind)}")
    lines += _provider_lines(link.provider, None, url, pad="    ")
    lines += _publisher_decision_lines(link.provider, pad="    ")
    if link.quality is not None:
        lines.append(f"    quality: {link.quality}")
    if link.image_url:
        lines += ["    images:", f"      - url: {url(link.image_url)}"]
        if link.image_width is not None:
            lines.append(f"        width: {link.image_width}")
        if link.image_height is not None:
            lines.append(f"        height: {link.image_height}")
    if link.is_hidden:
        lines.append("    hidden: true")
    return lines


def _extra_lines(extra):
    lines = []
    for key, value in extra.items():
        if isinstance(value, dict) and set(value) == {"__yaml__"}:
            value = yaml.safe_load(value["__yaml__"])
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=1_000_000)
        lines.extend(dumped.rstrip("\n").split("\n"))
    return lines


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
    result = ExportResult(directory)
    now = timezone.now()
    articles = []
    for article in queryset.iterator(chunk_size=chunk_size):
        articles.append(article)
        if len(articles) >= chunk_size:
            _write_files(directory, articles, result, now)
            articles.clear()
    _write_files(directory, articles, result, now)
    return result


def _write_files(directory, articles, result, now):
    """Write one chunk of articles, their topics and publishers' merged domains fetched
    in one query each."""
    topics = {}
    for article_id, name in (
        Article.topics.through.objects.filter(article_id__in=[a.pk for a in articles])
        .order_by("id")
        .values_list("article_id", "topic__name")
    ):
        topics.setdefault(article_id, []).append(name)
    providers = [
        provider
        for article in articles
        for provider in (article.provider, *(link.provider for link in article.related_links.all()))
    ]
    merged = {}
    for provider_id, domain in ProviderAlias.objects.filter(
        kind=ProviderAlias.Kind.DOMAIN, provider_id__in={p.pk for p in providers}
    ).values_list("provider_id", "value"):
        merged.setdefault(provider_id, []).append(domain)
    for provider in providers:
        provider.domain_aliases = merged.get(provider.pk, [])
    for article in articles:
        text = render_seed(
            article,
            topics.get(article.pk, []),
            list(article.images.all()),
            list(article.related_links.all()),
            now,
        )
        (directory / export_file_name(article)).write_text(text, encoding="utf-8", newline="\n")
        result.count += 1
