"""What the desk's admin says after each action, word for word.

The bulk actions, the change page's buttons and the merge action are made from tables;
these tests hold the words an editor reads (and the history they leave) to what they were.
"""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, StatusChange, Topic

from .admin_helpers import action_post, make_editor, seen
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
        (
            "publish",
            Status.PUBLISHED,
            "1 article published. 1 article already was published, left as before.",
        ),
        (
            "reject",
            Status.REJECTED,
            "1 article rejected. 1 article already was rejected, left as before.",
        ),
        (
            "send_back",
            Status.PENDING,
            "1 article sent back to the review queue. "
            "1 article already was waiting for review, left as before.",
        ),
    ],
)
def test_a_bulk_decision_confirms_then_reports_what_changed_and_what_was_left(
    editor_client, action, start, message
):
    other = Status.REJECTED if start != Status.REJECTED else Status.PENDING
    articles = [make_article(status=start), make_article(status=other)]
    url = reverse(QUEUE) + "?status=all"
    page = editor_client.post(url, action_post(action, articles))
    assert page.status_code == 200, "every bulk decision asks first"
    assert 'name="note"' in page.content.decode()
    assert Article.objects.filter(status=start).count() == 1
    data = action_post(action, articles, apply="1", note="Desk meeting call")
    response = editor_client.post(url, data, follow=True)
    assert said(response) == [message]
    changed = StatusChange.objects.get()
    assert changed.note == "Desk meeting call"
    assert LogEntry.objects.get().change_message.endswith(": Desk meeting call")


def test_a_bulk_decision_that_changes_nothing_says_so(editor_client):
    articles = [make_article(status=Status.REJECTED) for _ in range(2)]
    data = action_post("reject", articles, apply="1")
    response = editor_client.post(reverse(QUEUE) + "?status=all", data, follow=True)
    assert said(response) == ["Nothing changed: the selected articles already were rejected."]


def test_the_bulk_schedule_page_and_its_report(editor_client, settings):
    settings.NEWSROOM_DESK_TIME_ZONE = "Europe/London"
    articles = [make_article(status=Status.PENDING) for _ in range(2)]
    page = editor_client.post(reverse(QUEUE), action_post("schedule", articles))
    assert page.context["title"] == "When should these articles go out?"
    assert page.context["intro"] == (
        "These articles become visible to readers at the time you choose."
    )
    assert page.context["submit"] == "Schedule"
    data = action_post("schedule", articles, apply="1", publish_at="2099-12-01T14:00")
    response = editor_client.post(reverse(QUEUE), data, follow=True)
    assert said(response) == ["2 articles scheduled for 1 Dec 2099, 14:00 GMT."]


def test_the_queue_menu_words_every_action(editor_client):
    response = editor_client.get(reverse(QUEUE))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert {name: choices[name] for name in list(choices)[1:]} == {
        "publish": "Publish selected articles now…",
        "reject": "Reject selected articles…",
        "send_back": "Send selected articles back to the review queue…",
        "schedule": "Schedule selected articles…",
        "publish_best_of_story": "Publish selected, reject the other pending articles of "
        "their stories…",
        "add_topic": "Add a topic to selected articles…",
        "remove_topic": "Remove a topic from selected articles…",
        "split_into_new_story": "Split selected into a new story",
        "take_out_of_story": "Take selected out of their stories",
    }


@pytest.mark.parametrize(
    ("status", "scheduled", "labels"),
    [
        (Status.PENDING, False, {"Publish now", "Schedule", "Reject"}),
        (Status.PUBLISHED, False, {"Schedule", "Reject", "Send back to the queue"}),
        (Status.PUBLISHED, True, {"Publish now", "Schedule", "Reject", "Send back to the queue"}),
        (Status.REJECTED, False, {"Publish now", "Schedule", "Send back to the queue"}),
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
    response = editor_client.post(url, {"note": "", **seen(article)}, follow=True)
    assert "It is waiting for review." in page.content.decode()
    assert said(response) == ["“Bridge reopens” was rejected."]


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
    assert said(response) == [f"2 articles {verb} {where} “Transport”."]


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
        "Choose the topic that stays; the others' articles are filed under it, and imports "
        "file their names there too."
    )
    data = action_post("merge", [keep, other], apply="1", survivor=keep.pk)
    response = editor_client.post(url, data, follow=True)
    assert said(response) == ["Merged 1 topic into “Economy”; 1 article re-filed."]
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
        "Merged 1 publisher into “The Guardian”: 1 article and 0 related links "
        "moved, 2 aliases added."
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


@pytest.mark.parametrize("name", ["economy", "ECONOMY "])
def test_a_topic_named_as_another_in_other_case_is_refused_on_its_name(editor_client, name):
    existing = make_topic(name="Economy")
    response = editor_client.post(
        reverse("admin:articles_topic_add"), {"name": name, "slug": "economy-again"}
    )
    form = response.context["adminform"].form
    assert form.errors == {
        "name": [
            "There is already a topic “Economy”, and topic names must differ in more than "
            "letter case. To file their articles together, merge the topics."
        ]
    }
    assert list(Topic.objects.all()) == [existing]


def test_a_topic_renamed_in_its_own_case_only_is_saved(editor_client):
    topic = make_topic(name="Economy")
    response = editor_client.post(
        reverse("admin:articles_topic_change", args=[topic.pk]),
        {
            "name": "ECONOMY",
            "slug": topic.slug,
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name == "ECONOMY"


def test_a_merge_confirmed_on_a_page_overtaken_by_a_block_is_not_done(editor_client):
    """Opened while neither was blocked, so with no warning; another editor then blocked
    one, and confirming the page would have put the blocked one's stories under the
    survivor, public."""
    from providers.models import Provider

    keep, other = make_provider(name="Keep"), make_provider(name="Other")
    url = reverse("admin:providers_provider_changelist")
    data = action_post("merge", [keep, other], apply="1", survivor=keep.pk)
    Provider.objects.filter(pk=other.pk).update(is_blocked=True)

    page = editor_client.post(url, data)
    assert page.status_code == 200
    assert page.context["warnings"][0].startswith("Nothing merged: these publishers changed")
    assert Provider.objects.filter(pk=other.pk).exists()

    again = {**data, "seen_state": page.context["seen_state"]}
    assert editor_client.post(url, again).status_code == 302
    assert not Provider.objects.filter(pk=other.pk).exists()
