"""Publishers in the admin: counts, aliases, logos, blocking and merging.

It lives with the articles because it counts and merges them; what is the publisher's
alone (its domain's spelling, its logo's limits) comes from the ``providers`` app.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils.html import format_html

from providers.domains import DOMAIN_RE, normalize_domain
from providers.forms import LogoField
from providers.models import Provider, ProviderAlias

from .. import merging
from ..forms import SeenForm
from ..models import Article
from ..pagecache import content_changed
from .actions import MergeActionMixin
from .base import (
    ArticleCountMixin,
    DeskAdmin,
    SavesChangedFieldsMixin,
    counted,
    read_only_rest,
)

Kind = ProviderAlias.Kind
# Blocking, unblocking, merging and domain aliases change what readers see.
PUBLISH_PERMISSION = "articles.publish_article"


class ProviderAdminForm(SeenForm):
    class Meta:
        model = Provider
        fields = ["name", "domain", "logo", "logo_url", "is_blocked"]
        field_classes = {"logo": LogoField}

    def clean_domain(self):
        """Spelled as imports spell it, usable in the publisher's URL, and unclaimed."""
        domain = normalize_domain(self.cleaned_data["domain"])
        if not DOMAIN_RE.match(domain):
            raise forms.ValidationError("Enter a domain such as example.com.")
        alias = ProviderAlias.objects.filter(kind=Kind.DOMAIN, value=domain).first()
        if alias is not None:
            raise forms.ValidationError(
                f"{domain} is already a domain alias of “{alias.provider}”."
            )
        return domain


DOMAIN_ALIAS_NEEDS_PUBLISH = (
    "Only editors who may publish can add, change or remove a domain alias: "
    "it decides which publisher a domain's stories land on."
)


class ProviderAliasForm(forms.ModelForm):
    """An alias; a domain alias is spelled as imports spell it and must be unclaimed.

    A domain alias decides which publisher a domain's imports land on, so it may not be
    another publisher's domain or domain alias (it would carry a blocked publisher's
    stories past the block). ``may_publish`` is set by the inline from the request.
    """

    may_publish = False

    class Meta:
        model = ProviderAlias
        fields = ["kind", "value"]

    def clean(self):
        cleaned = super().clean()
        kinds = {cleaned.get("kind"), self.initial.get("kind")}
        if Kind.DOMAIN in kinds and self.has_changed() and not self.may_publish:
            raise forms.ValidationError(DOMAIN_ALIAS_NEEDS_PUBLISH)
        if cleaned.get("kind") == Kind.DOMAIN and cleaned.get("value"):
            domain = normalize_domain(cleaned["value"])
            if not DOMAIN_RE.match(domain):
                raise forms.ValidationError({"value": "Enter a domain such as example.com."})
            cleaned["value"] = domain
            self._check_unclaimed(domain)
        return cleaned

    def _check_unclaimed(self, domain):
        owner = Provider.objects.filter(domain=domain).first()
        where = "the domain"
        if owner is None:
            alias = (
                ProviderAlias.objects.filter(kind=Kind.DOMAIN, value=domain)
                .exclude(pk=self.instance.pk)
                .select_related("provider")
                .first()
            )
            owner, where = (alias.provider if alias else None), "a domain alias"
        if owner is not None:
            message = f"{domain} is already {where} of “{owner}”. Merge the publishers instead."
            raise forms.ValidationError({"value": message})


class ProviderAliasFormSet(forms.BaseInlineFormSet):
    """Removing a domain alias needs the publish permission too."""

    def clean(self):
        super().clean()
        may_publish = self.form.may_publish
        if not may_publish and any(
            form.instance.pk and form.instance.kind == Kind.DOMAIN for form in self.deleted_forms
        ):
            raise forms.ValidationError(DOMAIN_ALIAS_NEEDS_PUBLISH)


