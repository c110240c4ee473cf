"""A publisher's identity is its domain, spelled one way."""

import re
from urllib.parse import urlsplit

# What a normalised domain may look like: dot-separated labels of letters, digits, _ and -.
DOMAIN_RE = re.compile(r"^[\w-]+(\.[\w-]+)*$")


def normalize_domain(value: str) -> str:
    """Lower-case host without scheme, port, path, trailing dot or a leading ``www.``.

    >>> normalize_domain("https://WWW.CBC.ca:443/news")
    'cbc.ca'
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
    if value.startswith("www."):
        value = value[4:]
    return value
