"""The desk overview's figures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import moderation
from articles.dashboard import daily_counts, desk_overview
from articles.models import Article, ImportFailure, ImportRun

from .factories import make_article

pytestmark = pytest.mark.django_db

Status = Article.Status


def test_overview_counts_pending_published_and_the_last_run(admin_user):
    old = make_article(status=Status.PENDING)
    Article.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    make_article(status=Status.PENDING)
    fresh = make_article(status=Status.PENDING)
    moderation.publish(fresh, admin_user)
    scheduled = make_article(status=Status.PENDING)
    moderation.schedule(scheduled, admin_user, timezone.now() + timedelta(hours=2))
    ImportRun.objects.create(started_at=timezone.now() - timedelta(days=1))
    last = ImportRun.objects.create(files_seen=4, created=2, failed=2)
    ImportFailure.objects.create(run=last, file="a.yml", message="bad")
    ImportFailure.objects.create(run=last, file="b.yml", message="bad")

    overview = desk_overview()
    assert overview["pending_count"] == 2
    assert timedelta(days=2, hours=23) < overview["oldest_pending_age"] < timedelta(days=3, hours=1)
    assert overview["published_24h"] == 1  # the scheduled one is not out yet
    assert overview["last_run"] == last and overview["last_run"].failure_count == 2


def test_daily_counts_cover_thirty_days_ending_today(admin_user):
    a = make_article(status=Status.PENDING)
    make_article(status=Status.PENDING)
    Article.objects.filter(pk=a.pk).update(created_at=timezone.now() - timedelta(days=5))
    moderation.publish(a, admin_user)
    days = daily_counts()
    assert len(days) == 30
    assert days[-1].day == timezone.localdate()
    assert days[-1].imported == 1 and days[-1].published == 1
    assert days[-6].imported == 1
    assert sum(d.imported for d in days) == 2


def test_empty_desk(admin_client):
    overview = desk_overview()
    assert overview["pending_count"] == 0 and overview["last_run"] is None
    assert all(d.imported_height == 0 for d in overview["chart"]["days"])
