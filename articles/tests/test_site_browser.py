"""The reader site in a real Chromium: no console errors, no axe-core WCAG 2.1 A/AA
violations in light and dark mode, filters and pagination by clicking, a phone screenshot."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from .factories import make_article, make_provider, make_related, make_topic

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_cache"),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A 1x1 grey PNG stands in for every off-site image: the tests never touch the network.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def site_page(page, live_server):
    def serve(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="image/png", body=PIXEL)

    page.route("**/*", serve)
    page.base_url = live_server.url
    return page


@pytest.fixture
def stories():
    now = timezone.now()
    ai = make_topic("AI")
    vision = make_topic("Computer Vision")
    ft = make_provider("ft.com", name="Financial Times", logo_url="https://ft.com/logo.png")
    articles = [
        make_article(
            title=f"Story {n:02d} about machines",
            topics=[ai] if n % 2 else [ai, vision],
            provider=ft if n % 3 == 0 else make_provider(),
            published_at=now - timedelta(hours=n),
            images=1 if n % 4 else 0,
        )
        for n in range(25)
    ]
    lead = articles[0]
    make_related(lead, title="Other coverage of the story", published_at=now)
    make_related(lead, title="Our own coverage", target=articles[1])
    make_related(lead, title="Hidden off-topic link", is_hidden=True)
    return {"ai": ai, "vision": vision, "articles": articles, "lead": lead}


def assert_accessible(page, label):
    from axe_playwright_python.sync_playwright import Axe

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{label} ({scheme}):\n{results.generate_report()}"
    page.emulate_media(color_scheme="light")


def test_front_page(site_page, stories, artifacts_dir):
    page = site_page
    page.goto(page.base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Latest stories"
    assert page.get_by_role("link", name="Story 00 about machines").is_visible()
    assert not page.get_by_label("Topic", exact=True).is_visible()
    page.get_by_text("Filter and sort").click()
    assert page.get_by_label("Topic", exact=True).is_visible()
    assert_accessible(page, "front page")
    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=artifacts_dir / "front-page-phone.png", full_page=True)
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=artifacts_dir / "front-page-phone-dark.png")
    # Nothing sticks out sideways on a 375 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []


def test_filter_by_topic_with_the_form(site_page, stories):
    page = site_page
    page.goto(page.base_url + "/")
    page.get_by_text("Filter and sort").click()  # the filters start folded away
    page.get_by_label("Topic", exact=True).select_option("computer-vision")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/?*topic=computer-vision*")
    assert page.get_by_role("heading", level=1).inner_text() == "Filtered stories"
    titles = page.locator(".card__title").all_inner_texts()
    assert titles and all(int(t.split()[1]) % 2 == 0 for t in titles)
    chip = page.get_by_role("link", name="Remove filter Topic: Computer Vision")
    assert chip.is_visible()
    # The form folds away again (the chip says what is set) and keeps the value.
    assert not page.get_by_label("Topic", exact=True).is_visible()
    assert page.get_by_text("(1 in use)").is_visible()
    assert page.get_by_label("Topic", exact=True).input_value() == "computer-vision"
    assert_accessible(page, "filtered list")
    chip.click()
    page.wait_for_url(lambda url: "topic=" not in url)
    assert len(page.locator(".card__title").all_inner_texts()) == 20
    assert page.console_errors == []


def test_filter_by_publisher_domain_with_the_form(site_page, stories):
    page = site_page
    page.goto(page.base_url + "/")
    page.get_by_text("Filter and sort").click()
    field = page.get_by_label("Publisher", exact=True)
    assert field.get_attribute("list") == "publisher-suggestions"
    suggested = page.locator("#publisher-suggestions option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "ft.com" in suggested
    field.fill("WWW.FT.com")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/?*publisher=*")
    titles = page.locator(".card__title").all_inner_texts()
    assert titles and all(int(t.split()[1]) % 3 == 0 for t in titles)
    assert page.get_by_role("link", name="Remove filter Publisher: Financial Times").is_visible()
    assert_accessible(page, "publisher filter")
    assert page.console_errors == []


def test_related_coverage_page(site_page, stories):
    page = site_page
    lead = stories["lead"]
    page.goto(f"{page.base_url}{lead.get_absolute_url()}related/")
    assert page.get_by_role("heading", level=1).inner_text() == "Related coverage"
    assert page.get_by_role("link", name="Other coverage of the story").is_visible()
    assert page.get_by_text("Hidden off-topic link").count() == 0
    assert_accessible(page, "related coverage page")
    assert page.console_errors == []


def test_pagination_by_clicking_older(site_page, stories):
    page = site_page
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Older").click()
    page.wait_for_url("**/?page=2")
    assert page.get_by_text("Page 2").is_visible()
    titles = page.locator(".card__title").all_inner_texts()
    assert titles == [f"Story {n:02d} about machines" for n in range(20, 25)]
    page.get_by_role("link", name="Newer").click()
    page.wait_for_url(lambda url: "page=" not in url)
    assert page.console_errors == []


def test_article_page_with_related_coverage(site_page, stories, artifacts_dir):
    page = site_page
    lead = stories["lead"]
    page.goto(page.base_url + lead.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == lead.title
    related = page.get_by_role("region", name="Related coverage")
    assert related.get_by_role("link", name="Other coverage of the story").is_visible()
    assert related.get_by_role("link", name="Read it on Newsroom").is_visible()
    assert page.get_by_text("Hidden off-topic link").count() == 0
    source = page.get_by_role("link", name="Read the full story at Financial Times")
    assert source.get_attribute("href") == lead.url
    assert_accessible(page, "article page")
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts_dir / "article-page-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []


def test_topic_and_publisher_pages(site_page, stories):
    page = site_page
    for path in ("/topics/", "/topics/ai/", "/providers/", "/providers/ft.com/"):
        page.goto(page.base_url + path)
        assert page.get_by_role("heading", level=1).is_visible()
        assert_accessible(page, path)
    assert page.console_errors == []


def test_not_found_page(site_page, stories):
    page = site_page
    response = page.goto(page.base_url + "/articles/no-such-story/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page, "404 page")
