"""The seed format in one place: key names, the two URL spellings, layout and quoting.

Everything that reads or writes seed files takes these from here: the parser
(``records``), the exporter, ``fixtures/make_demo_seeds.py`` and the benchmark's
generator (``bench/seedgen.py``). The tests' own writer, ``articles/tests/seedtext.py``,
deliberately does not, so that it can check the exporter. The format is described for
people in fixtures/README.md.

A file is ``---``, the top-level fields, ``---``. Each of the blocks in ``BLOCK_KEYS``
is preceded by a blank line. Titles, excerpts and ``secured`` are always double-quoted;
URLs are double-quoted in the ``webUrl`` spelling and left bare in the ``sourceUrl`` one;
other text is bare where YAML reads it back as the same string (``plain``). Dates are
ISO 8601 in UTC with a ``Z``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import yaml

WEB = "web"
SOURCE = "source"
# url, amp, cdn amp: the two spellings of the URL keys, never mixed inside one record.
URL_KEYS = {
    WEB: ("webUrl", "ampWebUrl", "cdnAmpWebUrl"),
    SOURCE: ("sourceUrl", "ampUrl", "cdnAmpUrl"),
}
# Newsroom's own keys, written by its exporter after ``published`` only for an article an
# editor decided on, so that importing the export restores the decision. The feed never
# writes them. Status is one of ``Article.Status``; the times are dates like the others.
STATUS_KEY = "newsroomStatus"
PUBLISH_AT_KEY = "newsroomPublishAt"
MODERATED_AT_KEY = "newsroomModeratedAt"
DECISION_KEYS = (STATUS_KEY, PUBLISH_AT_KEY, MODERATED_AT_KEY)
# Inside ``provider``, also only from the exporter: the desk blocked the publisher, and
# the domains merged into it (its domain aliases).
BLOCKED_KEY = "newsroomBlocked"
DOMAINS_KEY = "newsroomDomains"
# The feed fields an editor changed (``Article.edited_fields``): a later feed file leaves
# them alone, on a restored database too.
EDITED_KEY = "newsroomEdited"
EDITABLE_FIELDS = ("title", "excerpt", "category", "topics")  # Article.EDITABLE_FEED_FIELDS
DECISION_STATUSES = ("pending", "published", "rejected")
TOP_LEVEL_KEYS = frozenset(
    {
        *DECISION_KEYS,
        EDITED_KEY,
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
BLOCK_KEYS = ("provider", "topics", "images", "related", "secured")
ALWAYS_QUOTED = frozenset({"title", "excerpt", "secured"})
# Keys whose values are URLs, quoted or not by the file's spelling ("url" in images).
URL_VALUE_KEYS = frozenset({*URL_KEYS[WEB], *URL_KEYS[SOURCE], "url"})

_RESOLVER = yaml.resolver.Resolver()
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0", "\\": "\\\\", '"': '\\"'}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]')
_PLAIN_START = re.compile(r"[\w(/.]")


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


def url_quoting(style):
    """How a file of this URL spelling writes its URLs: ``quoted`` or ``plain``."""
    return plain if style == SOURCE else quoted


def url_style_of(record: dict) -> str:
    """The spelling a record (a plain dict) uses, ``WEB`` unless it has a ``sourceUrl``."""
    return SOURCE if URL_KEYS[SOURCE][0] in record else WEB


def date_text(value: datetime) -> str:
    value = value.astimezone(UTC)
    if value.microsecond:
        return value.isoformat().replace("+00:00", "Z")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def literal_text(value) -> str | None:
    """A boolean, null or number as YAML writes it; None for any other value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    return None


def scalar_text(key, value, style) -> str:
    """A value as it stands after ``key:`` in a file of this URL spelling."""
    literal = literal_text(value)
    if literal is not None:
        return literal
    if isinstance(value, datetime):
        return date_text(value)
    if key in ALWAYS_QUOTED:
        return quoted(value)
    if key in URL_VALUE_KEYS:
        return url_quoting(style)(value)
    return plain(str(value))


def render_mapping(record: dict) -> str:
    """A record given as plain dicts, lists and scalars, as the feed lays it out."""
    style = url_style_of(record)
    return "---\n" + "\n".join(_mapping_lines(record, 0, style, top=True)) + "\n---\n\n"


def _mapping_lines(mapping, indent, style, top=False):
    pad = " " * indent
    out = []
    for key, value in mapping.items():
        if top and key in BLOCK_KEYS:
            out.append("")
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out.extend(_mapping_lines(value, indent + 2, style))
        elif isinstance(value, list) and value:
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    item_lines = _mapping_lines(item, indent + 4, style)
                    item_lines[0] = f"{pad}  - {item_lines[0].lstrip()}"
                    out.extend(item_lines)
                else:
                    out.append(f"{pad}  - {scalar_text(None, item, style)}")
        elif isinstance(value, list):
            out.append(f"{pad}{key}: []")
        else:
            out.append(f"{pad}{key}: {scalar_text(key, value, style)}")
    return out
