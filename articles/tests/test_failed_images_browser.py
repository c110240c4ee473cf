"""Remote images that fail, in a real Chromium at 375 and 1280 px: no broken icon, no box of
alt text, a tidy card, axe-core clean; screenshots in test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .factories import make_article, make_provider, make_topic
from .test_site_browser import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_cache"),
]

WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def failing_images(page, live_server):
    """Every request off this site fails, as a dead image host does."""

    def serve(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort("connectionrefused")

    page.route("**/*", serve)
    page.base_url = live_server.url
    return page


@pytest.fixture
def stories():
    topic = make_topic("Energy")
    provider = make_provider("ft.com", name="Financial Times", logo_url="https://ft.example/l.png")
    return [
        make_article(
            title=f"Story {n} about the grid",
            topics=[topic],
            provider=provider,
            images=1 if n % 3 else 0,
            published_at=timezone.now() - timedelta(hours=n),
        )
        for n in range(8)
    ]


def gone(page, selector):
    """Whether ``selector`` matches nothing within a few seconds. Lazy images fail only
    once near the viewport, and the route handler answers while the page waits."""
    for _ in range(50):
        if not page.locator(selector).count():
            return True
        page.wait_for_timeout(100)
    return False


def only_failed_loads(errors):
    return [e for e in errors if "Failed to load resource" not in e]


@pytest.mark.parametrize("size", WIDTHS)
def test_a_failed_thumbnail_leaves_a_tidy_card(failing_images, stories, artifacts_dir, size):
    page = failing_images
    page.set_viewport_size(WIDTHS[size])
    page.goto(page.base_url + "/")
    page.wait_for_load_state("load")
    with_images = sum(1 for article in stories if article.images.exists())
    assert page.locator(".card").count() == len(stories)
    # Lazy images further down fail when they come into view, and go then.
    for card in page.locator(".card").all():
        card.scroll_into_view_if_needed()
    assert gone(page, ".card__image")
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator(".card.card--image-failed").count() == with_images
    # A card that lost its image lays out as one that never had any: one column.
    columns = page.locator(".card.card--image-failed").first.evaluate(
        "card => getComputedStyle(card).gridTemplateColumns.split(' ').length"
    )
    assert columns == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size]["width"]
    page.screenshot(path=artifacts_dir / f"failed-images-front-{size}.png", full_page=True)
    assert_accessible(page, f"front page, failed images, {size}")
    assert only_failed_loads(page.console_errors) == []


@pytest.mark.parametrize("size", WIDTHS)
def test_a_failed_article_figure_and_logo_go_away(failing_images, stories, artifacts_dir, size):
    page = failing_images
    page.set_viewport_size(WIDTHS[size])
    page.goto(page.base_url + stories[1].get_absolute_url())
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == stories[1].title
    assert gone(page, "img")
    assert page.locator("figure").count() == 0
    page.screenshot(path=artifacts_dir / f"failed-images-article-{size}.png", full_page=True)
    assert_accessible(page, f"article page, failed images, {size}")
    page.goto(page.base_url + "/providers/ft.com/")
    page.wait_for_load_state("load")
    assert gone(page, "h1 img")
    assert page.get_by_role("heading", level=1).inner_text() == "Financial Times"
    assert only_failed_loads(page.console_errors) == []


def test_without_javascript_a_failed_image_shows_no_alt_text(browser, live_server, stories):
    """Before (or without) the script, the CSS keeps alt text out of the image box."""
    context = browser.new_context(java_script_enabled=False, viewport=WIDTHS["desktop"])
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    try:
        page.goto(live_server.url + stories[1].get_absolute_url())
        figure = page.locator(".story__figure img")
        assert figure.get_attribute("alt") == stories[1].title
        style = figure.evaluate(
            "img => [getComputedStyle(img).color, getComputedStyle(img).fontSize]"
        )
        assert style == ["rgba(0, 0, 0, 0)", "0px"]
    finally:
        context.close()
