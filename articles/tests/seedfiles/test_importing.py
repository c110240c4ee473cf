import hashlib
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleImage, ImportRun, RelatedLink, StatusChange, Topic
from articles.seedfiles import Failure, ImportResult, import_seeds, importer, writer
from articles.urlnorm import canonical_url
from providers.models import Provider, ProviderAlias

from ..seedtext import Raw, related_item, seed_record, write_seed

pytestmark = pytest.mark.django_db


def import_one(tmp_path, record, name="000_0123456789abcdef.txt", **options):
    path = write_seed(tmp_path, name, record, **options)
    return import_seeds([path]), path


def test_web_style_seed_with_quoted_values(tmp_path):
    record = seed_record(1, related=3)
    result, path = import_one(tmp_path, record)

    assert (result.created, result.updated, result.failed) == (1, 0, 0)
    article = Article.objects.get()
    assert article.url_style == Article.UrlStyle.WEB
    assert article.source_url == record["webUrl"]
    assert article.url == canonical_url(record["webUrl"])
    assert article.amp_url == record["ampWebUrl"]
    assert article.cdn_amp_url == record["cdnAmpWebUrl"]
    assert article.title == record["title"]
    assert article.excerpt == record["excerpt"]
    assert article.category == "news" and article.kind == "article"
    assert article.published_at == datetime(2020, 2, 11, 11, 37, tzinfo=UTC)
    assert article.quality == 38
    assert article.heat is None
    assert article.status == Article.Status.PENDING
    assert article.secured == record["secured"]
    assert article.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert article.source_file == str(path)
    assert article.provider.domain == "example-news.com"
    assert sorted(t.name for t in article.topics.all()) == ["AI", "Computer Vision"]
    image = article.images.get()
    assert (image.width, image.height, image.title) == (370, 229, record["title"])
    links = list(article.related_links.order_by("position"))
    assert [link.source_url for link in links] == [r["webUrl"] for r in record["related"]]
    assert links[0].image_width == 1200
    assert links[0].amp_url == record["related"][0]["ampWebUrl"]


def test_source_style_seed_with_bare_values(tmp_path):
    record = seed_record(2, style="source")
    text = write_seed(tmp_path, "a.txt", record).read_text()
    assert "sourceUrl: https://" in text and 'sourceUrl: "' not in text

    import_seeds([tmp_path])

    article = Article.objects.get()
    assert article.url_style == Article.UrlStyle.SOURCE
    assert article.source_url == record["sourceUrl"]
    assert article.amp_url == record["ampUrl"]
    assert article.cdn_amp_url == record["cdnAmpUrl"]
    assert article.related_links.count() == 3
    assert article.related_links.first().amp_url.endswith("/amp/")


def test_quoted_dates_and_numbers_are_read_like_bare_ones(tmp_path):
    record = seed_record(
        3, publishedDateTime=Raw('"2020-02-11T11:37:00Z"'), quality=Raw('"38"'), heat=Raw("99")
    )
    import_one(tmp_path, record)
    article = Article.objects.get()
    assert article.published_at == datetime(2020, 2, 11, 11, 37, tzinfo=UTC)
    assert (article.quality, article.heat) == (38, 99)


def test_url_identity_is_the_canonical_url(tmp_path):
    record = seed_record(4, webUrl="HTTPS://WWW.Example-News.com/story?id=4&utm_source=feed#top")
    import_one(tmp_path, record)
    article = Article.objects.get()
    assert article.url == "https://example-news.com/story?id=4"
    assert article.source_url == "HTTPS://WWW.Example-News.com/story?id=4&utm_source=feed#top"


