"""Reading and checking one seed file, with no database access.

``load_seed(data)`` turns the bytes of a seed file into a ``SeedRecord`` of plain Python
values, or raises ``SeedError`` saying what is wrong and, where it can tell, on which line.
Everything here is pure so the importer can validate a whole chunk of files before it
writes anything, and ``--dry-run`` can validate without a database write.

``parse_seed`` reads the YAML (through ``yamlload``); ``build_record`` checks it block by
block (top level, publisher, topics, images, related items, unknown keys), each value
through ``checks``, with the key names of ``format``.

Policy (the format is described in fixtures/README.md):

* A bad top-level field (missing title or URL, a URL that is not http(s), a date that is
  not a date, a ``quality`` that is not an integer, a value of the wrong shape) rejects
  the whole file.
* A bad *item* in a list (a related item, an image, a publisher logo) is dropped with a
  warning naming its number; the article still imports.
* Limits (``Limits``, from the ``SEED_MAX_*`` settings) never lose a file; each breach is
  one warning naming the setting. Related items, topics and images past their count are
  dropped; a title longer than its column (500) or an excerpt longer than
  ``SEED_MAX_EXCERPT`` is cut on a word boundary; a ``publishedDateTime`` (the article's
  or a related item's) more than ``SEED_MAX_FUTURE_HOURS`` after the import is set to the
  import time, so a feed cannot pin a story to the top of the front page.
* Newsroom's own decision keys (``newsroomStatus``, ``newsroomPublishAt``,
  ``newsroomModeratedAt``, written by the exporter) become ``SeedRecord.decision``; an
  invalid one rejects the file, as a bad top-level field does. Feed files have none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import yaml

from articles.urlnorm import canonical_url, is_http_url

from . import checks
from .checks import MAX_PROVIDER_NAME, MAX_SHORT, MAX_TITLE, MAX_TOPIC, MAX_URL, type_name
from .format import (
    BLOCKED_KEY,
    DECISION_KEYS,
    DECISION_STATUSES,
    DOMAINS_KEY,
    EDITABLE_FIELDS,
    EDITED_KEY,
    MODERATED_AT_KEY,
    PUBLISH_AT_KEY,
    SOURCE,
    STATUS_KEY,
    TOP_LEVEL_KEYS,
    URL_KEYS,
    WEB,
)
from .yamlload import AliasError, YamlError, load_all, locate


class SeedError(Exception):
    """What is wrong with a seed file; ``path`` locates the bad value inside the record."""

    def __init__(self, message, *, line=None, path=()):
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = tuple(path)

    def __str__(self):
        return self.message


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-file limits; the importer builds one from settings (``from_settings``)."""

    related: int = 200
    topics: int = 50
    images: int = 20
    excerpt: int = 5000
    future: timedelta = timedelta(hours=24)
    now: datetime | None = None  # the import time; None: the time of the check

    @classmethod
    def from_settings(cls, settings, now):
        return cls(
            related=settings.SEED_MAX_RELATED,
            topics=settings.SEED_MAX_TOPICS,
            images=settings.SEED_MAX_IMAGES,
            excerpt=settings.SEED_MAX_EXCERPT,
            future=timedelta(hours=settings.SEED_MAX_FUTURE_HOURS),
            now=now,
        )


DEFAULT_LIMITS = Limits()


def cut(value, limit):
    """``value`` cut to at most ``limit`` characters, at the last space if there is one
    in the last fifth, with an ellipsis."""
    if len(value) <= limit:
        return value
    head = value[: limit - 1]
    space = head.rfind(" ")
    if space > limit * 4 // 5:
        head = head[:space]
    return head.rstrip() + "…"


class _ItemError(Exception):
    """A bad list item: dropped with a warning, the record still imports."""


@dataclass(slots=True)
class SeedImage:
    url: str
    width: int | None
    height: int | None
    title: str = ""


