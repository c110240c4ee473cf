"""Merging publishers: one survives; the others' articles, links, names and domains move to it."""

from dataclasses import dataclass

from django.db import transaction

from newsroom.merging import log_merge

from .models import Provider, ProviderAlias

Kind = ProviderAlias.Kind


@dataclass
class ProviderMergeResult:
    survivor: Provider
    merged: list
    articles_moved: int
    related_links_moved: int
    aliases_added: int


@transaction.atomic
def merge_providers(survivor, others, user=None):
    """Fold ``others`` into ``survivor`` in one transaction.

    Their articles and related links are re-pointed; their names and domains (and their
    own aliases) become the survivor's aliases, so later imports of a merged domain land
    on the survivor; then they are deleted.
    """
    from articles.models import Article, RelatedLink

    others = [provider for provider in others if provider.pk != survivor.pk]
    if not others:
        return ProviderMergeResult(survivor, [], 0, 0, 0)
    other_ids = [provider.pk for provider in others]

    articles_moved = Article.objects.filter(provider_id__in=other_ids).update(provider=survivor)
    links_moved = RelatedLink.objects.filter(provider_id__in=other_ids).update(provider=survivor)

    wanted = {
        (alias.kind, alias.value)
        for alias in ProviderAlias.objects.filter(provider_id__in=other_ids)
    }
    for provider in others:
        wanted.add((Kind.NAME, provider.name))
        wanted.add((Kind.DOMAIN, provider.domain))
    wanted.discard((Kind.DOMAIN, survivor.domain))
    wanted.discard((Kind.NAME, survivor.name))
    wanted = {(kind, value) for kind, value in wanted if value}
    # Domain aliases are unique across publishers: free the merged ones' rows first.
    ProviderAlias.objects.filter(provider_id__in=other_ids).delete()
    existing = set(survivor.aliases.values_list("kind", "value"))
    new_aliases = [
        ProviderAlias(provider=survivor, kind=kind, value=value)
        for kind, value in sorted(wanted - existing)
    ]
    ProviderAlias.objects.bulk_create(new_aliases)

    log_merge(user, survivor, others, describe=lambda p: f"“{p}” ({p.domain})")
    Provider.objects.filter(pk__in=other_ids).delete()
    return ProviderMergeResult(survivor, others, articles_moved, links_moved, len(new_aliases))