def test_missing_optional_parts(tmp_path):
    record = seed_record(5, related=2)
    for key in ("images", "ampWebUrl", "cdnAmpWebUrl", "category"):
        del record[key]
    for item in record["related"]:
        del item["images"], item["ampWebUrl"]
    result, _ = import_one(tmp_path, record)
    assert result.failed == 0
    article = Article.objects.get()
    assert (article.amp_url, article.cdn_amp_url, article.category) == ("", "", "")
    assert not article.images.exists()
    assert set(article.related_links.values_list("image_url", flat=True)) == {""}


def test_published_true_publishes_on_first_import_only(tmp_path):
    path = write_seed(tmp_path, "a.txt", seed_record(6, published=True, heat=99))
    import_seeds([path])
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.heat == 99
    change = StatusChange.objects.get(article=article)
    assert (change.from_status, change.to_status) == ("pending", "published")
    assert change.changed_by is None

    Article.objects.filter(pk=article.pk).update(status=Article.Status.REJECTED)
    write_seed(tmp_path, "a.txt", seed_record(6, published=True, heat=50))
    result = import_seeds([path])
    assert result.updated == 1
    article.refresh_from_db()
    assert article.status == Article.Status.REJECTED
    assert article.heat == 50


def test_unknown_top_level_keys_are_kept(tmp_path):
    record = seed_record(7, sentiment=0.5, tags=["a", "b"], firstSeen=Raw("2020-01-01T00:00:00Z"))
    result, _ = import_one(tmp_path, record)
    extra = Article.objects.get().feed_extra
    assert extra["sentiment"] == 0.5 and extra["tags"] == ["a", "b"]
    assert set(extra["firstSeen"]) == {"__yaml__"}  # a datetime is not JSON: kept as YAML


def test_one_publisher_per_domain_whatever_its_name(tmp_path):
    write_seed(
        tmp_path,
        "a.txt",
        seed_record(8, provider={"name": "The Independent", "domain": "www.Independent.co.uk"}),
    )
    write_seed(
        tmp_path,
        "b.txt",
        seed_record(9, provider={"name": "Independent", "domain": "independent.co.uk"}),
    )
    import_seeds([tmp_path])
    provider = Provider.objects.get(domain="independent.co.uk")
    assert provider.name == "The Independent"
    assert list(provider.aliases.values_list("kind", "value")) == [("name", "Independent")]
    assert set(Article.objects.values_list("provider", flat=True)) == {provider.pk}


def test_merged_domain_lands_on_the_surviving_publisher(tmp_path):
    survivor = Provider.objects.create(domain="survivor.example", name="Survivor")
    ProviderAlias.objects.create(provider=survivor, kind="domain", value="merged.example")
    related = [related_item(1, domain="www.merged.example", name="Merged")]
    record = seed_record(10, provider={"name": "Merged", "domain": "merged.example"}, related=0)
    record["related"] = related
    import_one(tmp_path, record)
    assert not Provider.objects.filter(domain="merged.example").exists()
    article = Article.objects.get()
    assert article.provider == survivor
    assert article.related_links.get().provider == survivor
    assert survivor.aliases.filter(kind="name", value="Merged").exists()


def test_relative_logo_is_made_absolute_and_unsafe_logos_dropped(tmp_path):
    provider = {
        "name": "US News",
        "domain": "www.usnews.com",
        "images": [
            {"url": "javascript:alert(1)", "width": 50, "height": 50},
            {"url": "/assets/images/organizations/usnews.com-50x50.jpg", "width": 50},
        ],
    }
    result, path = import_one(tmp_path, seed_record(11, provider=provider))
    assert Provider.objects.get(domain="usnews.com").logo_url == (
        "https://usnews.com/assets/images/organizations/usnews.com-50x50.jpg"
    )
    assert [str(w) for w in result.warnings] == [
        f"{path}: provider logo 1 is not an http(s) URL, ignored"
    ]


def test_editor_set_publisher_name_is_never_overwritten(tmp_path):
    Provider.objects.create(domain="example-news.com", name="Edited name", name_edited=True)
    import_one(tmp_path, seed_record(12))
    provider = Provider.objects.get(domain="example-news.com")
    assert provider.name == "Edited name"
    assert provider.aliases.filter(kind="name", value="Example News").exists()


