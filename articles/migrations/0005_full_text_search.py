"""Full-text search over title and excerpt, kept in step by the database itself.

Whatever writes an article (the importer, the admin, a merge, ``queryset.update()``,
``bulk_create``, raw SQL), the database updates the index in the same statement:

- SQLite: an FTS5 table, external content over ``articles_article`` keyed by ``id``,
  tokenized ``unicode61 remove_diacritics 2`` (case and Latin accents folded, every
  character that is not a letter or a digit a separator), and three triggers.
- PostgreSQL: a ``search_vector`` tsvector column (title weight A, excerpt B) filled by a
  trigger, with a GIN index. ``articles_search_text()`` folds text the way the SQLite
  tokenizer does (``unaccent``, lower case, every run of non-alphanumerics a space) so
  that the ``simple`` configuration then finds the same words; ``articles.search`` calls
  it on the query too.

Neither is a model field: ``articles.search`` reaches them in SQL, and the model state
stays the same on both databases.
"""

from django.db import migrations

# SQLite ---------------------------------------------------------------------------

SQLITE_TABLE = """
CREATE VIRTUAL TABLE articles_article_fts USING fts5(
    title, excerpt,
    content='articles_article', content_rowid='id',
    tokenize="unicode61 remove_diacritics 2"
)
"""

# External content: the index must be told the old text to forget it.
SQLITE_TRIGGERS = {
    "articles_article_fts_insert": """
CREATE TRIGGER IF NOT EXISTS articles_article_fts_insert AFTER INSERT ON articles_article BEGIN
    INSERT INTO articles_article_fts (rowid, title, excerpt)
    VALUES (new.id, new.title, new.excerpt);
END""",
    "articles_article_fts_delete": """
CREATE TRIGGER IF NOT EXISTS articles_article_fts_delete AFTER DELETE ON articles_article BEGIN
    INSERT INTO articles_article_fts (articles_article_fts, rowid, title, excerpt)
    VALUES ('delete', old.id, old.title, old.excerpt);
END""",
    "articles_article_fts_update": """
CREATE TRIGGER IF NOT EXISTS articles_article_fts_update
AFTER UPDATE OF id, title, excerpt ON articles_article BEGIN
    INSERT INTO articles_article_fts (articles_article_fts, rowid, title, excerpt)
    VALUES ('delete', old.id, old.title, old.excerpt);
    INSERT INTO articles_article_fts (rowid, title, excerpt)
    VALUES (new.id, new.title, new.excerpt);
END""",
}

SQLITE_REBUILD = "INSERT INTO articles_article_fts (articles_article_fts) VALUES ('rebuild')"


def sqlite_forwards(schema_editor):
    schema_editor.execute(SQLITE_TABLE)
    for sql in SQLITE_TRIGGERS.values():
        schema_editor.execute(sql)
    schema_editor.execute(SQLITE_REBUILD)


def sqlite_backwards(schema_editor):
    for name in SQLITE_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DROP TABLE IF EXISTS articles_article_fts")


# PostgreSQL -----------------------------------------------------------------------

# tsvector refuses more than 1 MB; no one searches past the first 100,000 characters.
PG_MAX_CHARS = 100_000


def pg_forwards(schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        unaccent_schema = cursor.fetchone()[0]
        # ICU folds case and tells letters from punctuation in every script, whatever the
        # database's own locale; without ICU the database's locale has to do.
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'")
        collate = ' COLLATE "und-x-icu"' if cursor.fetchone() else ""
    # IMMUTABLE (unaccent itself is only STABLE: its rules file could change) so the
    # planner folds it on a constant query once.
    schema_editor.execute(
        f"""
CREATE OR REPLACE FUNCTION articles_search_text(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(
        lower({unaccent_schema}.unaccent('{unaccent_schema}.unaccent'::regdictionary, $1){collate}),
        '[^[:alnum:]]+', ' ', 'g'
    )
$$"""
    )
    schema_editor.execute(
        f"""
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.simple',
            articles_search_text(left(coalesce(NEW.title, ''), {PG_MAX_CHARS}))), 'A')
        || setweight(to_tsvector('pg_catalog.simple',
            articles_search_text(left(coalesce(NEW.excerpt, ''), {PG_MAX_CHARS}))), 'B');
    RETURN NEW;
END
$$"""
    )
    schema_editor.execute("ALTER TABLE articles_article ADD COLUMN search_vector tsvector")
    schema_editor.execute(
        "CREATE TRIGGER articles_article_search_vector "
        "BEFORE INSERT OR UPDATE OF title, excerpt ON articles_article "
        "FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()"
    )
    schema_editor.execute("UPDATE articles_article SET title = title")
    # fastupdate would queue new entries in a list every search then reads in full
    # until a vacuum merges it: up to 4 MB, several milliseconds a search after an import.
    schema_editor.execute(
        "CREATE INDEX article_search_vector_idx ON articles_article "
        "USING gin (search_vector) WITH (fastupdate = off)"
    )


def pg_backwards(schema_editor):
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article"
    )
    schema_editor.execute("ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute("DROP FUNCTION IF EXISTS articles_article_search_vector()")
    schema_editor.execute("DROP FUNCTION IF EXISTS articles_search_text(text)")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        sqlite_forwards(schema_editor)
    elif vendor == "postgresql":
        pg_forwards(schema_editor)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        sqlite_backwards(schema_editor)
    elif vendor == "postgresql":
        pg_backwards(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_content_version")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
