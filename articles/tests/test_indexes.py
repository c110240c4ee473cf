"""The articles tables' indexes: every foreign key is looked up through an index, and no
index is only the start of another one, which every insert would pay for twice."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

# Django makes the through table of ``Article.topics`` with an index on each column; one
# of them is the start of its unique pair, and the table is not ours to declare.
NOT_OURS = {"articles_article_topics"}
# Found through ArticleTerms instead; StoryTerm.article says why.
UNINDEXED_FOREIGN_KEYS = {("articles_storyterm", "article_id")}


def indexes(table):
    """``{name: (columns, unique)}`` of ``table``'s indexes, unique ones and the primary
    key too."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: (info["columns"], info["unique"] or info["primary_key"])
        for name, info in constraints.items()
        if info["index"] or info["unique"] or info["primary_key"]
        # Not an index on expressions (a topic's lower-cased name).
        if info["columns"] and None not in info["columns"]
    }


def tables():
    return [
        model._meta
        for model in apps.get_app_config("articles").get_models(include_auto_created=True)
        if model._meta.db_table not in NOT_OURS
    ]


@pytest.mark.parametrize("meta", tables(), ids=lambda meta: meta.db_table)
def test_no_column_has_an_index_of_its_own_that_a_longer_index_starts_with(meta):
    found = indexes(meta.db_table)
    redundant = [
        (name, columns)
        for name, (columns, unique) in found.items()
        if len(columns) == 1
        and not unique
        and any(len(other) > 1 and other[0] == columns[0] for other, _ in found.values())
    ]
    assert redundant == []


@pytest.mark.parametrize("meta", tables(), ids=lambda meta: meta.db_table)
def test_every_foreign_key_is_the_start_of_an_index(meta):
    starts = {columns[0] for columns, _ in indexes(meta.db_table).values()}
    foreign_keys = {
        field.column
        for field in meta.concrete_fields
        if field.is_relation and (meta.db_table, field.column) not in UNINDEXED_FOREIGN_KEYS
    }
    assert foreign_keys - starts == set()