def test_related_repeats_and_self_references_are_dropped(tmp_path):
    record = seed_record(13, related=2)
    record["related"].append(dict(record["related"][0]))
    record["related"].append(related_item(99, url=record["webUrl"]))
    result, path = import_one(tmp_path, record)
    assert Article.objects.get().related_links.count() == 2
    assert [str(w) for w in result.warnings] == [
        f"{path}: related item 3 repeats related item 1, dropped",
        f"{path}: related item 4 is the article itself, dropped",
    ]


def test_invalid_related_items_are_dropped_with_a_warning(tmp_path):
    record = seed_record(14, related=4)
    record["related"][1]["webUrl"] = "javascript:alert(document.cookie)"
    del record["related"][2]["title"]
    record["related"][3]["images"][0]["url"] = "data:image/png;base64,AAAA"
    result, path = import_one(tmp_path, record)
    assert result.failed == 0
    links = Article.objects.get().related_links.order_by("position")
    assert len(links) == 1
    assert not RelatedLink.objects.filter(url__startswith="javascript").exists()
    messages = [w.message for w in result.warnings]
    assert messages[0].startswith("related item 2 webUrl is not an http(s) URL")
    assert messages[1] == "missing related item 3 title, dropped"
    assert messages[2].startswith("related item 4 image url is not an http(s) URL")
    assert all(w.file == str(path) for w in result.warnings)


@pytest.mark.parametrize(
    ("item", "field", "value", "warning"),
    [
        (
            1,
            "webUrl",
            "http://example.com/" + "a" * 1981,
            "related item 2 webUrl is 2001 characters once normalised, over 2000, dropped",
        ),
        (
            0,
            "publishedDateTime",
            "0001-01-01T00:00:00Z",
            "related item 1 publishedDateTime 0001-01-01T00:00:00+00:00 is before 1900, dropped",
        ),
    ],
    ids=["url too long once normalised", "dated before 1900"],
)
def test_a_related_item_the_columns_cannot_hold_is_dropped_with_a_warning(
    tmp_path, item, field, value, warning
):
    record = seed_record(16, related=2)
    record["related"][item][field] = value
    result, _ = import_one(tmp_path, record)
    assert result.failed == 0
    assert Article.objects.get().related_links.count() == 1
    assert [w.message for w in result.warnings] == [warning]


def test_an_image_with_an_unsafe_url_is_dropped(tmp_path):
    record = seed_record(15)
    record["images"].append({"url": "javascript:alert(1)", "width": 1, "height": 1, "title": "x"})
    result, _ = import_one(tmp_path, record)
    assert ArticleImage.objects.count() == 1
    assert "image 2 url is not an http(s) URL" in result.warnings[0].message


@pytest.mark.parametrize("order", ["citing first", "cited first"])
def test_related_link_target_is_set_whichever_comes_first(tmp_path, order):
    cited = seed_record(16, related=1)
    citing = seed_record(17, related=1)
    citing["related"].append(related_item(5, url=cited["webUrl"] + "?utm_medium=x"))
    first, second = (citing, cited) if order == "citing first" else (cited, citing)
    import_seeds([write_seed(tmp_path, "1.txt", first)])
    import_seeds([write_seed(tmp_path, "2.txt", second)])

    cited_article = Article.objects.get(url=canonical_url(cited["webUrl"]))
    link = RelatedLink.objects.get(url=canonical_url(cited["webUrl"]))
    assert link.target == cited_article
    assert link.article.url == canonical_url(citing["webUrl"])
    assert RelatedLink.objects.filter(target__isnull=False).count() == 1


