"""``ScoreIndex``: an index that sorts unscored articles last on every database."""

from django.db import models


class ScoreIndex(models.Index):
    """An index whose descending nullable columns (the scores) keep NULL last, as
    ``articles.models.score_ordering`` sorts them, so that sort can walk it.

    PostgreSQL must be told: its ``DESC`` puts NULL first, so each such column says
    ``DESC NULLS LAST`` there. SQLite already puts NULL last in descending order, and its
    ``CREATE INDEX`` cannot say so. Being a model index, unlike raw SQL in a migration,
    it survives the table rebuilds SQLite's schema changes make.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        statement = super().create_sql(model, schema_editor, using=using, **kwargs)
        if schema_editor.connection.vendor == "postgresql":
            columns = statement.parts["columns"]
            columns.col_suffixes = [
                f"{suffix} NULLS LAST"
                if suffix == "DESC" and model._meta.get_field(name).null
                else suffix
                for (name, _), suffix in zip(self.fields_orders, columns.col_suffixes, strict=True)
            ]
        return statement
