"""Template helpers for the reader site: URL guarding and JSON-LD."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.urlnorm import is_http_url

register = template.Library()

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


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


def json_for_script(data):
    """JSON that is safe inside ``<script>``: ``<``, ``>`` and ``&`` become ``\\u`` escapes."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )


@register.simple_tag
def json_ld(data):
    """A ``<script type="application/ld+json">`` element holding ``data``."""
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(json_for_script(data))
    )


@register.simple_tag
def site_name():
    return settings.NEWSROOM_SITE_NAME
