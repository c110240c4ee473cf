"""Recompute every article's and related link's identity with the folding ``canonical_url``
(scheme, ``www.``, trailing ``/``, tracking parameters), merging the articles it makes one.

``fold_urls(apps)`` does the work, in batches; the tests call it directly. For each group
of articles that now share an identity one is kept: the one an editor rejected, else one
an editor moderated, else the oldest. The others' topics, status history, images (when the
kept one has none) and related links (those the kept one lacks) move to it, links citing
them cite it, and they are deleted; a link hidden on one of them is hidden on the kept
one, and their editors' edits (title, excerpt, category) go to it where it has none of
its own (``_keep_edits``; 0027 runs this again). A related link that now cites its own article is
deleted, as the importer drops it; of two links of one article that fold together, a hidden
one is kept. URLs change in two steps (through a placeholder unique to the row), so no
intermediate state breaks a unique constraint on SQLite, which checks row by row.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import OuterRef, Subquery

from articles.urlnorm import canonical_url

BATCH = 2000


def _identity(source_url, url):
    for candidate in (source_url, url):
        try:
            return canonical_url(candidate)
        except ValueError:
            continue
    return url


def _keeper_order(row):
    pk, _url, status, moderated_by_id, created_at = row
    return (status != "rejected", moderated_by_id is None, created_at, pk)


def _set_urls(model, new_urls):
    """Give rows new ``url`` values, ``{pk: url}``, through unique placeholders."""
    pks = list(new_urls)
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        model.objects.bulk_update(
            [model(pk=pk, url=f"https://fold.invalid/{pk}") for pk in chunk], ["url"]
        )
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        model.objects.bulk_update([model(pk=pk, url=new_urls[pk]) for pk in chunk], ["url"])


def _merge(apps, keeper, losers):
    Article = apps.get_model("articles", "Article")
    ArticleImage = apps.get_model("articles", "ArticleImage")
    RelatedLink = apps.get_model("articles", "RelatedLink")
    StatusChange = apps.get_model("articles", "StatusChange")
    Through = Article.topics.through

    StatusChange.objects.filter(article_id__in=losers).update(article_id=keeper)
    topics = set(Through.objects.filter(article_id=keeper).values_list("topic_id", flat=True))
    new_topics = (
        set(Through.objects.filter(article_id__in=losers).values_list("topic_id", flat=True))
        - topics
    )
    Through.objects.bulk_create(Through(article_id=keeper, topic_id=t) for t in new_topics)
    if not ArticleImage.objects.filter(article_id=keeper).exists():
        for loser in losers:
            if ArticleImage.objects.filter(article_id=loser).exists():
                ArticleImage.objects.filter(article_id=loser).update(article_id=keeper)
                break
    # Links citing a merged article cite the kept one, except the kept one's own.
    RelatedLink.objects.filter(target_id__in=losers, article_id=keeper).delete()
    RelatedLink.objects.filter(target_id__in=losers).update(target_id=keeper)
    have = set(RelatedLink.objects.filter(article_id=keeper).values_list("url", flat=True))
    position = len(have)
    for link in RelatedLink.objects.filter(article_id__in=losers).order_by(
        "article_id", "position"
    ):
        if link.target_id == keeper:
            continue
        if link.url in have:
            if link.is_hidden:  # an editor hid it on the merged copy: hidden on the kept one
                RelatedLink.objects.filter(article_id=keeper, url=link.url).update(is_hidden=True)
            continue
        have.add(link.url)
        RelatedLink.objects.filter(pk=link.pk).update(article_id=keeper, position=position)
        position += 1
    _keep_edits(Article, keeper, losers)
    Article.objects.filter(pk__in=losers).delete()


def _keep_edits(Article, keeper, losers):
    """An editor's edits of a merged copy (its edited title, excerpt or category, with
    the mark that keeps imports off them) go to the kept article where it has none of
    its own: without them, the next import wrote the feed's words over the editor's."""
    kept = Article.objects.get(pk=keeper)
    owned = list(kept.edited_fields or [])
    changed = []
    for loser in Article.objects.filter(pk__in=losers).order_by("pk"):
        for name in loser.edited_fields or []:
            if name in owned:
                continue
            owned.append(name)
            if name in ("title", "excerpt", "category"):
                setattr(kept, name, getattr(loser, name))
                changed.append(name)
    if owned != list(kept.edited_fields or []):
        kept.edited_fields = owned
        kept.save(update_fields=["edited_fields", *changed])


def fold_urls(apps, schema_editor=None):
    Article = apps.get_model("articles", "Article")
    RelatedLink = apps.get_model("articles", "RelatedLink")

    groups = defaultdict(list)
    rows = Article.objects.values_list(
        "pk", "url", "source_url", "status", "moderated_by_id", "created_at"
    ).order_by("pk")
    for pk, url, source_url, status, moderated_by_id, created_at in rows.iterator(BATCH):
        groups[_identity(source_url, url)].append((pk, url, status, moderated_by_id, created_at))

    new_urls, article_url = {}, {}
    for identity, members in groups.items():
        members.sort(key=_keeper_order)
        keeper = members[0]
        if len(members) > 1:
            _merge(apps, keeper[0], [row[0] for row in members[1:]])
        article_url[keeper[0]] = identity
        if keeper[1] != identity:
            new_urls[keeper[0]] = identity
    _set_urls(Article, new_urls)

    # Related links: fold, drop what now cites its own article or repeats a link.
    new_link_urls, drop, seen = {}, [], {}
    links = RelatedLink.objects.values_list(
        "pk", "article_id", "url", "source_url", "is_hidden"
    ).order_by("article_id", "-is_hidden", "position", "pk")
    for pk, article_id, url, source_url, _hidden in links.iterator(BATCH):
        identity = _identity(source_url, url)
        if identity == article_url.get(article_id) or (article_id, identity) in seen:
            drop.append(pk)
            continue
        seen[article_id, identity] = pk
        if identity != url:
            new_link_urls[pk] = identity
    for start in range(0, len(drop), BATCH):
        RelatedLink.objects.filter(pk__in=drop[start : start + BATCH]).delete()
    _set_urls(RelatedLink, new_link_urls)
    RelatedLink.objects.filter(target__isnull=True).update(
        target=Subquery(
            Article.objects.filter(url=OuterRef("url"))
            .exclude(pk=OuterRef("article_id"))
            .values("pk")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_article_edit_version"),
    ]

    operations = [
        migrations.RunPython(fold_urls, migrations.RunPython.noop, elidable=True),
    ]
