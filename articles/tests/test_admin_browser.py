"""An editor's day in a real browser: moderate the queue, hide a related link, check the site."""

import pytest
from django.urls import reverse

from articles.models import Article

from .admin_helpers import ensure_editors_group, make_editor
from .factories import make_article, make_provider, make_related

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = Article.Status


TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5d0bc9b0000000049454e44ae426082"
)


@pytest.fixture
def page(page):
    """The shared page, with the factories' made-up image hosts answered locally."""
    page.route(
        "https://img.example/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TINY_PNG),
    )
    ensure_editors_group()
    page.not_found = []
    page.on("response", lambda r: r.status == 404 and page.not_found.append(r.url))
    return page


def log_in(page, live_server, username, password="pw-for-tests-1"):
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_editor_publishes_two_articles_from_the_queue(page, live_server, artifacts_dir):
    provider = make_provider(name="The Courier")
    first = make_article(status=Status.PENDING, provider=provider, title="Harbour bridge reopens")
    second = make_article(status=Status.PENDING, provider=provider, title="Tram line extended")
    make_article(status=Status.PENDING, provider=provider, title="Still waiting for review")
    make_editor("desk")

    log_in(page, live_server, "desk")
    page.goto(live_server.url + reverse("admin:articles_article_changelist") + "?status=all")
    page.locator("#changelist-filter").get_by_role("link", name="pending", exact=True).click()
    page.wait_for_url("**status=pending**")
    assert page.locator("#result_list tbody tr").count() == 3
    for title in (first.title, second.title):
        page.locator("#result_list tr", has_text=title).locator("input.action-select").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector("text=Publish these articles now?")
    page.fill("textarea[name=note]", "Both checked with the desk")
    page.click("input[type=submit][value='Publish now']")
    page.wait_for_selector(".messagelist .success")
    assert "2 articles published." in page.inner_text(".messagelist")
    page.screenshot(path=str(artifacts_dir / "admin-queue.png"), full_page=True)

    page.goto(live_server.url + "/")
    home = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert first.title in home and second.title in home
    assert "Still waiting for review" not in home
    response = page.goto(live_server.url + first.get_absolute_url())
    assert response.status == 200
    assert first.title in page.inner_text("h1")
    assert page.console_errors == [], page.not_found


def test_editor_hides_a_related_link(page, live_server, artifacts_dir):
    article = make_article(status=Status.PUBLISHED, title="Storm hits the coast", images=1)
    kept = make_related(article, title="Coastguard explains the rescue")
    hidden = make_related(article, title="Clickbait about the storm")
    make_editor("desk")

    detail = live_server.url + article.get_absolute_url()
    page.goto(detail)
    assert hidden.title in page.content() and kept.title in page.content()

    log_in(page, live_server, "desk")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    page.locator("tr", has_text=hidden.title).locator(
        "input[type=checkbox][name$=is_hidden]"
    ).check()
    page.screenshot(path=str(artifacts_dir / "admin-article-change.png"), full_page=True)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto(detail)
    body = page.content()
    assert hidden.title not in body
    assert kept.title in body
    page.goto(live_server.url + reverse("admin:index"))
    assert page.locator("#desk-heading").is_visible()
    page.screenshot(path=str(artifacts_dir / "admin-index.png"), full_page=True)
    assert page.console_errors == [], page.not_found


def test_editor_decides_from_the_keyboard(page, live_server, artifacts_dir):
    provider = make_provider(name="The Courier")
    hot = make_article(status=Status.PENDING, provider=provider, title="Hottest", heat=90)
    warm = make_article(status=Status.PENDING, provider=provider, title="Warm", heat=50)
    cold = make_article(status=Status.PENDING, provider=provider, title="Cold", heat=10)
    make_editor("desk")
    log_in(page, live_server, "desk")
    page.goto(live_server.url + reverse("admin:articles_article_changelist"))
    assert "publish" in page.inner_text("#nr-keys")
    # Typing in the search box is typing, not a command.
    page.click("#searchbar")
    page.keyboard.type("jxp")
    assert page.input_value("#searchbar") == "jxp"
    page.fill("#searchbar", "")
    page.locator("#result_list").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert warm.title in page.locator("#result_list tr.nr-current").inner_text()
    page.keyboard.press("r")
    page.wait_for_selector("text=Reject these articles?")
    page.screenshot(path=str(artifacts_dir / "admin-keyboard-confirm.png"), full_page=True)
    page.click("input[type=submit][value='Reject']")
    page.wait_for_selector(".messagelist .success")
    assert "1 article rejected." in page.inner_text(".messagelist")
    statuses = dict(Article.objects.values_list("title", "status"))
    assert statuses == {
        hot.title: Status.PENDING,
        warm.title: Status.REJECTED,
        cold.title: Status.PENDING,
    }
    assert page.console_errors == [], page.not_found
