"""The reader's filters and sort order for article lists: one ``FilterSet``.

The choices (topics, publishers readers have stories from) and the narrowing by topic
come from the model's querysets (``Topic.objects.with_published_articles()``,
``ArticleQuerySet.publishers()`` and ``in_topic()``); words go through ``search.py``.
"""

import datetime

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .models import Article, Topic
from .search import search_articles


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


def topic_choices(request):
    return Topic.objects.with_published_articles().order_by("name")


def publisher_choices(request):
    return (
        Article.objects.published()
        .publishers()
        .only("pk", "domain", "name")
        .order_by("name", "domain")
    )


def row_filter(label, choices, to_field_name, empty_label, **kwargs):
    """A ``<select>`` of the rows ``choices(request)`` returns, named in the URL by a field."""
    return django_filters.ModelChoiceFilter(
        label=label,
        queryset=choices,
        to_field_name=to_field_name,
        empty_label=empty_label,
        widget=PlainSelect,
        **kwargs,
    )


def date_filter(label, method):
    return django_filters.DateFilter(
        label=label, method=method, widget=forms.DateInput(attrs={"type": "date"})
    )


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
    topic = row_filter("Topic", topic_choices, "slug", "All topics", method="filter_topic")
    publisher = row_filter(
        "Publisher", publisher_choices, "domain", "All publishers", field_name="provider"
    )
    date_from = date_filter("From date", "filter_date_from")
    date_to = date_filter("To date", "filter_date_to")
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
        return queryset.in_topic(value)

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
