"""Editors' decisions in the admin meet later imports of the feed."""

import pytest
from django.urls import reverse

from articles.merging import merge_providers, merge_topics
from articles.models import Article, Topic
from articles.seedfiles import import_seeds
from articles.urlnorm import canonical_url
from providers.models import Provider

from ..admin_helpers import make_editor, seen
from ..seedtext import related_item, seed_record, write_seed

pytestmark = pytest.mark.django_db


def test_a_merged_publishers_domain_lands_on_the_survivor_in_later_imports(tmp_path):
    first = seed_record(1, provider={"name": "The Independent", "domain": "independent.co.uk"})
    second = seed_record(2, provider={"name": "Indy", "domain": "www.indy100.example"})
    write_seed(tmp_path / "a", "000_0000000000000001.txt", first)
    write_seed(tmp_path / "a", "001_0000000000000002.txt", second)
    import_seeds([tmp_path / "a"])
    survivor = Provider.objects.get(domain="independent.co.uk")
    merge_providers(survivor, [Provider.objects.get(domain="indy100.example")])

    later = seed_record(
        3,
        provider={"name": "Indy100", "domain": "indy100.example"},
        related=0,
    )
    later["related"] = [related_item(9, domain="www.indy100.example", name="Indy")]
    write_seed(tmp_path / "b", "002_0000000000000003.txt", later)
    result = import_seeds([tmp_path / "b"])

    assert result.failed == 0
    assert not Provider.objects.filter(domain="indy100.example").exists()
    article = Article.objects.get(url__contains="/news/3/")
    assert article.provider == survivor
    assert article.related_links.get().provider == survivor
    assert survivor.name == Provider.objects.get(pk=survivor.pk).name == "The Independent"


def test_a_topic_merge_survives_a_changed_seed(tmp_path):
    record = seed_record(1, topics=["AI", "Machine learning"])
    path = write_seed(tmp_path, "000_0000000000000001.txt", record)
    import_seeds([tmp_path])
    merge_topics(Topic.objects.get(name="AI"), [Topic.objects.get(name="Machine learning")])

    record["quality"] = 99  # the feed changes the file; it still lists the old topic
    write_seed(tmp_path, path.name, record)
    result = import_seeds([tmp_path])

    article = Article.objects.get()
    assert result.updated == 1
    assert article.quality == 99
    assert list(article.topics.values_list("name", flat=True)) == ["AI"]
    assert not Topic.objects.filter(name="Machine learning").exists()


def change_form_post(response, **changes):
    """What a browser posts back from the admin change page ``response``, with ``changes``."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None:
                # A browser sends a textarea's line breaks as CRLF.
                data[key] = str(value).replace("\r\n", "\n").replace("\n", "\r\n")

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    data.update(changes)
    return data


def test_admin_decisions_survive_a_changed_seed(tmp_path, client):
    record = seed_record(7, related=2, excerpt="First line.\nSecond line.\n")
    path = write_seed(tmp_path, "000_0000000000000007.txt", record)
    import_seeds([tmp_path])
    article = Article.objects.get()
    hidden_url = canonical_url(record["related"][0]["webUrl"])
    client.force_login(make_editor())

    # The editor changes the headline and hides a link, in one save of the change form.
    change = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(change)
    data = change_form_post(page, title="The desk's headline")
    links = page.context["inline_admin_formsets"][1].formset
    [hidden_form] = [f for f in links.forms if f.instance.url == hidden_url]
    data[hidden_form.add_prefix("is_hidden")] = "on"
    assert client.post(change, data).status_code == 302
    article.refresh_from_db()
    # The excerpt came back with CRLF line breaks (and Django strips a final newline),
    # but the editor did not change it: it must stay the feed's.
    assert article.edited_fields == ["title"]
    assert article.excerpt == "First line.\nSecond line.\n"
    # ... and rejects it.
    moderate = reverse("admin:articles_article_moderate", args=[article.pk, "reject"])
    assert client.post(moderate, {"note": "duplicate", **seen(article)}).status_code == 302

    record.update(
        title="The feed's new headline",
        excerpt="A new excerpt.",
        quality=90,
        published=True,
    )
    record["related"][0]["title"] = "Hidden link, retitled by the feed"
    write_seed(tmp_path, path.name, record)
    result = import_seeds([tmp_path])

    assert (result.updated, result.failed) == (1, 0)
    article.refresh_from_db()
    assert article.title == "The desk's headline"
    assert article.excerpt == "A new excerpt."
    assert article.quality == 90
    assert article.status == Article.Status.REJECTED
    link = article.related_links.get(url=hidden_url)
    assert link.is_hidden and link.title == "Hidden link, retitled by the feed"


def test_saving_the_change_form_leaves_untouched_padded_text_to_the_feed(tmp_path, client):
    # Feeds send titles with stray spaces; Django's form fields strip them by default.
    record = seed_record(8, title=" Padded headline ")
    write_seed(tmp_path, "000_0000000000000008.txt", record)
    import_seeds([tmp_path])
    article = Article.objects.get()
    client.force_login(make_editor())
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_post(client.get(change), excerpt="The desk's excerpt")
    assert client.post(change, data).status_code == 302
    article.refresh_from_db()
    assert article.edited_fields == ["excerpt"]
    assert article.title == " Padded headline "


def test_a_title_of_only_spaces_is_still_refused(tmp_path, client):
    write_seed(tmp_path, "000_0000000000000009.txt", seed_record(9))
    import_seeds([tmp_path])
    article = Article.objects.get()
    client.force_login(make_editor())
    change = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(change, change_form_post(client.get(change), title="   "))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == ["This field is required."]
    article.refresh_from_db()
    assert article.title.strip() and article.edited_fields == []


@pytest.mark.parametrize("spelling", ["MÜNCHEN.de", "www.münchen.de", "xn--mnchen-3ya.de"])
def test_a_blocked_publisher_stays_blocked_under_any_spelling_of_its_domain(
    tmp_path, client, spelling
):
    """An internationalised domain in Unicode or in its ASCII form is one publisher: a
    block of one spelling kept the other's published stories on the front page."""
    blocked = Provider.objects.create(domain="xn--mnchen-3ya.de", name="Münchner", is_blocked=True)
    record = seed_record(
        5, provider={"name": "Münchner", "domain": spelling}, published=True, related=0
    )
    record["title"] = "Blocked publisher returns under its Unicode domain"
    result = import_seeds([write_seed(tmp_path, "a.txt", record)])

    assert result.failed == 0 and Provider.objects.get() == blocked
    assert Article.objects.get().provider == blocked
    assert not Article.objects.published().exists()
    assert "Blocked publisher returns" not in client.get("/").text
