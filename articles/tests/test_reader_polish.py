"""Reader polish: images, the header search, canonical pages, times, excerpts, publisher
pages, the navigation, feed images and dates, sitemap dates, the filter form, the lead."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from articles.images import DEMO_IMAGE_BASE, image_src
from articles.models import Article, ArticleImage
from articles.moderation import publish

from .admin_helpers import make_user
from .factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def cards(body):
    return re.findall(r'<article class="card[^"]*">.*?</article>', body, re.S)


# --- images -------------------------------------------------------------------------


def test_demo_host_images_are_served_from_static_files():
    assert image_src(f"{DEMO_IMAGE_BASE}fusion-640x336.webp") == static(
        "demo-images/fusion-640x336.webp"
    )
    assert image_src(f"{DEMO_IMAGE_BASE}logos/ft-50x50.webp") == static(
        "demo-images/logos/ft-50x50.webp"
    )
    assert image_src("https://cdn.ft.com/a.jpg") == "https://cdn.ft.com/a.jpg"
    assert image_src("javascript:alert(1)") == ""
    assert image_src(f"{DEMO_IMAGE_BASE}../settings.py") == ""
    assert image_src(DEMO_IMAGE_BASE) == ""


MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_a_demo_image_the_manifest_lacks_is_not_shown_and_breaks_no_page(
    client, settings, tmp_path
):
    """Production's manifest storage refuses a name it did not collect: a feed file
    naming a demo picture that does not exist made every page showing it a 500."""
    from django.contrib.staticfiles.finders import get_finders

    # Every static file the site has, as collectstatic lists them (unhashed here).
    names = {path for finder in get_finders() for path, _ in finder.list([])}
    paths = {name: name for name in names if name != "demo-images/does-not-exist.webp"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = MANIFEST_STORAGE
    article = make_article(title="Missing demo picture", images=1)
    ArticleImage.objects.filter(article=article).update(url=f"{DEMO_IMAGE_BASE}does-not-exist.webp")
    article.provider.logo_url = f"{DEMO_IMAGE_BASE}logos/nope-50x50.webp"
    article.provider.save()

    assert image_src(f"{DEMO_IMAGE_BASE}does-not-exist.webp") == ""
    for url in (
        reverse("articles:article_list"),
        article.get_absolute_url(),
        article.provider.get_absolute_url(),
        reverse("articles:feed_rss"),
        reverse("articles:feed_json"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "does-not-exist" not in response.text and "nope-50x50" not in response.text


def test_card_thumbnails_have_empty_alt_and_only_the_first_cards_load_at_once(client):
    for hours in range(6):
        make_article(images=1, published_at=timezone.now() - timedelta(hours=hours))
    body = client.get(reverse("articles:article_list")).text
    images = [re.search(r"<img [^>]*>", card).group() for card in cards(body)]
    assert len(images) == 6
    assert all('alt=""' in image and 'decoding="async"' in image for image in images)
    assert all('width="800" height="450"' in image for image in images)
    assert 'fetchpriority="high"' in images[0]
    assert ["lazy" in image for image in images] == [False] * 3 + [True] * 3


def test_demo_images_on_pages_and_feeds_point_at_this_site(client):
    provider = make_provider("ft.com", name="FT", logo_url=f"{DEMO_IMAGE_BASE}logos/ft.webp")
    article = make_article(provider=provider)
    ArticleImage.objects.create(
        article=article, position=0, url=f"{DEMO_IMAGE_BASE}a.webp", width=640, height=336
    )
    local = static("demo-images/a.webp")
    page = client.get(article.get_absolute_url()).text
    assert f'<img src="{local}"' in page
    assert f'<meta property="og:image" content="http://testserver{local}">' in page
    assert f'src="{static("demo-images/logos/ft.webp")}"' in page
    assert "images.newsroom.example" not in page
    assert f'src="{local}"' in client.get(reverse("articles:article_list")).text
    feed = client.get(reverse("articles:feed_json")).json()
    assert feed["items"][0]["image"] == f"http://testserver{local}"


# --- the header -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["list", "article", "topic", "topics", "publisher", "404"])
def test_every_reader_page_has_a_labelled_search_box_in_its_header(client, kind):
    topic = make_topic("Energy")
    article = make_article(topics=[topic])
    url = {
        "list": reverse("articles:article_list"),
        "article": article.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "topics": reverse("articles:topic_list"),
        "publisher": article.provider.get_absolute_url(),
        "404": "/no-such-page/",
    }[kind]
    body = client.get(url).text
    header = body[body.index("<header") : body.index("</header>")]
    assert re.search(r'<form class="site-search" role="search" aria-label="Search stories"', header)
    assert f'action="{reverse("articles:article_list")}"' in header
    assert '<label class="visually-hidden" for="site-search">Search stories</label>' in header
    assert '<input id="site-search" type="search" name="q"' in header


def test_the_header_search_keeps_the_words_and_the_results_say_how_many(client):
    make_article(title="Storms close schools")
    make_article(title="Calm seas")
    body = client.get(reverse("articles:article_list"), {"q": "storms"}).text
    assert 'name="q" value="storms"' in body
    assert "1 result for “storms”" in body
    assert "<mark>Storms</mark> close schools" in body


@pytest.mark.parametrize(
    ("url_name", "kwargs", "current"),
    [
        ("articles:article_list", {}, {"Latest": "page"}),
        ("articles:topic_list", {}, {"Topics": "page"}),
        ("articles:topic_detail", {"slug": "energy"}, {"Topics": "true"}),
        ("providers:provider_list", {}, {"Publishers": "page"}),
        ("providers:provider_detail", {"domain": "ft.com"}, {"Publishers": "true"}),
    ],
)
def test_the_navigation_marks_the_current_section(client, url_name, kwargs, current):
    make_article(topics=[make_topic("Energy")], provider=make_provider("ft.com"))
    body = client.get(reverse(url_name, kwargs=kwargs)).text
    nav = body[body.index('<nav aria-label="Sections">') : body.index("</nav>")]
    marked = {
        label: value for value, label in re.findall(r'aria-current="(\w+)">(\w+)</a>', nav, re.S)
    }
    assert marked == current


# --- canonical links ------------------------------------------------------------------


def test_page_two_is_its_own_canonical_page(client):
    topic = make_topic("Energy")
    provider = make_provider("ft.com")
    for _ in range(25):
        make_article(topics=[topic], provider=provider)
    for url in (
        reverse("articles:article_list"),
        topic.get_absolute_url(),
        provider.get_absolute_url(),
    ):
        first = client.get(url).text
        assert f'<link rel="canonical" href="http://testserver{url}">' in first
        second = client.get(url, {"page": 2}).text
        assert f'<link rel="canonical" href="http://testserver{url}?page=2">' in second
    by_heat = client.get(reverse("articles:article_list"), {"sort": "heat", "page": 2}).text
    assert '<link rel="canonical" href="http://testserver/?sort=heat&amp;page=2">' in by_heat


# --- times and excerpts ---------------------------------------------------------------


def test_card_times_are_on_the_site_clock_with_its_zone(client, settings):
    when = datetime(2026, 7, 1, 12, 30, tzinfo=UTC)
    article = make_article(published_at=when)
    body = client.get(reverse("articles:article_list")).text
    assert '<time datetime="2026-07-01T12:30:00+00:00">1 Jul 2026, 13:30 BST</time>' in body
    settings.NEWSROOM_SITE_TIME_ZONE = "America/New_York"
    from django.core.cache import cache

    cache.clear()  # the page cache: a setting change is not a content change
    body = client.get(reverse("articles:article_list")).text
    assert '<time datetime="2026-07-01T12:30:00+00:00">1 Jul 2026, 08:30 EDT</time>' in body
    page = client.get(article.get_absolute_url()).text
    assert ">1 July 2026, 08:30 EDT</time>" in page


def test_the_feeds_spaced_dots_become_an_ellipsis(client):
    article = make_article(excerpt="Talks went on late into the night ...")
    for url in (reverse("articles:article_list"), article.get_absolute_url()):
        body = client.get(url).text
        assert "late into the night…" in body
        assert "night ..." not in body
    feed = client.get(reverse("articles:feed_json")).json()
    assert feed["items"][0]["content_text"] == "Talks went on late into the night…"


# --- publisher pages ------------------------------------------------------------------


def test_a_publisher_page_has_its_logo_site_and_a_filter_link(client):
    provider = make_provider("ft.com", name="Financial Times", logo_url="https://ft.com/l.png")
    make_article(provider=provider)
    make_article()
    body = client.get(provider.get_absolute_url()).text
    assert '<img class="logo" src="https://ft.com/l.png" alt=""' in body
    assert '<a class="domain" href="https://ft.com/" rel="noopener">ft.com</a>' in body
    link = re.search(r'<a href="([^"]+)">Filter this publisher</a>', body).group(1)
    assert link == "/?publisher=ft.com"
    filtered = client.get(link)
    assert len(filtered.context["article_list"]) == 1
    assert "Remove filter Publisher: Financial Times" in filtered.text


# --- feeds ----------------------------------------------------------------------------


def test_rss_and_atom_carry_the_lead_image_as_an_enclosure(client):
    with_image = make_article(images=2, title="With pictures")
    make_article(title="Without pictures", published_at=timezone.now() - timedelta(days=3))
    lead = with_image.images.order_by("position").first().url

    rss = ET.fromstring(client.get(reverse("articles:feed_rss")).content)
    items = {item.findtext("title"): item for item in rss.iter("item")}
    enclosures = items["With pictures"].findall("enclosure")
    assert [e.attrib for e in enclosures] == [{"url": lead, "length": "0", "type": "image/jpeg"}]
    assert items["Without pictures"].find("enclosure") is None

    atom = ET.fromstring(client.get(reverse("articles:feed_atom")).content)
    entries = {e.findtext(f"{ATOM}title"): e for e in atom.iter(f"{ATOM}entry")}
    links = entries["With pictures"].findall(f"{ATOM}link[@rel='enclosure']")
    assert [link.get("href") for link in links] == [lead]
    assert entries["Without pictures"].find(f"{ATOM}link[@rel='enclosure']") is None


def test_an_atom_entry_is_updated_when_its_content_changed_not_when_imported(client):
    days_ago = timezone.now().replace(microsecond=0) - timedelta(days=3)
    article = make_article(published_at=days_ago)
    pending = make_article(published_at=days_ago - timedelta(days=1), status=Article.Status.PENDING)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())  # an import

    def updated():
        atom = ET.fromstring(client.get(reverse("articles:feed_atom")).content)
        entries = {e.findtext(f"{ATOM}title"): e for e in atom.iter(f"{ATOM}entry")}
        return {title: e.findtext(f"{ATOM}updated") for title, e in entries.items()}, atom

    dates, atom = updated()
    assert dates == {article.title: days_ago.isoformat()}
    # The feed's own date still moves with every change, so caches revalidate.
    assert atom.findtext(f"{ATOM}updated") > days_ago.isoformat()

    publish(Article.objects.filter(pk=pending.pk), make_user("editor"), note="")
    pending.refresh_from_db()
    dates, _ = updated()
    assert dates[pending.title] == pending.moderated_at.isoformat()
    assert dates[article.title] == days_ago.isoformat()


# --- sitemaps -------------------------------------------------------------------------


def test_the_sitemap_index_dates_come_from_the_content(client):
    newest = timezone.now().replace(microsecond=0) - timedelta(days=5)
    make_article(published_at=newest, topics=[make_topic("Energy")])
    make_article(published_at=newest - timedelta(days=1))
    make_article(published_at=timezone.now(), status=Article.Status.PENDING)
    Article.objects.update(updated_at=timezone.now())  # as an import leaves them

    index = ET.fromstring(client.get(reverse("sitemap")).content)
    dates = {
        s.findtext(f"{SITEMAP}loc").rsplit("/", 1)[1]: s.findtext(f"{SITEMAP}lastmod")
        for s in index.iter(f"{SITEMAP}sitemap")
    }
    assert dates == {
        "sitemap-articles.xml": newest.isoformat(),
        "sitemap-topics.xml": newest.isoformat(),
        "sitemap-publishers.xml": newest.isoformat(),
        "sitemap-news.xml": None,  # nothing in the last 48 hours
        "sitemap-stories.xml": None,  # no stories
    }
    urls = ET.fromstring(client.get("/sitemap-articles.xml").content)
    lastmods = sorted(u.findtext(f"{SITEMAP}lastmod") for u in urls.iter(f"{SITEMAP}url"))
    assert lastmods[-1] == newest.date().isoformat()  # Django writes the day


# --- the front page -------------------------------------------------------------------


def test_the_filter_form_opens_by_itself_only_to_show_an_error(client):
    topic = make_topic("Energy")
    make_article(topics=[topic])
    url = reverse("articles:article_list")
    assert '<details class="filters">' in client.get(url).text
    filtered = client.get(url, {"topic": "energy"}).text
    assert '<details class="filters">' in filtered
    assert '<span class="filters__count">(1 in use)</span>' in filtered
    assert '<details class="filters" open>' in client.get(url, {"date_from": "soon"}).text


def test_the_front_page_leads_with_its_newest_story_on_page_one_only(client):
    topic = make_topic("Energy")
    for hours in range(22):
        make_article(topics=[topic], published_at=timezone.now() - timedelta(hours=hours))
    url = reverse("articles:article_list")

    def leads(params):
        return [
            card.startswith('<article class="card card--lead">')
            for card in cards(client.get(url, params).text)
        ]

    front = leads({})
    assert front[0] and not any(front[1:])
    assert not any(leads({"page": 2}))
    assert not any(leads({"topic": "energy"}))
    assert not any(leads({"sort": "heat"}))
    assert not any(leads({"q": "story"}))


def test_the_front_page_query_count_does_not_grow_with_the_lead(
    client, django_assert_max_num_queries
):
    for _ in range(20):
        make_article(images=1, topics=[make_topic()])
    client.get(reverse("articles:article_list"))
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(8):
        client.get(reverse("articles:article_list"))


def test_an_article_page_dates_its_last_change_from_the_content(client):
    days_ago = timezone.now().replace(microsecond=0) - timedelta(days=3)
    article = make_article(published_at=days_ago)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())  # an import
    body = client.get(article.get_absolute_url()).text
    assert f'<meta property="article:modified_time" content="{days_ago.isoformat()}">' in body
    data = json.loads(re.search(r'"application/ld\+json">(.*?)</script>', body, re.S).group(1))
    assert data["dateModified"] == days_ago.isoformat()
