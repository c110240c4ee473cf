"""The publishers admin: counts, names editors set, logos, blocking, merging."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from providers.models import Provider, ProviderAlias

from .admin_helpers import action_post, make_editor
from .factories import make_article, make_provider

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:providers_provider_changelist"


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def png_of(image, fmt="PNG"):
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def png_bytes(size=(40, 20), fmt="PNG"):
    return png_of(Image.new("RGB", size, (200, 30, 30)), fmt)


def form_data(provider, **overrides):
    data = {
        "name": provider.name,
        "logo_url": provider.logo_url,
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    if provider.is_blocked:
        data["is_blocked"] = "on"
    data.update(overrides)
    return data


def change_url(provider):
    return reverse("admin:providers_provider_change", args=[provider.pk])


def test_list_counts_articles_without_n_plus_one(admin_client, django_assert_max_num_queries):
    for n in range(3):
        provider = make_provider(name=f"Paper {n}", logo_url=f"https://paper{n}.example/l.png")
        for _ in range(n):
            make_article(provider=provider)
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse(CHANGELIST))
    counts = {p.name: p.article_count for p in response.context["cl"].result_list}
    assert counts == {"Paper 0": 0, "Paper 1": 1, "Paper 2": 2}
    html = response.content.decode()
    assert 'src="https://paper1.example/l.png" width="32" height="32"' in html


def test_editor_renaming_sets_name_edited(editor_client):
    provider = make_provider(name="bbc")
    response = editor_client.post(change_url(provider), form_data(provider, name="BBC News"))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "BBC News" and provider.name_edited


def test_saving_without_renaming_leaves_name_edited_alone(editor_client):
    provider = make_provider(name="bbc")
    response = editor_client.post(change_url(provider), form_data(provider, is_blocked="on"))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.is_blocked and not provider.name_edited


def test_a_real_png_logo_is_accepted(editor_client):
    provider = make_provider()
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = editor_client.post(change_url(provider), form_data(provider, logo=logo))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.logo.name.startswith("providers/logos/")  # named by us: test_logos.py
    assert provider.display_logo_url.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.png", b"this is not an image at all", "valid image"),
        ("huge.png", png_bytes((4097, 10)), "the limit is 4096"),
        ("heavy.png", "noise", "the limit is 2"),
    ],
)
def test_bad_logos_get_a_clear_form_error(editor_client, name, content, message):
    if content == "noise":  # a real PNG over 2 MB: random pixels do not compress
        content = png_of(Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)))
        assert len(content) > 2 * 1024 * 1024
    provider = make_provider()
    logo = SimpleUploadedFile(name, content, content_type="image/png")
    response = editor_client.post(change_url(provider), form_data(provider, logo=logo))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["logo"])
    assert message in errors
    provider.refresh_from_db()
    assert not provider.logo


def test_block_and_unblock_actions(editor_client):
    a, b = make_provider(), make_provider()
    article = make_article(provider=a)
    editor_client.post(reverse(CHANGELIST), action_post("block", [a, b]))
    assert set(Provider.objects.values_list("is_blocked", flat=True)) == {True}
    assert not Article.objects.published().filter(pk=article.pk).exists()
    editor_client.post(reverse(CHANGELIST), action_post("unblock", [a]))
    a.refresh_from_db()
    assert not a.is_blocked
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_merge_action_picks_a_survivor_then_merges(editor_client):
    survivor = make_provider("guardian.co.uk", name="The Guardian")
    dup = make_provider("theguardian.com", name="Guardian")
    article = make_article(provider=dup)
    url = reverse(CHANGELIST)
    page = editor_client.post(url, action_post("merge", [survivor, dup]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="survivor"' in html and "The Guardian" in html
    done = editor_client.post(
        url, action_post("merge", [survivor, dup], apply="1", survivor=survivor.pk)
    )
    assert done.status_code == 302
    article.refresh_from_db()
    assert article.provider == survivor
    assert not Provider.objects.filter(pk=dup.pk).exists()
    assert ProviderAlias.objects.filter(
        provider=survivor, kind="domain", value="theguardian.com"
    ).exists()
    assert ProviderAlias.objects.filter(provider=survivor, kind="name", value="Guardian").exists()


def test_merge_needs_two_publishers(editor_client):
    only = make_provider()
    response = editor_client.post(reverse(CHANGELIST), action_post("merge", [only]), follow=True)
    assert "at least two" in response.content.decode()
    assert Provider.objects.filter(pk=only.pk).exists()


def test_aliases_inline_on_the_change_page(editor_client):
    provider = make_provider()
    ProviderAlias.objects.create(provider=provider, kind="domain", value="old.example")
    html = editor_client.get(change_url(provider)).content.decode()
    assert "old.example" in html
    assert 'name="domain"' not in html  # identity: read-only once created


def test_search_by_alias_does_not_multiply_article_counts(admin_client):
    provider = make_provider(name="Daily Planet")
    ProviderAlias.objects.create(provider=provider, kind="name", value="Planet One")
    ProviderAlias.objects.create(provider=provider, kind="domain", value="planet.example")
    make_article(provider=provider)
    make_article(provider=provider)
    response = admin_client.get(reverse(CHANGELIST), {"q": "planet"})
    rows = list(response.context["cl"].result_list)
    assert [(p.name, p.article_count) for p in rows] == [("Daily Planet", 2)]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("WWW.Example.COM:443", "example.com"),
        ("https://www.example.com/news/", "example.com"),
        ("example.com/news", "example.com"),
    ],
)
def test_a_new_publishers_domain_is_normalised(admin_client, typed, stored):
    # Spelled otherwise, imports never found it; with a "/" in it, every page linking to
    # the publisher was a 500 (NoReverseMatch) once articles landed on it by a merge.
    add = reverse("admin:providers_provider_add")
    data = {"name": "Example", "domain": typed, "aliases-TOTAL_FORMS": "0"}
    response = admin_client.post(add, {**data, "aliases-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert Provider.objects.get().domain == stored


@pytest.mark.parametrize("typed", ["two words", "exa$mple.com", "a\\b.com"])
def test_a_domain_that_cannot_be_a_publishers_url_is_refused(admin_client, client, typed):
    add = reverse("admin:providers_provider_add")
    data = {"name": "Example", "domain": typed, "aliases-TOTAL_FORMS": "0"}
    response = admin_client.post(add, {**data, "aliases-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "Enter a domain such as example.com." in response.content.decode()
    assert not Provider.objects.exists()


def test_the_merge_page_shows_domains_counts_and_warns(editor_client):
    keep = make_provider("guardian.co.uk", name="The Guardian")
    ProviderAlias.objects.create(provider=keep, kind="domain", value="guardian.com")
    dup = make_provider("theguardian.com", name="Guardian")
    for _ in range(2):
        make_article(provider=dup)
    page = editor_client.post(reverse(CHANGELIST), action_post("merge", [keep, dup]))
    html = page.content.decode()
    assert "The Guardian — guardian.co.uk (also guardian.com) — 0 articles" in html
    assert "Guardian — theguardian.com — 2 articles" in html
    assert "different domains (guardian.co.uk, theguardian.com)" in html
    assert "A merge is final" in html
    assert Provider.objects.count() == 2


def test_the_topic_merge_page_shows_counts_and_that_it_is_final(editor_client):
    from .factories import make_topic

    keep, other = make_topic("Economy"), make_topic("Economics")
    make_article(topics=[other])
    url = reverse("admin:articles_topic_changelist")
    html = editor_client.post(url, action_post("merge", [keep, other])).content.decode()
    assert "Economics — 1 article" in html and "Economy — 0 articles" in html
    assert "A merge is final" in html and "different domains" not in html