def test_target_set_within_one_chunk(tmp_path):
    cited = seed_record(18, related=0)
    citing = seed_record(19, related=0)
    citing["related"] = [related_item(6, url=canonical_url(cited["webUrl"]))]
    write_seed(tmp_path, "1.txt", citing)
    write_seed(tmp_path, "2.txt", cited)
    import_seeds([tmp_path])
    assert RelatedLink.objects.get().target == Article.objects.get(
        url=canonical_url(cited["webUrl"])
    )


def test_slugs_are_unique_and_come_from_the_title(tmp_path):
    long_title = "A very long headline " * 20
    for n, title in enumerate(["Same title", "Same title", "Same title", long_title, "日本語"]):
        write_seed(tmp_path, f"{n}.txt", seed_record(20 + n, title=title))
    import_seeds([tmp_path])
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert {"same-title", "same-title-2", "same-title-3", "article"} <= set(slugs)
    long_slug = next(s for s in slugs if s.startswith("a-very-long"))
    assert len(long_slug) <= 200 and not long_slug.endswith("-")


def test_same_url_twice_in_one_run_is_an_update(tmp_path):
    write_seed(tmp_path, "1.txt", seed_record(25, quality=10, published=True))
    write_seed(tmp_path, "2.txt", seed_record(25, quality=20))
    result = import_seeds([tmp_path])
    assert (result.created, result.updated) == (1, 1)
    article = Article.objects.get()
    assert article.quality == 20
    assert article.status == Article.Status.PUBLISHED  # first import's decision stands


def test_identical_files_in_one_run_count_as_unchanged(tmp_path):
    write_seed(tmp_path, "1.txt", seed_record(26))
    write_seed(tmp_path, "copy/1.txt", seed_record(26))
    result = import_seeds([tmp_path])
    assert (result.created, result.updated, result.unchanged) == (1, 0, 1)


def _write_many(tmp_path, count):
    for n in range(count):
        write_seed(tmp_path, f"{n:03d}.txt", seed_record(100 + n, related=5))


def test_unchanged_files_are_neither_parsed_nor_written(tmp_path, monkeypatch):
    _write_many(tmp_path, 5)
    import_seeds([tmp_path])

    def refuse(data):
        raise AssertionError("an unchanged file was parsed")

    monkeypatch.setattr(importer, "load_seed", refuse)
    with CaptureQueriesContext(connection) as queries:
        result = import_seeds([tmp_path])
    assert (result.unchanged, result.created, result.updated, result.failed) == (5, 0, 0, 0)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        and "import" not in q["sql"].lower()
    ]
    assert writes == []


def test_reimport_runs_a_fixed_number_of_queries(tmp_path, django_assert_max_num_queries):
    few, many = tmp_path / "few", tmp_path / "many"
    _write_many(few, 3)
    _write_many(many, 40)
    import_seeds([few, many])

    with CaptureQueriesContext(connection) as few_queries:
        import_seeds([few])
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        result = import_seeds([many])
    assert result.unchanged == 40
    assert len(few_queries.captured_queries) <= 6


def test_first_import_queries_do_not_grow_with_files_or_links(tmp_path):
    small, large = tmp_path / "small", tmp_path / "large"
    write_seed(small, "1.txt", seed_record(200, related=1))
    for n in range(30):
        write_seed(large, f"{n}.txt", seed_record(300 + n, related=12))
    with CaptureQueriesContext(connection) as small_queries:
        import_seeds([small])
    with CaptureQueriesContext(connection) as large_queries:
        import_seeds([large])
    assert len(large_queries.captured_queries) <= len(small_queries.captured_queries) + 2


