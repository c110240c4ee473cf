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
    """Migrate ``articles`` back to a migration; forward to the latest again after."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("articles")[0]
    yield lambda name: migrate(("articles", name))
    migrate(latest)


def test_0025_remembers_the_file_of_every_stored_article(back_to):
    apps = back_to("0024_topic_aliases")
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
