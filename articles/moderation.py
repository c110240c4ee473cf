"""Moderation decisions on articles, one or many at a time.

Each status change is recorded twice: as a ``StatusChange`` row (the editorial history
shown on the article) and as a Django admin ``LogEntry`` (the admin's own history). The
admin calls these functions; nothing here knows about requests or forms.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone

from .conflicts import retried
from .editors import desk_time
from .models import Article, StatusChange
from .pagecache import content_changed

Status = Article.Status


def _as_list(articles):
    if isinstance(articles, Article):
        return [articles]
    return list(articles)


def _log(user, articles, message):
    if user is None or not articles:
        return
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=articles,
        action_flag=CHANGE,
        change_message=message,
        single_object=len(articles) == 1,
    )


@retried
def change_status(articles, to_status, user, note="", publish_at=None):
    """Move articles to ``to_status`` and record who did it; returns the articles changed.

    Articles already in that state are left alone (nothing recorded). ``publish_at``
    only makes sense with ``published``: a future time schedules the article, ``None``
    publishes it now (and clears an earlier schedule).
    """
    if to_status not in Status.values:
        raise ValueError(f"Unknown status {to_status!r}")
    if publish_at is not None and to_status != Status.PUBLISHED:
        raise ValueError("Only a published article can be scheduled.")
    now = timezone.now()
    ids = [article.pk for article in _as_list(articles)]
    # FOR NO KEY UPDATE: an import's check of its links to these articles (a key share
    # lock, taken as it commits) does not wait for the decision, nor the decision for it.
    current = list(
        Article.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .only("pk", "title", "status", "publish_at")
        .order_by("pk")
    )
    changed = [
        article
        for article in current
        if article.status != to_status or article.publish_at != publish_at
    ]
    if not changed:
        return []
    StatusChange.objects.bulk_create(
        StatusChange(
            article=article,
            from_status=article.status,
            to_status=to_status,
            publish_at=publish_at,
            changed_by=user,
            changed_at=now,
            note=note,
        )
        for article in changed
    )
    Article.objects.filter(pk__in=[article.pk for article in changed]).update(
        status=to_status,
        publish_at=publish_at,
        moderated_by=user,
        moderated_at=now,
        updated_at=now,
    )
    if to_status == Status.PUBLISHED and publish_at is not None:
        message = f"Scheduled for {desk_time(publish_at)}"
    else:
        message = f"Status set to {Status(to_status).label}"
    if note:
        message = f"{message}: {note}"
    _log(user, changed, message)
    content_changed()
    for article in changed:
        article.status, article.publish_at = to_status, publish_at
    return changed


@retried
def publish_best(articles, others, user, note=""):
    """Publish ``articles`` and reject ``others`` (their stories' other versions), all
    or nothing: ``(published, rejected)``."""
    return (
        change_status(articles, Status.PUBLISHED, user, note=note),
        change_status(others, Status.REJECTED, user, note=note),
    )


def publish(articles, user, note=""):
    """Publish now: readers see the articles from this moment."""
    return change_status(articles, Status.PUBLISHED, user, note=note)


def reject(articles, user, note=""):
    return change_status(articles, Status.REJECTED, user, note=note)


def send_back(articles, user, note=""):
    """Back to the review queue (also how to unpublish)."""
    return change_status(articles, Status.PENDING, user, note=note)


def schedule(articles, user, when, note=""):
    """Publish at ``when``: ``Article.objects.published()`` shows them from then on."""
    if when is None:
        raise ValueError("A schedule needs a time.")
    return change_status(articles, Status.PUBLISHED, user, note=note, publish_at=when)


def _mark_topics_edited(article_ids):
    """Topics an editor touched belong to the editor: imports leave them alone."""
    Article.objects.filter(pk__in=article_ids).mark_edited("topics")


@retried
def add_topic(articles, topic, user):
    """Add ``topic`` to each article that lacks it; returns the articles changed."""
    articles = _as_list(articles)
    Through = Article.topics.through
    have = set(
        Through.objects.filter(topic=topic, article__in=articles).values_list(
            "article_id", flat=True
        )
    )
    changed = [article for article in articles if article.pk not in have]
    Through.objects.bulk_create(
        [Through(article_id=article.pk, topic_id=topic.pk) for article in changed],
        ignore_conflicts=True,
        batch_size=500,
    )
    _mark_topics_edited([article.pk for article in changed])
    _log(user, changed, f"Added topic “{topic}”")
    content_changed()
    return changed


@retried
def remove_topic(articles, topic, user):
    """Remove ``topic`` from each article that has it; returns the articles changed."""
    articles = _as_list(articles)
    Through = Article.topics.through
    rows = Through.objects.filter(topic=topic, article__in=articles)
    have = set(rows.values_list("article_id", flat=True))
    changed = [article for article in articles if article.pk in have]
    rows.delete()
    _mark_topics_edited([article.pk for article in changed])
    _log(user, changed, f"Removed topic “{topic}”")
    content_changed()
    return changed
