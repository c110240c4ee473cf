"""Indexes that let every reader sort walk an index and stop after one page.

- ``article_reader_quality_idx``: "best quality first" broke its many ties (about 570
  articles share a quality at 100,000) by sorting them; with the date and id in the
  index it reads one page. (PostgreSQL has it already as ``article_pg_quality_idx``.)
- ``article_reader_provider_heat_idx``, ``article_reader_provider_quality_idx``: a
  publisher filtered by heat or quality sorted all of that publisher's articles.

Unscored articles sort last (``articles.models.score_ordering``): PostgreSQL's indexes say
``NULLS LAST``, SQLite's cannot and need not (it sorts NULL last in DESC order), so, as
in migration 0003, the indexes are created per database and are not in the model state.
"""

from django.db import migrations

COLUMNS = {
    "article_reader_quality_idx": "status, quality DESC{nl}, published_at DESC, id DESC",
    "article_reader_provider_heat_idx": (
        "provider_id, status, heat DESC{nl}, quality DESC{nl}, published_at DESC, id DESC"
    ),
    "article_reader_provider_quality_idx": (
        "provider_id, status, quality DESC{nl}, published_at DESC, id DESC"
    ),
}
ON_POSTGRES_ALREADY = {"article_reader_quality_idx"}  # article_pg_quality_idx (0003)


def create_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, columns in COLUMNS.items():
        if postgres and name in ON_POSTGRES_ALREADY:
            continue
        columns = columns.format(nl=" NULLS LAST" if postgres else "")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON articles_article ({columns})")


def drop_indexes(apps, schema_editor):
    for name in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_importrun_status")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
