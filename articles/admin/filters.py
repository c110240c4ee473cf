"""The review queue's filters: status (pending by default), scores, publisher, image.

Score ranges follow the scores feeds really send (quality runs about 13 to 190, heat
about 30 to 100); the publisher filter is a search box over publishers that have
articles, showing a handful of matches, never the whole list.
"""

from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from providers.models import Provider

from ..models import Article, ArticleImage

Status = Article.Status


MAX_ID = 2**63 - 1  # a bigger number is no row (and too big for the database)


def database_id(value):
    """``value`` (a query parameter) as a row's id, or None: ASCII digits only (``²`` is a
    digit to ``str.isdigit`` and not to ``int``), at most ``MAX_ID``."""
    value = value or ""
    if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        return int(value)
    return None


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the review queue (pending); "All" shows every article.

    "Scheduled" are published articles whose time has not come; "published" are those
    readers can see (their publisher permitting).
    """

    title = "status"
    parameter_name = "status"
    ALL = "all"
    SCHEDULED = "scheduled"
    DEFAULT = Status.PENDING
    CHOICES = [
        (Status.PENDING, "pending"),
        (SCHEDULED, "scheduled"),
        (Status.PUBLISHED, "published"),
        (Status.REJECTED, "rejected"),
        (ALL, "All"),
    ]

    def lookups(self, request, model_admin):
        return self.CHOICES

    def value(self):
        value = super().value()
        return value if value in dict(self.CHOICES) else self.DEFAULT

    def queryset(self, request, queryset):
        value = self.value()
        now = timezone.now()
        if value == self.ALL:
            return queryset
        if value == self.SCHEDULED:
            return queryset.filter(status=Status.PUBLISHED, publish_at__gt=now)
        if value == Status.PUBLISHED:
            return queryset.filter(
                Q(publish_at__isnull=True) | Q(publish_at__lte=now), status=Status.PUBLISHED
            )
        return queryset.filter(status=value)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class RangeFilter(admin.SimpleListFilter):
    """Buckets of an integer score; subclasses set ``field`` and ``ranges``."""

    field = None
    ranges = ()  # (lower or None, upper-exclusive or None)

    @staticmethod
    def label(low, high):
        if low is None:
            return f"under {high}"
        if high is None:
            return f"{low} and over"
        return f"{low}–{high - 1}"

    def lookups(self, request, model_admin):
        choices = [
            (f"{'' if low is None else low}-{'' if high is None else high}", self.label(low, high))
            for low, high in self.ranges
        ]
        choices.append(("none", "no score"))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == "none":
            return queryset.filter(**{f"{self.field}__isnull": True})
        low, _, high = value.partition("-")
        try:
            if low:
                queryset = queryset.filter(**{f"{self.field}__gte": int(low)})
            if high:
                queryset = queryset.filter(**{f"{self.field}__lt": int(high)})
        except ValueError:
            return queryset.none()
        return queryset


class HeatFilter(RangeFilter):
    title = "heat"
    parameter_name = "heat"
    field = "heat"
    ranges = ((None, 50), (50, 70), (70, 90), (90, None))


class QualityFilter(RangeFilter):
    title = "quality"
    parameter_name = "quality"
    field = "quality"
    ranges = ((None, 50), (50, 100), (100, 150), (150, None))


class PublisherFilter(admin.SimpleListFilter):
    """A search box over publishers with articles, and up to ``SHOWN`` matches.

    ``publisher`` is the chosen publisher's id, ``publisher_q`` the words typed. Without
    words it offers the first publishers by name; it never lists them all. Links from
    before it, ``provider__id__exact=<id>`` (Django's related-field filter), are sent to
    ``publisher=<id>`` by ``legacy_redirect_query``.
    """

    title = "publisher"
    parameter_name = "publisher"
    search_parameter = "publisher_q"
    legacy_parameter = "provider__id__exact"
    template = "admin/articles/article/publisher_filter.html"
    SHOWN = 8

    def __init__(self, request, params, model, model_admin):
        words = params.pop(self.search_parameter, [""])
        self.search = (words[-1] if isinstance(words, list) else words).strip()[:100]
        super().__init__(request, params, model, model_admin)

    def expected_parameters(self):
        return [self.parameter_name, self.search_parameter]

    @classmethod
    def legacy_redirect_query(cls, query):
        """The query string to send an old link to, or None if ``query`` (a QueryDict)
        has no legacy parameter. Its value becomes ``publisher`` unless the link also
        has one; every other parameter is kept as it was."""
        if cls.legacy_parameter not in query:
            return None
        query = query.copy()
        legacy = query.pop(cls.legacy_parameter)
        if cls.parameter_name not in query:
            query[cls.parameter_name] = legacy[-1]
        return query.urlencode()

    def has_output(self):
        return True

    def chosen_id(self):
        return database_id(self.value())

    def chosen(self):
        chosen_id = self.chosen_id()
        return None if chosen_id is None else Provider.objects.filter(pk=chosen_id).first()

    def lookups(self, request, model_admin):
        with_articles = Provider.objects.filter(
            Exists(Article.objects.filter(provider=OuterRef("pk")))
        )
        if self.search:
            with_articles = with_articles.filter(
                Q(name__icontains=self.search) | Q(domain__icontains=self.search)
            )
        self.more = False
        found = list(with_articles.order_by("name", "pk")[: self.SHOWN + 1])
        if len(found) > self.SHOWN:
            found, self.more = found[: self.SHOWN], True
        chosen = self.chosen()
        if chosen is not None and chosen not in found:
            found.insert(0, chosen)
        return [(str(p.pk), f"{p} ({p.domain})") for p in found]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        chosen_id = self.chosen_id()
        return queryset.none() if chosen_id is None else queryset.filter(provider_id=chosen_id)

    def choices(self, changelist):
        # The search box keeps the other filters, the search and the sort.
        dropped = (self.parameter_name, self.search_parameter, PAGE_VAR)
        self.hidden_params = [
            (key, value) for key, value in changelist.params.items() if key not in dropped
        ]
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(
                remove=[self.parameter_name, self.search_parameter]
            ),
            "display": "All",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class PublisherDateFilter(admin.DateFieldListFilter):
    """The publisher's own date, named as such (it is not the article's status)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "publisher's date"


