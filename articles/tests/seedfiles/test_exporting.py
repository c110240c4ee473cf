import pytest
import yaml

from articles.models import Article, RelatedLink, Topic
from articles.seedfiles import export_seeds, import_seeds
from articles.seedfiles.format import plain, quoted
from providers.models import Provider, ProviderAlias

from ..seedtext import Raw, related_item, render_seed, seed_record, write_seed

pytestmark = pytest.mark.django_db


def web_seed():
    """Shaped like the real webUrl seed: quoted values, AMP URLs on some related items."""
    record = seed_record(1, related=4)
    del record["related"][2]["ampWebUrl"], record["related"][2]["cdnAmpWebUrl"]
    del record["related"][3]["images"]
    return record


def source_seed():
    """Shaped like the real sourceUrl seed: bare URLs and dates, an excerpt with quotes."""
    record = seed_record(2, style="source", related=5)
    record["excerpt"] = 'London is “camera-crazy”. He said: "It works" — really ...'
    del record["related"][1]["ampUrl"], record["related"][1]["cdnAmpUrl"]
    return record


def load(text):
    """The record of a seed file (``safe_load_all`` yields it, then ``None``)."""
    return next(yaml.safe_load_all(text))


def export_one(tmp_path):
    out = tmp_path / "out"
    result = export_seeds(out)
    assert result.count == 1
    [path] = out.iterdir()
    return path


@pytest.mark.parametrize("make", [web_seed, source_seed], ids=["webUrl", "sourceUrl"])
def test_fresh_import_exports_byte_for_byte(tmp_path, make):
    text = render_seed(make())
    import_seeds([write_seed(tmp_path, "in/000_0123456789abcdef.txt", text)])
    path = export_one(tmp_path)
    assert path.name == Article.objects.get().slug + ".txt"
    assert path.read_text(encoding="utf-8") == text


def test_export_documents_its_normalisations(tmp_path):
    record = web_seed()
    record["provider"]["domain"] = "www.Example-News.com"
    record["related"].append(dict(record["related"][0]))  # a repeat
    record["related"].append(related_item(9, url=record["webUrl"]))  # itself
    import_seeds([write_seed(tmp_path, "in/a.txt", record)])
    exported = load(export_one(tmp_path).read_text())

    original = load(render_seed(record))
    original["provider"]["domain"] = "example-news.com"
    original["related"] = original["related"][:4]
    assert exported == original


def test_export_carries_the_database_not_the_feed(tmp_path):
    import_seeds([write_seed(tmp_path, "in/a.txt", web_seed())])
    article = Article.objects.get()
    article.title = "An editor's headline"
    article.status = Article.Status.PUBLISHED
    article.save()
    article.related_links.filter(position=1).update(is_hidden=True)
    exported = load(export_one(tmp_path).read_text())
    assert exported["title"] == "An editor's headline"
    assert exported["published"] is True
    assert [item.get("hidden", False) for item in exported["related"]] == [
        False,
        True,
        False,
        False,
    ]


def snapshot():
    """Everything the import decides, without ids, timestamps or file names."""
    articles = {}
    for article in Article.objects.select_related("provider").prefetch_related(
        "topics", "images", "related_links__provider", "related_links__target"
    ):
        articles[article.url] = {
            **{
                name: getattr(article, name)
                for name in (
                    "source_url",
                    "url_style",
                    "title",
                    "excerpt",
                    "category",
                    "kind",
                    "amp_url",
                    "cdn_amp_url",
                    "published_at",
                    "quality",
                    "heat",
                    "status",
                    "secured",
                    "feed_extra",
                )
            },
            "provider": article.provider.domain,
            "topics": sorted(t.name for t in article.topics.all()),
            "images": [(i.url, i.width, i.height, i.title) for i in article.images.all()],
            "links": [
                (
                    link.position,
                    link.url,
                    link.source_url,
                    link.title,
                    link.excerpt,
                    link.published_at,
                    link.provider.domain,
                    link.quality,
                    link.kind,
                    link.amp_url,
                    link.cdn_amp_url,
                    link.image_url,
                    link.image_width,
                    link.image_height,
                    link.is_hidden,
                    link.target.url if link.target else None,
                )
                for link in article.related_links.all()
            ],
        }
    providers = sorted(Provider.objects.values_list("domain", "name", "logo_url"))
    topics = sorted(Topic.objects.values_list("name", "slug"))
    return articles, providers, topics


def test_export_then_import_into_an_empty_database_gives_the_same_database(tmp_path):
    cited = source_seed()
    citing = web_seed()
    citing["related"].append(related_item(8, url=cited["sourceUrl"]))
    citing["provider"]["images"] = [{"url": "/logo.png", "width": 50, "height": 50}]
    extra = seed_record(3, published=True, heat=99, firstSeen=Raw("2020-01-01T00:00:00Z"))
    extra["ranking"] = {"score": 1.5, "tags": ["a"]}
    for n, record in enumerate([cited, citing, extra]):
        write_seed(tmp_path, f"in/{n}.txt", record)
    import_seeds([tmp_path / "in"])
    RelatedLink.objects.filter(position=2).update(is_hidden=True)
    before = snapshot()
    assert len(before[0]) == 3

    export_seeds(tmp_path / "out")
    Article.objects.all().delete()
    ProviderAlias.objects.all().delete()
    Provider.objects.all().delete()
    Topic.objects.all().delete()
    result = import_seeds([tmp_path / "out"])

    assert (result.created, result.failed) == (3, 0)
    assert snapshot() == before


@pytest.mark.parametrize(
    "value",
    [
        "plain words",
        "true",
        "123",
        "a: b",
        "#tag",
        "- x",
        "x #y",
        " lead",
        "tab\there",
        "",
        "nul\x00",
        "line\nbreak",
        'quote " and \\ slash',
        "null",
        "2020-01-01",
        "~",
        "é ü “x”",
        "\u2028",
        "@at",
        "50%",
    ],
)
def test_scalars_read_back_as_the_same_string(value):
    for render in (plain, quoted):
        assert yaml.safe_load(f"key: {render(value)}\n") == {"key": value}


def test_plain_leaves_urls_and_names_bare():
    assert plain("https://example.com/a?b=1&c=2") == "https://example.com/a?b=1&c=2"
    assert plain("Raleigh News & Observer") == "Raleigh News & Observer"
    assert plain("yes") == '"yes"'


def test_a_stale_export_does_not_hide_a_link_an_editor_showed_again(tmp_path):
    import_seeds([write_seed(tmp_path, "in/a.txt", web_seed())])
    RelatedLink.objects.filter(position=1).update(is_hidden=True)
    export_seeds(tmp_path / "out")
    RelatedLink.objects.filter(position=1).update(is_hidden=False)  # the editor changes her mind
    Article.objects.update(content_hash="")  # make the export count as changed

    assert import_seeds([tmp_path / "out"]).updated == 1
    assert not RelatedLink.objects.filter(is_hidden=True).exists()
