"""The reader's filters and sort order for article lists: one ``FilterSet``.

The form's weight does not grow with the site: the topic ``<select>`` offers the
``TOPIC_CHOICES`` topics with most stories, and the publisher is a text field (a domain,
as in ``?publisher=ft.com``) with a ``<datalist>`` of the ``PUBLISHER_SUGGESTIONS``
biggest publishers. Both lists come from ``articles.counts``, computed once per content
version. Any topic or publisher readers have stories in is accepted, checked once per
content version (``counts.visible_row``); the narrowing by topic is ``in_topic()``,
words go through ``search.py``.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from providers.domains import normalize_domain

from . import counts
from .models import Article, Topic
from .search import search_articles

TOPIC_CHOICES = 100
PUBLISHER_SUGGESTIONS = 50


def _options(pairs, selected):
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in pairs),
    )


class PlainSelect(forms.Select):
    """A ``<select>`` built in Python rather than one template per ``<option>``."""

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


class TopChoicesSelect(forms.Select):
    """A ``<select>`` of ``options()`` (value, label pairs), not of every row.

    The form sets ``options`` and ``label_for``; a chosen value that is not among the
    options is added with ``label_for(value)`` (``None`` leaves it out).
    """

    empty_label = ""

    def options(self):
        return []

    def label_for(self, value):
        return None

    def render(self, name, value, attrs=None, renderer=None):
        value = "" if value is None else str(value)
        pairs = [("", self.empty_label), *self.options()]
        if value and value not in {key for key, _label in pairs}:
            label = self.label_for(value)
            if label is not None:
                pairs.append((value, label))
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(attrs), _options(pairs, value)
        )


class SuggestInput(forms.TextInput):
    """A text field with a ``<datalist>`` of ``options()`` (value, label pairs)."""

    datalist_id = "suggestions"

    def options(self):
        return []

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "list": self.datalist_id}
        field = super().render(name, value, attrs, renderer)
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            field,
            self.datalist_id,
            _options(self.options(), None),
        )


class VisibleRowField(django_filters.fields.ModelChoiceField):
    """A topic or publisher readers have stories in, named by its slug or domain, looked
    up once per content version (``counts.visible_row``); the form sets ``request``."""

    kind = "topics"
    request = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or "\x00" in value:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        row = counts.visible_row(self.kind, self.request, **{self.to_field_name: value})
        if row is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return row

    def validate(self, value):
        forms.Field.validate(self, value)


class DomainChoiceField(VisibleRowField):
    """A publisher named by its domain, however it is typed (``WWW.FT.com``, a URL)."""

    kind = "publishers"

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            value = normalize_domain(value) or value
        return super().to_python(value)


class TopicChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = VisibleRowField


class DomainChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = DomainChoiceField


def start_of_day(day):
    """The first instant of ``day`` in the current time zone, so the index on date is used."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def visible_topics(request):
    return Topic.objects.with_published_articles()


def visible_publishers(request):
    return Article.objects.published().publishers()


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
        "relevance": ("Best match first", None),
        "newest": ("Newest first", ()),
        "heat": ("Hottest first", ("heat", "quality")),
        "quality": ("Best quality first", ("quality",)),
    }
    DEFAULT_SORT = "newest"

    q = django_filters.CharFilter(
        label="Search", method="filter_words", widget=forms.TextInput(attrs={"type": "search"})
    )
    topic = TopicChoiceFilter(
        label="Topic",
        queryset=visible_topics,
        to_field_name="slug",
        method="filter_topic",
        widget=TopChoicesSelect,
    )
    publisher = DomainChoiceFilter(
        label="Publisher",
        queryset=visible_publishers,
        to_field_name="domain",
        field_name="provider",
        widget=SuggestInput(
            attrs={
                "placeholder": "Domain, e.g. ft.com",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"invalid_choice": "No publisher with published stories has that domain."},
    )
    date_from = date_filter("From date", "filter_date_from")
    date_to = date_filter("To date", "filter_date_to")
    min_quality = django_filters.NumberFilter(
        label="Minimum quality",
        method="filter_min_quality",
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
            # A search is ranked by relevance unless the reader chose another order.
            data["sort"] = "relevance" if (data.get("q") or "").strip() else self.DEFAULT_SORT
        super().__init__(data, *args, **kwargs)
        request = self.request
        self.form.fields["topic"].request = request
        self.form.fields["publisher"].request = request
        topic = self.form.fields["topic"].widget
        topic.empty_label = "All topics"
        topic.options = lambda: counts.top_choices("topics", TOPIC_CHOICES, request=request)
        topic.label_for = lambda slug: (
            visible_topics(request).filter(slug=slug).values_list("name", flat=True).first()
        )
        publisher = self.form.fields["publisher"].widget
        publisher.datalist_id = "publisher-suggestions"
        publisher.options = lambda: counts.top_choices(
            "publishers", PUBLISHER_SUGGESTIONS, request=request
        )

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

    def filter_min_quality(self, queryset, name, value):
        # Compared as ``quality + 0``, which no index serves: the sort's index leads and
        # the walk stops after one page. Led by the quality index instead, the database
        # would sort every article above the minimum (a share of the whole table).
        return queryset.alias(quality_value=F("quality") + 0).filter(quality_value__gte=value)

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(published_at__gte=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        if value >= datetime.date.max:
            return queryset
        return queryset.filter(published_at__lt=start_of_day(value + datetime.timedelta(days=1)))

    def sort_by(self, queryset, name, value):
        _label, fields = self.SORTS.get(value, self.SORTS[self.DEFAULT_SORT])
        if fields is None:  # relevance: the search (applied before) ranked the results
            if (self.form.cleaned_data.get("q") or "").strip():
                return queryset
            fields = self.SORTS[self.DEFAULT_SORT][1]
        return queryset.by_scores(*fields)