class HasImageFilter(admin.SimpleListFilter):
    title = "image"
    parameter_name = "has_image"

    def lookups(self, request, model_admin):
        return [("yes", "has an image"), ("no", "has no image")]

    def queryset(self, request, queryset):
        has_image = Exists(ArticleImage.objects.filter(article=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(has_image)
        if self.value() == "no":
            return queryset.filter(~has_image)
        return queryset


class StoryFilter(admin.SimpleListFilter):
    """Stories on the queue: grouped by story (each story's versions one under the other,
    so the desk publishes the best and rejects the rest), not in any story, or the
    articles of one story (``?story=<id>``, linked from the story's page)."""

    title = "story"
    parameter_name = "story"
    GROUPED = "grouped"
    NONE = "none"

    def lookups(self, request, model_admin):
        return [(self.GROUPED, "Grouped by story"), (self.NONE, "In no story")]

    def value(self):
        value = super().value()
        return value if value in (self.GROUPED, self.NONE) or database_id(value) else None

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.GROUPED:
            return queryset.filter(story__isnull=False)
        if value == self.NONE:
            return queryset.filter(story__isnull=True)
        if value:
            return queryset.filter(story_id=int(value))
        return queryset

    @classmethod
    def groups(cls, request):
        """Whether the queue shows articles by story (grouped, or one story's)."""
        value = request.GET.get(cls.parameter_name, "")
        return value == cls.GROUPED or database_id(value) is not None
