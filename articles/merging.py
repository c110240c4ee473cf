"""Merging topics and merging publishers: one survives, the others fold into it.

Both merges re-file articles, so they live here with the articles and not in the
``providers`` app (which depends on nothing in ``articles``). Each runs in one
transaction, returns a result object with its counts and leaves the same pair of entries
in the admin's history (``log_merge``). The admin's merge action calls them; nothing
here knows about requests or forms, except ``redirect_to_survivor``: the public
publisher page and feeds call it when a domain is not found, so a merged publisher's
old URLs answer 301 to the survivor's.
"""

from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from providers.domains import normalize_domain
from providers.models import Provider, ProviderAlias

from .conflicts import retried
from .models import Article, RelatedLink, Topic, TopicAlias
from .pagecache import content_changed

Kind = ProviderAlias.Kind


def log_merge(user, survivor, others, describe=lambda obj: f"“{obj}”"):
    """One DELETION entry per merged object and one CHANGE entry on the survivor.

    ``describe`` names a merged object in the survivor's change message.
    """
    if user is None:
        return
    LogEntry.objects.log_actions(
        user.pk, others, DELETION, change_message=f"Merged into “{survivor}”"
    )
    LogEntry.objects.log_actions(
        user.pk,
        [survivor],
        CHANGE,
        change_message="Merged in " + ", ".join(describe(other) for other in others),
        single_object=True,
    )


def lock_merged(model, others):
    """Lock the rows that a merge deletes, in key order, before it re-points anything.

    A transaction that stored rows pointing at one of them (an import's articles, topic
    links, related links) commits first, and the merge re-points its rows too; one that
    commits after the merge's lock waits for the merge, then finds its row gone and is
    tried again (an import reads the publisher's new domain alias). Without the lock,
    rows committed between the merge's re-pointing and its delete failed the delete."""
    list(model.objects.select_for_update().filter(pk__in=[o.pk for o in others]).order_by("pk"))


# --- Topics ----------------------------------------------------------------------------


@dataclass
class TopicMergeResult:
    survivor: Topic
    merged: list
    articles_moved: int


@retried
def merge_topics(survivor, others, user=None):
    """File every article of ``others`` under ``survivor``, then delete ``others``.

    Articles filed under several of the merged topics (or already under the survivor)
    end up with the survivor once: the link rows are inserted with conflicts ignored.
    The merge is an editor's decision on these articles' topics, so they become
    editor-owned: a later import of a changed seed must not file them under the
    merged-away names again. The merged names (and their aliases) become the survivor's
    aliases, so a later import files new articles given them under the survivor.
    """
    others = [topic for topic in others if topic.pk != survivor.pk]
    if not others:
        return TopicMergeResult(survivor, [], 0)
    lock_merged(Topic, others)
    Through = Article.topics.through
    already = Through.objects.filter(topic=survivor).values("article_id")
    moving = set(
        Through.objects.filter(topic__in=others)
        .exclude(article_id__in=already)
        .values_list("article_id", flat=True)
    )
    Through.objects.bulk_create(
        [Through(article_id=article_id, topic_id=survivor.pk) for article_id in moving],
        ignore_conflicts=True,
        batch_size=1000,
    )
    touched = Through.objects.filter(topic__in=others).values("article_id")
    Article.objects.filter(pk__in=touched).mark_edited("topics")
    # The merged names now mean the survivor: imports file them under it.
    TopicAlias.objects.filter(topic__in=others).update(topic=survivor)
    survivor.keep_names([topic.name for topic in others])
    log_merge(user, survivor, others)
    Topic.objects.filter(pk__in=[topic.pk for topic in others]).delete()
    content_changed()
    return TopicMergeResult(survivor, others, len(moving))


# --- Publishers ------------------------------------------------------------------------


@dataclass
class ProviderMergeResult:
    survivor: Provider
    merged: list
    articles_moved: int
    related_links_moved: int
    aliases_added: int


def _aliases_to_add(survivor, others, other_ids):
    """The others' names, domains and aliases, minus what the survivor already is."""
    wanted = {
        (alias.kind, alias.value)
        for alias in ProviderAlias.objects.filter(provider_id__in=other_ids)
    }
    for provider in others:
        wanted.add((Kind.NAME, provider.name))
        wanted.add((Kind.DOMAIN, provider.domain))
    wanted.discard((Kind.DOMAIN, survivor.domain))
    wanted.discard((Kind.NAME, survivor.name))
    return {(kind, value) for kind, value in wanted if value}


@retried
def merge_providers(survivor, others, user=None):
    """Fold ``others`` into ``survivor`` in one transaction.

    Their articles and related links are re-pointed; their names and domains (and their
    own aliases) become the survivor's aliases, so later imports of a merged domain land
    on the survivor; then they are deleted.
    """
    others = [provider for provider in others if provider.pk != survivor.pk]
    if not others:
        return ProviderMergeResult(survivor, [], 0, 0, 0)
    other_ids = [provider.pk for provider in others]
    lock_merged(Provider, others)

    articles_moved = Article.objects.filter(provider_id__in=other_ids).update(provider=survivor)
    links_moved = RelatedLink.objects.filter(provider_id__in=other_ids).update(provider=survivor)

    wanted = _aliases_to_add(survivor, others, other_ids)
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
    content_changed()
    return ProviderMergeResult(survivor, others, articles_moved, links_moved, len(new_aliases))


def survivor_of(domain):
    """The publisher a merged-away ``domain`` now belongs to (by its domain alias), or
    the one of ``domain`` spelled otherwise (``münchen.de``: ``xn--mnchen-3ya.de``), or
    None."""
    if (spelled := normalize_domain(domain)) != domain:
        if provider := Provider.objects.filter(domain=spelled).first():
            return provider
        domain = spelled
    alias = (
        ProviderAlias.objects.filter(kind=Kind.DOMAIN, value=domain)
        .exclude(provider__domain=domain)
        .select_related("provider")
        .first()
    )
    return alias.provider if alias else None


def redirect_to_survivor(request, domain):
    """A 301 to the same page (route, format, query) of ``domain``'s survivor, if readers
    can see it; else None.

    For a view routed with a ``domain`` keyword (publisher pages and feeds) that found
    no publisher under that domain.
    """
    from .counts import visible_row

    survivor = survivor_of(domain)
    match = request.resolver_match
    # Only to a page readers can see: the 301 must not tell that a blocked publisher, or
    # one with no published story, exists.
    if (
        survivor is None
        or match is None
        or visible_row("publishers", request, domain=survivor.domain) is None
    ):
        return None
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    url = reverse(name, args=match.args, kwargs={**match.kwargs, "domain": survivor.domain})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