@dataclass(slots=True)
class SeedRelated:
    url: str
    source_url: str
    title: str
    excerpt: str
    published_at: datetime | None
    domain: str
    provider_name: str
    quality: int | None
    kind: str
    amp_url: str
    cdn_amp_url: str
    image: SeedImage | None
    hidden: bool = False
    # Only in Newsroom's own exports (``SeedRecord.provider_blocked``).
    provider_blocked: bool = False
    provider_domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeedDecision:
    """An editor's decision as Newsroom's export records it (``format.DECISION_KEYS``)."""

    status: str
    publish_at: datetime | None = None
    moderated_at: datetime | None = None


@dataclass(slots=True)
class SeedRecord:
    url: str
    source_url: str
    url_style: str
    title: str
    excerpt: str
    category: str
    kind: str
    amp_url: str
    cdn_amp_url: str
    published_at: datetime
    quality: int | None
    heat: int | None
    published: bool
    domain: str
    provider_name: str
    logo_url: str
    secured: str
    topics: list[str] = field(default_factory=list)
    images: list[SeedImage] = field(default_factory=list)
    related: list[SeedRelated] = field(default_factory=list)
    # Top-level keys Newsroom does not model, plus the publisher's logo list as given:
    # kept so an export writes the record back without loss.
    extra: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Only in Newsroom's own exports: the decision to restore (see ``_decision``), and
    # the desk's on the publisher: blocked, the domains merged into it.
    decision: SeedDecision | None = None
    provider_blocked: bool = False
    provider_domains: tuple[str, ...] = ()
    # The feed fields an editor had changed (``format.EDITED_KEY``).
    edited: tuple[str, ...] = ()

    @property
    def restores(self):
        """Whether the record carries any of the desk's decisions to restore."""
        return bool(
            self.decision
            or self.provider_blocked
            or self.provider_domains
            or self.edited
            or any(link.provider_blocked or link.provider_domains for link in self.related)
        )

    def drop_decisions(self):
        self.decision, self.provider_blocked, self.provider_domains = None, False, ()
        self.edited = ()
        for link in self.related:
            link.provider_blocked, link.provider_domains = False, ()


# --- reading --------------------------------------------------------------------------


