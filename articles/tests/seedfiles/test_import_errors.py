"""Bad input: each bad file gets one clear failure, nothing of it is written, and the
other files still import."""

import os

import pytest
from django.test import override_settings

from articles.models import Article, RelatedLink
from articles.seedfiles import import_seeds
from articles.urlnorm import canonical_url
from providers.models import Provider

from ..seedtext import Raw, render_seed, seed_record, write_seed

pytestmark = pytest.mark.django_db

GOOD_URL = canonical_url(seed_record(1)["webUrl"])


def without(key, **overrides):
    record = seed_record(2, **overrides)
    del record[key]
    return record


ALIAS_BOMB = b"""---
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
title: *d
---
"""

# (case id, file content, expected message fragment, expected line or None)
BAD_FILES = [
    ("invalid yaml", "---\ntitle: ok\nexcerpt: : : [\n---\n", "invalid YAML", 3),
    ("bad indentation", "---\ntitle: ok\n  quality: 3\n---\n", "invalid YAML", 3),
    ("not utf-8", "---\ntitle: caf\xe9\n---\n".encode("latin-1"), "not UTF-8", 2),
    ("utf-16", render_seed(seed_record(2)).encode("utf-16"), "not UTF-8", 1),
    ("a list", "---\n- title: a\n- title: b\n---\n", "the record is a list", 1),
    ("a scalar", "---\njust some words\n---\n", "the record is a single str", 1),
    ("empty file", b"", "empty file", None),
    ("only blank lines", "\n\n  \n", "empty file", None),
    ("only separators", "---\n---\n", "empty file", None),
    ("two records", render_seed(seed_record(2)) + render_seed(seed_record(3)), "2 records", None),
    ("missing title", without("title"), "missing title", None),
    ("empty title", seed_record(2, title=""), "title is empty", 3),
    ("missing url", without("webUrl"), "missing webUrl", None),
    ("javascript url", seed_record(2, webUrl="javascript:alert(1)"), "not an http(s) URL", 6),
    ("ftp url", seed_record(2, webUrl="ftp://example.com/a"), "not an http(s) URL", 6),
    ("javascript amp url", seed_record(2, ampWebUrl="JavaScript:alert(1)"), "ampWebUrl", 7),
    ("port out of range", seed_record(2, webUrl="https://a.example:99999/x"), "usable URL", 6),
    ("relative url", seed_record(2, webUrl="/news/1"), "not an http(s) URL", 6),
    # 2,000 characters as given, longer as stored: PostgreSQL refused the file, SQLite
    # stored it whole.
    (
        "url long once https",
        seed_record(2, webUrl="http://example.com/" + "a" * 1981),
        "webUrl is 2001 characters once normalised, over 2000",
        6,
    ),
    (
        "url long once encoded",
        seed_record(2, webUrl="https://example.com/q?x=" + "é" * 1000),
        "webUrl is 6024 characters once normalised, over 2000",
        6,
    ),
    # SQLite stored the NUL; PostgreSQL refused the whole file with a database error.
    ("nul in url", seed_record(2, webUrl=Raw('"https://a.example/x\\0y"')), "NUL", 6),
    (
        "control char in url",
        seed_record(2, webUrl=Raw('"https://a.example/x\\x07y"')),
        "not an http",
        6,
    ),
    (
        "date past year 9999 in UTC",
        seed_record(2, publishedDateTime=Raw("9999-12-31T23:59:59-05:00")),
        "publishedDateTime is out of range",
        5,
    ),
    # Stored, it broke the stories' date window and every page showing it (OverflowError).
    (
        "date in year 1",
        seed_record(2, publishedDateTime=Raw("0001-01-01T00:00:00Z")),
        "publishedDateTime 0001-01-01T00:00:00+00:00 is before 1900",
        5,
    ),
    ("mixed spellings", seed_record(2, ampUrl="https://a.example/amp"), "mixes webUrl", None),
    ("date not a date", seed_record(2, publishedDateTime="last Tuesday"), "not a date", 5),
    ("date a number", seed_record(2, publishedDateTime=2020), "not a date", 5),
    (
        "impossible date",
        seed_record(2, publishedDateTime=Raw("2020-02-30T10:00:00Z")),
        "invalid YAML value: day is out of range for month",
        5,
    ),
    ("missing date", without("publishedDateTime"), "missing publishedDateTime", None),
    ("quality text", seed_record(2, quality="high"), "quality must be an integer", 10),
    ("quality bool", seed_record(2, quality=True), "quality must be an integer", 10),
    ("quality float", seed_record(2, quality=38.5), "quality must be an integer", 10),
    ("quality huge", seed_record(2, quality=10**30), "out of range", 10),
    ("heat text", seed_record(2, heat="hot"), "heat must be an integer", 11),
    ("published text", seed_record(2, published="yes please"), "published must be", 12),
    ("missing provider", without("provider"), "missing provider", None),
    ("provider a list", seed_record(2, provider=["a"]), "provider must be a mapping", 14),
    ("provider bad domain", seed_record(2, provider={"name": "X", "domain": "a b"}), "domain", 16),
    # Each of these became a publisher, linked from its page as https://<domain>/.
    *(
        (
            f"provider domain {domain}",
            seed_record(2, provider={"name": "X", "domain": domain}),
            "provider domain is not a domain",
            16,
        )
        for domain in ("javascript:alert(1)", "localhost", "com", "1.2.3.4", "-a.com", "a-.com")
    ),
    # Stored as the headline: a card with no visible title, the slug "article".
    ("title of spaces", seed_record(2, title="   "), "title is empty", 3),
    ("title invisible", seed_record(2, title=" \u200b\u200e "), "title is empty", 3),
    # PyYAML keeps the last of two keys: a decoy given first was read one way by us and
    # another way by anything else reading the file.
    (
        "a key twice",
        render_seed(seed_record(2)).replace(
            "\ntitle:", "\nwebUrl: https://evil.example/x\ntitle:", 1
        ),
        "the field 'webUrl' is given twice",
        7,
    ),
    ("topics not a list", seed_record(2, topics="AI"), "topics must be a list", 18),
    ("topic a mapping", seed_record(2, topics=[{"a": 1}]), "topic 1 must be a name", 19),
    ("nul in title", seed_record(2, title=Raw('"a\\0b"')), "NUL", 3),
    (
        "edited a field no editor owns",
        seed_record(2, newsroomEdited=["status"]),
        "newsroomEdited",
        None,
    ),
    ("alias bomb", ALIAS_BOMB, "anchors/aliases", 3),
    (
        "field name a number",
        render_seed(seed_record(2)).replace("\ntitle:", "\n5: heat\ntitle:", 1),
        "field name 5 is not text",
        3,
    ),
    ("python tag", "---\ntitle: !!python/object:os.system [ls]\n---\n", "invalid YAML", 2),
    ("deep nesting", "---\ntitle: " + "[" * 50000 + "]" * 50000 + "\n---\n", "more than 100", 2),
    (
        "deep unknown field",
        render_seed(seed_record(2)).replace("---\n\n", "x:\n" + "- " * 5000 + "a\n"),
        "nested too deeply",
        None,
    ),
]


