"""Stories on the desk: the story pages, the queue grouped by story, and what editors do
there (title, lead, merge, split, take out, publish the best and reject the rest)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ContentVersion, Story
from articles.pagecache import bump

from ..admin_helpers import action_post, ensure_editors_group, make_editor, seen_state
from ..factories import make_article

pytestmark = pytest.mark.django_db

Status = Article.Status
QUEUE = reverse("admin:articles_article_changelist")
STORIES = reverse("admin:articles_story_changelist")


@pytest.fixture
def editor_client(client):
    if not Group.objects.filter(name="Editors").exists():  # flushed by a transactional test
        ensure_editors_group()
        Group.objects.get(name="Editors").permissions.add(
            *Permission.objects.filter(codename__in=["view_story", "change_story"])
        )
    client.force_login(make_editor())
    return client


# Where the readers' content version must move: each request commits as in production.
commits = pytest.mark.django_db(transaction=True)


def make_story(*titles, status=Status.PENDING, **fields):
    story = Story.objects.create(slug=f"story-{Story.objects.count() + 1}", **fields)
    members = [make_article(title=title, status=status, story=story) for title in titles]
    return story, members


def version():
    return ContentVersion.objects.get(pk=1).counter


def test_the_story_list_counts_members_and_searches_their_headlines(editor_client):
    make_story("Met Police deploy cameras", "London police cameras", title="Met cameras")
    make_story("Fusion record", status=Status.PUBLISHED)
    page = editor_client.get(STORIES)
    assert page.status_code == 200
    rows = {(s.title, s.member_count, s.pending_count) for s in page.context["cl"].result_list}
    assert rows == {("Met cameras", 2, 2), ("", 1, 0)}
    found = editor_client.get(STORIES, {"q": "Fusion"}).context["cl"].result_list
    assert [s.articles.get().title for s in found] == ["Fusion record"]


@commits
def test_an_editor_titles_a_story_and_chooses_its_lead_among_its_members(editor_client):
    story, (first, second) = make_story("First version", "Second version")
    _, (stranger,) = make_story("Another event")
    url = reverse("admin:articles_story_change", args=[story.pk])
    page = editor_client.get(url)
    assert "Second version" in page.text and "open them in the queue" in page.text
    refused = editor_client.post(url, {"title": "The event", "lead": stranger.pk})
    assert refused.status_code == 200 and "lead" in refused.context["adminform"].form.errors
    bump()
    before = version()
    saved = editor_client.post(url, {"title": "The event", "lead": second.pk})
    assert saved.status_code == 302
    story.refresh_from_db()
    assert (story.title, story.lead) == ("The event", second)
    assert version() > before


@commits
def test_merging_stories_asks_first_then_moves_the_members(editor_client):
    keep, _ = make_story("Budget passes", title="Budget")
    other, (moved,) = make_story("Budget vote")
    asked = editor_client.post(STORIES, action_post("merge", [keep, other]))
    assert asked.status_code == 200 and "cannot be brought back" in asked.text
    assert Story.objects.count() == 2
    bump()
    before = version()
    done = editor_client.post(
        STORIES, action_post("merge", [keep, other], apply="1", survivor=keep.pk), follow=True
    )
    assert "Merged 1 story into “Budget”; 1 article moved." in done.text
    moved.refresh_from_db()
    assert moved.story == keep and moved.story_pinned
    assert not Story.objects.filter(pk=other.pk).exists()
    assert version() > before


def test_the_queue_grouped_by_story_lists_each_storys_versions_together(editor_client):
    a, _ = make_story("Alpha one", "Alpha two")
    b, _ = make_story("Beta one", "Beta two")
    make_article(title="Loner", status=Status.PENDING)
    page = editor_client.get(QUEUE, {"story": "grouped"})
    rows = page.context["cl"].result_list
    assert [r.story_id for r in rows] == [b.pk, b.pk, a.pk, a.pk]
    assert "Loner" not in page.text
    assert reverse("admin:articles_story_change", args=[a.pk]) in page.text
    one = editor_client.get(QUEUE, {"story": str(a.pk)}).context["cl"].result_list
    assert {r.title for r in one} == {"Alpha one", "Alpha two"}
    none = editor_client.get(QUEUE, {"story": "none"}).context["cl"].result_list
    assert [r.title for r in none] == ["Loner"]


def test_the_grouped_queue_costs_the_same_queries_for_more_stories(editor_client):
    def queries(stories):
        for n in range(stories):
            make_story(f"Event {n} first", f"Event {n} second")
        with CaptureQueriesContext(connection) as ctx:
            response = editor_client.get(QUEUE, {"story": "grouped", "all": ""})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert queries(2) == queries(30)


def test_publish_the_best_version_and_reject_the_rest_in_one_go(editor_client):
    _, (best, worse, worst) = make_story("Best", "Worse", "Worst")
    _, (elsewhere,) = make_story("Other story")
    asked = editor_client.post(QUEUE, action_post("publish_best_of_story", [best]))
    assert asked.status_code == 200
    assert "2 other pending articles will be rejected" in asked.text and "Worst" in asked.text
    done = editor_client.post(
        QUEUE,
        action_post(
            "publish_best_of_story", [best], apply="1", seen_state=asked.context["seen_state"]
        ),
        follow=True,
    )
    assert "1 article published, 2 other versions rejected." in done.text
    statuses = {a.title: a.status for a in Article.objects.all()}
    assert statuses == {
        "Best": Status.PUBLISHED,
        "Worse": Status.REJECTED,
        "Worst": Status.REJECTED,
        "Other story": Status.PENDING,
    }
    assert best.status_changes.get().changed_by.username == "editor"


@commits
def test_splitting_and_taking_out_on_the_queue_pins_the_articles(editor_client):
    story, (a, b, c, d) = make_story("A", "B", "C", "D", lead=None)
    Story.objects.filter(pk=story.pk).update(lead=d)
    bump()
    before = version()
    editor_client.post(QUEUE, action_post("split_into_new_story", [c, d]))
    c.refresh_from_db()
    assert c.story != story and c.story.articles.count() == 2
    story.refresh_from_db()
    assert story.lead is None  # its lead left with the split
    assert set(story.articles.values_list("story_pinned", flat=True)) == {True}
    assert version() > before
    editor_client.post(QUEUE, action_post("take_out_of_story", [b]))
    b.refresh_from_db()
    assert b.story is None and b.story_pinned


def test_the_article_page_links_its_story(editor_client):
    story, (article,) = make_story("The one", title="A titled story")
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "A titled story" in page.text
    assert f"?status=all&amp;story={story.pk}" in page.text


def test_an_editor_without_the_publish_permission_cannot_publish_the_best(client):
    from ..admin_helpers import make_user

    user = make_user("writer", perms=["articles.view_article", "articles.change_article"])
    client.force_login(user)
    _, (best, other) = make_story("Best", "Other")
    state = seen_state([best], other)  # what the page would show: not the reason it fails
    client.post(QUEUE, action_post("publish_best_of_story", [best], apply="1", seen_state=state))
    assert set(Article.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_publish_the_best_confirmed_after_a_new_version_joined_does_nothing(editor_client):
    story, (best, _) = make_story("Best", "Worse")
    asked = editor_client.post(QUEUE, action_post("publish_best_of_story", [best]))
    make_article(status=Status.PENDING, title="Late version", story=story)
    data = action_post(
        "publish_best_of_story", [best], apply="1", seen_state=asked.context["seen_state"]
    )
    again = editor_client.post(QUEUE, data)
    assert again.status_code == 200 and "Late version" in again.text
    assert "the selection changed since this page was opened" in again.text
    assert set(Article.objects.values_list("status", flat=True)) == {Status.PENDING}
