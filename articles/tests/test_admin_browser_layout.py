"""The desk at 1280 × 800 in Chromium: nothing scrolls sideways, every column shows.

Each page is filled with the long headlines, excerpts, publisher names and URLs a real
feed sends, in the light and the dark theme, and a screenshot of each is kept under
``test-artifacts/``.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import moderation
from articles.models import Article, ImportRun

from .admin_helpers import ensure_editors_group, make_editor
from .factories import make_article, make_provider, make_related, make_topic
from .test_admin_browser import TINY_PNG, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = Article.Status
WIDTH, HEIGHT = 1280, 800
LONG_TITLE = (
    "Regional transport authority confirms the long-delayed harbour bridge will reopen "
    "to trams, buses and cyclists after a three-year refurbishment"
)
LONG_EXCERPT = (
    "Engineers replaced every one of the bridge's 1,240 cables, and the authority says "
    "the crossing now carries twice the load. " * 3
)
LONG_URL = "https://www.the-northern-evening-courier-and-gazette.example/" + "section/" * 8


@pytest.fixture
def desk(page):
    page.route(
        "https://img.example/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TINY_PNG),
    )
    ensure_editors_group()
    make_editor("desk")
    providers = [
        make_provider(name="The Northern Evening Courier and Gazette of the Coast"),
        make_provider(name="Wire"),
    ]
    topics = [make_topic(f"Topic with a long name {n}") for n in range(4)]
    articles = [
        make_article(
            status=Status.PENDING,
            provider=providers[n % 2],
            title=f"{LONG_TITLE} {n}",
            excerpt=LONG_EXCERPT,
            url=f"{LONG_URL}{n}",
            source_url=f"{LONG_URL}{n}?utm_source=feed",
            topics=topics,
            images=3,
            quality=13 + n * 17,
            heat=30 + n * 7,
            imported_at=timezone.now() - timedelta(minutes=n),
        )
        for n in range(10)
    ]
    for article in articles[:2]:
        for n in range(3):
            make_related(article, title=LONG_TITLE, url=f"{LONG_URL}related/{n}")
    scheduled = make_article(status=Status.PENDING, title="Goes out tomorrow")
    moderation.schedule(scheduled, None, timezone.now() + timedelta(days=1))
    ImportRun.objects.create(
        source="seeds",
        files_seen=12,
        created=10,
        updated=1,
        unchanged=1,
        finished_at=timezone.now(),
    )
    return articles


def assert_fits(page, name, artifacts_dir, table="#result_list"):
    """No sideways scrolling; every column header on screen, its text not clipped."""
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{name}: the page is {width} px wide"
    if table is None:
        return
    headers = page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector + ' thead th')).map(th => {
            const box = th.getBoundingClientRect();
            const text = th.querySelector('.text') || th;
            return {text: th.innerText.trim(), left: box.left, right: box.right,
                    width: box.width,
                    clipped: text.scrollWidth > text.clientWidth + 1};
        })""",
        table,
    )
    assert headers, f"{name}: no table"
    for header in headers:
        assert header["width"] > 0 and header["right"] <= WIDTH, (name, header)
        assert not (header["text"] and header["clipped"]), (name, str(header))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_queue_fits_1280_in_both_themes(browser, desk, live_server, artifacts_dir, theme):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, color_scheme=theme)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(
        "https://img.example/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TINY_PNG),
    )
    log_in(page, live_server, "desk")
    page.goto(live_server.url + reverse("admin:articles_article_changelist"))
    assert page.title() == "Review queue | Newsroom desk"
    assert page.evaluate("document.documentElement.dataset.theme") in ("auto", theme)
    assert_fits(page, f"admin-queue-{theme}", artifacts_dir)
    headers = page.locator("#result_list thead th").all_inner_texts()
    for name in ("Article", "Publisher", "Heat", "Quality", "Topics", "Publisher's date"):
        assert any(name.lower() in h.lower() for h in headers), (name, headers)
    page.goto(live_server.url + reverse("admin:articles_article_changelist") + "?status=scheduled")
    assert "Goes out tomorrow" in page.inner_text("#result_list")
    assert_fits(page, f"admin-scheduled-{theme}", artifacts_dir)
    assert errors == []
    context.close()


def test_article_page_fits_and_keeps_actions_clear_of_the_headline(
    browser, desk, live_server, artifacts_dir
):
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.route(
        "https://img.example/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TINY_PNG),
    )
    log_in(page, live_server, "desk")
    article = desk[0]
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    assert_fits(page, "admin-article-page", artifacts_dir, table=None)
    tools = page.locator(".object-tools").bounding_box()
    heading = page.locator("#content h2, #content h1").first.bounding_box()
    title_box = page.locator("#id_title").bounding_box()
    assert tools["y"] + tools["height"] <= title_box["y"]
    assert not (
        tools["y"] < heading["y"] + heading["height"]
        and heading["y"] < tools["y"] + tools["height"]
        and tools["x"] < heading["x"] + heading["width"]
    ), "actions overlap the headline"
    assert title_box["width"] >= 600
    assert page.locator(".nr-source-line a").is_visible()
    page.close()


def test_desk_overview_and_publisher_list_fit(browser, desk, live_server, artifacts_dir):
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    log_in(page, live_server, "desk")
    page.goto(live_server.url + reverse("admin:index"))
    assert page.locator("#desk-heading").is_visible()
    assert_fits(page, "admin-desk-overview", artifacts_dir, table=None)
    page.goto(live_server.url + reverse("admin:providers_provider_changelist"))
    assert_fits(page, "admin-publishers", artifacts_dir)
    page.goto(live_server.url + reverse("admin:articles_importrun_changelist"))
    assert_fits(page, "admin-import-runs", artifacts_dir)
    page.close()
