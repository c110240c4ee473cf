"""Reading and checking one seed file, with no database access.

``load_seed(data)`` turns the bytes of a seed file into a ``SeedRecord`` of plain Python
values, or raises ``SeedError`` saying what is wrong and, where it can tell, on which line.
Everything here is pure so the importer can validate a whole chunk of files before it
writes anything, and ``--dry-run`` can validate without a database write.

Policy (the format is described in fixtures/README.md):

* A bad top-level field (missing title or URL, a URL that is not http(s), a date that is
  not a date, a ``quality`` that is not an integer, a value of the wrong shape) rejects
  the whole file.
* A bad *item* in a list (a related item, an image, a publisher logo) is dropped with a
  warning naming its number; the article still imports.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from urllib.parse import urljoin

import yaml
from yaml._yaml import CParser

from articles.urlnorm import canonical_url, is_http_url
from providers.domains import DOMAIN_RE, normalize_domain

WEB = "web"
SOURCE = "source"
# url, amp, cdn amp: the two spellings of the URL keys, never mixed inside one record.
URL_KEYS = {
    WEB: ("webUrl", "ampWebUrl", "cdnAmpWebUrl"),
    SOURCE: ("sourceUrl", "ampUrl", "cdnAmpUrl"),
}
TOP_LEVEL_KEYS = frozenset(
    {
        "category",
        "title",
        "excerpt",
        "publishedDateTime",
        "type",
        "quality",
        "heat",
        "published",
        "provider",
        "topics",
        "images",
        "related",
        "secured",
        *URL_KEYS[WEB],
        *URL_KEYS[SOURCE],
    }
)
# Column sizes of the models: longer values are refused here rather than by the database.
MAX_TITLE = 500
MAX_URL = 2000
MAX_SHORT = 50  # category is 100, kind 50: one limit keeps the message simple
MAX_PROVIDER_NAME = 200
MAX_DOMAIN = 253
MAX_TOPIC = 100
MAX_INT = 2**31 - 1
INT_RE = re.compile(r"^[+-]?\d+$")
MAX_FLOW_DEPTH = 100


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


# --- reading and parsing -------------------------------------------------------------


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_seed(data: bytes):
    """YAML bytes to the one mapping they hold. Raises ``SeedError``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=_line_of_offset(data, exc.start),
        ) from None
    if not text.strip():
        raise SeedError("empty file", line=None)
    if data.count(b"[") + data.count(b"{") > MAX_FLOW_DEPTH:
        _refuse_deep_flow(data)
    try:
        try:
            documents = _fast_load_all(data)
        except _NeedsFullLoader:
            if b"&" in data and b"*" in data:
                _refuse_aliases(data)
            documents = list(yaml.load_all(data, Loader=yaml.CSafeLoader))
        documents = [doc for doc in documents if doc is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise SeedError(f"invalid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        raise SeedError(f"invalid YAML: {exc}", line=line) from None
    except RecursionError:
        raise SeedError("invalid YAML: nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # The constructor refusing a value, e.g. a timestamp for 30 February.
        raise SeedError(f"invalid YAML value: {exc}") from None
    if not documents:
        raise SeedError("empty file: no record between the --- lines", line=None)
    if len(documents) > 1:
        raise SeedError(f"{len(documents)} records in one file, expected one")
    record = documents[0]
    if not isinstance(record, dict):
        kind = "a list" if isinstance(record, list) else f"a single {type(record).__name__}"
        raise SeedError(f"the record is {kind}, expected a mapping of fields", line=1)
    return record


def _refuse_deep_flow(data: bytes):
    """libyaml takes time quadratic in the depth of nested ``[...]``/``{...}``: a 100 KB
    file 20,000 levels deep takes seconds. Seed files nest three levels. Brackets inside
    quoted text count too, so this over-estimates, which only matters for absurd files."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(data):
        depth += 1 if match.group() in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_FLOW_DEPTH:
                raise SeedError(
                    f"nested more than {MAX_FLOW_DEPTH} levels deep",
                    line=_line_of_offset(data, match.start()),
                )


_BRACKETS = re.compile(rb"[\[\]{}]")


class _NeedsFullLoader(Exception):
    """The document uses a YAML feature the fast loader leaves to PyYAML (explicit tags,
    merge keys): load it with ``CSafeLoader`` instead."""


_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers
_WILDCARD_RESOLVERS = _RESOLVERS.get(None, [])
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors
_STR_TAG = "tag:yaml.org,2002:str"
_UNSUPPORTED_TAGS = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}


def _plain_scalar(value):
    """What ``SafeLoader`` makes of an untagged plain scalar (``Resolver.resolve`` and the
    ``SafeConstructor`` of the tag it picks), without building a node graph first."""
    try:
        return _PLAIN_CACHE[value]
    except KeyError:
        pass
    result = value
    for tag, regexp in _RESOLVERS.get(value[:1], []) + _WILDCARD_RESOLVERS:
        if regexp.match(value):
            if tag in _UNSUPPORTED_TAGS:
                raise _NeedsFullLoader
            result = _SCALAR_CONSTRUCTORS[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
            break
    if len(value) <= 40:  # field names, numbers, dates, words: they repeat across files
        if len(_PLAIN_CACHE) > 50_000:
            _PLAIN_CACHE.clear()
        _PLAIN_CACHE[value] = result  # every result is immutable: str, int, datetime...
    return result


_PLAIN_CACHE = {}


def _fast_load_all(data):
    """``list(yaml.load_all(data, Loader=yaml.CSafeLoader))`` for the plain mappings,
    lists and scalars that seed files are made of, built straight from libyaml's events.

    PyYAML's ``CSafeLoader`` parses in C but composes a node graph and constructs it in
    Python; skipping the graph roughly halves the time per file. Anything beyond that
    subset (an explicit tag, a merge key) raises ``_NeedsFullLoader``. Aliases are
    refused outright: seed files never use them, and refusing defuses alias bombs.
    """
    parser = CParser(data)
    plain_cache = _PLAIN_CACHE
    documents = []
    stack = []  # open containers: [container, pending key or _NO_KEY]
    scalar_event, mapping_start, sequence_start = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
    )
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.tag is not None:
                raise _NeedsFullLoader
            value = event.value
            if event.implicit[0]:
                cached = plain_cache.get(value, _NO_KEY)
                value = _plain_scalar(value) if cached is _NO_KEY else cached
        elif kind is mapping_start or kind is sequence_start:
            if event.tag is not None:
                raise _NeedsFullLoader
            if len(stack) >= MAX_FLOW_DEPTH:
                # Block nesting ("- - - - a"): libyaml's own limit differs between
                # versions, so the loader sets one of its own.
                raise SeedError("invalid YAML: nested too deeply", line=event.start_mark.line + 1)
            stack.append([{} if kind is mapping_start else [], _NO_KEY])
            continue
        elif kind in ends:
            value = stack.pop()[0]
        elif kind is yaml.AliasEvent:
            raise SeedError(
                "uses YAML anchors/aliases (&name / *name), which seed files never do",
                line=event.start_mark.line + 1,
            )
        elif kind is yaml.StreamEndEvent:
            return documents
        else:  # stream and document start and end
            continue
        if not stack:
            documents.append(value)
            continue
        frame = stack[-1]
        container, key = frame
        if type(container) is list:
            container.append(value)
        elif key is _NO_KEY:
            if isinstance(value, dict | list):
                raise SeedError("a mapping or list used as a field name")
            frame[1] = value
        else:
            container[key] = value
            frame[1] = _NO_KEY


_NO_KEY = object()


def _refuse_aliases(data: bytes):
    """Seed files never use anchors or aliases; refusing them defuses alias bombs."""
    try:
        for event in yaml.parse(data, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise SeedError(
                    "uses YAML anchors/aliases (&name / *name), which seed files never do",
                    line=event.start_mark.line + 1,
                )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SeedError(
            f"invalid YAML: {exc.problem or 'invalid YAML'}",
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise SeedError(f"invalid YAML: {exc}") from None


def locate(data: bytes, path) -> int | None:
    """The line of the value at ``path`` (keys and list indexes), found by composing the
    YAML again. Only called for a file already found bad, so its cost does not matter."""
    try:
        node = next(n for n in yaml.compose_all(data, Loader=yaml.CSafeLoader) if n is not None)
    except (yaml.YAMLError, StopIteration, ValueError, RecursionError):
        return None
    line = node.start_mark.line + 1
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == step:
                    node, line = value, key.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                return line
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


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


# --- checking values ------------------------------------------------------------------


def _type_name(value):
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "a mapping", list: "a list", str: "text", int: "a number"}.get(
        type(value), type(value).__name__
    )


def _text(value, what, limit=None, *, required=False):
    if value is None:
        if required:
            raise ValueError(f"missing {what}")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{what} must be text, not {_type_name(value)}")
    value = str(value) if not isinstance(value, str) else value
    if "\x00" in value:
        raise ValueError(f"{what} contains a NUL character")
    if required and not value.strip():
        raise ValueError(f"{what} is empty")
    if limit and len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return value


def _integer(value, what, *, minimum=-MAX_INT - 1):
    if value is None:
        return None
    if isinstance(value, str) and INT_RE.match(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer, not {_type_name(value)} {value!r:.40}")
    if not minimum <= value <= MAX_INT:
        raise ValueError(f"{what} {value} is out of range")
    return value


def _datetime(value, what, *, required=False):
    if value is None:
        if required:
            raise ValueError(f"missing {what}")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{what} is not a date: {value!r:.60}") from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    if not isinstance(value, datetime):
        raise ValueError(f"{what} is not a date: {value!r:.60}")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:59:59-05:00 is a valid date whose UTC time is past year 9999.
        raise ValueError(f"{what} is out of range: {value.isoformat()}") from None


def _url(value, what, *, required=False):
    if value is None or value == "":
        if required:
            raise ValueError(f"missing {what}")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a URL, not {_type_name(value)}")
    if len(value) > MAX_URL:
        raise ValueError(f"{what} is longer than {MAX_URL} characters")
    if not is_http_url(value):
        raise ValueError(f"{what} is not an http(s) URL: {value!r:.80}")
    return value.strip()


def _domain(value, what):
    raw = _text(value, what, MAX_DOMAIN, required=True)
    domain = normalize_domain(raw)
    if not domain or not DOMAIN_RE.match(domain):
        raise ValueError(f"{what} is not a domain: {raw!r:.80}")
    return domain


def _url_style(record, where):
    has_web = any(key in record for key in URL_KEYS[WEB])
    has_source = any(key in record for key in URL_KEYS[SOURCE])
    if has_web and has_source:
        raise ValueError(f"{where}mixes webUrl and sourceUrl spellings")
    return SOURCE if has_source else WEB


def _image(value, what, *, with_title):
    if not isinstance(value, dict):
        raise _ItemError(f"{what} is {_type_name(value)}, not a mapping")
    try:
        url = _url(value.get("url"), f"{what} url", required=True)
        width = _integer(value.get("width"), f"{what} width", minimum=0)
        height = _integer(value.get("height"), f"{what} height", minimum=0)
        title = _text(value.get("title"), f"{what} title", MAX_TITLE) if with_title else ""
    except ValueError as exc:
        raise _ItemError(str(exc)) from None
    return SeedImage(url, width, height, title)


def _list(record, key):
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SeedError(f"{key} must be a list, not {_type_name(value)}", path=(key,))
    return value


def _related(item, number, style, own_url):
    what = f"related item {number}"
    if not isinstance(item, dict):
        raise _ItemError(f"{what} is {_type_name(item)}, not a mapping")
    try:
        item_style = _url_style(item, f"{what} ")
        url_key, amp_key, cdn_key = URL_KEYS[item_style]
        source_url = _url(item.get(url_key), f"{what} {url_key}", required=True)
        provider = item.get("provider")
        if not isinstance(provider, dict):
            raise ValueError(f"{what} has no provider mapping")
        domain = _domain(provider.get("domain"), f"{what} provider domain")
        name = _text(provider.get("name"), f"{what} provider name", MAX_PROVIDER_NAME)
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
            title=_text(item.get("title"), f"{what} title", MAX_TITLE, required=True),
            excerpt=_text(item.get("excerpt"), f"{what} excerpt"),
            published_at=_datetime(item.get("publishedDateTime"), f"{what} publishedDateTime"),
            domain=domain,
            provider_name=name or domain,
            quality=_integer(item.get("quality"), f"{what} quality"),
            kind=_text(item.get("type"), f"{what} type", MAX_SHORT),
            amp_url=_url(item.get(amp_key), f"{what} {amp_key}"),
            cdn_amp_url=_url(item.get(cdn_key), f"{what} {cdn_key}"),
            image=image,
            hidden=hidden,
        )
    except ValueError as exc:
        raise _ItemError(str(exc)) from None


def _field(record, key, check, *args, parent=(), **kwargs):
    try:
        return check(record.get(key), key, *args, **kwargs)
    except ValueError as exc:
        what = " ".join((*parent, key))
        message = str(exc).replace(key, what, 1) if parent else str(exc)
        raise SeedError(message, path=(*parent, key)) from None


def _json_safe(value):
    """True if ``value`` survives a JSONField unchanged (feed_extra is JSON)."""
    if value is None or isinstance(value, str | bool | int):
        return not isinstance(value, int) or isinstance(value, bool) or abs(value) < 2**53
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_json_safe(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v) for k, v in value.items())
    return False


def build_record(record: dict) -> SeedRecord:
    """Check a parsed record and turn it into a ``SeedRecord``. Raises ``SeedError``."""
    warnings = []
    try:
        style = _url_style(record, "the record ")
    except ValueError as exc:
        raise SeedError(str(exc)) from None
    url_key, amp_key, cdn_key = URL_KEYS[style]
    title = _field(record, "title", _text, MAX_TITLE, required=True)
    source_url = _field(record, url_key, _url, required=True)
    try:
        url = canonical_url(source_url)
    except ValueError as exc:  # e.g. a port out of range
        raise SeedError(f"{url_key} is not a usable URL: {exc}", path=(url_key,)) from None
    published_at = _field(record, "publishedDateTime", _datetime, required=True)
    quality = _field(record, "quality", _integer)
    heat = _field(record, "heat", _integer)
    published = record.get("published", False)
    if not isinstance(published, bool):
        raise SeedError(
            f"published must be true or false, not {_type_name(published)}", path=("published",)
        )

    provider = record.get("provider")
    if provider is None:
        raise SeedError("missing provider")
    if not isinstance(provider, dict):
        raise SeedError(
            f"provider must be a mapping, not {_type_name(provider)}", path=("provider",)
        )
    domain = _field(provider, "domain", _domain, parent=("provider",))
    provider_name = _field(provider, "name", _text, MAX_PROVIDER_NAME, parent=("provider",))
    provider_name = provider_name or domain
    extra = {}
    logo_url = ""
    logos = provider.get("images")
    if logos is not None:
        if not isinstance(logos, list):
            raise SeedError("provider images must be a list", path=("provider", "images"))
        if _json_safe(logos):
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

    topics = []
    seen_topics = set()
    for number, topic in enumerate(_list(record, "topics")):
        if not isinstance(topic, str) or not topic.strip() or len(topic) > MAX_TOPIC:
            raise SeedError(
                f"topic {number + 1} must be a name of at most {MAX_TOPIC} characters",
                path=("topics", number),
            )
        if "\x00" in topic:
            raise SeedError(f"topic {number + 1} contains a NUL character")
        name = topic.strip()
        if name.lower() not in seen_topics:
            seen_topics.add(name.lower())
            topics.append(name)

    images = []
    for number, value in enumerate(_list(record, "images"), 1):
        try:
            images.append(_image(value, f"image {number}", with_title=True))
        except _ItemError as exc:
            warnings.append(f"{exc}, dropped")

    related = []
    seen_urls = {url: 0}
    for number, item in enumerate(_list(record, "related"), 1):
        try:
            link = _related(item, number, style, url)
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

    for key, value in record.items():
        if key not in TOP_LEVEL_KEYS:
            if not isinstance(key, str):
                raise SeedError(f"field name {key!r:.40} is not text")
            if not _json_safe(value):
                # A date or other YAML-only value: keep its YAML text instead.
                value = {"__yaml__": yaml.safe_dump(value, allow_unicode=True)}
            extra[key] = value

    return SeedRecord(
        url=url,
        source_url=source_url,
        url_style=style,
        title=title,
        excerpt=_field(record, "excerpt", _text),
        category=_field(record, "category", _text, MAX_SHORT),
        kind=_field(record, "type", _text, MAX_SHORT),
        amp_url=_field(record, amp_key, _url),
        cdn_amp_url=_field(record, cdn_key, _url),
        published_at=published_at,
        quality=quality,
        heat=None if heat == -1 else heat,
        published=published,
        domain=domain,
        provider_name=provider_name,
        logo_url=logo_url,
        secured=_field(record, "secured", _text),
        topics=topics,
        images=images,
        related=related,
        extra=extra,
        warnings=warnings,
    )
