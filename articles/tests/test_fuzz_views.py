"""Fuzzing the public routes with hypothesis: no query string or path is ever a 5xx.

Every generated request answers 200, 301/302, 304, 400 or 404, and every 200 is
well-formed: HTML that parses, XML that parses, JSON that loads. A fixed seed and
``FUZZ_EXAMPLES`` examples per property (100 unless set), e.g.
``FUZZ_EXAMPLES=2000 .venv/bin/pytest articles/tests/test_fuzz_views.py``.
"""

import json
import os
from html.parser import HTMLParser
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .factories import make_article, make_related, make_topic

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 301, 302, 304, 400, 404}
ROUTES = [
    "/",
    "/articles/{slug}/",
    "/articles/{slug}/related/",
    "/topics/",
    "/topics/{topic}/",
    "/topics/{topic}/feed/rss/",
    "/providers/",
    "/providers/{domain}/",
    "/providers/{domain}/feed/atom/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/json/",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/robots.txt",
]
PARAMS = ["q", "topic", "publisher", "date_from", "date_to", "min_quality", "sort", "page"]
hostile_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["", "0", "-1", "99999999999999999999", "1e9", "2026-02-30", "9999-12-31", '"', "%",
         "' OR 1=1 --", "NEAR(a b)", "*", "^", "a:b", "\ud7fb", "é" * 300, "../../etc"]
    ),
)  # fmt: skip


@pytest.fixture
def site(db):
    topic = make_topic("Elections")
    article = make_article(title="Votes are counted", topics=[topic])
    make_related(article)
    return {"slug": article.slug, "topic": topic.slug, "domain": article.provider.domain}


def assert_well_formed(response):
    kind = response.get("Content-Type", "")
    body = response.content.decode()
    if "json" in kind:
        json.loads(body)
    elif "xml" in kind:
        ElementTree.fromstring(response.content)
    elif "html" in kind:
        parser = HTMLParser()
        parser.feed(body)
        parser.close()
        assert body.lstrip().lower().startswith("<!doctype html>")


@FUZZ
@given(
    route=st.sampled_from(ROUTES),
    params=st.dictionaries(st.sampled_from(PARAMS), hostile_text, max_size=4),
)
def test_query_strings_never_break_a_public_page(client, site, route, params):
    url = route.format(**site)
    query = urlencode({key: value.replace("\x00", "") for key, value in params.items()})
    response = client.get(f"{url}?{query}")

    assert response.status_code in ALLOWED, (url, params, response.status_code)
    if response.status_code == 200:
        assert_well_formed(response)


@FUZZ
@given(
    route=st.sampled_from([r for r in ROUTES if "{" in r]),
    value=st.text(min_size=1, max_size=80).filter(lambda v: v.strip("/")),
)
def test_made_up_paths_are_a_404_not_an_error(client, site, route, value):
    url = route.format(**{key: quote(value, safe="") for key in site})
    response = client.get(url)

    assert response.status_code in ALLOWED, (url, response.status_code)
    if response.status_code == 200:
        assert_well_formed(response)
