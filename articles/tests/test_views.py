"""The reader's pages: what they show, how they behave with bad input, what they cost."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleImage, RelatedLink, Topic
from articles.templatetags.site_tags import safe_url

from .factories import make_article, make_provider, make_related, make_topic

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = "<script>alert(1)</script> Breaking </script><b>news</b>"
HOSTILE_EXCERPT = "<img src=x onerror=alert(1)> & more"


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def json_ld(body):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


# The front page -------------------------------------------------------------------


def test_front_page_lists_newest_first(client):
    older = make_article(published_at=timezone.now() - timedelta(days=2))
    newer = make_article(published_at=timezone.now() - timedelta(hours=1))
    response = client.get(reverse("articles:article_list"))
    assert list(response.context["article_list"]) == [newer, older]
    body = response.content.decode()
    assert body.index(newer.title) < body.index(older.title)
    assert f'<time datetime="{newer.published_at.isoformat()}' in body


def test_front_page_pages_without_counting(client, django_assert_max_num_queries):
    articles = [make_article() for _ in range(45)]
    newest_first = sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)
    url = reverse("articles:article_list")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    # The only counts are the grouped ones behind the form's choices, which outside a test's
    # transaction are read once per content version (articles.counts).
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert all("GROUP BY" in sql.upper() for sql in counting)
    assert list(first.context["article_list"]) == newest_first[:20]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert 'rel="prev"' not in first.content.decode()

    second = client.get(url, {"page": 2})
    assert list(second.context["article_list"]) == newest_first[20:40]
    body = second.content.decode()
    assert "Older" in body and "Newer" in body and "Page 2" in body
    # Back to page 1 drops the page parameter instead of linking to ?page=1.
    assert 'rel="prev" href="?"' in body

    third = client.get(url, {"page": 3})
    assert list(third.context["article_list"]) == newest_first[40:]
    assert 'rel="next"' not in third.content.decode()
    assert client.get(url, {"page": 4}).status_code == 404


def test_pagination_keeps_the_filters(client):
    topic = make_topic("AI")
    for _ in range(25):
        make_article(topics=[topic])
    body = client.get(reverse("articles:article_list"), {"topic": "ai"}).content.decode()
    assert 'rel="next" href="?topic=ai&amp;page=2"' in body


def test_filters_form_is_labelled_and_shows_active_filters(client):
    topic = make_topic("Computer Vision")
    provider = make_provider("ft.com", name="Financial Times")
    make_article(topics=[topic], provider=provider, quality=80)
    response = client.get(
        reverse("articles:article_list"),
        {"topic": topic.slug, "publisher": "ft.com", "q": "story", "sort": "heat"},
    )
    body = response.content.decode()
    for field in response.context["filterset"].form:
        assert f'<label for="{field.auto_id}">' in body
        assert f'id="{field.auto_id}"' in body
    chips = {chip["name"]: chip for chip in response.context["active_filters"]}
    assert set(chips) == {"topic", "publisher", "q"}
    assert chips["topic"]["value"] == "Computer Vision"
    assert chips["publisher"]["value"] == "Financial Times"
    # Removing one filter keeps the others (and the sort order).
    assert chips["topic"]["remove_url"] == "?publisher=ft.com&q=story&sort=heat"
    assert 'href="?publisher=ft.com&amp;q=story&amp;sort=heat"' in body
    assert "Filtered stories" in body


def test_unknown_sort_falls_back_to_newest(client):
    older = make_article(published_at=timezone.now() - timedelta(days=1), heat=99)
    newer = make_article(published_at=timezone.now(), heat=1)
    response = client.get(reverse("articles:article_list"), {"sort": "'; DROP TABLE"})
    assert response.status_code == 200
    assert list(response.context["article_list"]) == [newer, older]
    assert response.context["sort"] == "newest"


def test_sort_by_heat_shows_hottest_first_and_unscored_last(client):
    cold = make_article(heat=None)
    hot = make_article(heat=90)
    warm = make_article(heat=40)
    response = client.get(reverse("articles:article_list"), {"sort": "heat"})
    assert list(response.context["article_list"]) == [hot, warm, cold]


def test_invalid_filter_shows_errors_and_no_results(client):
    make_article()
    response = client.get(reverse("articles:article_list"), {"topic": "no-such-topic"})
    assert response.status_code == 200
    assert list(response.context["article_list"]) == []
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "No stories match these filters." in body


BAD_PARAMETERS = [
    {"page": "99999"},
    {"page": "0"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "1e9"},
    {"page": "9" * 40},
    {"sort": "nonsense"},
    {"sort": ""},
    {"date_from": "not-a-date"},
    {"date_from": "2024-02-30"},
    {"date_to": "9999-12-31"},
    {"date_from": "0001-01-01"},
    {"date_from": "2030-01-01", "date_to": "2020-01-01"},
    {"topic": "does-not-exist"},
    {"topic": "../../etc/passwd"},
    {"publisher": "nowhere.example"},
    {"min_quality": "lots"},
    {"min_quality": "-5"},
    {"min_quality": "1e400"},
    {"min_quality": "99999999999999999999999"},
    {"q": "x" * 5000},
    {"q": "%_\\'\""},
    {"q": "\x00"},
    {"topic": ["ai", "ml"]},
]


@pytest.mark.parametrize("params", BAD_PARAMETERS, ids=lambda p: repr(p)[:40])
def test_bad_parameters_never_cause_a_server_error(client, params):
    make_topic("AI")
    make_article()
    response = client.get(reverse("articles:article_list"), params)
    # 400: a NUL byte anywhere (newsroom.middleware.RejectNulBytesMiddleware).
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "url",
    [
        "/topics/no-such-topic/",
        "/providers/no-such.example/",
        "/articles/no-such-story/",
        "/topics/ai/?page=99",
        "/providers/p.example/?page=abc",
        "/topics/no-such-topic/feed/rss/",
        "/providers/no-such.example/feed/json/",
        "/sitemap-nonsense.xml",
        "/sitemap-articles.xml?p=99",
        "/sitemap-articles.xml?p=abc",
    ],
)
def test_bad_urls_are_not_found(client, url):
    make_topic("AI")
    make_provider("p.example")
    assert client.get(url).status_code == 404


def test_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    topic = make_topic("AI")
    provider = make_provider("p.example")
    for _ in range(3):
        make_article(topics=[topic], provider=provider, images=1)
    url = reverse("articles:article_list") + "?topic=ai&publisher=p.example"
    few = count_queries(client, url)
    for _ in range(27):
        make_article(topics=[topic, make_topic()], provider=provider, images=2)
    with django_assert_max_num_queries(8):
        many = count_queries(client, url)
    assert many == few


def test_not_found_page_is_styled(client):
    response = client.get("/articles/missing/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "site.css" in body


def test_server_error_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong" in html


# The article page -----------------------------------------------------------------


@pytest.fixture
def story():
    provider = make_provider("ft.com", name="Financial Times", logo_url="https://ft.com/logo.png")
    topic = make_topic("Computer Vision")
    article = make_article(
        title="Cameras learn to see",
        excerpt="A lead about cameras.",
        url="https://ft.com/content/cameras",
        provider=provider,
        topics=[topic],
        images=1,
    )
    return article


def test_article_page_shows_the_story(client, story):
    response = client.get(story.get_absolute_url())
    body = response.content.decode()
    assert "<h1>Cameras learn to see</h1>" in body
    assert f'<time datetime="{story.published_at.isoformat()}">' in body
    assert "A lead about cameras." in body
    assert '<a class="button" href="https://ft.com/content/cameras" rel="noopener">' in body
    assert "Read the full story at Financial Times" in body
    assert 'src="https://ft.com/logo.png"' in body
    image = story.images.get()
    assert re.search(
        rf'<img src="{re.escape(image.url)}" alt="Cameras learn to see" width="800" '
        r'height="450" fetchpriority="high" decoding="async"',
        body,
    )
    assert '<a href="/topics/computer-vision/">Computer Vision</a>' in body
    assert story.secured not in body


def test_article_page_related_coverage(client, story):
    now = timezone.now()
    other = make_article(title="Our own take", slug="our-own-take")
    unpublished = make_article(title="Not yet", slug="not-yet", status=Article.Status.PENDING)
    older = make_related(story, title="Older coverage", published_at=now - timedelta(days=3))
    newer = make_related(
        story, title="Newer coverage", published_at=now - timedelta(hours=1), target=other
    )
    make_related(
        story, title="Pending target", published_at=now - timedelta(days=1), target=unpublished
    )
    make_related(story, title="Off-topic link", is_hidden=True)
    response = client.get(story.get_absolute_url())
    body = response.content.decode()
    related = response.context["related_links"]
    # A link to our own pending article is not shown at all (test_visibility has every case).
    assert [link.title for link in related] == ["Newer coverage", "Older coverage"]
    assert "Pending target" not in body
    assert "Off-topic link" not in body
    assert f'href="{newer.url}" rel="noopener"' in body
    assert f'href="{older.url}" rel="noopener"' in body
    assert newer.provider.name in body
    assert '<a href="/articles/our-own-take/">Read it on Newsroom</a>' in body
    assert "/articles/not-yet/" not in body


def test_article_page_meta_and_structured_data(client, story):
    body = client.get(story.get_absolute_url()).content.decode()
    canonical = f"http://testserver{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in body
    assert '<meta property="og:type" content="article">' in body
    assert '<meta property="og:title" content="Cameras learn to see">' in body
    assert f'<meta property="og:url" content="{canonical}">' in body
    assert '<meta property="og:image" content="https://img.example/' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    data = json_ld(body)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Cameras learn to see"
    assert data["url"] == canonical
    assert data["datePublished"] == story.published_at.isoformat()
    assert data["publisher"]["name"] == "Financial Times"
    assert data["image"][0]["width"] == 800
    assert data["isBasedOn"] == "https://ft.com/content/cameras"


def test_article_page_query_count_does_not_grow_with_related_links(client, story):
    few = count_queries(client, story.get_absolute_url())
    for n in range(30):
        make_related(story, target=make_article() if n % 3 == 0 else None)
    for position in range(1, 5):
        ArticleImage.objects.create(article=story, position=position, url="https://i.example/x")
    story.topics.add(*[make_topic() for _ in range(5)])
    many = count_queries(client, story.get_absolute_url())
    assert many == few <= 5


# Hostile text and URLs ------------------------------------------------------------


@pytest.fixture
def hostile():
    topic = make_topic("AI")
    provider = make_provider(
        "evil.example", name="<b>Evil</b> Press", logo_url="javascript:alert(1)"
    )
    article = make_article(
        title=HOSTILE_TITLE,
        excerpt=HOSTILE_EXCERPT,
        slug="hostile",
        topics=[topic],
        provider=provider,
    )
    # Model fields do not validate on create: this is what a buggy import could leave.
    Article.objects.filter(pk=article.pk).update(url="javascript:alert(1)")
    ArticleImage.objects.create(
        article=article, position=0, url="javascript:alert(2)", width=10, height=10
    )
    RelatedLink.objects.create(
        article=article,
        url="javascript:alert(3)",
        source_url="javascript:alert(3)",
        title="<script>alert(4)</script>",
        provider=provider,
        position=1,
    )
    return article


HOSTILE_ROUTES = [
    "/",
    "/?q=script",
    "/articles/hostile/",
    "/topics/ai/",
    "/providers/evil.example/",
    "/providers/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/json/",
    "/sitemap-news.xml",
]


@pytest.mark.parametrize("url", HOSTILE_ROUTES)
def test_hostile_text_is_inert(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "<b>Evil</b>" not in body
    assert "</script><b>" not in body
    assert not re.search(r"""(href|src)=["']?\s*javascript:""", body, re.I)
    assert "javascript:" not in body.lower()


