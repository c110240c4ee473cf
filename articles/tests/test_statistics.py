"""PostgreSQL's planner statistics: kept for every column a query filters, joins, groups
or orders on; none for the long texts no plan estimates, which ANALYZE (five times an
import of 12,000 files) would sort a sample of for nothing."""

import pytest
from django.db import connection

from articles.models import Article, RelatedLink

from .factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics"),
]

UNPLANNED = {
    Article: {"excerpt", "secured", "feed_extra", "source_url", "amp_url", "cdn_amp_url"},
    RelatedLink: {"title", "excerpt", "source_url", "image_url", "amp_url", "cdn_amp_url"},
}


def statistics_targets(model):
    """``{column: its statistics target}``, -1 for the server's default."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, coalesce(attstattarget, -1) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [model._meta.db_table],
        )
        return dict(cursor.fetchall())


@pytest.mark.parametrize("model", UNPLANNED, ids=lambda model: model.__name__)
def test_only_the_unplanned_columns_go_without_statistics(model):
    targets = statistics_targets(model)
    assert {column for column, target in targets.items() if target == 0} == UNPLANNED[model]
    assert all(target == -1 for column, target in targets.items() if column not in UNPLANNED[model])


def test_analyze_keeps_what_the_planner_reads():
    for n in range(3):
        make_article(excerpt=f"excerpt {n}", secured=f"body {n}")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Article._meta.db_table}")
        cursor.execute(
            "SELECT attname FROM pg_stats WHERE tablename = %s", [Article._meta.db_table]
        )
        analyzed = {row[0] for row in cursor.fetchall()}
    assert {"url", "status", "published_at", "provider_id", "title", "search_vector"} <= analyzed
    assert not analyzed & UNPLANNED[Article]
