"""Merging topics: one survives and keeps every article of the others."""

from dataclasses import dataclass

from django.db import transaction

from newsroom.merging import log_merge

from .models import Article, Topic


@dataclass
class TopicMergeResult:
    survivor: Topic
    merged: list
    articles_moved: int


def _mark_topics_editor_owned(article_ids):
    """The merge is an editor's decision on these articles' topics: a later import of a
    changed seed must not file them under the merged-away names again."""
    Article.objects.filter(pk__in=article_ids).mark_edited("topics")


@transaction.atomic
def merge_topics(survivor, others, user=None):
    """File every article of ``others`` under ``survivor``, then delete ``others``.

    Articles filed under several of the merged topics (or already under the survivor)
    end up with the survivor once: the link rows are inserted with conflicts ignored.
    """
    others = [topic for topic in others if topic.pk != survivor.pk]
    if not others:
        return TopicMergeResult(survivor, [], 0)
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
    _mark_topics_editor_owned(Through.objects.filter(topic__in=others).values("article_id"))
    log_merge(user, survivor, others)
    Topic.objects.filter(pk__in=[topic.pk for topic in others]).delete()
    return TopicMergeResult(survivor, others, len(moving))
