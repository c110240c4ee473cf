"""Writing many rows at once, for the importer and the story index.

An import writes its child rows by the hundred thousand (related links, images, topic
links, story terms) and needs no ids back. Building a model instance for each, as
``bulk_create`` does, took longer than parsing the files they came from.
"""

from django.db import connection

# Below SQLite's (32,766) and PostgreSQL's (65,535) limits on parameters per query.
MAX_IN_PARAMS = 10_000


def placeholders(values):
    """``%s, %s, …``: one parameter for each of ``values``."""
    return ", ".join(["%s"] * len(values))


def insert_rows(model, fields, rows):
    """INSERT ``rows`` (tuples of database-ready values, in ``fields`` order: names or
    attnames such as ``article_id``) into ``model``'s table: with COPY on PostgreSQL, in
    multi-row statements elsewhere.

    On PostgreSQL, ``executemany`` sent, bound and ran one statement a row: 9.4 s of a
    36 s import of 10,000 files, most of it the 135,000 related links. COPY streams the
    same rows in one statement, and the server parses no parameters.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Past Django's cursor: its error wrapper makes a lost connection or a
            # conflict the OperationalError or IntegrityError the callers retry on.
            statement = f"COPY {table} ({names}) FROM STDIN"
            with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        row = f"({placeholders(fields)})"
        per_statement = MAX_IN_PARAMS // len(fields)
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES " + ", ".join([row] * len(batch)),
                [value for r in batch for value in r],
            )


def update_rows(model, fields, objs):
    """UPDATE the ``fields`` (names or attnames) of the stored ``objs`` from their
    attributes, by primary key: on PostgreSQL in one ``UPDATE ... FROM unnest(...)``, one
    typed array a column; elsewhere one single-row statement a row, in one
    ``executemany``.

    ``QuerySet.bulk_update`` spells each column as a ``CASE`` with one ``WHEN`` a row, so
    the server compares every row with every other and Django builds an expression for
    each: 250 articles of 18 fields took 1.5 s, which made refreshing a feed whose
    scores moved cost more than importing it.
    """
    if not objs:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), meta.pk
    columns = [meta.get_field(name) for name in fields]

    def values(field):
        return [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [quote(field.column) for field in columns]
            cursor.execute(
                f"UPDATE {table} SET "
                + ", ".join(f"{name} = new.{name}" for name in names)
                + " FROM unnest("
                + ", ".join(f"%s::{field.db_type(connection)}[]" for field in (pk, *columns))
                + f") AS new ({quote(pk.column)}, {', '.join(names)})"
                + f" WHERE {table}.{quote(pk.column)} = new.{quote(pk.column)}",
                [values(field) for field in (pk, *columns)],
            )
            return
        sets = ", ".join(f"{quote(field.column)} = %s" for field in columns)
        rows = zip(*(values(field) for field in (*columns, pk)), strict=True)
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s", list(rows))


def delete_rows(model, pks):
    """DELETE the rows of ``model`` with these primary keys, ``MAX_IN_PARAMS`` at a time
    (through the ORM, so what cascades from them goes too)."""
    for start in range(0, len(pks), MAX_IN_PARAMS):
        model.objects.filter(pk__in=pks[start : start + MAX_IN_PARAMS]).delete()