def test_hostile_title_cannot_leave_the_json_ld(client, hostile):
    body = client.get("/articles/hostile/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", body)
    # The JSON-LD block itself, and the site's one script file (no inline code).
    assert scripts == [
        f'<script src="{static("js/images.js")}" defer>',
        '<script type="application/ld+json">',
    ]
    data = json_ld(body)
    assert data["headline"] == HOSTILE_TITLE
    assert data["description"] == HOSTILE_EXCERPT
    assert "isBasedOn" not in data
    assert "logo" not in data["publisher"]
    assert "image" not in data


def test_javascript_urls_are_never_links(client, hostile):
    body = client.get("/articles/hostile/").content.decode()
    assert "Read the full story" not in body
    assert '<h3 class="related__title">&lt;script&gt;alert(4)&lt;/script&gt;</h3>' in body


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("http://example.com/", "http://example.com/"),
        ("/media/logo.png", "/media/logo.png"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("data:text/html;base64,xx", ""),
        ("//evil.example/x", ""),
        ("/\\evil.example", ""),
        ("vbscript:x", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_url(value, expected):
    assert safe_url(value) == expected


def test_robots_txt_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "admin" not in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Sitemap: http://testserver/sitemap-news.xml" in body


# Bounds: what one page can weigh ---------------------------------------------------


def test_front_page_weight_does_not_grow_with_publishers_or_topics(client):
    from articles.filters import PUBLISHER_SUGGESTIONS, TOPIC_CHOICES
    from providers.models import Provider

    providers = Provider.objects.bulk_create(
        Provider(domain=f"publisher{n}.example", name=f"Publisher number {n}") for n in range(2000)
    )
    topics = Topic.objects.bulk_create(
        Topic(name=f"Topic number {n}", slug=f"topic-number-{n}") for n in range(300)
    )
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            url=f"https://publisher{n}.example/story",
            source_url=f"https://publisher{n}.example/story",
            slug=f"story-{n}",
            title=f"Story {n}",
            published_at=now - timedelta(minutes=n),
            status=Article.Status.PUBLISHED,
            provider=provider,
        )
        for n, provider in enumerate(providers)
    )
    Article.topics.through.objects.bulk_create(
        Article.topics.through(article_id=article.pk, topic_id=topics[n % 300].pk)
        for n, article in enumerate(articles)
    )
    body = client.get("/").content.decode()
    assert len(body.encode()) < 40_000
    datalist = re.search(r'<datalist id="publisher-suggestions">(.*?)</datalist>', body).group(1)
    assert datalist.count("<option") == PUBLISHER_SUGGESTIONS
    topic_select = re.search(r'<select name="topic".*?</select>', body, re.S).group(0)
    assert topic_select.count("<option") == TOPIC_CHOICES + 1  # and "All topics"
    # Any publisher or topic with stories still filters, listed or not.
    assert client.get("/?publisher=publisher1999.example").context["article_list"] == [
        articles[1999]
    ]
    filtered = client.get("/?topic=topic-number-299")
    assert list(filtered.context["article_list"])
    assert '<option value="topic-number-299" selected>Topic number 299</option>' in (
        filtered.content.decode()
    )


