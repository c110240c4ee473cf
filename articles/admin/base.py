"""What the desk's admin classes share: bounded search, counts, read-only records.

``DeskAdmin`` is the base of every editable admin here (articles, topics, publishers);
``ReadOnlyAdminMixin`` marks records the system keeps; ``read_only_rest`` derives an
admin's read-only fields from its fieldsets, so the two are never restated.
"""

import logging

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.utils.text import smart_split

from .actions import ValidSelectionMixin

logger = logging.getLogger(__name__)

# Never filtered on from a changelist's query string: a count that answers yes or no to
# "secured__startswith=…" reads the encrypted body (or a password hash) a character at a
# time, which the pages themselves never show.
SECRET_FIELDS = {"secured", "password"}
# Lookups a query string may not ask for: a regular expression the database refuses is
# a server error, and one it accepts may cost it minutes.
REFUSED_LOOKUPS = {"regex", "iregex"}

# More words than anyone types; each one is another AND-ed condition over every
# search field, and past about 1,000 SQLite gives up ("Expression tree is too large").
MAX_SEARCH_WORDS = 20


def counted(count, singular, plural=None):
    """ "1 article", "2 articles", "3 aliases" (with ``plural`` given)."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def read_only_rest(fieldsets, editable):
    """Every field the fieldsets show, except the ``editable`` ones, in their order."""
    return [name for name in flatten_fieldsets(fieldsets) if name not in editable]


class BoundedSearchMixin:
    """Search on the first ``MAX_SEARCH_WORDS`` words of the query only."""

    def get_search_results(self, request, queryset, search_term):
        words = list(smart_split(search_term))
        if len(words) > MAX_SEARCH_WORDS:
            search_term = " ".join(words[:MAX_SEARCH_WORDS])
        return super().get_search_results(request, queryset, search_term)


class SafeToFieldMixin:
    """A ``_to_field`` naming a reverse relation is refused (400), not a 500.

    Django's ``to_field_allowed`` asks the named field for ``primary_key``, which
    reverse relations (``?_to_field=articles`` on publishers) do not have. Only a
    concrete field can be a popup's ``to_field``.
    """

    def to_field_allowed(self, request, to_field):
        try:
            field = self.opts.get_field(to_field)
        except FieldDoesNotExist:
            return False
        if not getattr(field, "concrete", False):
            return False
        return super().to_field_allowed(request, to_field)


class SafeLookupsMixin:
    """A changelist's query string filters on what the list may show, and a filter the
    database cannot run is the admin's "invalid filter" page, not a server error.

    Django lets a query string filter on any field of the model with any lookup. Here a
    secret field (``SECRET_FIELDS``) and a regular expression are refused (400), and a
    filter that fails as the list is counted (``id__range=1``, a year past 9999, a
    number past the column's range) is reported as Django reports a malformed one.
    """

    def lookup_allowed(self, lookup, value, request=None):
        parts = set(lookup.split(LOOKUP_SEP))
        if parts & SECRET_FIELDS or parts & REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changelist_instance(self, request):
        try:
            # A savepoint: a failed count must not end the request's transaction.
            with transaction.atomic():
                return super().get_changelist_instance(request)
        except (DatabaseError, ArithmeticError, IndexError, TypeError, ValueError) as exc:
            logger.warning("changelist filter %s refused: %r", request.GET.urlencode(), exc)
            raise IncorrectLookupParameters(exc) from exc


class SavesChangedFieldsMixin:
    """A change page writes only the fields the editor changed on it (its form a
    ``SeenForm``): a page opened before another editor saved, then saved for one field,
    put back every other field as the page showed it (a publisher's new name, a topic's
    slug) with no word to either editor."""

    def fields_to_save(self, request, obj, form):
        columns = {field.name for field in obj._meta.concrete_fields}
        return [name for name in form.changed_data if name in columns]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        if fields := self.fields_to_save(request, obj, form):
            auto = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
            obj.save(update_fields=[*fields, *auto])
        return None


class DeskAdmin(
    SafeLookupsMixin, SafeToFieldMixin, BoundedSearchMixin, ValidSelectionMixin, admin.ModelAdmin
):
    """An editable model on the desk: bounded search, actions safe on any posted id."""


class ArticleCountMixin:
    """A sortable "articles" column, counted per row shown by a subquery.

    ``article_rows`` names the rows that point at this admin's objects, as a model and
    its foreign key (``(Article, "provider")``). A joined ``Count`` would be multiplied
    by any join a search adds (a publisher's aliases) and need a GROUP BY to sort.
    """

    article_rows = None

    def get_queryset(self, request):
        model, key = self.article_rows
        counts = (
            model.objects.filter(**{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(article_count=Coalesce(Subquery(counts), 0))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


class ReadOnlyAdminMixin:
    """Records kept by the system: anyone allowed to view them may only look."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
