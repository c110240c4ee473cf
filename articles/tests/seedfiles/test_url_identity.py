"""An article's identity folds the feed's respellings of its URL, so decisions stick; the
data migration folds the URLs already stored, merging the duplicates they make."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from articles.models import Article, ArticleImage, RelatedLink, StatusChange
from articles.seedfiles import import_seeds
from articles.urlnorm import canonical_url

from ..factories import make_article, make_provider, make_related, make_topic
from ..seedtext import seed_record, write_seed

pytestmark = pytest.mark.django_db

fold_urls = import_module("articles.migrations.0007_fold_article_urls").fold_urls

URL = "https://www.example-news.com/news/1/story"
RESPELLINGS = [
    "http://www.example-news.com/news/1/story",
    "https://example-news.com/news/1/story",
    "https://www.example-news.com/news/1/story/",
    "https://www.example-news.com/news/1/story?ref=rss",
    "HTTP://Example-News.com/news/1/story/?utm_source=x&fbclid=1&gclid=2&mc_cid=3&_ga=4#top",
]


def test_every_respelling_is_one_identity():
    assert {canonical_url(u) for u in [URL, *RESPELLINGS]} == {
        "https://example-news.com/news/1/story"
    }


def test_other_parameters_are_kept_sorted():
    assert canonical_url("https://a.example/x?b=2&utm_medium=m&a=1&igshid=z&mc_eid=e") == (
        "https://a.example/x?a=1&b=2"
    )
    assert canonical_url("https://a.example/?id=3") == "https://a.example/?id=3"


def test_a_rejected_story_respelled_stays_rejected(tmp_path):
    path = write_seed(tmp_path, "a.txt", seed_record(1, webUrl=URL, published=True))
    import_seeds([path])
    Article.objects.update(status=Article.Status.REJECTED)
    for n, spelling in enumerate(RESPELLINGS):
        record = seed_record(1, webUrl=spelling, published=True, title=f"Spelling {n}")
        result = import_seeds([write_seed(tmp_path, "a.txt", record)])
        assert (result.created, result.updated, result.failed) == (0, 1, 0)
    article = Article.objects.get()
    assert article.status == Article.Status.REJECTED
    assert article.source_url == RESPELLINGS[-1]  # as the feed gave it, for the export


@pytest.mark.parametrize(
    ("first", "respelled"),
    [
        ("https://münchen.example/politik/wahl", "https://xn--mnchen-3ya.example/politik/wahl"),
        ("https://example.net/café-owners-strike", "https://example.net/caf%C3%A9-owners-strike"),
        ("https://example.com/tide-story", "https://example.com./tide-story"),
        ("https://example.info/%7Eeditor/column", "https://example.info/~editor/column"),
    ],
    ids=["idn host", "percent-encoding", "trailing dot", "escaped unreserved"],
)
def test_a_rejected_story_respelled_as_browsers_fold_it_stays_rejected(tmp_path, first, respelled):
    """Each respelling made a new, published article beside the rejected one."""
    import_seeds([write_seed(tmp_path, "a.txt", seed_record(1, webUrl=first, published=True))])
    Article.objects.update(status=Article.Status.REJECTED)
    record = seed_record(1, webUrl=respelled, published=True, title="Respelt")
    result = import_seeds([write_seed(tmp_path, "a.txt", record)])
    assert (result.created, result.updated, result.failed) == (0, 1, 0)
    assert list(Article.objects.values_list("status", flat=True)) == [Article.Status.REJECTED]


def _duplicate(url, **fields):
    return make_article(url=url, source_url=url, **fields)


def test_migration_keeps_the_rejected_copy_and_moves_what_it_lacks():
    editor = get_user_model().objects.create(username="ed")
    provider = make_provider()
    topic_a, topic_b = make_topic("Alpha"), make_topic("Beta")
    oldest = _duplicate(RESPELLINGS[0], provider=provider, topics=[topic_a], images=2)
    published = _duplicate(RESPELLINGS[1], provider=provider, moderated_by=editor)
    rejected = _duplicate(RESPELLINGS[2], provider=provider, status="rejected", topics=[topic_b])
    StatusChange.objects.create(article=oldest, from_status="pending", to_status="published")
    shared = make_related(
        oldest, url="https://other.example/a", source_url="https://other.example/a"
    )
    make_related(rejected, url="https://other.example/a", source_url="https://other.example/a/")
    make_related(published, url="https://third.example/b", source_url="https://third.example/b")
    citing = make_article()
    cite = make_related(citing, url=RESPELLINGS[1], source_url=RESPELLINGS[1], target=published)
    # A link of the kept article to a copy of itself becomes a self link: dropped.
    make_related(rejected, url=RESPELLINGS[0], source_url=RESPELLINGS[0], target=oldest)
    other = _duplicate("https://unrelated.example/x/")

    fold_urls(apps)

    assert set(Article.objects.values_list("pk", flat=True)) == {rejected.pk, citing.pk, other.pk}
    rejected.refresh_from_db()
    assert rejected.status == "rejected"
    assert rejected.url == "https://example-news.com/news/1/story"
    assert rejected.source_url == RESPELLINGS[2]
    assert {t.name for t in rejected.topics.all()} == {"Alpha", "Beta"}
    assert ArticleImage.objects.filter(article=rejected).count() == 2
    assert StatusChange.objects.get().article_id == rejected.pk
    assert sorted(rejected.related_links.values_list("url", flat=True)) == [
        "https://other.example/a",
        "https://third.example/b",
    ]
    assert not RelatedLink.objects.filter(pk=shared.pk).exists()  # the kept one's own stays
    cite.refresh_from_db()
    assert (cite.target_id, cite.url) == (rejected.pk, rejected.url)
    assert Article.objects.get(pk=other.pk).url == "https://unrelated.example/x"


def test_migration_keeps_a_merged_copys_hidden_link_and_edits_on_the_kept_one():
    """The kept copy is the rejected one; the other had an editor's headline and a link
    the editor hid. Both were lost: the link shown again, the headline written over by
    the next import."""
    provider = make_provider()
    rejected = _duplicate(RESPELLINGS[0], provider=provider, status="rejected")
    edited = _duplicate(
        RESPELLINGS[1], provider=provider, title="The desk's headline", edited_fields=["title"]
    )
    link = {"url": "https://other.example/a", "source_url": "https://other.example/a"}
    make_related(rejected, **link)
    RelatedLink.objects.filter(pk=make_related(edited, **link).pk).update(is_hidden=True)

    fold_urls(apps)

    kept = Article.objects.get()
    assert (kept.pk, kept.status) == (rejected.pk, "rejected")
    assert (kept.title, kept.edited_fields) == ("The desk's headline", ["title"])
    assert list(kept.related_links.values_list("is_hidden", flat=True)) == [True]


def test_migration_prefers_an_editors_decision_then_the_oldest():
    editor = get_user_model().objects.create(username="ed")
    first = _duplicate(RESPELLINGS[0])
    moderated = _duplicate(RESPELLINGS[3], moderated_by=editor)
    fold_urls(apps)
    assert list(Article.objects.values_list("pk", flat=True)) == [moderated.pk]

    Article.objects.all().delete()
    first = _duplicate(RESPELLINGS[0])
    _duplicate(RESPELLINGS[1])
    fold_urls(apps)
    assert list(Article.objects.values_list("pk", flat=True)) == [first.pk]


def test_migration_folds_related_links_of_one_article_together():
    article = make_article()
    hidden = make_related(article, url="https://x.example/a/", source_url="https://x.example/a/")
    RelatedLink.objects.filter(pk=hidden.pk).update(is_hidden=True)
    make_related(article, url="http://x.example/a", source_url="http://x.example/a")
    target = _duplicate("https://www.target.example/t")
    link = make_related(
        article, url="https://target.example/t/", source_url="http://target.example/t/"
    )
    fold_urls(apps)
    assert list(article.related_links.values_list("pk", "url", "is_hidden")) == [
        (hidden.pk, "https://x.example/a", True),
        (link.pk, "https://target.example/t", False),
    ]
    link.refresh_from_db()
    assert link.target_id == target.pk


def test_migration_on_many_rows_in_batches():
    provider = make_provider()
    for n in range(30):
        _duplicate(f"http://www.many.example/{n}/", provider=provider)
        _duplicate(f"https://many.example/{n}", provider=provider)
    fold_urls(apps)
    assert Article.objects.count() == 30
    assert Article.objects.filter(url__startswith="https://many.example/").count() == 30
