"""Publishers in the admin: counts, aliases, logos, blocking and merging."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html

from newsroom.admin_actions import MergeForm, ValidSelectionMixin, action_form, intermediate_page
from newsroom.admin_search import BoundedSearchMixin

from . import merging
from .domains import DOMAIN_RE, normalize_domain
from .forms import LogoField
from .models import Provider, ProviderAlias


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
class ProviderAdmin(BoundedSearchMixin, ValidSelectionMixin, admin.ModelAdmin):
    form = ProviderAdminForm
    list_display = ["logo_thumbnail", "name", "domain", "article_count", "is_blocked"]
    list_display_links = ["name"]
    list_filter = ["is_blocked", "name_edited"]
    search_fields = ["name", "domain", "aliases__value"]
    readonly_fields = ["name_edited", "logo_preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "name_edited", "domain", "is_blocked"]}),
        ("Logo", {"fields": ["logo_preview", "logo", "logo_url"]}),
        ("Record", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]
    inlines = [ProviderAliasInline]
    actions = ["block", "unblock", "merge"]

    def get_queryset(self, request):
        """Counted per publisher shown, by a subquery on the provider index.

        A joined ``Count("articles")`` would be multiplied by the alias join of a search.
        """
        from articles.models import Article

        counts = (
            Article.objects.filter(provider=OuterRef("pk"))
            .order_by()
            .values("provider")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(article_count=Coalesce(Subquery(counts), 0))

    def get_readonly_fields(self, request, obj=None):
        """The domain is the publisher's identity: set once, then merged, never edited."""
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "domain"] if obj is not None else readonly

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, provider):
        return provider.article_count

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

    @admin.action(description="Merge selected publishers…", permissions=["change"])
    def merge(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, "Select at least two publishers to merge.", messages.WARNING)
            return None
        form = action_form(request, MergeForm, queryset=queryset.order_by("name"))
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = list(queryset.exclude(pk=survivor.pk))
            result = merging.merge_providers(survivor, others, user=request.user)
            self.message_user(
                request,
                f"Merged {len(others)} publisher(s) into “{survivor}”: "
                f"{result.articles_moved} article(s) and {result.related_links_moved} "
                f"related link(s) moved, {result.aliases_added} alias(es) added.",
                messages.SUCCESS,
            )
            return None
        return intermediate_page(
            self,
            request,
            queryset,
            form,
            action="merge",
            title="Merge publishers",
            intro=(
                "Choose the publisher that stays. The others' articles and related links "
                "move to it, their names and domains become its aliases (so later imports "
                "of those domains land on it), and they are deleted."
            ),
            submit="Merge",
        )
