"""Merging topics and publishers: everything moves to the survivor, and the history says so."""

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.urls import reverse

from articles.merging import merge_providers, merge_topics
from articles.models import Article, RelatedLink, Topic
from providers.models import Provider, ProviderAlias

from .factories import make_article, make_provider, make_related, make_topic

pytestmark = pytest.mark.django_db


def aliases(provider):
    return set(provider.aliases.values_list("kind", "value"))


# --- Topics ---------------------------------------------------------------------------------


def test_merge_topics_keeps_every_article_once(admin_user):
    keep, dup1, dup2 = make_topic("Climate"), make_topic("Climate change"), make_topic("Warming")
    both = make_article(topics=[keep, dup1])
    two_merged = make_article(topics=[dup1, dup2])
    only = make_article(topics=[dup2])
    result = merge_topics(keep, [dup1, dup2], user=admin_user)
    assert result.articles_moved == 2
    assert set(Topic.objects.all()) == {keep}
    assert set(keep.articles.all()) == {both, two_merged, only}
    assert Article.topics.through.objects.count() == 3


# --- Publishers ------------------------------------------------------------------------------


def test_merge_moves_articles_links_and_keeps_names_and_domains_as_aliases(admin_user):
    survivor = make_provider("bbc.co.uk", name="BBC News")
    dup = make_provider("bbc.com", name="BBC")
    other = make_provider("news.bbc.co.uk", name="BBC News")  # same name as the survivor
    ProviderAlias.objects.create(provider=dup, kind="domain", value="bbc.in")
    ProviderAlias.objects.create(provider=dup, kind="name", value="British Broadcasting Corp")
    a1 = make_article(provider=dup)
    a2 = make_article(provider=other)
    kept = make_article(provider=survivor)
    link = make_related(kept, provider=dup)

    result = merge_providers(survivor, [dup, other], user=admin_user)

    assert set(Provider.objects.all()) == {survivor}
    assert set(Article.objects.filter(provider=survivor)) == {a1, a2, kept}
    assert RelatedLink.objects.get(pk=link.pk).provider == survivor
    assert aliases(survivor) == {
        ("domain", "bbc.com"),
        ("domain", "news.bbc.co.uk"),
        ("domain", "bbc.in"),
        ("name", "BBC"),
        ("name", "British Broadcasting Corp"),
    }
    assert (result.articles_moved, result.related_links_moved, result.aliases_added) == (2, 1, 5)
    assert LogEntry.objects.filter(object_id=str(survivor.pk)).exists()


def test_merge_into_a_provider_that_already_has_the_alias():
    survivor = make_provider("a.example", name="A")
    ProviderAlias.objects.create(provider=survivor, kind="name", value="B")
    dup = make_provider("b.example", name="B")
    merge_providers(survivor, [dup])
    assert aliases(survivor) == {("name", "B"), ("domain", "b.example")}


def test_merge_is_all_or_nothing(monkeypatch):
    survivor, dup = make_provider(), make_provider()
    article = make_article(provider=dup)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ProviderAlias.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        merge_providers(survivor, [dup])
    article.refresh_from_db()
    assert article.provider == dup
    assert Provider.objects.filter(pk=dup.pk).exists()


def test_merging_nothing_changes_nothing():
    survivor = make_provider()
    result = merge_providers(survivor, [survivor])
    assert result.merged == [] and Provider.objects.count() == 1


# --- The admin's history ---------------------------------------------------------------------


def test_a_merge_logs_each_merged_object_and_the_survivor(admin_user):
    survivor, other = make_topic("AI"), make_topic("Machine learning")
    merge_topics(survivor, [other], user=admin_user)

    deleted = LogEntry.objects.get(action_flag=DELETION)
    changed = LogEntry.objects.get(action_flag=CHANGE)
    assert (deleted.object_repr, deleted.change_message) == ("Machine learning", "Merged into “AI”")
    assert (changed.object_id, changed.change_message) == (
        str(survivor.pk),
        "Merged in “Machine learning”",
    )


def test_a_publisher_merge_names_the_merged_domains(admin_user):
    survivor = make_provider("independent.co.uk", name="The Independent")
    merge_providers(survivor, [make_provider("indy100.example", name="Indy")], user=admin_user)

    changed = LogEntry.objects.get(action_flag=CHANGE)
    assert changed.change_message == "Merged in “Indy” (indy100.example)"


def test_a_merge_without_a_user_logs_nothing():
    merge_topics(make_topic("Space"), [make_topic("Astronomy")])
    assert not LogEntry.objects.exists()


# --- After a merge: the old public URLs point to the survivor -----------------------------


@pytest.fixture
def merged_world(admin_user):
    survivor = make_provider("guardian.co.uk", name="The Guardian")
    merged = make_provider("theguardian.com", name="Guardian")
    make_article(provider=merged, status=Article.Status.PUBLISHED)
    make_article(provider=survivor, status=Article.Status.PUBLISHED)
    merge_providers(survivor, [merged], user=admin_user)
    return survivor


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("providers:provider_detail", ""),
        ("providers:provider_feed_rss", ""),
        ("providers:provider_feed_atom", ""),
        ("providers:provider_feed_json", ""),
        ("providers:provider_detail", "?page=2&sort=new"),
    ],
)
def test_a_merged_publishers_pages_and_feeds_redirect_permanently(
    client, merged_world, name, suffix
):
    old = reverse(name, kwargs={"domain": "theguardian.com"}) + suffix
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse(name, kwargs={"domain": "guardian.co.uk"}) + suffix
    assert client.get(response["Location"]).status_code in (200, 404)
    if not suffix:
        assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("hide", ["block", "no published story"])
def test_a_merged_domain_of_a_publisher_readers_cannot_see_is_a_404_not_a_301(
    client, merged_world, hide
):
    """The 301 told that a blocked publisher, or one with only pending stories, exists;
    the 404 is the one an unknown domain gets."""
    if hide == "block":
        Provider.objects.filter(pk=merged_world.pk).update(is_blocked=True)
    else:
        Article.objects.filter(provider=merged_world).update(status=Article.Status.PENDING)
    for name in ("providers:provider_detail", "providers:provider_feed_rss"):
        unknown = client.get(reverse(name, kwargs={"domain": "nobody.example"}))
        response = client.get(reverse(name, kwargs={"domain": "theguardian.com"}))
        assert response.status_code == 404
        assert response.content == unknown.content


def test_an_unknown_domain_is_still_a_404(client, merged_world):
    for name in ("providers:provider_detail", "providers:provider_feed_rss"):
        assert client.get(reverse(name, kwargs={"domain": "nobody.example"})).status_code == 404
