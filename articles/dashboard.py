"""The desk overview on the admin index: what is waiting, what editors decided in the
last day (by decision time), what is scheduled, and how the last import went."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from .editors import desk_time
from .models import Article, ImportRun, StatusChange
from .seedfiles.writer import FEED_PUBLISHED_NOTE

CHART_DAYS = 30
CHART_WIDTH = 600
CHART_HEIGHT = 120


@dataclass
class ChartDay:
    day: object
    imported: int
    published: int
    x: float = 0
    imported_height: float = 0
    published_height: float = 0
    published_x: float = 0
    imported_y: float = 0
    published_y: float = 0


def daily_counts(now=None, days=CHART_DAYS):
    """Articles imported (created) and published (moderated to published) per day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=days - 1)
    since = now - timedelta(days=days + 1)
    imported = dict(
        Article.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    published = dict(
        StatusChange.objects.filter(changed_at__gte=since, to_status=Article.Status.PUBLISHED)
        .annotate(day=TruncDate("changed_at"))
        .values("day")
        .annotate(n=Count("article_id", distinct=True))
        .values_list("day", "n")
    )
    return [
        ChartDay(day, imported.get(day, 0), published.get(day, 0))
        for day in (first + timedelta(days=offset) for offset in range(days))
    ]


def chart_geometry(days, width=CHART_WIDTH, height=CHART_HEIGHT):
    """Place two bars per day in a ``width`` × ``height`` box (for an inline SVG)."""
    peak = max([1, *(d.imported for d in days), *(d.published for d in days)])
    slot = width / max(len(days), 1)
    for index, day in enumerate(days):
        day.x = round(index * slot, 1)
        day.imported_height = round(day.imported / peak * height, 1)
        day.published_height = round(day.published / peak * height, 1)
        day.published_x = round(day.x + slot * 0.45, 1)
        day.imported_y = round(height - day.imported_height, 1)
        day.published_y = round(height - day.published_height, 1)
    return {
        "days": days,
        "peak": peak,
        "width": width,
        "height": height,
        "bar_width": round(slot * 0.42, 1),
    }


def readable_duration(duration):
    """ "0.06 s", "12 s", "2 min 5 s", "1 h 4 min"; "—" for none."""
    if duration is None:
        return "—"
    seconds = duration.total_seconds()
    if seconds < 10:
        return f"{seconds:.2f} s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def decisions_since(since):
    """Articles published, scheduled and rejected by editors since ``since``, counted by
    when the decision was taken (``StatusChange.changed_at``), not when they arrived. The
    feed's own ``published: true`` on a first import is nobody's decision; one restored
    from an export was an editor's."""
    changes = StatusChange.objects.filter(changed_at__gt=since).exclude(
        changed_by__isnull=True, note=FEED_PUBLISHED_NOTE
    )
    published = changes.filter(to_status=Article.Status.PUBLISHED)
    return {
        "published": published.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=F("changed_at"))
        )
        .values("article_id")
        .distinct()
        .count(),
        "scheduled": published.filter(publish_at__gt=F("changed_at"))
        .values("article_id")
        .distinct()
        .count(),
        "rejected": changes.filter(to_status=Article.Status.REJECTED)
        .values("article_id")
        .distinct()
        .count(),
    }


def desk_overview(now=None):
    """The desk's figures: what waits, what is scheduled, what was decided, the last import."""
    now = now or timezone.now()
    pending = Article.objects.pending()
    oldest_pending = pending.aggregate(oldest=Min("created_at"))["oldest"]
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)
    next_scheduled = scheduled.aggregate(first=Min("publish_at"))["first"]
    decided = decisions_since(now - timedelta(hours=24))
    # Explicit order: with GROUP BY, first() would ignore Meta.ordering and take the oldest.
    last_run = (
        ImportRun.objects.annotate(failure_count=Count("failures"))
        .order_by("-started_at", "-id")
        .first()
    )
    queue_url = reverse("admin:articles_article_changelist")
    return {
        "pending_count": pending.count(),
        "oldest_pending": oldest_pending,
        "oldest_pending_age": now - oldest_pending if oldest_pending else None,
        "scheduled_count": scheduled.count(),
        "next_scheduled": desk_time(next_scheduled) if next_scheduled else "",
        "rejected_count": Article.objects.filter(status=Article.Status.REJECTED).count(),
        "published_24h": decided["published"],
        "scheduled_24h": decided["scheduled"],
        "rejected_24h": decided["rejected"],
        "last_run": last_run,
        "last_run_duration": readable_duration(last_run.duration) if last_run else "",
        "last_run_url": (
            reverse("admin:articles_importrun_change", args=[last_run.pk]) if last_run else ""
        ),
        "queue_url": queue_url,
        "scheduled_url": f"{queue_url}?status=scheduled",
        "rejected_url": f"{queue_url}?status=rejected",
        "history_url": reverse("admin:articles_statuschange_changelist"),
        "chart": chart_geometry(daily_counts(now)),
    }
