"""Publishers in the admin: counts, aliases, logos, blocking and merging.

It lives with the articles because it counts and merges them; what is the publisher's
alone (its domain's spelling, its logo's limits) comes from the ``providers`` app.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from providers.domains import DOMAIN_RE, normalize_domain
from providers.forms import LogoField
from providers.models import Provider, ProviderAlias

from .. import merging
from ..models import Article
from .actions import MergeActionMixin
from .base import ArticleCountMixin, DeskAdmin, read_only_rest


class ProviderAdminForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["name", "domain", "logo", "logo_url", "is_blocked"]
        field_classes = {"logo": LogoField}

    def clean_domain(self):
        """Spelled as imports spell it, and usable in the publisher's URL."""
        domain = normalize_domain(self.cleaned_data["domain"])
        if not DOMAIN_RE.match(domain):
            raise forms.ValidationError("Enter a domain such as example.com.")
        return domain


class ProviderAliasInline(admin.TabularInline):
    model = ProviderAlias
    extra = 0
    fields = ["kind", "value", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Provider)
class ProviderAdmin(ArticleCountMixin, MergeActionMixin, DeskAdmin):
    form = ProviderAdminForm
    list_display = ["logo_thumbnail", "name", "domain", "article_count", "is_blocked"]
    list_display_links = ["name"]
    list_filter = ["is_blocked", "name_edited"]
    search_fields = ["name", "domain", "aliases__value"]
    fieldsets = [
        (None, {"fields": ["name", "name_edited", "domain", "is_blocked"]}),
        ("Logo", {"fields": ["logo_preview", "logo", "logo_url"]}),
        ("Record", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]
    readonly_fields = read_only_rest(fieldsets, ProviderAdminForm.Meta.fields)
    inlines = [ProviderAliasInline]
    actions = ["block", "unblock", "merge"]
    # Counted on the articles' provider index; a search's alias join cannot multiply it.
    article_rows = (Article, "provider")
    merge_objects = staticmethod(merging.merge_providers)
    merge_message = (
        "Merged {merged} publisher(s) into “{survivor}”: {result.articles_moved} article(s) "
        "and {result.related_links_moved} related link(s) moved, "
        "{result.aliases_added} alias(es) added."
    )
    merge_intro = (
        "Choose the publisher that stays. The others' articles and related links "
        "move to it, their names and domains become its aliases (so later imports "
        "of those domains land on it), and they are deleted."
    )

    def get_readonly_fields(self, request, obj=None):
        """The domain is the publisher's identity: set once, then merged, never edited."""
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "domain"] if obj is not None else readonly

    def _logo(self, provider, size):
        url = provider.display_logo_url
        if not url:
            return "—"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" loading="lazy" '
            'style="object-fit: contain">',
            url,
            size,
            size,
        )

    @admin.display(description="logo")
    def logo_thumbnail(self, provider):
        return self._logo(provider, 32)

    @admin.display(description="current logo")
    def logo_preview(self, provider):
        return self._logo(provider, 96)

    def save_model(self, request, obj, form, change):
        """A name an editor sets is never overwritten by imports."""
        if change and "name" in form.changed_data:
            obj.name_edited = True
        super().save_model(request, obj, form, change)

    @admin.action(description="Block selected publishers", permissions=["change"])
    def block(self, request, queryset):
        count = queryset.filter(is_blocked=False).update(is_blocked=True)
        self.message_user(request, f"{count} publisher(s) blocked.", messages.SUCCESS)

    @admin.action(description="Unblock selected publishers", permissions=["change"])
    def unblock(self, request, queryset):
        count = queryset.filter(is_blocked=True).update(is_blocked=False)
        self.message_user(request, f"{count} publisher(s) unblocked.", messages.SUCCESS)
