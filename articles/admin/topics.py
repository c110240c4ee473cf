"""Topics in the admin: renamed, counted and merged.

A rename keeps the old name as the topic's alias (``TopicAlias``), as a merge keeps the
merged names: the feed still says the old name, and imports file it here.
"""

from django import forms
from django.contrib import admin
from django.db.models import Value
from django.db.models.functions import Lower

from .. import merging
from ..forms import SeenForm
from ..models import Article, Topic, TopicAlias
from .actions import MergeActionMixin
from .base import ArticleCountMixin, DeskAdmin, SavesChangedFieldsMixin, counted


class TopicAdminForm(SeenForm):
    class Meta:
        model = Topic
        fields = ["name", "slug"]

    def clean_name(self):
        """Unique as the database compares names (``lower()``), told on the field."""
        name = self.cleaned_data["name"]
        same = Topic.objects.alias(folded=Lower("name")).filter(folded=Lower(Value(name)))
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        if other := same.first():
            raise forms.ValidationError(
                f"There is already a topic “{other}”, and topic names must differ in more "
                "than letter case. To file their articles together, merge the topics."
            )
        former = TopicAlias.objects.alias(folded=Lower("name")).filter(folded=Lower(Value(name)))
        if self.instance.pk:
            former = former.exclude(topic=self.instance)
        if alias := former.select_related("topic").first():
            raise forms.ValidationError(
                f"“{alias.name}” is a former name of the topic “{alias.topic}”, and imports "
                "file articles given it there. Delete it from that topic's former names "
                "first to use it here."
            )
        return name


class TopicAliasInline(admin.TabularInline):
    model = TopicAlias
    fields = ["name", "created_at"]
    readonly_fields = ["name", "created_at"]
    extra = 0
    verbose_name_plural = "former names (imports file articles given them under this topic)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(SavesChangedFieldsMixin, ArticleCountMixin, MergeActionMixin, DeskAdmin):
    form = TopicAdminForm
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]
    article_rows = (Article.topics.through, "topic")
    merge_objects = staticmethod(merging.merge_topics)
    merge_intro = (
        "Choose the topic that stays; the others' articles are filed under it, and imports "
        "file their names there too."
    )
    inlines = [TopicAliasInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            obj.keep_names([form.initial["name"]])

    def merge_label(self, topic):
        return f"{topic} — {counted(topic.article_count, 'article')}"

    def merge_report(self, result):
        return (
            f"Merged {counted(len(result.merged), 'topic')} into “{result.survivor}”; "
            f"{counted(result.articles_moved, 'article')} re-filed."
        )
