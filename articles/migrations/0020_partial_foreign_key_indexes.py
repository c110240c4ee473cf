"""Index two mostly empty foreign keys only where they are set.

- ``Article.moderated_by``: no imported article has an editor's decision yet.
- ``RelatedLink.target``: a related link names one of our articles about one time in
  ten (134,727 links, 13,954 with a target, in a 12,000-file benchmark import).

Their indexes held an entry for every NULL: one more for each imported article, and
for each related link, the importer's largest table. Every query that reads them asks
for a value (a user deleted, an article deleted, the links citing a chunk's articles),
which a partial index ``WHERE ... IS NOT NULL`` answers just as well.

As in 0017, the foreign keys' own indexes are dropped by name, found by introspection:
``AlterField`` would rebuild both tables on SQLite. Going back puts them back.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FIELDS = [("article", "moderated_by"), ("relatedlink", "target")]


def single_column_indexes(schema_editor, meta, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, meta.db_table)
    return [
        name
        for name, info in constraints.items()
        if info["columns"] == [column]
        and info["index"]
        and not (info["unique"] or info["primary_key"])
    ]


def drop_field_indexes(apps, schema_editor):
    for model_name, field_name in FIELDS:
        meta = apps.get_model("articles", model_name)._meta
        column = meta.get_field(field_name).column
        for name in single_column_indexes(schema_editor, meta, column):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_field_indexes(apps, schema_editor):
    for model_name, field_name in FIELDS:
        model = apps.get_model("articles", model_name)
        field = model._meta.get_field(field_name)
        index = models.Index(fields=[field_name], name=f"{model._meta.db_table}_{field.column}")
        schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_score_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(drop_field_indexes, restore_field_indexes, elidable=False)
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="moderated_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="relatedlink",
                    name="target",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Our article with this URL, when we have it.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="cited_by",
                        to="articles.article",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("moderated_by__isnull", False)),
                fields=["moderated_by"],
                name="article_moderator_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="relatedlink",
            index=models.Index(
                condition=models.Q(("target__isnull", False)),
                fields=["target"],
                name="relatedlink_target_idx",
            ),
        ),
    ]
