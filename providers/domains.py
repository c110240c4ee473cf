"""A publisher's identity is its domain, spelled one way."""

import contextlib
import re
from urllib.parse import urlsplit

import idna

# What a normalised domain may look like: dot-separated labels of letters, digits, _ and -.
DOMAIN_RE = re.compile(r"^[\w-]+(\.[\w-]+)*$")


def ascii_host(name: str) -> str:
    """A host name in its ASCII form, as browsers resolve it: UTS 46 (IDNA 2008,
    non-transitional: "faß.de" is xn--fa-hia.de, where IDNA 2003 said fass.de), else
    IDNA 2003 for a name IDNA 2008 disallows but browsers still resolve ("☃.net" is
    xn--n3h.net), else the name as it is, for the caller's checks to refuse."""
    if name.isascii():
        return name
    with contextlib.suppress(idna.IDNAError, UnicodeError):
        return idna.encode(name, uts46=True, transitional=False).decode("ascii")
    with contextlib.suppress(UnicodeError):
        return name.encode("idna").decode("ascii")
    return name


def normalize_domain(value: str) -> str:
    """Lower-case host without scheme, port, path, trailing dot or a leading ``www.``,
    an internationalised name in its ASCII form (IDNA 2008 with UTS 46, as browsers map
    names): ``MÜNCHEN.de``, ``münchen.de`` and ``xn--mnchen-3ya.de`` are one publisher,
    and so are full-width letters and their ASCII ones. A name IDNA refuses is returned as it is
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
    value = ascii_host(value.rstrip(".")).rstrip(".")
    if value.startswith("www."):
        value = value[4:]
    return value