@pytest.mark.parametrize(
    ("content", "fragment", "line"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_fails_alone_and_cleanly(tmp_path, content, fragment, line):
    write_seed(tmp_path, "a_good.txt", seed_record(1))
    bad = write_seed(tmp_path, "b_bad.txt", content)

    result = import_seeds([tmp_path])

    assert result.created == 1
    assert len(result.failures) == 1
    failure = result.failures[0]
    assert failure.file == str(bad)
    assert fragment in failure.message
    assert "\n" not in failure.message and "Traceback" not in failure.message
    if line is not None:
        assert failure.line == line
    assert list(Article.objects.values_list("url", flat=True)) == [GOOD_URL]
    assert result.run.failed == 1


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    write_seed(tmp_path, "a_good.txt", seed_record(1))
    big = write_seed(tmp_path, "b_big.txt", seed_record(2, excerpt="x" * 5000))
    with override_settings(SEED_MAX_BYTES=4000):
        result = import_seeds([tmp_path])
    assert result.created == 1
    [failure] = result.failures
    assert failure.file == str(big)
    assert "over the 4000 byte limit" in failure.message


def test_unsafe_urls_never_get_in(tmp_path):
    record = seed_record(3, related=2)
    record["related"][0]["webUrl"] = "javascript:alert(1)"
    record["related"][1]["ampWebUrl"] = "javascript:alert(2)"
    record["images"][0]["url"] = "javascript:alert(3)"
    record["provider"]["images"] = [{"url": "javascript:alert(4)"}]
    write_seed(tmp_path, "a.txt", record)
    result = import_seeds([tmp_path])
    assert result.created == 1 and len(result.warnings) == 4
    assert not RelatedLink.objects.exists()
    assert not Article.objects.get().images.exists()
    assert Provider.objects.get(domain="example-news.com").logo_url == ""


def test_unreadable_path_is_reported_not_raised(tmp_path):
    folder = write_seed(tmp_path, "dir.txt/inner.txt", seed_record(4)).parent
    result = import_seeds([folder])  # a folder named *.txt is walked, not read
    assert result.created == 1 and not result.failures


def test_file_names_that_are_not_utf8_are_stored_and_reported(tmp_path):
    # A name from a latin-1 archive: Python keeps the byte as a lone surrogate, which
    # neither database driver can encode; the run used to end in a traceback.
    good = os.fsdecode(b"caf\xe9.txt")
    bad = os.fsdecode(b"mauvais\xe9.txt")
    write_seed(tmp_path, good, seed_record(1))
    write_seed(tmp_path, bad, "---\ntitle: [\n---\n")
    result = import_seeds([tmp_path])
    assert result.created == 1
    [failure] = result.failures
    assert failure.file.endswith("mauvais\\xe9.txt")  # the byte, escaped
    assert Article.objects.get().source_file.endswith("caf\\xe9.txt")
    assert result.run.failures.get().file.endswith("mauvais\\xe9.txt")
