"""Checks of single values read from a seed file, with the models' column sizes.

Each ``check(value, what, ...)`` returns the value as the record stores it, or raises
``ValueError`` with a message naming ``what``; ``records`` turns that into a
``SeedError`` (top-level fields) or a dropped item (list items).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, time

from articles.urlnorm import is_http_url
from providers.domains import DOMAIN_RE, normalize_domain

# Column sizes of the models: longer values are refused here rather than by the database.
MAX_TITLE = 500
MAX_URL = 2000
MAX_SHORT = 50  # category is 100, kind 50: one limit keeps the message simple
MAX_PROVIDER_NAME = 200
MAX_DOMAIN = 253
MAX_TOPIC = 100
MAX_INT = 2**31 - 1
# No news record is older; before it, time zones' local mean times and the stories'
# date windows run into datetime's year 1 (an OverflowError in a page or a clustering).
EARLIEST_DATE = datetime(1900, 1, 1, tzinfo=UTC)
INT_RE = re.compile(r"^[+-]?\d+$")


def type_name(value):
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "a mapping", list: "a list", str: "text", int: "a number"}.get(
        type(value), type(value).__name__
    )


def visible(value):
    """Whether ``value`` has a character that shows: not only spaces and invisible format
    characters (a zero-width space, a direction mark)."""
    return any(not char.isspace() and unicodedata.category(char) != "Cf" for char in value)


def text(value, what, limit=None, *, required=False):
    if value is None:
        if required:
            raise ValueError(f"missing {what}")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{what} must be text, not {type_name(value)}")
    value = str(value) if not isinstance(value, str) else value
    if "\x00" in value:
        raise ValueError(f"{what} contains a NUL character")
    if required and not visible(value):
        raise ValueError(f"{what} is empty")
    if limit and len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return value


def integer(value, what, *, minimum=-MAX_INT - 1):
    if value is None:
        return None
    if isinstance(value, str) and INT_RE.match(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer, not {type_name(value)} {value!r:.40}")
    if not minimum <= value <= MAX_INT:
        raise ValueError(f"{what} {value} is out of range")
    return value


def timestamp(value, what, *, required=False):
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
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:59:59-05:00 is a valid date whose UTC time is past year 9999.
        raise ValueError(f"{what} is out of range: {value.isoformat()}") from None
    if value < EARLIEST_DATE:
        raise ValueError(f"{what} {value.isoformat()} is before {EARLIEST_DATE.year}")
    return value


def url(value, what, *, required=False):
    if value is None or value == "":
        if required:
            raise ValueError(f"missing {what}")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a URL, not {type_name(value)}")
    if len(value) > MAX_URL:
        raise ValueError(f"{what} is longer than {MAX_URL} characters")
    if not is_http_url(value):
        raise ValueError(f"{what} is not an http(s) URL: {value!r:.80}")
    return value.strip()


def domain(value, what):
    """A publisher's domain on the web: two labels or more, none starting or ending with
    a hyphen, and not an IP address (``localhost``, ``1.2.3.4``, ``com`` and the
    ``javascript`` of ``javascript:alert(1)`` name no publisher)."""
    raw = text(value, what, MAX_DOMAIN, required=True)
    normalized = normalize_domain(raw)
    labels = normalized.split(".")
    if (
        not normalized.isascii()  # a name IDNA refuses (normalize_domain)
        or not DOMAIN_RE.match(normalized)
        or len(labels) < 2
        or any(label.startswith("-") or label.endswith("-") for label in labels)
        or all(label.isdigit() for label in labels)
    ):
        raise ValueError(f"{what} is not a domain: {raw!r:.80}")
    return normalized


def json_safe(value):
    """True if ``value`` survives a JSONField unchanged (feed_extra is JSON)."""
    if value is None or isinstance(value, str | bool | int):
        return not isinstance(value, int) or isinstance(value, bool) or abs(value) < 2**53
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(json_safe(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and json_safe(v) for k, v in value.items())
    return False