def parse_seed(data: bytes):
    """YAML bytes to the one mapping they hold. Raises ``SeedError``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None
    if not text.strip():
        raise SeedError("empty file", line=None)
    try:
        documents = [doc for doc in load_all(data) if doc is not None]
    except AliasError as exc:
        raise SeedError(f"{exc.message}, which seed files never do", line=exc.line) from None
    except YamlError as exc:
        raise SeedError(exc.message, line=exc.line) from None
    if not documents:
        raise SeedError("empty file: no record between the --- lines", line=None)
    if len(documents) > 1:
        raise SeedError(f"{len(documents)} records in one file, expected one")
    record = documents[0]
    if not isinstance(record, dict):
        kind = "a list" if isinstance(record, list) else f"a single {type(record).__name__}"
        raise SeedError(f"the record is {kind}, expected a mapping of fields", line=1)
    return record


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value, path=()):
    """The path and message of the first text (key or value) a database cannot store:
    a NUL (PostgreSQL refuses it) or a lone surrogate (not UTF-8); both can only come
    from an escape in a double-quoted scalar ("\\0", "\\ud800")."""
    if isinstance(value, str):
        bad = _UNSTORABLE.search(value)
        if bad is None:
            return None
        if bad.group() == "\x00":
            return path, "a NUL character"
        return path, "a lone surrogate (an unpaired \\ud800-\\udfff escape)"
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _unstorable(key, path) if isinstance(key, str) else None
        found = found or _unstorable(item, (*path, key))
        if found:
            return found
    return None


def load_seed(data: bytes, limits: Limits = DEFAULT_LIMITS) -> SeedRecord:
    """Parse and check the bytes of one seed file; ``SeedError`` has a line where known."""
    raw = parse_seed(data)
    if b"\\" in data:
        try:
            found = _unstorable(raw)
        except RecursionError:
            raise SeedError("a value is nested too deeply") from None
        if found:
            path, what = found
            where = " ".join(str(step) for step in path) or "the record"
            raise SeedError(f"{where} contains {what}", line=locate(data, path), path=path)
    try:
        return build_record(raw, limits)
    except RecursionError:
        raise SeedError("a value is nested too deeply") from None
    except SeedError as exc:
        if exc.line is None and exc.path:
            exc.line = locate(data, exc.path)
        raise


# --- checking, block by block ---------------------------------------------------------


def _field(record, key, check, *args, parent=(), **kwargs):
    try:
        return check(record.get(key), key, *args, **kwargs)
    except ValueError as exc:
        what = " ".join((*parent, key))
        message = str(exc).replace(key, what, 1) if parent else str(exc)
        raise SeedError(message, path=(*parent, key)) from None


def _url_style(record, where):
    has_web = any(key in record for key in URL_KEYS[WEB])
    has_source = any(key in record for key in URL_KEYS[SOURCE])
    if has_web and has_source:
        raise ValueError(f"{where}mixes webUrl and sourceUrl spellings")
    return SOURCE if has_source else WEB


def _list(record, key):
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SeedError(f"{key} must be a list, not {type_name(value)}", path=(key,))
    return value


def _capped(items, limit, what, setting, warnings):
    """The first ``limit`` of ``items``; one warning when there are more."""
    if len(items) <= limit:
        return items
    warnings.append(
        f"{len(items)} {what}, over the limit of {limit} ({setting}): "
        f"{what} {limit + 1} to {len(items)} dropped"
    )
    return items[:limit]


def _cut_text(value, limit, what, setting, warnings):
    if len(value) <= limit:
        return value
    warnings.append(f"{what} is {len(value)} characters, cut to {limit} ({setting})")
    return cut(value, limit)


def _not_future(value, what, limits, warnings):
    """A date more than ``limits.future`` after the import is set to the import time."""
    if value is None:
        return None
    now = limits.now or datetime.now(UTC)
    if value - now > limits.future:
        hours = int(limits.future.total_seconds() // 3600)
        warnings.append(
            f"{what} {value.isoformat()} is more than {hours} hours ahead "
            "(SEED_MAX_FUTURE_HOURS): set to the import time"
        )
        return now
    return value


def build_record(record: dict, limits: Limits = DEFAULT_LIMITS) -> SeedRecord:
    """Check a parsed record and turn it into a ``SeedRecord``. Raises ``SeedError``."""
    warnings, extra = [], {}
    try:
        style = _url_style(record, "the record ")
    except ValueError as exc:
        raise SeedError(str(exc)) from None
    url_key, amp_key, cdn_key = URL_KEYS[style]
    head = _top_level(record, url_key, limits, warnings)
    domain, provider_name, logo_url = _publisher(record, warnings, extra)
    try:
        provider_blocked, provider_domains = _publisher_decisions(record["provider"], domain)
    except ValueError as exc:
        raise SeedError(str(exc), path=("provider",)) from None
    topics = _topics(record, limits, warnings)
    images = _images(record, limits, warnings)
    related = _related_items(record, head["url"], limits, warnings)
    _keep_unknown_keys(record, extra)
    excerpt = _field(record, "excerpt", checks.text)
    return SeedRecord(
        **head,
        url_style=style,
        excerpt=_cut_text(excerpt, limits.excerpt, "excerpt", "SEED_MAX_EXCERPT", warnings),
        category=_field(record, "category", checks.text, MAX_SHORT),
        kind=_field(record, "type", checks.text, MAX_SHORT),
        amp_url=_field(record, amp_key, checks.url),
        cdn_amp_url=_field(record, cdn_key, checks.url),
        domain=domain,
        provider_name=provider_name,
        logo_url=logo_url,
        secured=_field(record, "secured", checks.text),
        topics=topics,
        images=images,
        related=related,
        extra=extra,
        warnings=warnings,
        decision=_decision(record, limits),
        provider_blocked=provider_blocked,
        provider_domains=provider_domains,
        edited=_edited(record),
    )


def _top_level(record, url_key, limits, warnings):
    """The identity and scores of the article: title, URLs, date, quality, heat."""
    title = _field(record, "title", checks.text, required=True)
    title = _cut_text(title, MAX_TITLE, "title", "the title column", warnings)
    source_url = _field(record, url_key, checks.url, required=True)
    try:
        url = canonical_url(source_url)
    except ValueError as exc:  # e.g. a port out of range
        raise SeedError(f"{url_key} is not a usable URL: {exc}", path=(url_key,)) from None
    try:
        url = _fits(url, url_key)
    except ValueError as exc:
        raise SeedError(str(exc), path=(url_key,)) from None
    published_at = _field(record, "publishedDateTime", checks.timestamp, required=True)
    published_at = _not_future(published_at, "publishedDateTime", limits, warnings)
    quality = _field(record, "quality", checks.integer)
    heat = _field(record, "heat", checks.integer)
    published = record.get("published", False)
    if not isinstance(published, bool):
        raise SeedError(
            f"published must be true or false, not {type_name(published)}", path=("published",)
        )
    return {
        "url": url,
        "source_url": source_url,
        "title": title,
        "published_at": published_at,
        "quality": quality,
        "heat": None if heat == -1 else heat,
        "published": published,
    }


def _decision(record, limits):
    """The editor's decision an export recorded, or None when the file has none (every
    feed file). Unlike ``published``, the keys must be right or the file is refused: a
    status that is not one of ours, a schedule on an article that is not published, a
    date that is not a date, a decision taken after the import."""
    if not any(key in record for key in DECISION_KEYS):
        return None
    status = record.get(STATUS_KEY)
    if status is None:
        present = next(key for key in DECISION_KEYS if key in record)
        raise SeedError(f"{present} needs {STATUS_KEY}", path=(present,))
    if not isinstance(status, str) or status not in DECISION_STATUSES:
        choices = ", ".join(DECISION_STATUSES[:-1]) + f" or {DECISION_STATUSES[-1]}"
        shown = f"{status!r:.40}" if isinstance(status, str) else type_name(status)
        raise SeedError(f"{STATUS_KEY} must be {choices}, not {shown}", path=(STATUS_KEY,))
    publish_at = _field(record, PUBLISH_AT_KEY, checks.timestamp)
    if publish_at is not None and status != "published":
        raise SeedError(
            f"{PUBLISH_AT_KEY} schedules a published article, but {STATUS_KEY} is {status}",
            path=(PUBLISH_AT_KEY,),
        )
    moderated_at = _field(record, MODERATED_AT_KEY, checks.timestamp)
    now = limits.now or datetime.now(UTC)
    if moderated_at is not None and moderated_at - now > limits.future:
        hours = int(limits.future.total_seconds() // 3600)
        raise SeedError(
            f"{MODERATED_AT_KEY} {moderated_at.isoformat()} is more than {hours} hours "
            "after the import (SEED_MAX_FUTURE_HOURS)",
            path=(MODERATED_AT_KEY,),
        )
    return SeedDecision(status, publish_at, moderated_at)


def _publisher(record, warnings, extra):
    """(domain, name, logo URL); the logo list as given is kept in ``extra``."""
    provider = record.get("provider")
    if provider is None:
        raise SeedError("missing provider")
    if not isinstance(provider, dict):
        raise SeedError(
            f"provider must be a mapping, not {type_name(provider)}", path=("provider",)
        )
    domain = _field(provider, "domain", checks.domain, parent=("provider",))
    name = _field(provider, "name", checks.text, MAX_PROVIDER_NAME, parent=("provider",))
    logo_url = ""
    logos = provider.get("images")
    if logos is not None:
        if not isinstance(logos, list):
            raise SeedError("provider images must be a list", path=("provider", "images"))
        if checks.json_safe(logos):
            extra["provider"] = {"images": logos}
        for number, logo in enumerate(logos, 1):
            if not isinstance(logo, dict) or not isinstance(logo.get("url"), str):
                warnings.append(f"provider logo {number} has no url, ignored")
                continue
            absolute = logo["url"].strip()
            if "://" not in absolute and not absolute.lower().startswith(("javascript:", "data:")):
                absolute = urljoin(f"https://{domain}/", absolute)
            if len(absolute) > MAX_URL or not is_http_url(absolute):
                warnings.append(f"provider logo {number} is not an http(s) URL, ignored")
                continue
            logo_url = logo_url or absolute
    return domain, name or domain, logo_url


def _edited(record):
    """The feed fields an editor had changed, as an export lists them."""
    given = record.get(EDITED_KEY) or []
    if not isinstance(given, list) or any(name not in EDITABLE_FIELDS for name in given):
        fields = ", ".join(EDITABLE_FIELDS)
        raise SeedError(f"{EDITED_KEY} must be a list of {fields}", path=(EDITED_KEY,))
    return tuple(dict.fromkeys(given))


def _publisher_decisions(provider, domain, what="provider"):
    """``(blocked, merged domains)`` an export recorded on a publisher; ValueError for a
    value that is not one."""
    blocked = provider.get(BLOCKED_KEY, False)
    if not isinstance(blocked, bool):
        raise ValueError(f"{what} {BLOCKED_KEY} must be true or false")
    given = provider.get(DOMAINS_KEY) or []
    if not isinstance(given, list):
        raise ValueError(f"{what} {DOMAINS_KEY} must be a list")
    domains = []
    for number, value in enumerate(given, 1):
        merged = checks.domain(value, f"{what} {DOMAINS_KEY} {number}")
        if merged != domain and merged not in domains:
            domains.append(merged)
    return blocked, tuple(domains)


def _topics(record, limits, warnings):
    """Topic names, stripped, the first spelling of each (ignoring case) kept, at most
    ``limits.topics`` of them."""
    topics = []
    seen = set()
    given = _capped(_list(record, "topics"), limits.topics, "topics", "SEED_MAX_TOPICS", warnings)
    for number, topic in enumerate(given):
        if not isinstance(topic, str) or not topic.strip() or len(topic) > MAX_TOPIC:
            raise SeedError(
                f"topic {number + 1} must be a name of at most {MAX_TOPIC} characters",
                path=("topics", number),
            )
        if "\x00" in topic:
            raise SeedError(f"topic {number + 1} contains a NUL character")
        name = topic.strip()
        if name.lower() not in seen:
            seen.add(name.lower())
            topics.append(name)
    return topics


def _image(value, what, *, with_title):
    if not isinstance(value, dict):
        raise _ItemError(f"{what} is {type_name(value)}, not a mapping")
    try:
        url = checks.url(value.get("url"), f"{what} url", required=True)
        width = checks.integer(value.get("width"), f"{what} width", minimum=0)
        height = checks.integer(value.get("height"), f"{what} height", minimum=0)
        title = checks.text(value.get("title"), f"{what} title", MAX_TITLE) if with_title else ""
    except ValueError as exc:
        raise _ItemError(str(exc)) from None
    return SeedImage(url, width, height, title)


def _images(record, limits, warnings):
    images = []
    given = _capped(_list(record, "images"), limits.images, "images", "SEED_MAX_IMAGES", warnings)
    for number, value in enumerate(given, 1):
        try:
            images.append(_image(value, f"image {number}", with_title=True))
        except _ItemError as exc:
            warnings.append(f"{exc}, dropped")
    return images


def _related_items(record, own_url, limits, warnings):
    """The valid related items, without repeats or the article itself, at most
    ``limits.related`` of them (counted as given)."""
    related = []
    seen_urls = {own_url: 0}
    given = _list(record, "related")
    given = _capped(given, limits.related, "related items", "SEED_MAX_RELATED", warnings)
    for number, item in enumerate(given, 1):
        try:
            link = _related(item, number, limits, warnings)
        except _ItemError as exc:
            warnings.append(f"{exc}, dropped")
            continue
        first = seen_urls.get(link.url)
        if first == 0:
            warnings.append(f"related item {number} is the article itself, dropped")
        elif first is not None:
            warnings.append(f"related item {number} repeats related item {first}, dropped")
        else:
            seen_urls[link.url] = number
            related.append(link)
    return related


def _fits(url, what):
    """A canonical URL, which may be longer than the URL as given (``http`` becomes
    ``https``, a query is encoded again), checked against the column."""
    if len(url) > MAX_URL:
        raise ValueError(f"{what} is {len(url)} characters once normalised, over {MAX_URL}")
    return url


def _related(item, number, limits, warnings):
    what = f"related item {number}"
    if not isinstance(item, dict):
        raise _ItemError(f"{what} is {type_name(item)}, not a mapping")
    try:
        url_key, amp_key, cdn_key = URL_KEYS[_url_style(item, f"{what} ")]
        source_url = checks.url(item.get(url_key), f"{what} {url_key}", required=True)
        provider = item.get("provider")
        if not isinstance(provider, dict):
            raise ValueError(f"{what} has no provider mapping")
        domain = checks.domain(provider.get("domain"), f"{what} provider domain")
        name = checks.text(provider.get("name"), f"{what} provider name", MAX_PROVIDER_NAME)
        blocked, merged = _publisher_decisions(provider, domain, f"{what} provider")
        images = item.get("images") or []
        if not isinstance(images, list):
            raise ValueError(f"{what} images must be a list")
        image = None
        for image_value in images[:1]:
            image = _image(image_value, f"{what} image", with_title=False)
        hidden = item.get("hidden", False)
        if not isinstance(hidden, bool):
            raise ValueError(f"{what} hidden must be true or false")
        title = checks.text(item.get("title"), f"{what} title", required=True)
        excerpt = checks.text(item.get("excerpt"), f"{what} excerpt")
        published_at = checks.timestamp(item.get("publishedDateTime"), f"{what} publishedDateTime")
        return SeedRelated(
            url=_fits(canonical_url(source_url), f"{what} {url_key}"),
            source_url=source_url,
            title=_cut_text(title, MAX_TITLE, f"{what} title", "the title column", warnings),
            excerpt=_cut_text(
                excerpt, limits.excerpt, f"{what} excerpt", "SEED_MAX_EXCERPT", warnings
            ),
            published_at=_not_future(published_at, f"{what} publishedDateTime", limits, warnings),
            domain=domain,
            provider_name=name or domain,
            quality=checks.integer(item.get("quality"), f"{what} quality"),
            kind=checks.text(item.get("type"), f"{what} type", MAX_SHORT),
            amp_url=checks.url(item.get(amp_key), f"{what} {amp_key}"),
            cdn_amp_url=checks.url(item.get(cdn_key), f"{what} {cdn_key}"),
            image=image,
            hidden=hidden,
            provider_blocked=blocked,
            provider_domains=merged,
        )
    except ValueError as exc:
        raise _ItemError(str(exc)) from None


def _keep_unknown_keys(record, extra):
    """Top-level keys Newsroom does not model go into ``extra``, as JSON."""
    for key, value in record.items():
        if key not in TOP_LEVEL_KEYS:
            if not isinstance(key, str):
                # Its line, found by the key as written (``5``; not ``true``, which is True).
                raise SeedError(f"field name {key!r:.40} is not text", path=(str(key),))
            if not checks.json_safe(value):
                # A date or other YAML-only value: keep its YAML text instead.
                value = {"__yaml__": yaml.safe_dump(value, allow_unicode=True)}
            extra[key] = value
