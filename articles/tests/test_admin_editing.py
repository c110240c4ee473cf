"""Editors and imports on one article: nobody's change is lost, nobody's is undone.

The forms here are posted as the browser would: every value the page rendered (hidden
initial values and the edit version included), with the editor's changes on top.
"""

import html
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from articles import moderation
from articles.models import Article
from articles.seedfiles import import_seeds

from .admin_helpers import make_editor
from .factories import make_article, make_provider, make_related, make_topic
from .seedtext import seed_record, write_seed

pytestmark = pytest.mark.django_db

Status = Article.Status


class FormValues(HTMLParser):
    """What the change form would post, read from its HTML."""

    def __init__(self, form_id="article_form"):
        super().__init__()
        self.form_id = form_id
        self.values, self._in_form, self._select, self._textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            box = attrs.get("type") in ("checkbox", "radio")
            self.values.append((name, attrs.get("value", "on" if box else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # Django writes a newline after <textarea>, which browsers drop.
            self.values.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def open_form(client, obj):
    """GET the change page; the data its form would post back untouched."""
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    parser = FormValues(f"{meta.model_name}_form")
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.values:
        data.setdefault(name, []).append(value)
    data["_save"] = ["Save"]
    return data


def save(client, obj, data, **changes):
    data = {
        **data,
        **{name: value if isinstance(value, list) else [value] for name, value in changes.items()},
    }
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return client.post(url, data)


def import_refresh(article, **fields):
    """What the importer does to a changed seed file: feed fields, hash, a new topic."""
    Article.objects.filter(pk=article.pk).update(**fields)


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor("ada"))
    return client


@pytest.fixture
def second_client():
    client = Client()
    client.force_login(make_editor("ben"))
    return client


# --- The editor/import race ----------------------------------------------------------------


def test_an_import_while_the_form_is_open_keeps_its_feed_fields_and_new_topic(editor_client):
    old_topic = make_topic("Weather")
    article = make_article(
        status=Status.PENDING, topics=[old_topic], quality=40, content_hash="a" * 64
    )
    data = open_form(editor_client, article)

    new_topic = make_topic("Floods")
    import_refresh(
        article,
        quality=151,
        secured="bmV3Ym9keQ==",
        content_hash="b" * 64,
        excerpt="Fresh excerpt.",
    )
    article.topics.add(new_topic)

    response = save(editor_client, article, data, title="Storm warning for the coast")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Storm warning for the coast"
    assert (article.quality, article.secured, article.content_hash) == (
        151,
        "bmV3Ym9keQ==",
        "b" * 64,
    )
    assert article.excerpt == "Fresh excerpt.", "an untouched excerpt is not put back"
    assert set(article.topics.all()) == {old_topic, new_topic}
    assert article.edited_fields == ["title"]


def test_an_editors_topic_change_applies_only_what_they_changed(editor_client):
    weather, sport = make_topic("Weather"), make_topic("Sport")
    article = make_article(status=Status.PENDING, topics=[weather])
    data = open_form(editor_client, article)
    floods = make_topic("Floods")
    article.topics.add(floods)  # the feed, meanwhile

    response = save(editor_client, article, data, topics=[str(sport.pk)])
    assert response.status_code == 302
    assert set(article.topics.all()) == {sport, floods}
    article.refresh_from_db()
    assert article.edited_fields == ["topics"]


def test_a_save_with_no_change_writes_nothing(editor_client):
    article = make_article(status=Status.PENDING)
    data = open_form(editor_client, article)
    import_refresh(article, title="The feed's new headline")
    assert save(editor_client, article, data).status_code == 302
    article.refresh_from_db()
    assert article.title == "The feed's new headline"
    assert article.edited_fields == [] and article.edit_version == 0


# --- No lost update -------------------------------------------------------------------------


@pytest.mark.parametrize("first_saver", ["ada", "ben"])
def test_a_save_over_a_newer_save_is_refused_in_either_order(
    editor_client, second_client, first_saver
):
    article = make_article(status=Status.PENDING, title="Original headline", excerpt="Original.")
    clients = {"ada": editor_client, "ben": second_client}
    forms = {name: open_form(client, article) for name, client in clients.items()}
    second_saver = "ben" if first_saver == "ada" else "ada"

    first = save(
        clients[first_saver], article, forms[first_saver], title=f"{first_saver}'s headline"
    )
    assert first.status_code == 302
    second = save(
        clients[second_saver], article, forms[second_saver], excerpt=f"{second_saver}'s excerpt"
    )
    assert second.status_code == 200
    page = second.content.decode()
    assert "Not saved: this article changed since you opened it" in page
    assert f"{first_saver} at " in page and "Changed Title" in page
    assert f"{second_saver}&#x27;s excerpt" in page, "the refused edit is still in the form"

    article.refresh_from_db()
    assert article.title == f"{first_saver}'s headline"
    assert article.excerpt == "Original."

    # Having seen the message, saving again keeps both edits.
    again = dict(second.context["adminform"].form.data.lists())
    retry = clients[second_saver].post(
        reverse("admin:articles_article_change", args=[article.pk]), again
    )
    assert retry.status_code == 302
    article.refresh_from_db()
    assert article.title == f"{first_saver}'s headline"
    assert article.excerpt == f"{second_saver}'s excerpt"
    assert article.edit_version == 2


def test_a_moderation_decision_meanwhile_does_not_refuse_an_edit(editor_client):
    article = make_article(status=Status.PENDING)
    data = open_form(editor_client, article)
    moderation.publish(article, make_editor("cy"))
    assert save(editor_client, article, data, title="Edited after publishing").status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.title == "Edited after publishing"


# --- Images and related coverage --------------------------------------------------------------


def _row_field(data, suffix, row=0):
    """The posted name of row ``row``'s field ``suffix`` in an inline, found through the
    hidden value of what the page showed (an unticked box posts nothing of its own)."""
    names = [n for n in data if n.startswith("initial-") and n.endswith(f"-{row}-{suffix}")]
    assert len(names) == 1, names
    return names[0].removeprefix("initial-")


def test_a_stale_page_saved_for_the_excerpt_leaves_another_editors_hidden_link_hidden(
    editor_client, second_client
):
    article = make_article(status=Status.PUBLISHED, excerpt="Original.")
    link = make_related(article, title="An off-topic game guide")
    stale = open_form(editor_client, article)
    hide = open_form(second_client, article)
    hidden = _row_field(hide, "is_hidden")
    assert save(second_client, article, hide, **{hidden: "on"}).status_code == 302
    link.refresh_from_db()
    assert link.is_hidden
    assert Article.objects.get(pk=article.pk).edit_version == 1, "an inline save is a save"

    refused = save(editor_client, article, stale, excerpt="Ada's excerpt")
    assert refused.status_code == 200
    assert "Not saved: this article changed since you opened it" in refused.content.decode()
    link.refresh_from_db()
    assert link.is_hidden
    # Saving again, having looked, writes the excerpt and still leaves the link alone.
    again = dict(refused.context["adminform"].form.data.lists())
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.post(url, again).status_code == 302
    link.refresh_from_db()
    article.refresh_from_db()
    assert link.is_hidden and article.excerpt == "Ada's excerpt"


def test_an_image_row_saved_writes_only_the_field_the_editor_changed(editor_client):
    article = make_article(images=1)
    image = article.images.get()
    data = open_form(editor_client, article)
    # Meanwhile (an import, a script): the image's size is corrected.
    type(image).objects.filter(pk=image.pk).update(width=1200)
    title = _row_field(data, "title")
    assert save(editor_client, article, data, **{title: "A better caption"}).status_code == 302
    image.refresh_from_db()
    assert (image.title, image.width) == ("A better caption", 1200)


def test_a_page_opened_before_an_import_refreshed_its_coverage_saves(editor_client, tmp_path):
    """The refresh retitles the article's related links; the page still names their rows
    (an import refreshes a link in place), so the editor's excerpt and hidden link are
    saved over the import's new titles."""
    record = seed_record(71, related=2)
    path = write_seed(tmp_path, "a.txt", record)
    import_seeds([path])
    article = Article.objects.get()
    page = open_form(editor_client, article)

    for item in record["related"]:
        item["title"] = "Corrected: " + item["title"]
    write_seed(tmp_path, "a.txt", record)
    assert import_seeds([path]).updated == 1

    hidden = _row_field(page, "is_hidden")
    response = save(editor_client, article, page, excerpt="Ada's excerpt", **{hidden: "on"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.excerpt == "Ada's excerpt"
    row_id = int(page[hidden.removesuffix("is_hidden") + "id"][0])
    links = list(article.related_links.all())
    assert {link.pk for link in links if link.is_hidden} == {row_id}
    assert len(links) == 2 and all(link.title.startswith("Corrected: ") for link in links)


def test_a_page_showing_a_row_deleted_meanwhile_says_so_over_the_rows(editor_client):
    article = make_article(status=Status.PUBLISHED, excerpt="Original.")
    link = make_related(article, title="Coverage the feed later dropped")
    page = open_form(editor_client, article)
    link.delete()

    response = save(editor_client, article, page, excerpt="Ada's excerpt")
    assert response.status_code == 200
    assert "A row of these related links is not one of this article's any more" in (
        html.unescape(response.content.decode())
    )
    article.refresh_from_db()
    assert article.excerpt == "Original."


def test_a_row_naming_another_article_is_refused_over_the_rows(editor_client):
    article, other = make_article(excerpt="Original."), make_article()
    make_related(article)
    page = open_form(editor_client, article)
    page[_row_field(page, "is_hidden").removesuffix("is_hidden") + "article"] = [str(other.pk)]

    response = save(editor_client, article, page, excerpt="Ada's excerpt")
    assert response.status_code == 200
    assert "is not one of this article's any more" in html.unescape(response.content.decode())


def test_a_stale_publisher_page_saved_for_its_block_keeps_the_new_name(
    editor_client, second_client
):
    provider = make_provider(name="Dawn")
    stale = open_form(editor_client, provider)
    fresh = open_form(second_client, provider)
    assert save(second_client, provider, fresh, name="Dawn (Pakistan)").status_code == 302

    assert save(editor_client, provider, stale, is_blocked="on").status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.is_blocked, provider.name_edited) == (
        "Dawn (Pakistan)",
        True,
        True,
    )


def test_a_stale_topic_page_saved_for_its_slug_keeps_the_new_name(editor_client, second_client):
    topic = make_topic(name="Climate")
    stale = open_form(editor_client, topic)
    fresh = open_form(second_client, topic)
    assert save(second_client, topic, fresh, name="Climate Crisis").status_code == 302

    assert save(editor_client, topic, stale, slug="climate-x").status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.slug) == ("Climate Crisis", "climate-x")
    assert list(topic.aliases.values_list("name", flat=True)) == ["Climate"]


def test_a_page_naming_a_topic_merged_meanwhile_saves_its_title(editor_client, second_client):
    from articles.merging import merge_topics

    science, space = make_topic(name="Science"), make_topic(name="Space")
    article = make_article(status=Status.PUBLISHED, topics=[science, space])
    page = open_form(editor_client, article)
    merge_topics(science, [space])

    response = save(editor_client, article, page, title="A title of Ada's")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "A title of Ada's"
    assert list(article.topics.all()) == [science]


def test_a_stale_story_page_saved_for_its_lead_keeps_the_new_title(editor_client, second_client):
    from articles.models import Story

    story = Story.objects.create(slug="story-abc", title="Floods")
    lead = make_article(story=story)
    stale = open_form(editor_client, story)
    fresh = open_form(second_client, story)
    assert save(second_client, story, fresh, title="Floods in the north").status_code == 302

    assert save(editor_client, story, stale, lead=str(lead.pk)).status_code == 302
    story.refresh_from_db()
    assert (story.title, story.lead_id) == ("Floods in the north", lead.pk)
