"""A renamed or merged topic keeps its old name as an alias, and imports file it there.

The feed goes on naming its topics as it always did; a desk's rename or merge is a
decision the next refresh must not undo by making the old topic again.
"""

import pytest
from django.urls import reverse

from articles import merging
from articles.models import Article, Topic, TopicAlias
from articles.seedfiles import import_seeds

from .admin_helpers import make_editor
from .factories import make_topic
from .seedtext import seed_record, write_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def rename(client, topic, name):
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    return client.post(url, {"name": name, "slug": topic.slug, **no_alias_rows(topic)})


def no_alias_rows(topic, delete=()):
    """The change form's former-names inline as the page renders it."""
    aliases = list(topic.aliases.all())
    data = {
        "aliases-TOTAL_FORMS": str(len(aliases)),
        "aliases-INITIAL_FORMS": str(len(aliases)),
    }
    for n, alias in enumerate(aliases):
        data[f"aliases-{n}-id"] = str(alias.pk)
        data[f"aliases-{n}-topic"] = str(topic.pk)
        if alias.name in delete:
            data[f"aliases-{n}-DELETE"] = "on"
    return data


def topics_of(url_part):
    article = Article.objects.get(url__contains=url_part)
    return sorted(article.topics.values_list("name", flat=True))


def test_a_refresh_after_a_rename_keeps_the_articles_under_the_renamed_topic(
    editor_client, tmp_path
):
    record = seed_record(1, topics=["AI"])
    path = write_seed(tmp_path, "a.txt", record)
    import_seeds([path])
    topic = Topic.objects.get(name="AI")

    assert rename(editor_client, topic, "Artificial Intelligence").status_code == 302
    assert list(topic.aliases.values_list("name", flat=True)) == ["AI"]

    record["heat"] = 77  # a refresh of the same article, still saying "AI"
    write_seed(tmp_path, "a.txt", record)
    assert import_seeds([path]).updated == 1
    import_seeds([write_seed(tmp_path, "b.txt", seed_record(2, topics=["ai"]))])

    assert list(Topic.objects.values_list("name", flat=True)) == ["Artificial Intelligence"]
    assert topics_of("/news/1/") == topics_of("/news/2/") == ["Artificial Intelligence"]


def test_a_merged_topics_name_files_new_articles_under_the_survivor(tmp_path):
    import_seeds([write_seed(tmp_path, "a.txt", seed_record(1, topics=["AI", "Tech"]))])
    survivor, merged = Topic.objects.get(name="Tech"), Topic.objects.get(name="AI")
    TopicAlias.objects.create(topic=merged, name="Machine learning")
    merging.merge_topics(survivor, [merged])

    import_seeds([write_seed(tmp_path, "b.txt", seed_record(2, topics=["AI", "machine learning"]))])
    assert list(Topic.objects.values_list("name", flat=True)) == ["Tech"]
    assert sorted(survivor.aliases.values_list("name", flat=True)) == ["AI", "Machine learning"]
    assert topics_of("/news/2/") == ["Tech"]


def test_a_topic_named_again_wins_over_its_former_name_elsewhere(editor_client, tmp_path):
    """Renamed back, a topic drops the alias that is its name again (and keeps the name
    it had in between)."""
    topic = make_topic(name="AI")
    assert rename(editor_client, topic, "Artificial Intelligence").status_code == 302
    topic.refresh_from_db()
    assert rename(editor_client, topic, "ai").status_code == 302
    assert list(TopicAlias.objects.values_list("name", flat=True)) == ["Artificial Intelligence"]
    import_seeds([write_seed(tmp_path, "a.txt", seed_record(1, topics=["AI"]))])
    assert topics_of("/news/1/") == ["ai"]


def test_a_new_topic_may_not_take_another_topics_former_name(editor_client):
    topic = make_topic(name="Artificial Intelligence")
    TopicAlias.objects.create(topic=topic, name="AI")
    response = editor_client.post(reverse("admin:articles_topic_add"), {"name": "ai", "slug": "ai"})
    assert response.context["adminform"].form.errors["name"] == [
        "“AI” is a former name of the topic “Artificial Intelligence”, and imports file "
        "articles given it there. Delete it from that topic's former names first to use "
        "it here."
    ]
    assert Topic.objects.count() == 1


def test_editors_see_a_topics_former_names_and_may_delete_one(editor_client):
    topic = make_topic(name="Artificial Intelligence")
    TopicAlias.objects.create(topic=topic, name="AI")
    page = editor_client.get(reverse("admin:articles_topic_change", args=[topic.pk]))
    assert "Former names (imports file articles given them under this topic)" in page.text
    assert "AI" in page.text

    url = reverse("admin:articles_topic_change", args=[topic.pk])
    data = {"name": topic.name, "slug": topic.slug, **no_alias_rows(topic, delete=["AI"])}
    assert editor_client.post(url, data).status_code == 302
    assert not TopicAlias.objects.exists()
