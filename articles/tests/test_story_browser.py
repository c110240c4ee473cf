"""Story pages and the front page's grouped cards in a real Chromium, at a 375 px phone
and a 1280 px desktop: no axe-core WCAG 2.1 A/AA violation (light and dark), no console
error, nothing wider than the screen; screenshots in test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from . import test_site_browser
from .factories import make_article, make_provider, make_related, make_story

# The site's browser fixtures: off-site images answered locally (and conftest's fresh
# cache each test).
site_page = test_site_browser.site_page
assert_accessible = test_site_browser.assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_cache"),
]

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def story_world():
    now = timezone.now()
    wire = make_provider("wire.example", name="Wire Service")
    radio = make_provider("radio.example", name="Public Radio")
    lead = make_article(
        title="Flood waters rise along the river",
        quality=90,
        images=1,
        provider=make_provider("ft.com", name="Financial Times", logo_url="https://ft.com/l.png"),
    )
    members = [
        make_article(
            title=f"Flood update {n}: roads closed",
            quality=50 - n,
            images=n % 2,
            published_at=now - timedelta(hours=n),
        )
        for n in range(1, 4)
    ]
    hidden = make_article(title="SECRET unpublished flood take", status=Article.Status.PENDING)
    story = make_story(lead, *members, hidden)
    for n in range(3):
        make_related(
            lead,
            url=f"https://wire.example/flood/{n}",
            title=f"Wire: flood report {n}",
            provider=wire,
            published_at=now - timedelta(hours=n),
        )
        make_related(
            members[0],
            url=f"https://radio.example/flood/{n}",
            title=f"Radio: a very long headline about the flood, number {n}, that wraps",
            provider=radio,
            published_at=now - timedelta(hours=n, minutes=30),
        )
    make_related(hidden, title="SECRET link of the unpublished take")
    second = make_story(
        make_article(title="Election results come in", quality=80, images=1),
        make_article(title="Turnout was high", quality=20),
    )
    for n in range(6):
        make_article(title=f"Other news {n}", images=n % 2)
    return {"story": story, "lead": lead, "second": second}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_story_page(site_page, story_world, artifacts_dir, viewport):
    page = site_page
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(page.base_url + story_world["story"].get_absolute_url())
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Flood waters rise along the river"
    assert page.get_by_role("heading", name="Wire Service").is_visible()
    assert page.get_by_role("heading", name="Public Radio").is_visible()
    assert page.get_by_role("link", name="Flood update 1: roads closed").is_visible()
    assert "SECRET" not in page.content()
    assert_accessible(page, f"story page ({viewport})")
    page.screenshot(path=artifacts_dir / f"story-page-{viewport}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_front_page_grouped_cards(site_page, story_world, artifacts_dir, viewport):
    page = site_page
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(page.base_url + "/")
    titles = page.locator(".card__title").all_inner_texts()
    assert titles.count("Flood waters rise along the river") == 1
    assert not any(title.startswith("Flood update") for title in titles)
    assert "Turnout was high" not in titles
    more = page.get_by_role("link", name="+9 more sources on “Flood waters rise along the river”")
    assert more.is_visible()
    assert_accessible(page, f"front page with stories ({viewport})")
    page.screenshot(path=artifacts_dir / f"front-page-stories-{viewport}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    more.click()
    page.wait_for_url("**" + story_world["story"].get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Flood waters rise along the river"
    assert page.console_errors == []


def test_article_page_links_to_its_story(site_page, story_world):
    page = site_page
    page.goto(page.base_url + story_world["lead"].get_absolute_url())
    page.get_by_role("link", name="Full coverage: 10 sources").click()
    page.wait_for_url("**" + story_world["story"].get_absolute_url())
    assert page.console_errors == []
