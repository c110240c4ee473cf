"""Data migrations carry what is stored across: run forward from the migration before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def back_to():
    """Migrate an app back to a migration; every app forward to the latest again after."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    yield lambda app, name: migrate((app, name))
    MigrationExecutor(connection).migrate(latest)


def test_0025_remembers_the_file_of_every_stored_article(back_to):
    apps = back_to("articles", "0024_topic_aliases")
    Provider = apps.get_model("providers", "Provider")
    Article = apps.get_model("articles", "Article")
    provider = Provider.objects.create(domain="example.com", name="Example")
    fields = {"provider": provider, "published_at": "2026-01-01T00:00:00Z", "status": "pending"}
    imported = Article.objects.create(
        url="https://example.com/a", slug="a", title="A", content_hash="f" * 64, **fields
    )
    Article.objects.create(url="https://example.com/b", slug="b", title="B", **fields)

    apps = migrate(("articles", "0025_imported_files"))
    ImportedFile = apps.get_model("articles", "ImportedFile")
    assert list(ImportedFile.objects.values_list("content_hash", "article_id")) == [
        ("f" * 64, imported.pk)
    ]


def test_providers_0003_spells_internationalised_domains_in_ascii(back_to):
    apps = back_to("providers", "0002_logo_upload_to_random_name")
    Provider = apps.get_model("providers", "Provider")
    ProviderAlias = apps.get_model("providers", "ProviderAlias")
    munich = Provider.objects.create(domain="münchen.de", name="Munich")
    Provider.objects.create(domain="xn--bcher-kva.de", name="Books")
    twin = Provider.objects.create(domain="bücher.de", name="Books again")
    ProviderAlias.objects.create(provider=munich, kind="domain", value="münchen.example")

    apps = migrate(("providers", "0003_idna_domains"))
    Provider = apps.get_model("providers", "Provider")
    ProviderAlias = apps.get_model("providers", "ProviderAlias")
    assert Provider.objects.get(pk=munich.pk).domain == "xn--mnchen-3ya.de"
    assert ProviderAlias.objects.get().value == "xn--mnchen-3ya.example"
    # Its ASCII form is another publisher's: left for articles 0028 to merge.
    assert Provider.objects.get(pk=twin.pk).domain == "bücher.de"


def test_0028_merges_a_unicode_twin_into_its_ascii_publisher_and_keeps_its_block(back_to):
    """Left in Unicode by providers 0003, a blocked münchen.de no longer held new
    stories back: imports land on xn--mnchen-3ya.de, which was not blocked."""
    apps = back_to("articles", "0027_fold_urls_again")
    Provider = apps.get_model("providers", "Provider")
    ProviderAlias = apps.get_model("providers", "ProviderAlias")
    Article = apps.get_model("articles", "Article")
    ascii_one = Provider.objects.create(domain="xn--mnchen-3ya.de", name="Munich")
    twin = Provider.objects.create(domain="münchen.de", name="München", is_blocked=True)
    ProviderAlias.objects.create(provider=twin, kind="domain", value="muenchen.example")
    story = Article.objects.create(
        provider=twin,
        url="https://xn--mnchen-3ya.de/a",
        slug="a",
        title="A",
        published_at="2026-01-01T00:00:00Z",
    )

    apps = migrate(("articles", "0028_merge_idn_publisher_twins"))
    Provider = apps.get_model("providers", "Provider")
    [survivor] = Provider.objects.all()
    assert (survivor.pk, survivor.is_blocked) == (ascii_one.pk, True)
    aliases = apps.get_model("providers", "ProviderAlias").objects.filter(provider=survivor)
    assert sorted(aliases.values_list("kind", "value")) == [
        ("domain", "muenchen.example"),
        ("name", "München"),
    ]
    assert apps.get_model("articles", "Article").objects.get(pk=story.pk).provider_id == (
        ascii_one.pk
    )


def test_0027_merges_the_articles_one_respelled_url_had_made(back_to):
    """A rejected story and its respelling, stored as a new published article, are one
    article again, the rejected one; a related link's URL is folded too."""
    apps = back_to("articles", "0026_importrun_running")
    Provider = apps.get_model("providers", "Provider")
    Article = apps.get_model("articles", "Article")
    RelatedLink = apps.get_model("articles", "RelatedLink")
    provider = Provider.objects.create(domain="xn--mnchen-3ya.de", name="Munich")
    fields = {"provider": provider, "published_at": "2026-01-01T00:00:00Z"}
    rejected = Article.objects.create(
        url="https://münchen.de/wahl",
        source_url="https://münchen.de/wahl",
        slug="wahl",
        title="Wahl",
        status="rejected",
        **fields,
    )
    respelled = Article.objects.create(
        url="https://xn--mnchen-3ya.de/wahl",
        source_url="https://xn--mnchen-3ya.de/wahl",
        slug="wahl-2",
        title="Wahl",
        status="published",
        **fields,
    )
    RelatedLink.objects.create(
        article=respelled,
        url="https://example.net/café",
        source_url="https://example.net/café",
        title="Café",
        provider=provider,
    )

    apps = migrate(("articles", "0027_fold_urls_again"))
    Article = apps.get_model("articles", "Article")
    [kept] = Article.objects.all()
    assert (kept.pk, kept.url, kept.status) == (
        rejected.pk,
        "https://xn--mnchen-3ya.de/wahl",
        "rejected",
    )
    link = apps.get_model("articles", "RelatedLink").objects.get()
    assert (link.article_id, link.url) == (rejected.pk, "https://example.net/caf%C3%A9")


def test_0028_merges_a_publisher_made_of_a_merged_unicode_domain_into_the_merge(back_to):
    """The desk merged bücher.example into ex-pct.com (an alias, in Unicode); imports had
    since made xn--bcher-kva.example a publisher of its own. The alias never matched
    again, and new stories went to that publisher."""
    apps = back_to("articles", "0027_fold_urls_again")
    Provider = apps.get_model("providers", "Provider")
    ProviderAlias = apps.get_model("providers", "ProviderAlias")
    owner = Provider.objects.create(domain="ex-pct.com", name="Ex")
    ProviderAlias.objects.create(provider=owner, kind="domain", value="bücher.example")
    Provider.objects.create(domain="xn--bcher-kva.example", name="Books")

    apps = migrate(("articles", "0028_merge_idn_publisher_twins"))
    Provider = apps.get_model("providers", "Provider")
    assert list(Provider.objects.values_list("pk", flat=True)) == [owner.pk]
    aliases = apps.get_model("providers", "ProviderAlias").objects.order_by("kind")
    assert list(aliases.values_list("kind", "value")) == [
        ("domain", "xn--bcher-kva.example"),
        ("name", "Books"),
    ]
