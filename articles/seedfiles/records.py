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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

import yaml

from articles.urlnorm import canonical_url, is_http_url

from . import checks
from .checks import MAX_PROVIDER_NAME, MAX_SHORT, MAX_TITLE, MAX_TOPIC, MAX_URL, type_name
from .format import SOURCE, TOP_LEVEL_KEYS, URL_KEYS, WEB
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


def load_seed(data: bytes) -> SeedRecord:
    """Parse and check the bytes of one seed file; ``SeedError`` has a line where known."""
    raw = parse_seed(data)
    try:
        return build_record(raw)
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


def build_record(record: dict) -> SeedRecord:
    """Check a parsed record and turn it into a ``SeedRecord``. Raises ``SeedError``."""
    warnings, extra = [], {}
    try:
        style = _url_style(record, "the record ")
    except ValueError as exc:
        raise SeedError(str(exc)) from None
    url_key, amp_key, cdn_key = URL_KEYS[style]
    head = _top_level(record, url_key)
    domain, provider_name, logo_url = _publisher(record, warnings, extra)
    topics = _topics(record)
    images = _images(record, warnings)
    related = _related_items(record, head["url"], warnings)
    _keep_unknown_keys(record, extra)
    return SeedRecord(
        **head,
        url_style=style,
        excerpt=_field(record, "excerpt", checks.text),
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
    )


def _top_level(record, url_key):
    """The identity and scores of the article: title, URLs, date, quality, heat."""
    title = _field(record, "title", checks.text, MAX_TITLE, required=True)
    source_url = _field(record, url_key, checks.url, required=True)
    try:
        url = canonical_url(source_url)
    except ValueError as exc:  # e.g. a port out of range
        raise SeedError(f"{url_key} is not a usable URL: {exc}", path=(url_key,)) from None
    published_at = _field(record, "publishedDateTime", checks.timestamp, required=True)
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


def _topics(record):
    """Topic names, stripped, the first spelling of each (ignoring case) kept."""
    topics = []
    seen = set()
    for number, topic in enumerate(_list(record, "topics")):
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


def _images(record, warnings):
    images = []
    for number, value in enumerate(_list(record, "images"), 1):
        try:
            images.append(_image(value, f"image {number}", with_title=True))
        except _ItemError as exc:
            warnings.append(f"{exc}, dropped")
    return images


def _related_items(record, own_url, warnings):
    """The valid related items, without repeats or the article itself."""
    related = []
    seen_urls = {own_url: 0}
    for number, item in enumerate(_list(record, "related"), 1):
        try:
            link = _related(item, number)
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


def _related(item, number):
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
        images = item.get("images") or []
        if not isinstance(images, list):
            raise ValueError(f"{what} images must be a list")
        image = None
        for image_value in images[:1]:
            image = _image(image_value, f"{what} image", with_title=False)
        hidden = item.get("hidden", False)
        if not isinstance(hidden, bool):
            raise ValueError(f"{what} hidden must be true or false")
        return SeedRelated(
            url=canonical_url(source_url),
            source_url=source_url,
            title=checks.text(item.get("title"), f"{what} title", MAX_TITLE, required=True),
            excerpt=checks.text(item.get("excerpt"), f"{what} excerpt"),
            published_at=checks.timestamp(
                item.get("publishedDateTime"), f"{what} publishedDateTime"
            ),
            domain=domain,
            provider_name=name or domain,
            quality=checks.integer(item.get("quality"), f"{what} quality"),
            kind=checks.text(item.get("type"), f"{what} type", MAX_SHORT),
            amp_url=checks.url(item.get(amp_key), f"{what} {amp_key}"),
            cdn_amp_url=checks.url(item.get(cdn_key), f"{what} {cdn_key}"),
            image=image,
            hidden=hidden,
        )
    except ValueError as exc:
        raise _ItemError(str(exc)) from None


def _keep_unknown_keys(record, extra):
    """Top-level keys Newsroom does not model go into ``extra``, as JSON."""
    for key, value in record.items():
        if key not in TOP_LEVEL_KEYS:
            if not isinstance(key, str):
                raise SeedError(f"field name {key!r:.40} is not text")
            if not checks.json_safe(value):
                # A date or other YAML-only value: keep its YAML text instead.
                value = {"__yaml__": yaml.safe_dump(value, allow_unicode=True)}
            extra[key] = value
