"""Moderation decisions: the module, the bulk actions and the one-article pages."""

from datetime import UTC, timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from articles import moderation
from articles.editors import desk_timezone, next_full_hour
from articles.models import Article, StatusChange, Topic

from .admin_helpers import action_post, make_editor, seen
from .factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db

Status = Article.Status


def changelist(**params):
    url = reverse("admin:articles_article_changelist")
    return f"{url}?{urlencode(params)}" if params else url


@pytest.fixture
def editor():
    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# --- The module ---------------------------------------------------------------------------


def test_publish_records_who_when_and_from_what(editor):
    a = make_article(status=Status.PENDING)
    b = make_article(status=Status.REJECTED)
    changed = moderation.publish([a, b], editor, note="Good to go")
    assert {x.pk for x in changed} == {a.pk, b.pk}
    rows = {c.article_id: c for c in StatusChange.objects.all()}
    assert (rows[a.pk].from_status, rows[a.pk].to_status) == ("pending", "published")
    assert (rows[b.pk].from_status, rows[b.pk].to_status) == ("rejected", "published")
    assert all(r.changed_by == editor and r.note == "Good to go" for r in rows.values())
    for article in (a, b):
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.moderated_by == editor
        assert abs(article.moderated_at - timezone.now()) < timedelta(minutes=1)
    assert set(Article.objects.published()) == {a, b}
    logs = LogEntry.objects.filter(user=editor)
    assert {int(e.object_id) for e in logs} == {a.pk, b.pk}
    assert all("published" in e.change_message and "Good to go" in e.change_message for e in logs)


def test_articles_already_in_that_state_are_left_alone(editor):
    a = make_article(status=Status.REJECTED)
    assert moderation.reject([a], editor) == []
    assert not StatusChange.objects.exists()
    assert not LogEntry.objects.exists()


def test_reject_and_send_back(editor):
    a = make_article(status=Status.PUBLISHED)
    moderation.reject(a, editor)
    moderation.send_back(a, editor)
    a.refresh_from_db()
    assert a.status == Status.PENDING
    assert list(StatusChange.objects.order_by("id").values_list("from_status", "to_status")) == [
        ("published", "rejected"),
        ("rejected", "pending"),
    ]


def test_schedule_shows_readers_the_article_from_then_on(editor):
    a = make_article(status=Status.PENDING)
    when = timezone.now() + timedelta(hours=3)
    moderation.schedule([a], editor, when)
    a.refresh_from_db()
    assert a.status == Status.PUBLISHED and a.publish_at == when
    assert a.is_scheduled
    assert not Article.objects.published().filter(pk=a.pk).exists()
    assert Article.objects.published(now=when + timedelta(seconds=1)).filter(pk=a.pk).exists()
    change = StatusChange.objects.get(article=a)
    assert change.publish_at == when and change.to_status == "published"
    # Publishing now clears the schedule.
    moderation.publish(a, editor)
    a.refresh_from_db()
    assert a.publish_at is None and Article.objects.published().filter(pk=a.pk).exists()


def test_schedule_needs_a_time_and_only_publishes(editor):
    a = make_article(status=Status.PENDING)
    with pytest.raises(ValueError):
        moderation.schedule([a], editor, None)
    with pytest.raises(ValueError):
        moderation.change_status([a], Status.REJECTED, editor, publish_at=timezone.now())


def test_add_and_remove_topic_mark_topics_editor_owned(editor):
    topic = make_topic()
    a = make_article(status=Status.PENDING)
    b = make_article(status=Status.PENDING, topics=[topic])
    assert moderation.add_topic([a, b], topic, editor) == [a]
    assert set(topic.articles.all()) == {a, b}
    a.refresh_from_db()
    assert a.edited_fields == ["topics"]
    assert set(moderation.remove_topic([a, b], topic, editor)) == {a, b}
    assert not topic.articles.exists()
    b.refresh_from_db()
    assert b.edited_fields == ["topics"]
    assert LogEntry.objects.filter(change_message__contains=str(topic)).count() == 3


# --- Bulk actions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "to_status"),
    [("publish", "published"), ("reject", "rejected")],
)
def test_bulk_status_actions(editor_client, editor, action, to_status):
    a, b = make_article(status=Status.PENDING), make_article(status=Status.PENDING)
    confirm = editor_client.post(changelist(), action_post(action, [a, b]))
    assert confirm.status_code == 200
    assert set(Article.objects.values_list("status", flat=True)) == {Status.PENDING}
    response = editor_client.post(changelist(), action_post(action, [a, b], apply="1"))
    assert response.status_code == 302
    assert set(Article.objects.values_list("status", flat=True)) == {to_status}
    assert StatusChange.objects.filter(to_status=to_status, changed_by=editor).count() == 2


