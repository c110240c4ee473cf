"""``ImportedFile``: every seed file's bytes an import wrote, not only an article's last.

Filled from the articles' own hashes; ``article_content_hash_idx`` served only the
import's "seen these bytes?" lookup, which reads the new table now.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

BACKFILL = """
INSERT INTO articles_importedfile (content_hash, article_id, imported_at)
SELECT content_hash, id, COALESCE(imported_at, created_at) FROM articles_article
WHERE content_hash <> ''
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_topic_aliases"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportedFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("content_hash", models.CharField(max_length=64)),
                ("imported_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="imported_files",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("content_hash",), name="importedfile_unique_hash"
                    )
                ],
            },
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="article", name="article_content_hash_idx"),
    ]
