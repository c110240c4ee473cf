"""PostgreSQL indexes matching the score orderings, unscored (NULL) last.

Readers and the review queue sort by ``heat DESC NULLS LAST`` / ``quality DESC NULLS
LAST`` (see ``articles.models.score_ordering``). PostgreSQL can only walk an index in
that order if the index says NULLS LAST; SQLite has no such clause (and needs none, as
it sorts NULL last in DESC order already), so these indexes exist on PostgreSQL only.
"""

from django.db import migrations

INDEXES = {
    "article_pg_heat_idx": "status, heat DESC NULLS LAST, quality DESC NULLS LAST, "
    "published_at DESC, id DESC",
    "article_pg_quality_idx": "status, quality DESC NULLS LAST, published_at DESC, id DESC",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON articles_article ({columns})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_editors_group")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