def test_changed_file_refreshes_feed_owned_fields(tmp_path):
    path = write_seed(tmp_path, "a.txt", seed_record(30, related=3))
    import_seeds([path])
    article = Article.objects.get()

    changed = seed_record(30, related=0, quality=99, heat=12, type="video")
    changed["related"] = [related_item(1), related_item(7)]
    changed["images"][0]["width"] = 999
    changed["ampWebUrl"] = "https://amp.example-news.com/30"
    write_seed(tmp_path, "a.txt", changed)
    result = import_seeds([path])

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    article.refresh_from_db()
    assert (article.quality, article.heat, article.kind) == (99, 12, "video")
    assert article.amp_url == "https://amp.example-news.com/30"
    assert article.images.get().width == 999
    assert [link.source_url for link in article.related_links.order_by("position")] == [
        changed["related"][0]["webUrl"],
        changed["related"][1]["webUrl"],
    ]
    assert article.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_changed_file_leaves_editor_decisions_alone(tmp_path):
    path = write_seed(tmp_path, "a.txt", seed_record(31))
    import_seeds([path])
    article = Article.objects.get()
    article.title = "An editor's headline"
    article.status = Article.Status.PUBLISHED
    article.edited_fields = ["title", "topics"]
    article.save()
    article.topics.set([Topic.objects.create(name="Editors' pick", slug="editors-pick")])

    write_seed(
        tmp_path,
        "a.txt",
        seed_record(31, title="Feed headline", excerpt="New feed excerpt", topics=["Robots"]),
    )
    import_seeds([path])

    article.refresh_from_db()
    assert article.title == "An editor's headline"
    assert article.excerpt == "New feed excerpt"  # not edited: the feed's to refresh
    assert article.status == Article.Status.PUBLISHED
    assert [t.name for t in article.topics.all()] == ["Editors' pick"]


def test_hidden_links_stay_hidden_and_stay(tmp_path):
    record = seed_record(32, related=3)
    path = write_seed(tmp_path, "a.txt", record)
    import_seeds([path])
    kept_url, dropped_url = (canonical_url(record["related"][i]["webUrl"]) for i in (0, 2))
    RelatedLink.objects.filter(url__in=[kept_url, dropped_url]).update(is_hidden=True)

    record["related"] = record["related"][:2]
    record["related"][0]["title"] = "A new title for the hidden link"
    write_seed(tmp_path, "a.txt", record)
    import_seeds([path])

    links = {link.url: link for link in RelatedLink.objects.all()}
    assert set(links) == {kept_url, canonical_url(record["related"][1]["webUrl"]), dropped_url}
    assert links[kept_url].is_hidden and links[dropped_url].is_hidden
    assert links[kept_url].title == "A new title for the hidden link"
    assert not links[canonical_url(record["related"][1]["webUrl"])].is_hidden


def test_a_refreshed_file_rewrites_only_the_related_links_that_changed(tmp_path):
    """Every link given again keeps its row (an editor's open page names it), changed in
    place if the file changed it; a dropped one is deleted, a new one inserted."""
    record = seed_record(33, related=4)
    path = write_seed(tmp_path, "a.txt", record)
    import_seeds([path])
    before = {link.url: link.pk for link in RelatedLink.objects.all()}
    same, retitled, moved, dropped = (canonical_url(item["webUrl"]) for item in record["related"])

    record["heat"] = 99
    record["related"][1]["title"] = "A corrected headline"
    record["related"] = [record["related"][0], record["related"][1], related_item(900)]
    record["related"].append(seed_record(33, related=4)["related"][2])  # now last
    write_seed(tmp_path, "a.txt", record)
    assert import_seeds([path]).updated == 1

    links = {link.url: link for link in RelatedLink.objects.all()}
    assert links[same].pk == before[same]
    assert links[retitled].pk == before[retitled]
    assert links[retitled].title == "A corrected headline"
    assert links[moved].position == 3 and links[moved].pk == before[moved]
    assert links[canonical_url(record["related"][2]["webUrl"])].pk not in before.values()
    assert dropped not in links and len(links) == 4
    assert [link.position for link in sorted(links.values(), key=lambda x: x.position)] == [
        0,
        1,
        2,
        3,
    ]


