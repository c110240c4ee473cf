"""Drop seven indexes that another index already starts with.

- ``Article.slug``: ``article_unique_slug`` (and on PostgreSQL, SlugField's ``LIKE``
  twin, which no query uses: slugs are looked up whole);
- ``Article.provider``: ``article_provider_date_idx`` (provider, status, date);
- ``Article.story``: ``article_story_idx`` (story, status);
- ``ArticleImage.article``: ``articleimage_unique_position`` (article, position);
- ``RelatedLink.article``: ``relatedlink_unique_url`` (article, url);
- ``StatusChange.article``: ``statuschange_article_idx`` (article, date);
- ``article_status_heat_idx`` (status, heat descending): ``article_queue_idx`` (status,
  heat descending, quality, date).

Every import wrote an entry in each for every article, image and link, and a story
placement rewrote the article's. The database drops the foreign keys' indexes by name,
found by introspection: ``AlterField`` would rebuild the article table on SQLite and re-check
every foreign key on PostgreSQL. Going back leaves them dropped: no query needs them.
"""

import django.db.models.deletion
from django.db import migrations, models

# (model, field) whose single-column index goes.
FIELDS = [
    ("article", "provider"),
    ("article", "slug"),
    ("article", "story"),
    ("articleimage", "article"),
    ("relatedlink", "article"),
    ("statuschange", "article"),
]


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    for model_name, field_name in FIELDS:
        meta = apps.get_model("articles", model_name)._meta
        column = meta.get_field(field_name).column
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, meta.db_table)
        for name, info in constraints.items():
            alone = info["columns"] == [column]
            if alone and info["index"] and not (info["unique"] or info["primary_key"]):
                schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_story_backlog"),
        ("providers", "0002_logo_upload_to_random_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(drop_indexes, migrations.RunPython.noop, elidable=True)
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="provider",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="articles",
                        to="providers.provider",
                    ),
                ),
                migrations.AlterField(
                    model_name="article",
                    name="slug",
                    field=models.SlugField(db_index=False, max_length=255),
                ),
                migrations.AlterField(
                    model_name="article",
                    name="story",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The event this article tells, with other publishers' versions of it.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="articles",
                        to="articles.story",
                    ),
                ),
                migrations.AlterField(
                    model_name="articleimage",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="images",
                        to="articles.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="relatedlink",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="related_links",
                        to="articles.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="statuschange",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_changes",
                        to="articles.article",
                    ),
                ),
            ],
        ),
        migrations.RemoveIndex(model_name="article", name="article_status_heat_idx"),
    ]
