"""Template helpers for the reader site: URL guarding and JSON-LD."""

import json
import re
from datetime import UTC
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.urlnorm import is_http_url

register = template.Library()

# Characters XML 1.0 forbids (tab, LF and CR aside); Django's feed writer raises on them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
# The longest excerpt a feed item carries; cards and page descriptions show less.
EXCERPT_CHARS = 600
ELLIPSIS = "\u2026"
_LAST_SPACE = re.compile(r"\s+\S*$")
# The feed marks a shortened excerpt with a spaced " ..." (or "…"); readers see "…".
_FEED_ELLIPSIS = re.compile(r"[\s.,;:]*(?:\.{3,}|\u2026)\s*$")


@register.filter
def safe_url(value):
    """``value`` if it is an absolute http(s) URL or a path on this site, else "".

    A ``javascript:`` (or ``data:``, ``vbscript:``…) URL must never become an ``href`` or a
    ``src``; the importer refuses them, and this guards every template as well.
    """
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if is_http_url(value):
        return value
    if value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return ""


@register.filter(name="image_src")
def image_src_filter(value):
    """The URL to give ``<img src>`` for an image or logo URL (``articles.images``)."""
    from articles.images import image_src

    return image_src(value)


@register.filter
def clip(value, limit=EXCERPT_CHARS):
    """``value`` in at most ``limit`` characters: cut on a word boundary, then "…".

    A word longer than half the limit is cut where the limit falls. The feed's own mark
    of a cut, a trailing " ...", becomes the same "…". A feed can send a
    megabyte of excerpt; every page and feed shows at most this much of it.
    """
    if not isinstance(value, str):
        return value
    value = _FEED_ELLIPSIS.sub(ELLIPSIS, value)
    limit = int(limit)
    if len(value) <= limit:
        return value
    keep = limit - len(ELLIPSIS)
    text = value[:keep]
    if not value[keep].isspace():  # the cut falls inside a word: drop that word
        shorter = _LAST_SPACE.sub("", text)
        text = shorter if len(shorter) >= keep // 2 else text
    return text.rstrip(" \t\r\n,;:.-\u2013\u2014") + ELLIPSIS


def json_for_script(data):
    """JSON that is safe inside ``<script>``: ``<``, ``>`` and ``&`` become ``\\u`` escapes."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )


@register.filter
def xml_text(value):
    """``value`` without the control characters XML 1.0 cannot carry.

    The importer keeps text as the feed sent it, and a title with, say, a vertical tab
    took every RSS and Atom feed it appeared in down with a 500.
    """
    return _XML_INVALID.sub("", value) if isinstance(value, str) else value


@register.simple_tag
def json_ld(data):
    """A ``<script type="application/ld+json">`` element holding ``data``."""
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(json_for_script(data))
    )


@register.simple_tag
def site_name():
    return settings.NEWSROOM_SITE_NAME


# The header's sections: the index page each opens, and the pages that belong to it.
NAV_SECTIONS = {
    "latest": ("articles:article_list", ()),
    "topics": ("articles:topic_list", ("articles:topic_detail",)),
    "publishers": ("providers:provider_list", ("providers:provider_detail",)),
}


@register.simple_tag(takes_context=True)
def nav_current(context, section):
    """`` aria-current`` for a header link: "page" on the section's own index, "true" on
    a page inside the section (a topic, a publisher), nothing elsewhere."""
    match = getattr(context.get("request"), "resolver_match", None)
    view_name = getattr(match, "view_name", None)
    index, inside = NAV_SECTIONS[section]
    if view_name == index:
        return mark_safe(' aria-current="page"')
    if view_name in inside:
        return mark_safe(' aria-current="true"')
    return ""


def site_time_zone():
    """The zone readers' pages give times in: ``settings.NEWSROOM_SITE_TIME_ZONE``."""
    return ZoneInfo(settings.NEWSROOM_SITE_TIME_ZONE)


@register.simple_tag
def site_time(value, fmt="j M Y, H:i"):
    """``<time>`` for ``value`` on the site's clock, its zone named ("1 Dec 2026, 14:00
    GMT"), and the same instant in UTC in ``datetime``."""
    if value is None:
        return ""
    local = timezone.localtime(value, site_time_zone())
    return format_html(
        '<time datetime="{}">{}</time>',
        timezone.localtime(value, UTC).isoformat(),
        dateformat.format(local, f"{fmt} T"),
    )


@register.simple_tag(takes_context=True)
def marked(context, text):
    """``text`` escaped, with the words of the page's search (``search_query`` in the
    context, when there is one) in ``<mark>``, matched as the search itself matches."""
    query = context.get("search_query")
    if not query:
        return text
    from articles.search import highlight

    return highlight(str(text), query)
