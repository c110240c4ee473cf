"""The score indexes become model indexes (``ScoreIndex``), one per sort on each database.

Until now the indexes that sort unscored articles last were raw SQL, per database: on
PostgreSQL two from 0003 and two from 0009, on SQLite three from 0009. The model kept
two more of its own, ``(status, -quality)`` and ``(status, -heat, -quality, -date)``.

- **SQLite lost its three.** Raw SQL is not in the model state, and SQLite's schema
  changes rebuild the table from that state: 0010's new columns dropped them. A
  publisher's articles by heat or quality sorted all of that publisher's articles, and
  "best quality first" sorted its ties.
- **PostgreSQL wrote two indexes twice.** Its DESC puts NULL first, so the model's two
  sorted unscored articles first and no sort of ours read them (the admin's column sort
  now sorts as the others do). They differed from 0003's only in that, and every import
  and story placement wrote an entry in each.

Here PostgreSQL renames its four to the model's names and drops the two copies; SQLite
drops what it has and builds the four. Going back restores both databases as they were
(SQLite's 0009 indexes stay lost, as they were before).
"""

from django.db import migrations, models

from articles.indexes import ScoreIndex

INDEXES = [
    ScoreIndex(
        fields=["status", "-heat", "-quality", "-published_at", "-id"], name="article_queue_idx"
    ),
    ScoreIndex(fields=["status", "-quality", "-published_at", "-id"], name="article_quality_idx"),
    ScoreIndex(
        fields=["provider", "status", "-heat", "-quality", "-published_at", "-id"],
        name="article_provider_heat_idx",
    ),
    ScoreIndex(
        fields=["provider", "status", "-quality", "-published_at", "-id"],
        name="article_provider_quality_idx",
    ),
]
# The model's indexes before, which PostgreSQL had twice and SQLite once.
OLD_INDEXES = [
    models.Index(fields=["status", "-quality"], name="article_status_quality_idx"),
    models.Index(fields=["status", "-heat", "-quality", "-published_at"], name="article_queue_idx"),
]
# PostgreSQL's raw-SQL name for each new index (0003, 0009): the same columns and order.
POSTGRES_NAMES = {
    "article_queue_idx": "article_pg_heat_idx",
    "article_quality_idx": "article_pg_quality_idx",
    "article_provider_heat_idx": "article_reader_provider_heat_idx",
    "article_provider_quality_idx": "article_reader_provider_quality_idx",
}
SQLITE_NAMES = [
    "article_reader_quality_idx",
    "article_reader_provider_heat_idx",
    "article_reader_provider_quality_idx",
]


def index_names(schema_editor, table):
    with schema_editor.connection.cursor() as cursor:
        return set(schema_editor.connection.introspection.get_constraints(cursor, table))


def forwards(apps, schema_editor):
    article = apps.get_model("articles", "Article")
    table, quote = article._meta.db_table, schema_editor.quote_name
    for index in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index.name)}")
    existing = index_names(schema_editor, table)
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            old = POSTGRES_NAMES[index.name]
            if old in existing:
                schema_editor.execute(f"ALTER INDEX {quote(old)} RENAME TO {quote(index.name)}")
            else:
                schema_editor.add_index(article, index)
        return
    for name in SQLITE_NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
    for index in INDEXES:
        schema_editor.add_index(article, index)


def backwards(apps, schema_editor):
    article = apps.get_model("articles", "Article")
    quote = schema_editor.quote_name
    postgres = schema_editor.connection.vendor == "postgresql"
    for index in INDEXES:
        if postgres:
            old = quote(POSTGRES_NAMES[index.name])
            schema_editor.execute(f"ALTER INDEX {quote(index.name)} RENAME TO {old}")
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index.name)}")
    for index in OLD_INDEXES:
        schema_editor.add_index(article, index)


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_unplanned_column_statistics")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
            state_operations=[
                *(
                    migrations.RemoveIndex(model_name="article", name=index.name)
                    for index in OLD_INDEXES
                ),
                *(migrations.AddIndex(model_name="article", index=index) for index in INDEXES),
            ],
        )
    ]
