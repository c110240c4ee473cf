"""Seed-file text for tests, laid out like the feed's own files.

Written independently of ``articles/seedfiles/format.py`` on purpose: the exporter's
output is checked against it, so it must not share the exporter's rules.

``seed_record()`` builds a plausible record as a dict (override any key, or delete one);
``render_seed()`` writes a dict the way the feed does: ``---``, the fields in order, blank
lines before the provider/topics/images/related/secured blocks, ``---``. Titles, excerpts
and ``secured`` are double-quoted; URLs are quoted when ``quote_urls`` (the ``webUrl``
files) and bare otherwise (the ``sourceUrl`` files). Wrap a value in ``Raw`` to write it
exactly as given, e.g. to produce a malformed value.
"""

import json
from datetime import UTC, datetime

QUOTED_KEYS = {"title", "excerpt", "secured"}
URL_KEYS = {"webUrl", "ampWebUrl", "cdnAmpWebUrl", "sourceUrl", "ampUrl", "cdnAmpUrl", "url"}
BLOCKS = {"provider", "topics", "images", "related", "secured"}
SPELLINGS = {
    "web": ("webUrl", "ampWebUrl", "cdnAmpWebUrl"),
    "source": ("sourceUrl", "ampUrl", "cdnAmpUrl"),
}


class Raw(str):
    """A value written into the YAML text exactly as given."""


def _scalar(key, value, quote_urls):
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if key in QUOTED_KEYS or (quote_urls and key in URL_KEYS):
        # A JSON string is a valid YAML double-quoted scalar.
        return json.dumps(value, ensure_ascii=False)
    return value


def _lines(mapping, indent, quote_urls, top=False):
    pad = " " * indent
    out = []
    for key, value in mapping.items():
        if top and key in BLOCKS:
            out.append("")
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out.extend(_lines(value, indent + 2, quote_urls))
        elif isinstance(value, list) and value:
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    item_lines = _lines(item, indent + 4, quote_urls)
                    item_lines[0] = f"{pad}  - {item_lines[0].lstrip()}"
                    out.extend(item_lines)
                else:
                    out.append(f"{pad}  - {_scalar(None, item, quote_urls)}")
        elif isinstance(value, list):
            out.append(f"{pad}{key}: []")
        else:
            out.append(f"{pad}{key}: {_scalar(key, value, quote_urls)}")
    return out


def render_seed(record: dict, *, quote_urls=None) -> str:
    """The feed's text for ``record``; URLs quoted for webUrl records unless told."""
    if quote_urls is None:
        quote_urls = "sourceUrl" not in record
    return "---\n" + "\n".join(_lines(record, 0, quote_urls, top=True)) + "\n---\n\n"


def related_item(n, *, style="web", domain=None, name=None, image=True, url=None):
    url_key, amp_key, cdn_key = SPELLINGS[style]
    domain = domain or f"publisher{n % 7}.example"
    url = url or f"https://www.{domain}/2020/02/story-{n}/"
    item = {
        "title": f"Related story number {n} about facial recognition",
        "excerpt": f"Coverage {n} of the same story, with “curly quotes” — and dashes ...",
        "publishedDateTime": datetime(2020, 2, 11, 13, n % 60, tzinfo=UTC),
        url_key: url,
        amp_key: url + "amp/",
        cdn_key: f"https://cdn.ampproject.example/c/s/{domain}/story-{n}/amp/",
        "type": "article",
        "provider": {"name": name or f"Publisher {n % 7}", "domain": domain},
        "quality": 40 + n,
    }
    if image:
        item["images"] = [{"url": f"https://img.{domain}/{n}.jpg", "width": 1200, "height": 675}]
    return item


def seed_record(n=1, *, style="web", related=3, **overrides):
    """A valid record in the given URL spelling; ``overrides`` replace or add keys."""
    url_key, amp_key, cdn_key = SPELLINGS[style]
    url = f"https://www.example-news.com/news/{n}/police-facial-recognition"
    record = {
        "category": "news",
        "title": f"Police begin deploying facial recognition cameras, part {n}",
        "excerpt": f'The police have started deploying cameras (story {n}). "It will help" ...',
        "publishedDateTime": datetime(2020, 2, 11, 11, 37, tzinfo=UTC),
        url_key: url,
        amp_key: url + "/amp",
        cdn_key: f"https://www-example-news-com.cdn.ampproject.example/c/s/{n}/amp",
        "type": "article",
        "quality": 38,
        "heat": -1,
        "published": False,
        "provider": {"name": "Example News", "domain": "example-news.com"},
        "topics": ["AI", "Computer Vision"],
        "images": [
            {
                "url": f"https://www.example-news.com/images/{n}.jpg",
                "width": 370,
                "height": 229,
                "title": f"Police begin deploying facial recognition cameras, part {n}",
            }
        ],
        "related": [related_item(n * 100 + i, style=style) for i in range(related)],
        "secured": "T2ZCc0dzWHdaYlF2bUt1bTFDMkZvUDUrbTV0cXNtQjQ=;SUV4ajVEZnhEK2ZqalRlaUFaVENkUT09",
    }
    record.update(overrides)
    return record


def write_seed(directory, name, record, **render_options):
    """Write ``record`` (a dict, or text/bytes as is) to ``directory/name``; return the path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(record, bytes):
        path.write_bytes(record)
    elif isinstance(record, str):
        path.write_text(record, encoding="utf-8")
    else:
        path.write_text(render_seed(record, **render_options), encoding="utf-8")
    return path
