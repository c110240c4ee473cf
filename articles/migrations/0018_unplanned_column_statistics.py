"""PostgreSQL: no planner statistics for the long text columns no query filters, joins,
groups or counts on.

``ANALYZE`` sorts a sample of every column to build its statistics. For the excerpts,
bodies and secondary URLs of articles, and the titles, excerpts and secondary URLs of
related links, it did so for nothing: the planner never estimates a condition on them.
Each import analyzes these tables about log2(its size) times
(``BatchWriter.keep_statistics``): at 12,000 articles one round of the two went from
0.87 s to 0.43 s. ``STATISTICS 0`` skips the column (what an earlier ANALYZE left of it
stays, unread); the planner then assumes a default width for it, which only sizes memory
for a sort or hash of whole rows. The article's title keeps its statistics: the story
and history admins search it with ``LIKE``.

SQLite's ANALYZE reads indexes only: nothing to change there.
"""

from django.db import migrations

# table: columns no plan estimates a condition on.
COLUMNS = {
    "articles_article": [
        "excerpt",
        "secured",
        "feed_extra",
        "source_url",
        "amp_url",
        "cdn_amp_url",
    ],
    "articles_relatedlink": [
        "title",
        "excerpt",
        "source_url",
        "image_url",
        "amp_url",
        "cdn_amp_url",
    ],
}


def set_statistics(target):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for table, columns in COLUMNS.items():
            changes = ", ".join(
                f"ALTER COLUMN {quote(column)} SET STATISTICS {target}" for column in columns
            )
            schema_editor.execute(f"ALTER TABLE {quote(table)} {changes}")

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_drop_redundant_indexes")]

    operations = [migrations.RunPython(set_statistics(0), set_statistics(-1), elidable=True)]
