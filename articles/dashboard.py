"""The desk overview on the admin index: what is waiting, what went out, how imports went."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Min
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from .models import Article, ImportRun, StatusChange

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


def desk_overview(now=None):
    now = now or timezone.now()
    pending = Article.objects.pending()
    oldest_pending = pending.aggregate(oldest=Min("created_at"))["oldest"]
    went_live = Coalesce("publish_at", "moderated_at", "created_at")
    published_24h = (
        Article.objects.published(now=now)
        .alias(went_live=went_live)
        .filter(went_live__gt=now - timedelta(hours=24))
        .count()
    )
    # Explicit order: with GROUP BY, first() would ignore Meta.ordering and take the oldest.
    last_run = (
        ImportRun.objects.annotate(failure_count=Count("failures"))
        .order_by("-started_at", "-id")
        .first()
    )
    return {
        "pending_count": pending.count(),
        "oldest_pending": oldest_pending,
        "oldest_pending_age": now - oldest_pending if oldest_pending else None,
        "published_24h": published_24h,
        "last_run": last_run,
        "last_run_url": (
            reverse("admin:articles_importrun_change", args=[last_run.pk]) if last_run else ""
        ),
        "queue_url": reverse("admin:articles_article_changelist"),
        "chart": chart_geometry(daily_counts(now)),
    }
