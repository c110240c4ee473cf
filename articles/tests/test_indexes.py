"""The articles tables' indexes: every foreign key is looked up through an index, and no
index is only the start of another one, which every insert would pay for twice."""

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from articles.models import Article, RelatedLink, score_ordering

from .factories import make_article

pytestmark = pytest.mark.django_db

# Django makes the through table of ``Article.topics`` with an index on each column; one
# of them is the start of its unique pair, and the table is not ours to declare.
NOT_OURS = {"articles_article_topics"}
# Found through ArticleTerms instead; StoryTerm.article says why.
UNINDEXED_FOREIGN_KEYS = {("articles_storyterm", "article_id")}
CHANGELIST = "admin:articles_article_changelist"


def indexes(table):
    """``{name: (key, unique)}`` of ``table``'s indexes, unique ones and the primary key
    too, ``key`` being their ``(column, direction)`` pairs."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    found = {}
    for name, info in constraints.items():
        columns = info["columns"]
        # Not a constraint without an index, nor an index on expressions (a topic's
        # lower-cased name).
        if not (info["index"] or info["unique"] or info["primary_key"]):
            continue
        if not columns or None in columns:
            continue
        directions = info.get("orders") or ["ASC"] * len(columns)
        key = list(zip(columns, directions, strict=True))
        found[name] = (key, info["unique"] or info["primary_key"])
    return found


def tables():
    return [
        model._meta
        for model in apps.get_app_config("articles").get_models(include_auto_created=True)
        if model._meta.db_table not in NOT_OURS
    ]


@pytest.mark.parametrize("meta", tables(), ids=lambda meta: meta.db_table)
def test_no_index_is_the_start_of_a_longer_one(meta):
    """Columns and directions only: PostgreSQL's NULLS LAST does not show here, and an
    index differing from a longer one in that alone was one more entry per insert."""
    found = indexes(meta.db_table)
    redundant = [
        (name, longer)
        for name, (key, unique) in found.items()
        for longer, (other, _) in found.items()
        if not unique and len(other) > len(key) and other[: len(key)] == key
    ]
    assert redundant == []


@pytest.mark.parametrize("meta", tables(), ids=lambda meta: meta.db_table)
def test_every_foreign_key_is_the_start_of_an_index(meta):
    starts = {key[0][0] for key, _ in indexes(meta.db_table).values()}
    foreign_keys = {
        field.column
        for field in meta.concrete_fields
        if field.is_relation and (meta.db_table, field.column) not in UNINDEXED_FOREIGN_KEYS
    }
    assert foreign_keys - starts == set()


# Each score sort and the index it walks, stopping after a page (ScoreIndex).
SCORE_SORTS = {  # index: (one publisher's articles, the scores sorted by)
    "article_queue_idx": (False, ("heat", "quality")),
    "article_quality_idx": (False, ("quality",)),
    "article_provider_heat_idx": (True, ("heat", "quality")),
    "article_provider_quality_idx": (True, ("quality",)),
}


def plan(queryset):
    """``queryset``'s plan, the database told to avoid whole-table scans and sorts (a
    handful of rows would not make it choose an index otherwise)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for setting in ("seqscan", "sort", "incremental_sort", "bitmapscan"):
                cursor.execute(f"SET LOCAL enable_{setting} = off")
    return queryset.explain()


def walks(index, queryset):
    """Whether ``queryset`` is read off ``index`` in its order, with nothing to sort."""
    text = plan(queryset)
    if connection.vendor == "postgresql":  # an Index Scan or an Index Only Scan
        return f"Scan using {index} " in text and "Sort" not in text
    return f"USING INDEX {index} " in text and "TEMP B-TREE" not in text


@pytest.mark.parametrize("index", SCORE_SORTS)
def test_every_score_sort_walks_its_index(index):
    by_publisher, scores = SCORE_SORTS[index]
    article = make_article(heat=None)
    make_article(quality=None, provider=article.provider)
    articles = Article.objects.filter(status=Article.Status.PUBLISHED)
    if by_publisher:
        articles = articles.filter(provider=article.provider)
    assert walks(index, articles.order_by(*score_ordering(*scores))[:20])


@pytest.mark.parametrize("order", [None, "-4"])
def test_the_review_queue_by_heat_walks_the_queue_index(admin_client, order):
    make_article(status=Article.Status.PENDING, heat=None)
    response = admin_client.get(reverse(CHANGELIST), {"o": order} if order else {})
    queryset = response.context["cl"].queryset
    assert walks("article_queue_idx", queryset[:50])


def test_the_partial_foreign_key_indexes_serve_their_lookups(django_user_model):
    """Indexed only where set (migration 0020), yet read by the queries that need them:
    a deleted account's decisions, the links citing some articles."""
    editor = django_user_model.objects.create(username="editor")
    article = make_article(moderated_by=editor)
    decisions = Article.objects.filter(moderated_by__in=[editor.pk]).order_by()
    citing = RelatedLink.objects.filter(target__in=[article.pk]).order_by()
    assert walks("article_moderator_idx", decisions)
    assert walks("relatedlink_target_idx", citing)
