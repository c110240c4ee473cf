"""``StoryBacklog.version``: a chunk that writes a queued article again queues it anew.

Before, its second queueing did nothing, and the first chunk's clustering, which may
have read the article before the second chunk's text, took the row off: an import
stopped before the second chunk's clustering left that text unclustered for good. The
database's default of 0 keeps an import of the code before working during an upgrade.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_partial_foreign_key_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="storybacklog",
            name="version",
            field=models.PositiveIntegerField(
                db_default=0,
                help_text="One more each time a chunk writes the article again before its clustering: that clustering may have read the older text, so it leaves the row.",
            ),
        ),
    ]
