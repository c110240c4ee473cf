"""Every stored URL folded again, with what ``canonical_url`` folds now: an
internationalised host in its ASCII form, a host's trailing dot, percent-encoding
(RFC 3986 6.2.2). A feed that respelled an article's URL so made a second article, and a
rejected story came back as a new, published one.

The work is 0007's ``fold_urls``: the articles that are now one are merged into the one
an editor rejected, else moderated, else the oldest, and related links fold with them.
"""

import importlib

from django.db import migrations

FOLD = importlib.import_module("articles.migrations.0007_fold_article_urls")


class Migration(migrations.Migration):
    dependencies = [("articles", "0026_importrun_running")]

    operations = [migrations.RunPython(FOLD.fold_urls, migrations.RunPython.noop)]
