"""A publisher's identity is its domain, spelled one way."""

import contextlib
import re
from urllib.parse import urlsplit

# What a normalised domain may look like: dot-separated labels of letters, digits, _ and -.
DOMAIN_RE = re.compile(r"^[\w-]+(\.[\w-]+)*$")


def normalize_domain(value: str) -> str:
    """Lower-case host without scheme, port, path, trailing dot or a leading ``www.``,
    an internationalised name in its ASCII form (IDNA): ``MÜNCHEN.de``, ``münchen.de``
    and ``xn--mnchen-3ya.de`` are one publisher, and so are full-width letters and
    their ASCII ones, as browsers map them. A name IDNA refuses is returned as it is
    lower-cased, for the caller's checks to refuse.

    >>> normalize_domain("https://WWW.CBC.ca:443/news")
    'cbc.ca'
    >>> normalize_domain("MÜNCHEN.de")
    'xn--mnchen-3ya.de'
    """
    value = (value or "").strip().lower()
    if "//" in value:
        try:
            value = urlsplit(value).hostname or ""
        except ValueError:  # "http://[" is no URL: no domain either
            return ""
    else:
        value = value.split("/", 1)[0].rsplit("@", 1)[-1]
        if value.count(":") == 1:
            value = value.split(":", 1)[0]
    value = value.rstrip(".")
    if not value.isascii():
        with contextlib.suppress(UnicodeError):
            value = value.encode("idna").decode("ascii")
    if value.startswith("www."):
        value = value[4:]
    return value
