# The story word index in two tables: ArticleTerms (one row per article: its words with
# their weights) and StoryTerm (one row per word: a composite key that is the index).
# Before, StoryTerm had a row per word with its weight under a surrogate id, a unique
# (article, term) index and a (term, date) index: three B-trees per word on SQLite, four
# on PostgreSQL, most of the cost clustering added to an import.
#
# Django cannot change a primary key into a composite one, so the old table's words are
# copied into ArticleTerms, the table is dropped and made again, and filled from them.

import json
from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def words_to_article_terms(apps, schema_editor):
    db = schema_editor.connection.alias
    StoryTerm = apps.get_model("articles", "StoryTerm")
    ArticleTerms = apps.get_model("articles", "ArticleTerms")
    found, dates = defaultdict(dict), {}
    rows = StoryTerm.objects.using(db).order_by("article_id", "id")
    for article_id, term, published_at, weight, is_name in rows.values_list(
        "article_id", "term", "published_at", "weight", "is_name"
    ).iterator(chunk_size=BATCH):
        dates[article_id] = published_at
        if term:  # not the empty term every article had, to count them
            found[article_id][term] = [weight, int(is_name)]
    ArticleTerms.objects.using(db).bulk_create(
        (
            ArticleTerms(article_id=pk, published_at=when, terms=json.dumps(found[pk]))
            for pk, when in dates.items()
        ),
        batch_size=BATCH,
    )


def article_terms_to_words(apps, schema_editor):
    db = schema_editor.connection.alias
    StoryTerm = apps.get_model("articles", "StoryTerm")
    ArticleTerms = apps.get_model("articles", "ArticleTerms")
    rows = []
    for article_id, published_at, terms in ArticleTerms.objects.using(db).values_list(
        "article_id", "published_at", "terms"
    ):
        rows.append(StoryTerm(article_id=article_id, term="", published_at=published_at, weight=0))
        rows += [
            StoryTerm(
                article_id=article_id,
                term=term,
                published_at=published_at,
                weight=weight,
                is_name=bool(is_name),
            )
            for term, (weight, is_name) in json.loads(terms).items()
        ]
    StoryTerm.objects.using(db).bulk_create(rows, batch_size=BATCH)


def article_terms_to_index(apps, schema_editor):
    db = schema_editor.connection.alias
    StoryTerm = apps.get_model("articles", "StoryTerm")
    ArticleTerms = apps.get_model("articles", "ArticleTerms")
    rows = []
    for article_id, published_at, terms in (
        ArticleTerms.objects.using(db)
        .values_list("article_id", "published_at", "terms")
        .iterator(chunk_size=BATCH)
    ):
        rows += [
            StoryTerm(article_id=article_id, term=term, published_at=published_at)
            for term in json.loads(terms)
        ]
        if len(rows) >= BATCH:
            StoryTerm.objects.using(db).bulk_create(rows, batch_size=BATCH)
            rows = []
    StoryTerm.objects.using(db).bulk_create(rows, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_story_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleTerms",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="story_words",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("published_at", models.DateTimeField()),
                ("terms", models.TextField(default="{}")),
            ],
            options={
                "verbose_name": "article terms",
                "verbose_name_plural": "article terms",
            },
        ),
        migrations.RunPython(words_to_article_terms, article_terms_to_words),
        migrations.DeleteModel(name="StoryTerm"),
        migrations.CreateModel(
            name="StoryTerm",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "term",
                        "published_at",
                        "article",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("term", models.CharField(max_length=40)),
                ("published_at", models.DateTimeField()),
                (
                    "article",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="story_terms",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "story term",
                "ordering": ["term", "published_at"],
            },
        ),
        migrations.RunPython(article_terms_to_index, migrations.RunPython.noop),
    ]
