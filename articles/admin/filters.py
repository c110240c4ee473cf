"""The review queue's filters: status (pending by default), scores, publisher, image."""

from django.contrib import admin
from django.db.models import Exists, OuterRef

from ..models import Article, ArticleImage

Status = Article.Status


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the review queue (pending); "All" shows every article."""

    title = "status"
    parameter_name = "status"
    ALL = "all"
    DEFAULT = Status.PENDING

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.ALL, "All")]

    def value(self):
        value = super().value()
        return value if value in (*Status.values, self.ALL) else self.DEFAULT

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())

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
    ranges = ()  # (lower, upper-exclusive or None)

    def lookups(self, request, model_admin):
        choices = []
        for low, high in self.ranges:
            label = f"{low}+" if high is None else f"{low}–{high - 1}"
            choices.append((f"{low}-{'' if high is None else high}", label))
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
    ranges = ((0, 10), (10, 50), (50, 100), (100, None))


class QualityFilter(RangeFilter):
    title = "quality"
    parameter_name = "quality"
    field = "quality"
    ranges = ((0, 25), (25, 50), (50, 75), (75, None))


class PublisherFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "publisher"


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
