"""Security headers on every kind of response, safe compression, and uploaded media."""

import gzip
from pathlib import Path

import pytest
from django.urls import reverse

from articles.tests.admin_helpers import make_editor
from articles.tests.factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5d0bc9b0000000049454e44ae426082"
)


def directives(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_secure_headers(response, label):
    assert response.status_code in (200, 404), label
    policy = directives(response)
    assert policy["script-src"] == ["'self'"], label
    assert policy["default-src"] == ["'self'"], label
    assert policy["object-src"] == ["'none'"], label
    assert policy["frame-ancestors"] == ["'none'"], label
    assert "'unsafe-eval'" not in response["Content-Security-Policy"], label
    assert response["Permissions-Policy"].startswith("camera=()"), label
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["Referrer-Policy"] == "same-origin", label


@pytest.fixture
def site():
    topic = make_topic("Transport")
    article = make_article(title="Night trains return", topics=[topic])
    return article, topic


def assert_styles(response, sources, label):
    assert directives(response)["style-src"] == sources, label


def test_reader_pages_and_feeds(client, site):
    article, topic = site
    urls = [
        "/",
        article.get_absolute_url(),
        topic.get_absolute_url(),
        article.provider.get_absolute_url(),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:feed_json"),
        reverse("sitemap"),
        reverse("robots_txt"),
        reverse("healthz"),
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert_secure_headers(response, url)
        assert_styles(response, ["'self'"], url)


def test_admin_pages(client):
    """The admin's inline style attributes are allowed; its scripts are as strict."""
    response = client.get(reverse("admin:login"))
    assert_secure_headers(response, "login")
    assert_styles(response, ["'self'", "'unsafe-inline'"], "login")
    client.force_login(make_editor("desk"))
    for url in (
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_topic_add"),
    ):
        response = client.get(url)
        assert_secure_headers(response, url)
        assert_styles(response, ["'self'", "'unsafe-inline'"], url)


def test_static_files(client):
    response = client.get("/static/css/site.css")
    assert_secure_headers(response, "static")
    assert_styles(response, ["'self'"], "static")
    assert response["Content-Type"].startswith("text/css")
    response.close()


def gzipped(response):
    return response.get("Content-Encoding") == "gzip"


def test_anonymous_reader_pages_and_feeds_are_compressed(client, site):
    for url in ("/", site[0].get_absolute_url(), reverse("articles:feed_rss")):
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert gzipped(response), url
        assert b"Night trains return" in gzip.decompress(response.content)
        assert "Accept-Encoding" in response["Vary"]


def test_nothing_with_a_secret_is_compressed(client, site):
    """BREACH: no compression for CSRF-bearing pages, the admin, or a logged-in editor."""
    response = client.get(reverse("admin:login"), headers={"accept-encoding": "gzip"})
    assert b"csrfmiddlewaretoken" in response.content
    assert not gzipped(response)
    client.force_login(make_editor("desk"))
    for url in ("/", reverse("admin:index"), reverse("articles:feed_rss")):
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, url
        assert not gzipped(response), url


@pytest.fixture
def logo(settings):
    path = Path(settings.MEDIA_ROOT) / "providers" / "logos" / "courier.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(TINY_PNG)
    return "providers/logos/courier.png"


def test_uploaded_logo_is_served_sandboxed(client, logo):
    provider = make_provider("courier.example", name="The Courier", logo=logo)
    make_article(provider=provider)
    page = client.get(provider.get_absolute_url())
    assert provider.logo.url == "/media/providers/logos/courier.png"
    assert provider.logo.url.encode() in page.content
    response = client.get(provider.logo.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.post(provider.logo.url).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/media/providers/logos/missing.png",
        "/media/providers/",
        "/media/../newsroom/settings/base.py",
        "/media/%2e%2e/newsroom/settings/base.py",
        "/media//etc/passwd",
    ],
)
def test_media_outside_or_missing_is_404(client, logo, url):
    assert client.get(url).status_code == 404


def test_error_pages_are_the_sites_own_with_no_inline_style(client):
    """Django's own 403 and CSRF pages carry an inline <style>, which the policy blocks:
    they rendered unstyled, with a violation in the console."""
    from django.test import Client

    csrf = Client(enforce_csrf_checks=True).post("/", {"q": "x"})
    client.force_login(make_editor())
    forbidden = client.get("/admin/auth/user/")
    nul = client.get("/", {"q": "a\x00b"})
    for response, heading in ((csrf, "This form could not be sent"), (forbidden, "Not allowed")):
        assert response.status_code == 403
        body = response.content.decode()
        assert f"<h1>{heading}</h1>" in body and "css/site.css" in body
        assert "<style" not in body and " style=" not in body
    assert nul.status_code == 400 and nul["Content-Type"].startswith("text/plain")
