"""What the desk's admin says after each action, word for word.

The bulk actions, the change page's buttons and the merge action are made from tables;
these tests hold the words an editor reads (and the history they leave) to what they were.
"""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .admin_helpers import action_post, make_editor
from .factories import make_article, make_provider, make_topic

pytestmark = pytest.mark.django_db

Status = Article.Status
QUEUE = "admin:articles_article_changelist"


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def said(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("action", "start", "message"),
    [
        ("publish", Status.PUBLISHED, "1 article(s) published. 1 already were, left as they were."),
        ("reject", Status.REJECTED, "1 article(s) rejected. 1 already were, left as they were."),
        (
            "send_back",
            Status.PENDING,
            "1 article(s) sent back to pending. 1 already were, left as they were.",
        ),
    ],
)
def test_a_bulk_decision_reports_what_changed_and_what_was_left(
    editor_client, action, start, message
):
    other = Status.REJECTED if start != Status.REJECTED else Status.PENDING
    articles = [make_article(status=start), make_article(status=other)]
    url = reverse(QUEUE) + "?status=all"
    response = editor_client.post(url, action_post(action, articles), follow=True)
    assert said(response) == [message]


def test_the_bulk_schedule_page_and_its_report(editor_client):
    articles = [make_article(status=Status.PENDING) for _ in range(2)]
    page = editor_client.post(reverse(QUEUE), action_post("schedule", articles))
    assert page.context["title"] == "Schedule articles"
    assert page.context["intro"] == (
        "These articles become visible to readers at the time you choose."
    )
    assert page.context["submit"] == "Schedule"
    when = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = action_post("schedule", articles, apply="1", publish_at=when)
    response = editor_client.post(reverse(QUEUE), data, follow=True)
    assert said(response) == ["2 article(s) scheduled."]


def test_the_queue_menu_words_every_action(editor_client):
    response = editor_client.get(reverse(QUEUE))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert {name: choices[name] for name in list(choices)[1:]} == {
        "publish": "Publish selected articles now",
        "reject": "Reject selected articles",
        "send_back": "Send selected articles back to pending",
        "schedule": "Schedule selected articles…",
        "add_topic": "Add a topic to selected articles…",
        "remove_topic": "Remove a topic from selected articles…",
    }


@pytest.mark.parametrize(
    ("status", "scheduled", "labels"),
    [
        (Status.PENDING, False, {"Publish now", "Schedule", "Reject"}),
        (Status.PUBLISHED, False, {"Schedule", "Reject", "Send back to pending"}),
        (Status.PUBLISHED, True, {"Publish now", "Schedule", "Reject", "Send back to pending"}),
        (Status.REJECTED, False, {"Publish now", "Schedule", "Send back to pending"}),
    ],
)
def test_the_change_page_offers_the_decisions_that_would_change_the_article(
    editor_client, status, scheduled, labels
):
    publish_at = timezone.now() + timedelta(hours=2) if scheduled else None
    article = make_article(status=status, publish_at=publish_at)
    url = reverse("admin:articles_article_change", args=[article.pk])
    links = editor_client.get(url).context["moderation_links"]
    assert {label for label, _url in links} == labels


def test_a_one_article_decision_names_the_article(editor_client):
    article = make_article(status=Status.PENDING, title="Bridge reopens")
    url = reverse("admin:articles_article_moderate", args=[article.pk, "reject"])
    page = editor_client.get(url)
    assert page.context["title"] == "Reject: Bridge reopens"
    response = editor_client.post(url, {"note": ""}, follow=True)
    assert said(response) == ["Reject: done for “Bridge reopens”."]


@pytest.mark.parametrize(("action", "verb"), [("add_topic", "given"), ("remove_topic", "taken")])
def test_the_topic_actions_report(editor_client, action, verb):
    topic = make_topic("Transport")
    start = [topic] if action == "remove_topic" else []
    articles = [make_article(status=Status.PENDING, topics=start) for _ in range(2)]
    page = editor_client.post(reverse(QUEUE), action_post(action, articles))
    words = ("Add a topic", "Add topic") if verb == "given" else ("Remove a topic", "Remove topic")
    assert (page.context["title"], page.context["submit"]) == words
    assert (
        page.context["intro"] == "Topics an editor sets are kept when the feed is imported again."
    )
    data = action_post(action, articles, apply="1", topic=topic.pk)
    response = editor_client.post(reverse(QUEUE), data, follow=True)
    where = "the topic" if verb == "given" else "out of the topic"
    assert said(response) == [f"2 article(s) {verb} {where} “Transport”."]


# --- Merging ------------------------------------------------------------------------------


def test_merging_topics_says_what_moved_and_logs_it(editor_client):
    keep, other = make_topic("Economy"), make_topic("Economics")
    make_article(topics=[other])
    url = reverse("admin:articles_topic_changelist")
    menu = dict(editor_client.get(url).context["action_form"].fields["action"].choices)
    assert menu["merge"] == "Merge selected topics…"
    page = editor_client.post(url, action_post("merge", [keep, other]))
    assert (page.context["title"], page.context["submit"]) == ("Merge topics", "Merge")
    assert page.context["intro"] == (
        "Choose the topic that stays; the others' articles are filed under it."
    )
    data = action_post("merge", [keep, other], apply="1", survivor=keep.pk)
    response = editor_client.post(url, data, follow=True)
    assert said(response) == ["Merged 1 topic(s) into “Economy”; 1 article(s) re-filed."]
    entries = LogEntry.objects.order_by("action_flag")
    assert [(e.action_flag, e.change_message) for e in entries] == [
        (CHANGE, "Merged in “Economics”"),
        (DELETION, "Merged into “Economy”"),
    ]


def test_merging_publishers_says_what_moved_and_logs_it(editor_client):
    keep = make_provider("guardian.co.uk", name="The Guardian")
    dup = make_provider("theguardian.com", name="Guardian")
    make_article(provider=dup)
    url = reverse("admin:providers_provider_changelist")
    menu = dict(editor_client.get(url).context["action_form"].fields["action"].choices)
    assert menu["merge"] == "Merge selected publishers…"
    page = editor_client.post(url, action_post("merge", [keep, dup]))
    assert (page.context["title"], page.context["submit"]) == ("Merge publishers", "Merge")
    assert page.context["intro"].startswith("Choose the publisher that stays. The others'")
    data = action_post("merge", [keep, dup], apply="1", survivor=keep.pk)
    response = editor_client.post(url, data, follow=True)
    assert said(response) == [
        "Merged 1 publisher(s) into “The Guardian”: 1 article(s) and 0 related link(s) "
        "moved, 2 alias(es) added."
    ]
    entries = LogEntry.objects.order_by("action_flag")
    assert [(e.action_flag, e.change_message) for e in entries] == [
        (CHANGE, "Merged in “Guardian” (theguardian.com)"),
        (DELETION, "Merged into “The Guardian”"),
    ]


@pytest.mark.parametrize(
    ("changelist", "model", "message"),
    [
        ("admin:articles_topic_changelist", "topic", "Select at least two topics to merge."),
        (
            "admin:providers_provider_changelist",
            "provider",
            "Select at least two publishers to merge.",
        ),
    ],
)
def test_a_merge_of_one_asks_for_two(editor_client, changelist, model, message):
    only = make_topic() if model == "topic" else make_provider()
    response = editor_client.post(reverse(changelist), action_post("merge", [only]), follow=True)
    assert said(response) == [message]
    assert type(only).objects.filter(pk=only.pk).exists()
