"""One spelling per article URL, so the same story is one article whatever the link.

``canonical_url`` is an article's identity (``Article.url``, ``RelatedLink.url``): the
respellings a feed uses for one page fold together, so an editor's decision on a story
sticks when the feed links it another way. It folds

* the scheme: ``http`` and ``https`` are both ``https``;
* a leading ``www.`` of the host, the host's case and a default port;
* a trailing ``/`` of the path (``/a/`` is ``/a``; the root stays ``/``);
* the fragment, and tracking parameters (``utm_*``, ``ref``, ``fbclid``, ``gclid``…);
  the other query parameters are kept, sorted;
* an internationalised host in its ASCII form, as browsers resolve it (IDNA 2008 with
  UTS 46: ``münchen.de`` is ``xn--mnchen-3ya.de``), and a host's trailing dot;
* percent-encoding, as RFC 3986 (6.2.2) folds it: an escaped unreserved character is the
  character (``%7E`` is ``~``), other escapes are upper case, and a character past ASCII
  is its UTF-8 escapes, as browsers send it (``café`` is ``caf%C3%A9``).

The URL as the feed gave it is kept beside it (``source_url``) for links and exports.
"""

import re
import string
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from providers.domains import ascii_host

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "twclid",
        "wt_mc",
        "cmpid",
        "ocid",
        "mkt_tok",
        "oly_enc_id",
        "oly_anon_id",
        "vero_id",
        "spm",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}
# The same characters as str.isspace() (both use Py_UNICODE_ISSPACE), searched in C:
# the importer checks tens of URLs per seed file. Control characters (NUL above all,
# which PostgreSQL refuses in text) make a URL unusable too.
_WHITESPACE = re.compile(r"[\s\x00-\x1f\x7f]")


# Shapes that need no parsing: every URL they match gets the answer the parsing code
# gives (tests/test_urlnorm.py checks both paths agree). Seed files hold ~50 URLs each.
_SIMPLE_HTTP_URL = re.compile(r"(?i:https?)://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?\Z")
# Already canonical: https, a lower-case host without www. or a trailing dot, a path not
# ending in "/" (or just "/") with no escape, backslash or dot segment to fold, no port,
# query or fragment.
_CANONICAL_HTTP_URL = re.compile(
    r"https://(?!www\.)[a-z0-9.-]*[a-z0-9-](?!.*/\.\.?(?:/|\Z))"
    r"(?:/|/[!\"$&->@-\[\]-~]*[!\"$&-.0->@-\[\]-~])\Z"
)
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# Every visible ASCII character ("%" included): only what is past ASCII is escaped.
_VISIBLE_ASCII = "".join(chr(code) for code in range(0x21, 0x7F))


def is_http_url(value) -> bool:
    """True for an absolute http(s) URL with a host; ``javascript:`` and friends are False."""
    if isinstance(value, str) and _SIMPLE_HTTP_URL.match(value):
        return True
    return _parsed_is_http_url(value)


def _parsed_is_http_url(value) -> bool:
    if not isinstance(value, str) or not value or _WHITESPACE.search(value.strip()):
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname)


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def canonical_url(url: str) -> str:
    """The identity of an http(s) URL, folded as the module says: ``https``, lower-case
    host without ``www.`` or a default port, no trailing ``/``, no fragment, no tracking
    parameters, the other parameters sorted.

    Raises ``ValueError`` for anything that is not an absolute http(s) URL.
    """
    if isinstance(url, str) and _CANONICAL_HTTP_URL.match(url):
        return url
    return _parsed_canonical_url(url)


def _parsed_canonical_url(url: str) -> str:
    if not is_http_url(url):
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    parts = urlsplit(_slashes(url.strip()))
    scheme = parts.scheme.lower()
    host = parts.hostname  # already lower case
    if "%" in host:
        host = unquote(host).lower()
    # A trailing dot, ASCII or full-width (folded to ASCII by ascii_host), is no part of
    # the name.
    host = ascii_host(host.rstrip(".")).rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    elif host.startswith("www.") and len(host) > 4:
        host = host[4:]
    if parts.port and parts.port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    path = _remove_dot_segments(_fold_escapes(parts.path)).rstrip("/") or "/"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(sorted((k, v) for k, v in pairs if not _is_tracking(k)))
    return urlunsplit(("https", host, path, query, ""))


def _slashes(url):
    """A backslash before the query is a slash, as browsers read http(s) URLs."""
    end = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[:end].replace("\\", "/") + url[end:]


def _remove_dot_segments(path):
    """``/a/./b/../c`` is ``/a/c`` (RFC 3986 5.2.4), as browsers resolve it."""
    if "." not in path:
        return path
    segments = []
    parts = path.split("/")
    for segment in parts[1:]:
        if segment == "..":
            if segments:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    if parts[-1] in (".", ".."):
        segments.append("")
    return "/" + "/".join(segments)


def _unescape_unreserved(match):
    char = chr(int(match[1], 16))
    return char if char in _UNRESERVED else "%" + match[1].upper()


def _fold_escapes(path):
    """A path's percent-encoding as RFC 3986 folds it (see the module). A "%" that
    starts no escape is escaped itself first, so no escape forms once another is
    unescaped beside it ("%f%32" is "%25f2", and stays so)."""
    if "%" in path:
        path = _LONE_PERCENT.sub("%25", path)
        path = _ESCAPE.sub(_unescape_unreserved, path)
    if not path.isascii():
        path = quote(path, safe=_VISIBLE_ASCII)
    return path
