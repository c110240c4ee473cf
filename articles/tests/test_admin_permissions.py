"""What changes readers' pages needs the publish permission; previews need a permission.

Blocking, unblocking and merging publishers and their domain aliases decide which
stories readers see, as publishing does; a plain "change publisher" user may rename
publishers and set logos only.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from articles.models import Article
from providers.models import Provider, ProviderAlias

from .admin_helpers import action_post, make_editor, make_user
from .factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:providers_provider_changelist"
Kind = ProviderAlias.Kind
PUBLISHER_CLERK = (
    "providers.view_provider",
    "providers.change_provider",
    "providers.view_provideralias",
    "providers.add_provideralias",
    "providers.change_provideralias",
    "providers.delete_provideralias",
)


@pytest.fixture
def clerk_client(client):
    """Staff who may change publishers and aliases, but not publish."""
    client.force_login(make_user("clerk", perms=PUBLISHER_CLERK))
    return client


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def change_url(provider):
    return reverse("admin:providers_provider_change", args=[provider.pk])


def alias_form(provider, rows=(), **fields):
    """The change form's POST with alias rows given as dicts (``id`` for existing ones)."""
    initial = sum(1 for row in rows if row.get("id"))
    data = {
        "name": provider.name,
        "logo_url": provider.logo_url,
        "aliases-TOTAL_FORMS": str(len(rows)),
        "aliases-INITIAL_FORMS": str(initial),
        **fields,
    }
    if provider.is_blocked:
        data["is_blocked"] = "on"
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"aliases-{index}-{key}"] = value
        data[f"aliases-{index}-provider"] = str(provider.pk)
    return data


def test_without_publish_permission_blocking_is_read_only(clerk_client):
    provider = make_provider(is_blocked=True)
    page = clerk_client.get(change_url(provider)).content.decode()
    assert 'name="is_blocked"' not in page
    response = clerk_client.post(change_url(provider), alias_form(provider, is_blocked=""))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.is_blocked


def test_with_publish_permission_blocking_is_editable(editor_client):
    provider = make_provider(is_blocked=True)
    assert 'name="is_blocked"' in editor_client.get(change_url(provider)).content.decode()
    data = alias_form(provider)
    del data["is_blocked"]
    editor_client.post(change_url(provider), data)
    provider.refresh_from_db()
    assert not provider.is_blocked


@pytest.mark.parametrize("action", ["block", "unblock", "merge"])
def test_without_publish_permission_no_block_unblock_or_merge(clerk_client, action):
    blocked = make_provider(is_blocked=True)
    other = make_provider()
    make_article(provider=blocked, status=Article.Status.PUBLISHED)
    page = clerk_client.get(reverse(CHANGELIST)).content.decode()
    assert f'value="{action}"' not in page
    response = clerk_client.post(
        reverse(CHANGELIST), action_post(action, [blocked, other], apply="1", survivor=other.pk)
    )
    assert response.status_code in (200, 302)
    assert Provider.objects.count() == 2
    assert set(Provider.objects.values_list("pk", "is_blocked")) == {
        (blocked.pk, True),
        (other.pk, False),
    }


def test_with_publish_permission_the_actions_are_offered(editor_client):
    make_provider()
    page = editor_client.get(reverse(CHANGELIST)).content.decode()
    for action in ("block", "unblock", "merge"):
        assert f'value="{action}"' in page


def test_topic_merge_still_needs_only_change(client):
    make_topic()
    client.force_login(make_user("topics", perms=["articles.view_topic", "articles.change_topic"]))
    page = client.get(reverse("admin:articles_topic_changelist")).content.decode()
    assert 'value="merge"' in page


def test_without_publish_permission_no_domain_alias_added(clerk_client):
    provider = make_provider()
    rows = [{"kind": Kind.DOMAIN, "value": "mirror.example"}]
    response = clerk_client.post(change_url(provider), alias_form(provider, rows))
    assert response.status_code == 200
    assert "Only editors who may publish" in response.content.decode()
    assert not ProviderAlias.objects.exists()


def test_without_publish_permission_a_name_alias_is_fine(clerk_client):
    provider = make_provider()
    rows = [{"kind": Kind.NAME, "value": "The Paper"}]
    response = clerk_client.post(change_url(provider), alias_form(provider, rows))
    assert response.status_code == 302
    assert ProviderAlias.objects.get().value == "The Paper"


def test_without_publish_permission_no_alias_turned_into_a_domain(clerk_client):
    provider = make_provider()
    alias = ProviderAlias.objects.create(provider=provider, kind=Kind.NAME, value="mirror.example")
    rows = [{"id": str(alias.pk), "kind": Kind.DOMAIN, "value": "mirror.example"}]
    response = clerk_client.post(change_url(provider), alias_form(provider, rows))
    assert response.status_code == 200
    alias.refresh_from_db()
    assert alias.kind == Kind.NAME