class ProviderAliasInline(admin.TabularInline):
    model = ProviderAlias
    form = ProviderAliasForm
    formset = ProviderAliasFormSet
    extra = 0
    fields = ["kind", "value", "created_at"]
    readonly_fields = ["created_at"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        may_publish = request.user.has_perm(PUBLISH_PERMISSION)
        formset.form = type(formset.form.__name__, (formset.form,), {"may_publish": may_publish})
        return formset


def _domains(provider):
    """The publisher's domain, then its domain aliases (from a prefetch if there is one)."""
    aliases = sorted(a.value for a in provider.aliases.all() if a.kind == Kind.DOMAIN)
    return [provider.domain, *aliases]


@admin.register(Provider)
class ProviderAdmin(SavesChangedFieldsMixin, ArticleCountMixin, MergeActionMixin, DeskAdmin):
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
    merge_state_fields = ("pk", "name", "domain", "is_blocked")
    merge_intro = (
        "Choose the publisher that stays. The others' articles and related links "
        "move to it, their names and domains become its aliases (so later imports "
        "of those domains land on it), and they are deleted."
    )

    def merge_report(self, result):
        return (
            f"Merged {counted(len(result.merged), 'publisher')} into “{result.survivor}”: "
            f"{counted(result.articles_moved, 'article')} and "
            f"{counted(result.related_links_moved, 'related link')} moved, "
            f"{counted(result.aliases_added, 'alias', 'aliases')} added."
        )

    def merge_label(self, provider):
        domains = _domains(provider)
        also = f" (also {', '.join(domains[1:])})" if len(domains) > 1 else ""
        return f"{provider} — {domains[0]}{also} — {counted(provider.article_count, 'article')}"

    def merge_warnings(self, providers):
        warnings = super().merge_warnings(providers)
        domains = sorted({provider.domain for provider in providers})
        if len(domains) > 1:
            warnings.insert(
                0,
                f"These publishers have different domains ({', '.join(domains)}). After "
                "the merge every one of them is the survivor's, and its pages and feeds "
                "answer for all of them: merge only the same publisher under other names.",
            )
        blocked = [str(p) for p in providers if p.is_blocked]
        if blocked and len(blocked) < len(providers):
            warnings.insert(
                0,
                f"Blocked: {', '.join(blocked)}. Their stories follow the survivor's block.",
            )
        return warnings

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def has_merge_permission(self, request, obj=None):
        """A merge can publish a blocked publisher's stories under the survivor."""
        return self.has_change_permission(request) and self.has_publish_permission(request)

    def get_readonly_fields(self, request, obj=None):
        """The domain is the publisher's identity: set once, then merged, never edited.

        Blocking is a publishing decision: only editors who may publish can change it.
        """
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("domain")
        if not self.has_publish_permission(request):
            readonly.append("is_blocked")
        return readonly

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

    def fields_to_save(self, request, obj, form):
        """A name an editor sets is never overwritten by imports."""
        fields = super().fields_to_save(request, obj, form)
        if "name" in fields:
            obj.name_edited = True
            fields.append("name_edited")
        return fields

    def _set_blocked(self, request, queryset, blocked):
        providers = list(queryset.filter(is_blocked=not blocked))
        Provider.objects.filter(pk__in=[p.pk for p in providers]).update(is_blocked=blocked)
        verb = "blocked" if blocked else "unblocked"
        if providers:
            LogEntry.objects.log_actions(
                request.user.pk, providers, CHANGE, change_message=verb.capitalize()
            )
            content_changed()
        count = len(providers)
        message = (
            f"{counted(count, 'publisher')} {verb}." if count else f"Nothing to do: already {verb}."
        )
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Block selected publishers", permissions=["publish"])
    def block(self, request, queryset):
        self._set_blocked(request, queryset, True)

    @admin.action(description="Unblock selected publishers", permissions=["publish"])
    def unblock(self, request, queryset):
        self._set_blocked(request, queryset, False)