def test_publisher_filter_takes_a_domain_however_typed(client):
    ft = make_provider("ft.com", name="Financial Times")
    mine = make_article(provider=ft)
    make_article()
    for typed in ("ft.com", "WWW.FT.com", " https://www.ft.com/world ", "ft.com."):
        response = client.get("/", {"publisher": typed})
        assert list(response.context["article_list"]) == [mine], typed
    response = client.get("/", {"publisher": "nobody.example"})
    assert list(response.context["article_list"]) == []
    body = response.content.decode()
    assert "No publisher with published stories has that domain." in body
    assert 'list="publisher-suggestions"' in body
    assert '<option value="ft.com">Financial Times</option>' in body


def test_card_excerpts_are_clipped(client):
    for _ in range(20):
        make_article(excerpt="longword " * 120_000)
    body = client.get("/").content.decode()
    assert len(body.encode()) < 60_000
    assert "longword…</p>" in body and "longword ..." not in body


def test_related_links_are_bounded_with_the_rest_a_link_away(client, story):
    from articles.views.articles import RELATED_PER_PAGE, RELATED_SHOWN

    provider = make_provider()
    now = timezone.now()
    RelatedLink.objects.bulk_create(
        RelatedLink(
            article=story,
            position=n % 30_000,
            url=f"https://other.example/coverage/{n}",
            source_url=f"https://other.example/coverage/{n}",
            title=f"Coverage number {n}",
            published_at=now - timedelta(minutes=n),
            provider=provider,
        )
        for n in range(11_500)
    )
    body = body_within(client, story.get_absolute_url(), 5)
    assert len(body.encode()) < 60_000
    assert body.count('class="related__item"') == RELATED_SHOWN
    assert "Coverage number 0<" in body and f"Coverage number {RELATED_SHOWN}<" not in body
    related_url = reverse("articles:article_related", kwargs={"slug": story.slug})
    assert f'<a href="{related_url}">All related coverage</a>' in body

    body = body_within(client, related_url + "?page=3", 2)
    assert body.count('class="related__item"') == RELATED_PER_PAGE
    assert f"Coverage number {2 * RELATED_PER_PAGE}<" in body
    assert 'rel="next" href="?page=4"' in body and 'rel="prev" href="?page=2"' in body
    last = -(-11_500 // RELATED_PER_PAGE)
    assert client.get(related_url, {"page": last}).status_code == 200
    assert client.get(related_url, {"page": last + 1}).status_code == 404


def test_few_related_links_need_no_link_to_more(client, story):
    make_related(story, title="Only coverage")
    body = client.get(story.get_absolute_url()).content.decode()
    assert "Only coverage" in body and "All related coverage" not in body
    related = client.get(reverse("articles:article_related", kwargs={"slug": story.slug}))
    assert [link.title for link in related.context["object_list"]] == ["Only coverage"]


def test_related_page_of_an_unpublished_article_is_not_found(client):
    pending = make_article(status=Article.Status.PENDING)
    make_related(pending)
    url = reverse("articles:article_related", kwargs={"slug": pending.slug})
    assert client.get(url).status_code == 404


def body_within(client, url, max_queries):
    """The body of a 200 for ``url``, asserting it took at most ``max_queries``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert len(queries) <= max_queries, [q["sql"] for q in queries.captured_queries]
    return response.content.decode()


@pytest.mark.parametrize(
    "text, limit, clipped",
    [
        ("short enough", 20, "short enough"),
        ("cut on a word boundary", 12, "cut on a…"),
        ("cut on a word boundary", 13, "cut on a…"),
        ("ends, with a comma", 8, "ends…"),
        ("x" * 30, 10, "x" * 9 + "…"),
        ("exactly ten", 11, "exactly ten"),
    ],
)
def test_clip_cuts_on_a_word_boundary_with_an_ellipsis(text, limit, clipped):
    from articles.templatetags.site_tags import clip

    assert clip(text, limit) == clipped
    assert len(clip(text, limit)) <= limit