def test_without_publish_permission_no_domain_alias_removed(clerk_client):
    provider = make_provider()
    alias = ProviderAlias.objects.create(provider=provider, kind=Kind.DOMAIN, value="old.example")
    rows = [{"id": str(alias.pk), "kind": Kind.DOMAIN, "value": "old.example", "DELETE": "on"}]
    response = clerk_client.post(change_url(provider), alias_form(provider, rows))
    assert response.status_code == 200
    assert "Only editors who may publish" in response.content.decode()
    assert ProviderAlias.objects.filter(pk=alias.pk).exists()


def test_with_publish_permission_a_domain_alias_is_added_normalised(editor_client):
    provider = make_provider()
    rows = [{"kind": Kind.DOMAIN, "value": "https://WWW.Mirror.example/"}]
    response = editor_client.post(change_url(provider), alias_form(provider, rows))
    assert response.status_code == 302
    assert ProviderAlias.objects.get().value == "mirror.example"


@pytest.mark.parametrize("spelling", ["blocked.example", "WWW.Blocked.Example"])
def test_an_alias_may_not_be_another_publishers_domain(editor_client, spelling):
    make_provider(domain="blocked.example", name="Blocked Times", is_blocked=True)
    provider = make_provider()
    rows = [{"kind": Kind.DOMAIN, "value": spelling}]
    response = editor_client.post(change_url(provider), alias_form(provider, rows))
    assert response.status_code == 200
    assert "blocked.example is already the domain of “Blocked Times”" in (response.content.decode())
    assert not ProviderAlias.objects.exists()


def test_an_alias_may_not_be_another_publishers_domain_alias(editor_client):
    owner = make_provider(name="Owner")
    ProviderAlias.objects.create(provider=owner, kind=Kind.DOMAIN, value="taken.example")
    provider = make_provider()
    rows = [{"kind": Kind.DOMAIN, "value": "taken.example"}]
    response = editor_client.post(change_url(provider), alias_form(provider, rows))
    assert response.status_code == 200
    assert "taken.example is already a domain alias of “Owner”" in response.content.decode()
    assert ProviderAlias.objects.count() == 1


def test_an_alias_may_not_be_the_publishers_own_domain(editor_client):
    provider = make_provider(domain="self.example")
    rows = [{"kind": Kind.DOMAIN, "value": "self.example"}]
    response = editor_client.post(change_url(provider), alias_form(provider, rows))
    assert response.status_code == 200
    assert not ProviderAlias.objects.exists()


def test_a_new_publisher_may_not_take_a_domain_alias(admin_client):
    owner = make_provider(name="Owner")
    ProviderAlias.objects.create(provider=owner, kind=Kind.DOMAIN, value="taken.example")
    data = {
        "name": "Copycat",
        "domain": "taken.example",
        "logo_url": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:providers_provider_add"), data)
    assert response.status_code == 200
    assert "already a domain alias of “Owner”" in response.content.decode()
    assert not Provider.objects.filter(name="Copycat").exists()


def test_blocking_from_the_list_is_logged_and_reads_naturally(editor_client):
    one = make_provider()
    response = editor_client.post(reverse(CHANGELIST), action_post("block", [one]), follow=True)
    assert "1 publisher blocked." in response.content.decode()
    assert LogEntry.objects.get(object_id=str(one.pk)).change_message == "Blocked"


# --- Previews on the public site -------------------------------------------------------


@pytest.mark.parametrize(
    "perms, sees",
    [
        ((), False),
        (("articles.view_article",), True),
        (("articles.change_article",), True),
        (("providers.change_provider",), False),
    ],
)
def test_preview_needs_a_permission_on_articles(client, perms, sees):
    article = make_article(status=Article.Status.PENDING, title="Not out yet")
    client.force_login(make_user("staffer", perms=perms))
    response = client.get(article.get_absolute_url())
    assert response.status_code == (200 if sees else 404)


def test_an_editor_previews_and_a_superuser_too(client):
    article = make_article(status=Article.Status.REJECTED)
    client.force_login(make_editor())
    assert client.get(article.get_absolute_url()).status_code == 200
    client.force_login(make_user("root", is_superuser=True))
    assert client.get(article.get_absolute_url()).status_code == 200


# --- The admin's "view on site" link -------------------------------------------------------


def _view_on_site(obj):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_view_on_site_needs_the_permission_to_view_the_object(client):
    from .factories import make_story

    pending = make_article(status=Article.Status.PENDING, title="Unannounced merger")
    story = make_story(pending)
    client.force_login(make_user("staffonly"))
    for obj in (pending, story):
        response = client.get(_view_on_site(obj))
        assert response.status_code == 404
        assert "merger" not in response.get("Location", "")
    client.force_login(make_editor("ada"))
    response = client.get(_view_on_site(pending))
    assert response.status_code == 302 and response["Location"].endswith(pending.get_absolute_url())


@pytest.mark.parametrize("object_id", ["999999", "abc", "²"])
def test_view_on_site_of_nothing_is_a_404(client, object_id):
    from django.contrib.contenttypes.models import ContentType

    client.force_login(make_editor("ada"))
    content_type = ContentType.objects.get_for_model(Article)
    assert client.get(f"/admin/r/{content_type.pk}/{object_id}/").status_code == 404
    assert client.get("/admin/r/999999/1/").status_code == 404
