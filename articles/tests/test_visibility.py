"""Nothing a reader may not see reaches an anonymous reader, by any public route."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .admin_helpers import make_user
from .factories import make_article, make_provider, make_related, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """One visible article and one of each kind of invisible article, all alike otherwise."""
    topic = make_topic("Computer Vision")
    provider = make_provider("visible.example", name="Visible Times")
    blocked = make_provider("blocked.example", name="Blocked Gazette", is_blocked=True)
    lonely_topic = make_topic("Lonely Topic")
    now = timezone.now()
    common = {"topics": [topic], "images": 1, "published_at": now - timedelta(hours=1)}
    visible = make_article(
        title="Visible headline", slug="visible-headline", provider=provider, **common
    )
    hidden = [
        make_article(
            title="Hiddenpending headline",
            slug="hiddenpending-slug",
            url="https://visible.example/hiddenpending",
            status=Article.Status.PENDING,
            provider=provider,
            **common,
        ),
        make_article(
            title="Hiddenrejected headline",
            slug="hiddenrejected-slug",
            url="https://visible.example/hiddenrejected",
            status=Article.Status.REJECTED,
            provider=provider,
            **common,
        ),
        make_article(
            title="Hiddenscheduled headline",
            slug="hiddenscheduled-slug",
            url="https://visible.example/hiddenscheduled",
            publish_at=now + timedelta(hours=2),
            provider=provider,
            **common,
        ),
        make_article(
            title="Hiddenblocked headline",
            slug="hiddenblocked-slug",
            url="https://blocked.example/hiddenblocked",
            provider=blocked,
            **common,
        ),
    ]
    hidden[0].topics.add(lonely_topic)
    make_related(visible, title="Coverage elsewhere")
    # Feeds cite our own unpublished stories as related items: by URL alone, or linked to
    # our article (here under another spelling of its URL). Neither may show.
    for article in hidden:
        make_related(visible, title=article.title, url=article.url, provider=article.provider)
        make_related(
            visible,
            title=f"{article.title} respelled",
            url=f"{article.url}/respelled",
            target=article,
        )
    make_related(visible, title="Hiddenlink by an editor", is_hidden=True)
    return {
        "topic": topic,
        "lonely_topic": lonely_topic,
        "provider": provider,
        "blocked": blocked,
        "visible": visible,
        "hidden": hidden,
    }


def routes(world):
    topic, provider, visible = world["topic"], world["provider"], world["visible"]
    listing = reverse("articles:article_list")
    return [
        listing,
        f"{listing}?topic={topic.slug}",
        f"{listing}?publisher={provider.domain}",
        f"{listing}?q=headline",
        f"{listing}?q=Hiddenpending",
        f"{listing}?sort=heat",
        f"{listing}?sort=quality",
        f"{listing}?min_quality=0",
        f"{listing}?date_from=2000-01-01&date_to=2999-01-01",
        visible.get_absolute_url(),
        reverse("articles:article_related", kwargs={"slug": visible.slug}),
        reverse("articles:topic_list"),
        topic.get_absolute_url(),
        reverse("providers:provider_list"),
        provider.get_absolute_url(),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:feed_json"),
        reverse("articles:topic_feed_rss", kwargs={"slug": topic.slug}),
        reverse("articles:topic_feed_atom", kwargs={"slug": topic.slug}),
        reverse("articles:topic_feed_json", kwargs={"slug": topic.slug}),
        reverse("providers:provider_feed_rss", kwargs={"domain": provider.domain}),
        reverse("providers:provider_feed_atom", kwargs={"domain": provider.domain}),
        reverse("providers:provider_feed_json", kwargs={"domain": provider.domain}),
        reverse("sitemap"),
        reverse("sitemap_section", kwargs={"section": "articles"}),
        reverse("sitemap_section", kwargs={"section": "topics"}),
        reverse("sitemap_section", kwargs={"section": "publishers"}),
        reverse("sitemap_news"),
        reverse("robots_txt"),
    ]


ROUTE_COUNT = 30


@pytest.mark.parametrize("index", range(ROUTE_COUNT))
def test_no_route_shows_unpublished_articles(client, world, index):
    url = routes(world)[index]
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    for article in world["hidden"]:
        assert article.title not in body, url
        assert article.slug not in body, url
        assert article.url not in body, url
    assert "Hiddenlink" not in body, url
    assert "Blocked Gazette" not in body, url
    assert "Lonely Topic" not in body, url
    for article in Article.objects.all():
        assert article.secured not in body, url


def test_the_route_list_covers_every_route(world):
    assert len(routes(world)) == ROUTE_COUNT


def test_the_visible_article_does_appear(client, world):
    """The routes above really list articles, so the absences mean something."""
    visible = world["visible"]
    for url in routes(world)[:9]:
        if "q=Hiddenpending" in url:
            continue
        body = re.sub(r"</?mark>", "", client.get(url).content.decode())  # search marks words
        assert visible.title in body, url


@pytest.mark.parametrize("index", range(4))
def test_unpublished_article_pages_are_not_found(client, world, index):
    article = world["hidden"][index]
    assert client.get(article.get_absolute_url()).status_code == 404


def test_blocked_publisher_pages_and_feeds_are_not_found(client, world):
    domain = world["blocked"].domain
    assert client.get(world["blocked"].get_absolute_url()).status_code == 404
    for fmt in ("rss", "atom", "json"):
        url = reverse(f"providers:provider_feed_{fmt}", kwargs={"domain": domain})
        assert client.get(url).status_code == 404


def test_topic_and_publisher_with_only_unpublished_articles_are_not_found(client, world):
    # "Lonely Topic" is only on a pending article; "Quiet Press" only has a rejected one.
    quiet = make_provider("quiet.example", name="Quiet Press")
    make_article(provider=quiet, status=Article.Status.REJECTED)
    slug, domain = world["lonely_topic"].slug, quiet.domain
    assert client.get(world["lonely_topic"].get_absolute_url()).status_code == 404
    assert client.get(quiet.get_absolute_url()).status_code == 404
    for fmt in ("rss", "atom", "json"):
        url = reverse(f"articles:topic_feed_{fmt}", kwargs={"slug": slug})
        assert client.get(url).status_code == 404, url
        url = reverse(f"providers:provider_feed_{fmt}", kwargs={"domain": domain})
        assert client.get(url).status_code == 404, url


def test_related_coverage_from_a_blocked_publisher_is_not_shown(client, world):
    visible = world["visible"]
    make_related(visible, title="Blockedcoverage story", provider=world["blocked"])
    body = client.get(visible.get_absolute_url()).content.decode()
    assert "Coverage elsewhere" in body
    assert "Blockedcoverage" not in body and "Blocked Gazette" not in body


def test_related_links_to_our_unseen_articles_are_not_shown(client, world):
    """Pending, rejected, scheduled, blocked publisher: by URL or by target, nothing shows."""
    visible = world["visible"]
    for url in (visible.get_absolute_url(), f"{visible.get_absolute_url()}related/"):
        response = client.get(url)
        shown = response.context.get("related_links") or response.context["object_list"]
        assert [link.title for link in shown] == ["Coverage elsewhere"], url
    # Once one of them is published, its links show, with our page for the targeted one.
    pending = world["hidden"][0]
    Article.objects.filter(pk=pending.pk).update(status=Article.Status.PUBLISHED)
    body = client.get(visible.get_absolute_url()).content.decode()
    assert pending.title in body and f"{pending.title} respelled" in body
    assert f'href="{pending.get_absolute_url()}">Read it on' in body


def test_counts_include_published_articles_only(client, world):
    topic, provider = world["topic"], world["provider"]
    topics = client.get(reverse("articles:topic_list")).context["object_list"]
    assert [(t.name, t.article_count) for t in topics] == [("Computer Vision", 1)]
    providers = client.get(reverse("providers:provider_list")).context["object_list"]
    assert [(p.domain, p.article_count) for p in providers] == [("visible.example", 1)]
    assert client.get(topic.get_absolute_url()).context["article_count"] == 1
    assert client.get(provider.get_absolute_url()).context["article_count"] == 1


def test_a_scheduled_article_appears_once_its_time_has_come(client, world):
    scheduled = world["hidden"][2]
    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert scheduled.title in client.get(reverse("articles:feed_rss")).content.decode()


def test_staff_preview_shows_a_banner_and_is_never_cached(client, world, django_user_model):
    pending = world["hidden"][0]
    staff = make_user("editor", perms=["articles.view_article"])
    client.force_login(staff)
    response = client.get(pending.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview: not published." in body
    assert "its status is pending" in body
    assert 'content="noindex, nofollow"' in body
    cache_control = response.headers["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control
    assert "private" in cache_control
    assert pending.secured not in body


def test_staff_preview_names_schedule_and_blocked_publisher(client, world, django_user_model):
    staff = make_user("editor", perms=["articles.view_article"])
    client.force_login(staff)
    scheduled_body = client.get(world["hidden"][2].get_absolute_url()).content.decode()
    assert "it is scheduled for" in scheduled_body
    blocked_body = client.get(world["hidden"][3].get_absolute_url()).content.decode()
    assert "its publisher is blocked" in blocked_body


def test_published_page_for_staff_has_no_banner_or_no_cache(client, world, django_user_model):
    staff = make_user("editor", perms=["articles.view_article"])
    client.force_login(staff)
    response = client.get(world["visible"].get_absolute_url())
    assert "Preview: not published." not in response.content.decode()
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_non_staff_users_get_no_preview(client, world, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="x")
    client.force_login(reader)
    assert client.get(world["hidden"][0].get_absolute_url()).status_code == 404