def test_bulk_send_back_from_the_all_view(editor_client, editor):
    a = make_article(status=Status.PUBLISHED)
    response = editor_client.post(
        changelist(status="all"), action_post("send_back", [a], apply="1")
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.PENDING
    assert StatusChange.objects.get(article=a).from_status == "published"


def test_bulk_schedule_asks_for_a_time_then_schedules(editor_client):
    a, b = make_article(status=Status.PENDING), make_article(status=Status.PENDING)
    page = editor_client.post(changelist(), action_post("schedule", [a, b]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="publish_at"' in html and a.title in html and b.title in html

    past = editor_client.post(
        changelist(),
        action_post("schedule", [a, b], apply="1", publish_at="2001-01-01T10:00"),
    )
    assert past.status_code == 200
    assert "in the future" in past.content.decode()
    assert not StatusChange.objects.exists()

    when = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    done = editor_client.post(
        changelist(),
        action_post(
            "schedule",
            [a, b],
            apply="1",
            publish_at=when.strftime("%Y-%m-%dT%H:%M"),
            note="Embargo",
        ),
    )
    assert done.status_code == 302
    for article in (a, b):
        article.refresh_from_db()
        assert article.is_scheduled and article.publish_at == when
    assert StatusChange.objects.filter(publish_at=when, note="Embargo").count() == 2


@pytest.mark.parametrize("action", ["add_topic", "remove_topic"])
def test_topic_actions_use_an_intermediate_form(editor_client, action):
    topic = make_topic("Transport")
    start = [topic] if action == "remove_topic" else []
    a = make_article(status=Status.PENDING, topics=start)
    b = make_article(status=Status.PENDING, topics=start)
    page = editor_client.post(changelist(), action_post(action, [a, b]))
    assert page.status_code == 200
    assert "Transport" in page.content.decode()
    done = editor_client.post(changelist(), action_post(action, [a, b], apply="1", topic=topic.pk))
    assert done.status_code == 302
    expected = set() if action == "remove_topic" else {a, b}
    assert set(topic.articles.all()) == expected


# --- One article from its change page ---------------------------------------------------------


def moderate_url(article, decision):
    return reverse("admin:articles_article_moderate", args=[article.pk, decision])


def test_change_page_offers_the_decisions_that_apply(editor_client):
    a = make_article(status=Status.PENDING)
    html = editor_client.get(reverse("admin:articles_article_change", args=[a.pk])).content
    html = html.decode()
    for decision in ("publish", "schedule", "reject"):
        assert moderate_url(a, decision) in html
    assert moderate_url(a, "pending") not in html


@pytest.mark.parametrize(
    ("decision", "to_status"),
    [("publish", "published"), ("reject", "rejected"), ("pending", "pending")],
)
def test_one_article_decisions(editor_client, editor, decision, to_status):
    start = Status.PUBLISHED if decision == "pending" else Status.PENDING
    a = make_article(status=start)
    form = editor_client.get(moderate_url(a, decision))
    assert form.status_code == 200
    response = editor_client.post(moderate_url(a, decision), {"note": "Checked sources", **seen(a)})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == to_status
    change = StatusChange.objects.get(article=a)
    assert (change.to_status, change.note, change.changed_by) == (
        to_status,
        "Checked sources",
        editor,
    )


def test_one_article_schedule(editor_client):
    a = make_article(status=Status.PENDING)
    assert editor_client.get(moderate_url(a, "schedule")).status_code == 200
    when = (timezone.now() + timedelta(hours=5)).replace(second=0, microsecond=0)
    response = editor_client.post(
        moderate_url(a, "schedule"), {"publish_at": when.strftime("%Y-%m-%dT%H:%M"), **seen(a)}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.publish_at == when and a.status == Status.PUBLISHED
    listing = editor_client.get(changelist(status="scheduled")).content.decode()
    assert "scheduled for" in listing


def test_unknown_decision_is_404(editor_client):
    a = make_article(status=Status.PENDING)
    assert editor_client.get(moderate_url(a, "explode")).status_code == 404


@pytest.mark.parametrize("object_id", ["999999", "abc", "%00", "99999999999999999999999"])
def test_moderating_a_missing_or_malformed_article_id_is_404(editor_client, object_id):
    url = f"{changelist()}{object_id}/moderate/publish/"
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {"note": ""}).status_code == 404


# --- Topics -------------------------------------------------------------------------------------


def test_topic_admin_merge_and_rename(editor_client):
    keep, other = make_topic("Economy"), make_topic("Economics")
    a = make_article(topics=[other])
    url = reverse("admin:articles_topic_changelist")
    page = editor_client.post(url, action_post("merge", [keep, other]))
    assert page.status_code == 200
    assert 'name="survivor"' in page.content.decode()
    done = editor_client.post(url, action_post("merge", [keep, other], apply="1", survivor=keep.pk))
    assert done.status_code == 302
    assert list(a.topics.all()) == [keep]
    assert not Topic.objects.filter(pk=other.pk).exists()

    change = reverse("admin:articles_topic_change", args=[keep.pk])
    merged_name = keep.aliases.get()  # the merge kept "Economics" for imports
    inline = {
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "1",
        "aliases-0-id": str(merged_name.pk),
        "aliases-0-topic": str(keep.pk),
    }
    response = editor_client.post(change, {"name": "The economy", "slug": "the-economy", **inline})
    assert response.status_code == 302
    keep.refresh_from_db()
    assert (keep.name, keep.slug) == ("The economy", "the-economy")
    assert sorted(keep.aliases.values_list("name", flat=True)) == ["Economics", "Economy"]
    listing = editor_client.get(url).content.decode()
    assert "The economy" in listing


def test_topic_list_counts_articles(admin_client):
    topic = make_topic("Sport")
    provider = make_provider()
    for _ in range(3):
        make_article(provider=provider, topics=[topic])
    response = admin_client.get(reverse("admin:articles_topic_changelist"))
    assert response.context["cl"].result_list[0].article_count == 3


def test_schedule_everything_in_the_queue_via_select_across(editor_client):
    articles = [make_article(status=Status.PENDING) for _ in range(3)]
    make_article(status=Status.REJECTED)
    data = action_post("schedule", articles[:1], select_across="1")
    page = editor_client.post(changelist(), data)
    html = page.content.decode()
    assert 'name="select_across" value="1"' in html
    assert html.count('name="_selected_action"') == 1
    assert "3 selected articles" in html
    when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    data.update(apply="1", publish_at=when.strftime("%Y-%m-%dT%H:%M"))
    data["seen_state"] = page.context["seen_state"]
    assert editor_client.post(changelist(), data).status_code == 302
    assert Article.objects.filter(publish_at=when).count() == 3
    assert Article.objects.filter(status=Status.REJECTED).count() == 1


# --- The desk's clock -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "typed", "utc", "said"),
    [
        ("Europe/London", "2099-12-01T14:00", "2099-12-01 14:00", "1 Dec 2099, 14:00 GMT"),
        ("Europe/London", "2099-07-01T14:00", "2099-07-01 13:00", "1 Jul 2099, 14:00 BST"),
        ("America/New_York", "2099-07-01T09:00", "2099-07-01 13:00", "1 Jul 2099, 09:00 EDT"),
        ("Asia/Tokyo", "2099-01-01T00:30", "2098-12-31 15:30", "1 Jan 2099, 00:30 JST"),
    ],
)
def test_schedule_times_are_read_and_said_on_the_desks_clock(
    editor_client, settings, zone, typed, utc, said
):
    settings.NEWSROOM_DESK_TIME_ZONE = zone
    articles = [make_article(status=Status.PENDING), make_article(status=Status.PENDING)]
    data = action_post("schedule", articles, apply="1", publish_at=typed)
    response = editor_client.post(changelist(), data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"2 articles scheduled for {said}."]
    for article in articles:
        article.refresh_from_db()
        assert f"{article.publish_at.astimezone(UTC):%Y-%m-%d %H:%M}" == utc
    assert LogEntry.objects.filter(change_message=f"Scheduled for {said}").count() == 2
    listing = editor_client.get(changelist(status="scheduled")).content.decode()
    assert "scheduled for <time datetime=" in listing and said in listing


def test_the_schedule_form_offers_the_next_full_hour_on_the_desks_clock(editor_client, settings):
    settings.NEWSROOM_DESK_TIME_ZONE = "America/New_York"
    article = make_article(status=Status.PENDING)
    page = editor_client.post(changelist(), action_post("schedule", [article]))
    html = page.content.decode()
    default = next_full_hour()
    assert default.tzinfo == desk_timezone() and default.minute == 0
    assert default - timezone.now() >= timedelta(minutes=30)
    assert f'value="{default:%Y-%m-%dT%H:%M}"' in html
    assert "Desk time (America/New_York" in html


def test_the_one_article_schedule_says_when(editor_client, settings):
    settings.NEWSROOM_DESK_TIME_ZONE = "Europe/London"
    article = make_article(status=Status.PENDING, title="Budget day")
    url = reverse("admin:articles_article_moderate", args=[article.pk, "schedule"])
    response = editor_client.post(
        url, {"publish_at": "2099-12-01T09:00", **seen(article)}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "“Budget day” was scheduled for 1 Dec 2099, 09:00 GMT."
    ]
    page = editor_client.get(url).content.decode()
    assert "It is scheduled for 1 Dec 2099, 09:00 GMT." in page


# --- Decisions confirmed on a page another editor overtook ------------------------------


def _confirmed(client, data, **answer):
    """Open the confirmation page for ``data`` (an action post); the post that confirms
    it as the page carries it."""
    page = client.post(changelist(), data)
    assert page.status_code == 200
    return {**data, "apply": "1", "seen_state": page.context["seen_state"], **answer}


def test_select_all_confirmed_after_new_articles_arrived_does_nothing_and_asks_again(
    editor_client,
):
    shown = [make_article(status=Status.PENDING) for _ in range(3)]
    confirm = _confirmed(editor_client, action_post("reject", shown[:1], select_across="1"))
    arrived = make_article(status=Status.PENDING)  # an upload meanwhile
    again = editor_client.post(changelist(), confirm)
    assert again.status_code == 200
    assert "the selection changed since this page was opened" in again.text
    assert "4 selected articles" in again.text and str(arrived) in again.text
    assert not Article.objects.filter(status=Status.REJECTED).exists()
    # Confirming the page that lists it does it.
    confirm["seen_state"] = again.context["seen_state"]
    assert editor_client.post(changelist(), confirm).status_code == 302
    assert Article.objects.filter(status=Status.REJECTED).count() == 4


def test_a_bulk_publish_confirmed_after_another_editor_sent_one_back_does_nothing(
    editor_client,
):
    a, b = make_article(status=Status.PENDING), make_article(status=Status.PUBLISHED)
    confirm = _confirmed(editor_client, action_post("publish", [a, b]))
    moderation.change_status([b], Status.PENDING, make_editor("ben"), note="legal")
    assert editor_client.post(changelist(), confirm).status_code == 200
    assert Article.objects.get(pk=a.pk).status == Status.PENDING
    assert Article.objects.get(pk=b.pk).status == Status.PENDING


def test_a_one_article_decision_overtaken_by_another_editor_is_not_taken(editor_client):
    article = make_article(status=Status.PENDING, title="Court ruling")
    url = moderate_url(article, "publish")
    page = editor_client.get(url)
    assert "It is waiting for review." in page.text
    moderation.change_status([article], Status.REJECTED, make_editor("ben"), note="legal says no")
    response = editor_client.post(url, {"note": "", "seen_state": page.context["seen_state"]})
    assert response.status_code == 200
    assert "Nothing done: this article changed since you opened this page" in response.text
    assert "ben" in response.text and "legal says no" in response.text
    assert "It was rejected." in response.text
    assert Article.objects.get(pk=article.pk).status == Status.REJECTED
    # Deciding again on the page as it is now publishes it.
    retry = {"note": "", "seen_state": response.context["seen_state"]}
    assert editor_client.post(url, retry).status_code == 302
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_a_post_without_the_pages_digest_decides_nothing(editor_client):
    article = make_article(status=Status.PENDING)
    assert editor_client.post(moderate_url(article, "reject"), {"note": ""}).status_code == 200
    assert (
        editor_client.post(
            changelist(), action_post("reject", [article], apply="1", seen_state="x")
        ).status_code
        == 200
    )
    assert Article.objects.get(pk=article.pk).status == Status.PENDING


def test_publishing_an_article_already_published_says_nothing_changed(editor_client):
    article = make_article(status=Status.PUBLISHED, title="Old news")
    response = editor_client.post(
        moderate_url(article, "publish"), {"note": "", **seen(article)}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Nothing changed: “Old news” already was published."
    ]
    assert not StatusChange.objects.filter(article=article).exists()
