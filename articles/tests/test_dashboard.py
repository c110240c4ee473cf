"""The desk overview's figures."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import moderation
from articles.dashboard import daily_counts, desk_overview, readable_duration
from articles.models import Article, ImportFailure, ImportRun, StatusChange

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


@pytest.mark.parametrize(
    ("duration", "said"),
    [
        (None, "—"),
        (timedelta(microseconds=57614), "0.06 s"),
        (timedelta(seconds=9.5), "9.50 s"),
        (timedelta(seconds=42.4), "42 s"),
        (timedelta(minutes=2, seconds=5), "2 min 5 s"),
        (timedelta(minutes=3), "3 min"),
        (timedelta(hours=1, minutes=4, seconds=10), "1 h 4 min"),
    ],
)
def test_durations_read_like_a_person_would_say_them(duration, said):
    assert readable_duration(duration) == said


def test_decisions_are_counted_by_when_they_were_taken(admin_user):
    now = timezone.now()
    # Arrived today, published two days ago (an old decision): not in the last 24 hours.
    old = make_article(status=Status.PENDING)
    moderation.publish(old, admin_user)
    StatusChange.objects.filter(article=old).update(changed_at=now - timedelta(days=2))
    # Arrived long ago, decided now: counted.
    for article, decide in (
        (make_article(status=Status.PENDING), moderation.publish),
        (make_article(status=Status.PENDING), moderation.reject),
        (make_article(status=Status.PENDING), moderation.reject),
    ):
        Article.objects.filter(pk=article.pk).update(created_at=now - timedelta(days=9))
        decide(article, admin_user)
    later = make_article(status=Status.PENDING)
    moderation.schedule(later, admin_user, now + timedelta(hours=3))

    overview = desk_overview()
    assert (overview["published_24h"], overview["scheduled_24h"], overview["rejected_24h"]) == (
        1,
        1,
        2,
    )
    assert overview["scheduled_count"] == 1 and overview["rejected_count"] == 2
    assert overview["next_scheduled"]


def test_the_desk_page_shows_unchanged_counts_and_the_app_page_does_not_repeat_it(admin_client):
    ImportRun.objects.create(
        files_seen=5, created=1, updated=1, unchanged=3, duration=timedelta(seconds=125)
    )
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "3 unchanged" in html and "took 2 min 5 s" in html
    assert "Decided in the last 24 hours" in html and "0 scheduled" in html
    for app in ("providers", "articles"):
        page = admin_client.get(reverse("admin:app_list", args=[app])).content.decode()
        assert "Desk overview" not in page


def test_import_runs_read_durations_and_offer_no_dry_run_filter(admin_client):
    ImportRun.objects.create(files_seen=1, duration=timedelta(microseconds=57614))
    html = admin_client.get(reverse("admin:articles_importrun_changelist")).content.decode()
    assert "0.06 s" in html and "0:00:00.057614" not in html
    assert "dry_run" not in html and "dry run" not in html.lower()


def test_the_feeds_own_publications_are_not_editors_decisions(admin_user):
    from articles.seedfiles.writer import FEED_PUBLISHED_NOTE

    by_feed = make_article(status=Status.PUBLISHED)
    StatusChange.objects.create(
        article=by_feed,
        from_status=Status.PENDING,
        to_status=Status.PUBLISHED,
        changed_at=timezone.now(),
        note=FEED_PUBLISHED_NOTE,
    )
    moderation.publish(make_article(status=Status.PENDING), admin_user)
    assert desk_overview()["published_24h"] == 1
