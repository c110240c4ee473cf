"""Editors' decisions in the admin meet later imports of the feed."""

import pytest

from articles.importing import import_seeds
from articles.merging import merge_topics
from articles.models import Article, Topic
from providers.merging import merge_providers
from providers.models import Provider

from .seedtext import related_item, seed_record, write_seed

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