def test_a_refreshed_file_changes_its_images_in_place(tmp_path):
    """An image at a position given again keeps its row, changed if the file changed it;
    a position the file no longer has is deleted, a new one inserted."""
    record = seed_record(34)
    first = record["images"][0]
    record["images"] = [first, {**first, "url": "https://img.example/2.jpg"}]
    path = write_seed(tmp_path, "a.txt", record)
    import_seeds([path])
    before = dict(ArticleImage.objects.values_list("position", "id"))

    record["images"] = [{**first, "title": "A corrected caption"}]
    write_seed(tmp_path, "a.txt", record)
    assert import_seeds([path]).updated == 1
    assert list(ArticleImage.objects.values_list("position", "id", "title")) == [
        (0, before[0], "A corrected caption")
    ]

    record["images"].append({**first, "url": "https://img.example/3.jpg"})
    write_seed(tmp_path, "a.txt", record)
    import_seeds([path])
    images = list(ArticleImage.objects.order_by("position").values_list("id", "url"))
    assert images[0][0] == before[0] and images[1][0] not in before.values()
    assert images[1][1] == "https://img.example/3.jpg"


def test_two_files_of_one_article_leave_it_alone_on_every_later_run(tmp_path):
    """The feed respelled the URL (a tracking parameter, ``www.``): one article, two
    files, the later one in the run's order written last. Its hash alone was the
    article's, so every later run took the other file for new and rewrote the article,
    back and forth."""
    first = seed_record(35, quality=11)
    second = {**first, "quality": 99, "webUrl": first["webUrl"] + "?utm_source=feed"}
    write_seed(tmp_path, "a.txt", first)
    write_seed(tmp_path, "b.txt", second)
    result = import_seeds([tmp_path])
    assert (result.created, result.updated) == (1, 1)
    assert Article.objects.get().quality == 99

    for _run in range(2):
        result = import_seeds([tmp_path])
        assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
        assert Article.objects.get().quality == 99

    write_seed(tmp_path, "c.txt", {**first, "quality": 42})  # a new version still lands
    assert import_seeds([tmp_path]).updated == 1
    assert Article.objects.get().quality == 42


def test_a_chunk_the_database_refuses_is_redone_file_by_file(tmp_path, monkeypatch):
    for n in range(4):
        write_seed(tmp_path, f"{n}.txt", seed_record(40 + n))
    original = writer.BatchWriter._new_article

    def sabotage(self, item, slug, provider_ids):
        article = original(self, item, slug, provider_ids)
        if item.name.endswith("2.txt"):
            article.status = "bogus"  # violates article_status_valid
        return article

    monkeypatch.setattr(writer.BatchWriter, "_new_article", sabotage)
    result = import_seeds([tmp_path])
    assert (result.created, result.failed) == (3, 1)
    assert result.failures[0].file.endswith("2.txt")
    assert result.failures[0].message.startswith("the database refused it")
    assert Article.objects.count() == 3
    # The caches only learned what was committed: a later run still works.
    monkeypatch.undo()
    assert import_seeds([tmp_path]).created == 1


def test_each_run_is_recorded(tmp_path):
    write_seed(tmp_path, "good.txt", seed_record(50))
    write_seed(tmp_path, "bad.txt", "---\ntitle: [unclosed\n---\n")
    result = import_seeds([tmp_path], source="a test")
    run = ImportRun.objects.get()
    assert result.run == run
    assert (run.files_seen, run.created, run.failed, run.source) == (2, 1, 1, "a test")
    assert run.duration is not None and run.finished_at is not None
    failure = run.failures.get()
    assert failure.file == str(tmp_path / "bad.txt") and failure.line == 3


def test_dry_run_writes_nothing(tmp_path):
    write_seed(tmp_path, "1.txt", seed_record(60))
    write_seed(tmp_path, "2.txt", seed_record(60, quality=1))
    write_seed(tmp_path, "3.txt", "not: [valid")
    result = import_seeds([tmp_path], dry_run=True)
    # The real writer ran, inside a transaction rolled back at the end.
    assert (result.created, result.updated, result.failed) == (1, 1, 1)
    assert result.run is None
    assert not Article.objects.exists() and not ImportRun.objects.exists()
    assert not Provider.objects.exists()


