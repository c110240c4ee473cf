"""The reader's filters and sort order for article lists."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from providers.models import Provider

from .models import Article, Topic
from .search import search_articles


def topics_with_published_articles(request=None):
    return Topic.objects.filter(
        Exists(Article.objects.published().filter(topics=OuterRef("pk")))
    ).order_by("name")


def visible_providers():
    """Publishers readers may see: not blocked, with at least one published article."""
    return Provider.objects.filter(
        Exists(Article.objects.published().filter(provider=OuterRef("pk"))), is_blocked=False
    )


def providers_with_published_articles(request=None):
    return visible_providers().only("pk", "domain", "name").order_by("name", "domain")


def in_topic(queryset, topic):
    """Articles of ``queryset`` tagged ``topic``, as a correlated ``EXISTS``.

    A join on the topics table lets SQLite start from the topic's rows and sort them all
    (cost grows with the topic); ``EXISTS`` keeps it walking the date index and stops
    after one page, probing the (article, topic) unique index for each row.
    """
    tagged = Article.topics.through.objects.filter(article_id=OuterRef("pk"), topic_id=topic.pk)
    return queryset.filter(Exists(tagged))


class PlainSelect(forms.Select):
    """A ``<select>`` built in Python rather than one template per ``<option>``.

    Django's template-rendered options cost a few microseconds each, which for a list of
    hundreds of publishers on every list page was most of the page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


def start_of_day(day):
    """The first instant of ``day`` in the current time zone, so the index on date is used."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ArticleFilter(django_filters.FilterSet):
    """Topic, publisher, dates, minimum quality, words; then one of ``SORTS``.

    The queryset passed in must already be ``Article.objects.published()``.
    """

    # Each sort is a list of score fields, then newest first. Heat ties are common
    # (scores run 0-99), so quality breaks them, matching the (status, -heat, -quality,
    # -published_at) index instead of sorting every article of equal heat.
    SORTS = {
        "newest": ("Newest first", ()),
        "heat": ("Hottest first", ("heat", "quality")),
        "quality": ("Best quality first", ("quality",)),
    }
    DEFAULT_SORT = "newest"

    q = django_filters.CharFilter(
        label="Search", method="filter_words", widget=forms.TextInput(attrs={"type": "search"})
    )
    topic = django_filters.ModelChoiceFilter(
        label="Topic",
        queryset=topics_with_published_articles,
        to_field_name="slug",
        method="filter_topic",
        empty_label="All topics",
        widget=PlainSelect,
    )
    publisher = django_filters.ModelChoiceFilter(
        label="Publisher",
        queryset=providers_with_published_articles,
        to_field_name="domain",
        field_name="provider",
        empty_label="All publishers",
        widget=PlainSelect,
    )
    date_from = django_filters.DateFilter(
        label="From date",
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="To date",
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    min_quality = django_filters.NumberFilter(
        label="Minimum quality",
        field_name="quality",
        lookup_expr="gte",
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _fields) in SORTS.items()],
        method="sort_by",
        empty_label=None,
        widget=PlainSelect,
    )

    class Meta:
        model = Article
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # An unknown sort is not worth an error message: fall back to the default order.
        if data is not None and data.get("sort") not in self.SORTS:
            data = data.copy()
            data["sort"] = self.DEFAULT_SORT
        super().__init__(data, *args, **kwargs)

    @property
    def sort_key(self):
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("sort") or self.DEFAULT_SORT
        return self.DEFAULT_SORT

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # No choice in the form means no sort_by call: order by the default then.
        if not self.form.cleaned_data.get("sort"):
            queryset = self.sort_by(queryset, "sort", self.DEFAULT_SORT)
        return queryset

    def filter_topic(self, queryset, name, value):
        return in_topic(queryset, value)

    def filter_words(self, queryset, name, value):
        return search_articles(queryset, value)

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(published_at__gte=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        if value >= datetime.date.max:
            return queryset
        return queryset.filter(published_at__lt=start_of_day(value + datetime.timedelta(days=1)))

    def sort_by(self, queryset, name, value):
        _label, fields = self.SORTS.get(value, self.SORTS[self.DEFAULT_SORT])
        return queryset.by_scores(*fields)
