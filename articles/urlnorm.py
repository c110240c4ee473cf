"""One spelling per article URL, so the same story is one article whatever the link.

``canonical_url`` is an article's identity (``Article.url``, ``RelatedLink.url``): the
respellings a feed uses for one page fold together, so an editor's decision on a story
sticks when the feed links it another way. It folds

* the scheme: ``http`` and ``https`` are both ``https``;
* a leading ``www.`` of the host, the host's case and a default port;
* a trailing ``/`` of the path (``/a/`` is ``/a``; the root stays ``/``);
* the fragment, and tracking parameters (``utm_*``, ``ref``, ``fbclid``, ``gclid``…);
  the other query parameters are kept, sorted.

The URL as the feed gave it is kept beside it (``source_url``) for links and exports.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
# Already canonical: https, a lower-case host without www., a path not ending in "/"
# (or just "/"), no port, query or fragment.
_CANONICAL_HTTP_URL = re.compile(r"https://(?!www\.)[a-z0-9.-]+(?:/|/[!\"$->@-~]*[!\"$-.0->@-~])\Z")


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
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = parts.hostname  # already lower case
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    elif host.startswith("www.") and len(host) > 4:
        host = host[4:]
    if parts.port and parts.port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(sorted((k, v) for k, v in pairs if not _is_tracking(k)))
    return urlunsplit(("https", host, path, query, ""))