def test_result_summary_line():
    result = ImportResult(created=2, updated=1, unchanged=3, duration=1.5)
    result.failures.append(Failure("f.txt", 3, "bad"))
    assert result.summary() == "created 2, updated 1, unchanged 3, failed 1 in 1.50s"
    assert str(result.failures[0]) == "f.txt:3: bad"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite connection tuning")
def test_sqlite_tuning_is_put_back_after_the_run(tmp_path):
    def pragmas():
        with connection.cursor() as cursor:
            values = []
            for name in ("cache_size", "wal_autocheckpoint"):
                cursor.execute(f"PRAGMA {name}")
                values.append(cursor.fetchone()[0])
            return values

    before = pragmas()
    result, _ = import_one(tmp_path, seed_record(70))
    assert result.created == 1
    assert pragmas() == before


def test_the_same_related_story_in_several_files(tmp_path):
    shared = related_item(77, domain="newsobserver.com", name="Raleigh News & Observer")
    for n in (80, 81):
        record = seed_record(n, related=1)
        record["related"].append(dict(shared))
        write_seed(tmp_path, f"{n}.txt", record)
    import_seeds([tmp_path])
    links = RelatedLink.objects.filter(url=canonical_url(shared["webUrl"]))
    assert links.count() == 2
    assert len({link.article_id for link in links}) == 2
    assert Provider.objects.filter(domain="newsobserver.com").count() == 1


def test_a_logo_seen_later_fills_in_a_publisher_without_one(tmp_path):
    import_one(tmp_path, seed_record(82))
    assert Provider.objects.get(domain="example-news.com").logo_url == ""
    provider = {"name": "Example News", "domain": "example-news.com", "images": [{"url": "/l.png"}]}
    import_one(tmp_path, seed_record(83, provider=provider), name="b.txt")
    assert Provider.objects.get(domain="example-news.com").logo_url == (
        "https://example-news.com/l.png"
    )


def test_a_topic_the_database_folds_onto_an_existing_one_is_reused(tmp_path):
    # Python: "İstanbul".lower() != "istanbul"; PostgreSQL: LOWER() makes them equal, and
    # the unique LOWER(name) refused the second spelling's file outright.
    write_seed(tmp_path / "a", "000_0000000000000001.txt", seed_record(1, topics=["İstanbul"]))
    import_seeds([tmp_path / "a"])
    write_seed(tmp_path / "b", "001_0000000000000002.txt", seed_record(2, topics=["istanbul"]))
    result = import_seeds([tmp_path / "b"])
    assert result.failed == 0 and result.created == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT LOWER(%s) = LOWER(%s)", ["İstanbul", "istanbul"])
        folded_together = bool(cursor.fetchone()[0])
    expected = ["İstanbul"] if folded_together else ["istanbul"]
    article = Article.objects.get(url__contains="/news/2/")
    assert list(article.topics.values_list("name", flat=True)) == expected


def test_two_spellings_the_database_folds_together_in_one_file(tmp_path):
    record = seed_record(3, topics=["İstanbul", "istanbul", "AI"])
    write_seed(tmp_path, "000_0000000000000003.txt", record)
    result = import_seeds([tmp_path])
    assert result.failed == 0 and result.created == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT LOWER(%s) = LOWER(%s)", ["İstanbul", "istanbul"])
        folded_together = bool(cursor.fetchone()[0])
    expected = {"İstanbul", "AI"} if folded_together else {"İstanbul", "istanbul", "AI"}
    assert set(Article.objects.get().topics.values_list("name", flat=True)) == expected
    assert set(Topic.objects.values_list("name", flat=True)) == expected
