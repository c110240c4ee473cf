"""The regular-expression shortcuts in ``urlnorm`` must agree with the parsing code."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles import urlnorm

URLS = [
    "https://example.com/a/b?c=1",
    "https://example.com/a/b?utm_source=x&c=1",
    "https://example.com/a#frag",
    "https://example.com",
    "https://example.com?x=1",
    "https://example.com/p?",
    "https://example.com/p#",
    "HTTPS://EXAMPLE.com/Path",
    "http://example.com:80/x",
    "https://example.com:443/x",
    "http://example.com:8080/x",
    "https://example.com:/x",
    "https://example.com:99999/x",
    "https://user:pw@example.com/x",
    "https://[::1]/x",
    "https://[bad/x",
    "https://ex ample.com/x",
    " https://example.com/x ",
    "https://example.com/x\ty",
    "https://example.com/a b",
    "https://example.com//double//slash",
    "https://example.com/back\\slash",
    'https://example.com/quote"d',
    "https://example.com/ünïcode",
    "https://bücher.example/x",
    "https://.../x",
    "https://-/x",
    "https:///x",
    "https:/example.com/x",
    "http:example.com",
    "ftp://example.com/x",
    "javascript:alert(1)",
    "JavaScript://example.com/%0Aalert(1)",
    "//example.com/x",
    "/relative/path",
    "",
    "\x01https://example.com/x",
    "https://example.com/\x01",
    "https://example.com/a?b=c#d",
    "https://amp-businessinsider-com.cdn.ampproject.org/c/s/amp.businessinsider.com/x-2019-12",
    "https://image.businessinsider.com/5df25692fd9db202c04bee94?width=750&format=jpeg",
    "https://example.com./x",
    "https://example.com/%7Eeditor",
    "https://example.com/caf%c3%a9",
    "https://example.com/a%2Fb",
    "https://example.com/x%",
    "https://example.com/a/./b/../c",
    "https://example.com/..",
    "https://example.com/a..b/.c",
    "https://example.com/a\\b",
    "https://ex%61mple.com/x",
    "https://example.com/#!/story/1",
]


def outcome(function, url):
    try:
        return function(url)
    except ValueError as exc:
        return type(exc)


@pytest.mark.parametrize("url", URLS)
def test_shortcuts_agree_with_parsing(url):
    assert urlnorm.is_http_url(url) == urlnorm._parsed_is_http_url(url)
    assert outcome(urlnorm.canonical_url, url) == outcome(urlnorm._parsed_canonical_url, url)


@pytest.mark.parametrize(
    ("spellings", "identity"),
    [
        (
            [
                "https://münchen.de/wahl",
                "https://MÜNCHEN.de/wahl",
                "https://xn--mnchen-3ya.de/wahl",
            ],
            "https://xn--mnchen-3ya.de/wahl",
        ),
        (["https://faß.de/x", "https://xn--fa-hia.de/x"], "https://xn--fa-hia.de/x"),
        (
            [
                "https://example.net/café",
                "https://example.net/caf%C3%A9",
                "https://example.net/caf%c3%a9",
            ],
            "https://example.net/caf%C3%A9",
        ),
        (["https://example.com./tide", "https://example.com/tide"], "https://example.com/tide"),
        (
            ["https://example.info/%7Eeditor/c", "https://example.info/~editor/c"],
            "https://example.info/~editor/c",
        ),
        (["https://a.example/x%2fy"], "https://a.example/x%2Fy"),  # "/" stays escaped
        (
            [
                "https://a.example/news/./story",
                "https://a.example/news/x/../story",
                "https://a.example/news/%2e/story",
                "https://a.example/news\\story",
            ],
            "https://a.example/news/story",
        ),
        (["https://ex%61mple.com/x", "https://example.com/x"], "https://example.com/x"),
        (["https://☃.net/x", "https://xn--n3h.net/x"], "https://xn--n3h.net/x"),
        (["https://münchen.de。/x", "https://münchen.de/x"], "https://xn--mnchen-3ya.de/x"),
    ],
)
def test_what_browsers_take_for_one_url_is_one_identity(spellings, identity):
    assert {urlnorm.canonical_url(url) for url in spellings} == {identity}


def test_every_fragment_is_dropped_hashbang_too():
    """Keeping "#!" fragments made two pages of such a site two articles, but brought a
    story back published that had been rejected under the one identity the fragments
    folded into before: the identity stays fragment-free."""
    assert urlnorm.canonical_url("https://a.example/#!/story/1") == "https://a.example/"
    assert urlnorm.canonical_url("https://a.example/p#comments") == "https://a.example/p"


@settings(max_examples=500, deadline=None)
@example(host="a.example", path="%f%32")
@example(host="A.example.", path="_%%32eA2bc-A")
@given(
    host=st.sampled_from(["a.example", "A.example.", "www.a.example", "münchen.de", "☃.net"]),
    path=st.text(alphabet="ab./%2eEf\\~-_?#!:x9Zé&=c3A", max_size=16),
)
def test_an_identity_is_its_own_identity(host, path):
    """Stored URLs are identities: folded again (a lookup, a migration) they must not
    move. A lone "%" once made a new escape when its neighbour was unescaped."""
    url = f"https://{host}/{path}"
    try:
        identity = urlnorm.canonical_url(url)
    except ValueError:
        return
    assert urlnorm.canonical_url(identity) == identity
    assert urlnorm._parsed_canonical_url(url) == identity
