"""One spelling per article URL, so the same story is one article whatever the link."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gclsrc", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}
# The same characters as str.isspace() (both use Py_UNICODE_ISSPACE), searched in C:
# the importer checks tens of URLs per seed file. Control characters (NUL above all,
# which PostgreSQL refuses in text) make a URL unusable too.
_WHITESPACE = re.compile(r"[\s\x00-\x1f\x7f]")


# Shapes that need no parsing: every URL they match gets the answer the parsing code
# gives (tests/test_urlnorm.py checks both paths agree). Seed files hold ~50 URLs each.
_SIMPLE_HTTP_URL = re.compile(r"(?i:https?)://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?\Z")
_CANONICAL_HTTP_URL = re.compile(r"https?://[a-z0-9.-]+/[!\"$->@-~]*\Z")


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
    """Normalise an http(s) URL: lower-case scheme and host, no default port,
    no fragment, no tracking parameters (``utm_*``, ``fbclid``, ``gclid``…).

    Raises ``ValueError`` for anything that is not an absolute http(s) URL.
    """
    if isinstance(url, str) and _CANONICAL_HTTP_URL.match(url):
        return url  # lower-case scheme and host, a path, no port, query or fragment
    return _parsed_canonical_url(url)


def _parsed_canonical_url(url: str) -> str:
    if not is_http_url(url):
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = parts.hostname  # already lower case
    if parts.port and parts.port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((scheme, host, parts.path or "/", query, ""))
