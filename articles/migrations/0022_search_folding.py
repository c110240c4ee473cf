"""SQLite's search index holds the words as PostgreSQL's does (``articles.search``).

0005's FTS5 index tokenized the raw title and excerpt with ``unicode61 remove_diacritics
2``, which folds only the accents that Unicode decomposes, and only in Latin script:
``orsted`` did not find "Ørsted", nor ``lodz`` "Łódź", nor ``αθηνα`` "Αθήνα", all of
which PostgreSQL's ``unaccent`` finds. Now the triggers index the text folded by
``articles.search.search_text`` (PostgreSQL's unaccent rules, lower case, letters and
decimal digits), which each SQLite connection has as ``newsroom_search_text()``, and
the tokenizer folds nothing more. The table keeps its own copy of the folded text, so
a delete needs only the row id. PostgreSQL is unchanged.
"""

from django.db import migrations

from articles.search import register_sqlite_function

OLD = "articles.migrations.0005_full_text_search"

SQLITE_TABLE = """
CREATE VIRTUAL TABLE articles_article_fts USING fts5(
    title, excerpt, tokenize="unicode61 remove_diacritics 0"
)
"""

SQLITE_TRIGGERS = {
    "articles_article_fts_insert": """
CREATE TRIGGER IF NOT EXISTS articles_article_fts_insert AFTER INSERT ON articles_article BEGIN
    INSERT INTO articles_article_fts (rowid, title, excerpt)
    VALUES (new.id, newsroom_search_text(new.title), newsroom_search_text(new.excerpt));
END""",
    "articles_article_fts_delete": """
CREATE TRIGGER IF NOT EXISTS articles_article_fts_delete AFTER DELETE ON articles_article BEGIN
    DELETE FROM articles_article_fts WHERE rowid = old.id;
END""",
    "articles_article_fts_update": """
CREATE TRIGGER IF NOT EXISTS articles_article_fts_update
AFTER UPDATE OF id, title, excerpt ON articles_article BEGIN
    DELETE FROM articles_article_fts WHERE rowid = old.id;
    INSERT INTO articles_article_fts (rowid, title, excerpt)
    VALUES (new.id, newsroom_search_text(new.title), newsroom_search_text(new.excerpt));
END""",
}

SQLITE_REBUILD = [
    "DELETE FROM articles_article_fts",
    "INSERT INTO articles_article_fts (rowid, title, excerpt) SELECT id,"
    " newsroom_search_text(title), newsroom_search_text(excerpt) FROM articles_article",
]


def _drop(schema_editor, triggers):
    for name in triggers:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DROP TABLE IF EXISTS articles_article_fts")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    register_sqlite_function(None, schema_editor.connection)
    _drop(schema_editor, SQLITE_TRIGGERS)
    schema_editor.execute(SQLITE_TABLE)
    for sql in SQLITE_TRIGGERS.values():
        schema_editor.execute(sql)
    for sql in SQLITE_REBUILD:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    import importlib

    old = importlib.import_module(OLD)
    _drop(schema_editor, SQLITE_TRIGGERS)
    old.sqlite_forwards(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_story_backlog_version")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
