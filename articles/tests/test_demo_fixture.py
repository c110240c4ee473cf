"""The demo content: ``loaddata demo`` fills an empty database, built from fixtures/seeds."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F

from articles.models import Article, ArticleImage, RelatedLink, Topic
from articles.seedfiles import import_seeds
from providers.models import Provider, ProviderAlias

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"

pytestmark = pytest.mark.django_db


def test_demo_seeds_import_cleanly_and_carry_every_quirk():
    result = import_seeds([SEEDS])

    assert result.failed == 0
    assert result.created == len(list(SEEDS.glob("*.txt"))) >= 40
    assert set(Article.objects.values_list("url_style", flat=True)) == {"web", "source"}
    # One publisher per domain whatever its name; the other names kept as aliases.
    assert Provider.objects.filter(domain="cbc.ca").count() == 1
    assert ProviderAlias.objects.filter(provider__domain="independent.co.uk").exists()
    # Related coverage that is itself an article here is linked to it.
    assert RelatedLink.objects.filter(target__isnull=False).count() > 40
    # The same outside story is related to several articles.
    shared = RelatedLink.objects.filter(url__contains="article239680113")
    assert shared.values("article").distinct().count() >= 2
    # Self references and repeats were dropped (the importer warns about each).
    assert not RelatedLink.objects.filter(url=F("article__url")).exists()
    assert len(result.warnings) >= 2
    assert Article.objects.filter(images__isnull=True).exists()
    assert Article.objects.filter(amp_url="").exists()


def test_loaddata_demo_fills_an_empty_database_with_natural_keys():
    call_command("loaddata", "demo", verbosity=0)

    assert Article.objects.count() >= 40
    assert Article.objects.published().count() >= 20
    assert Article.objects.pending().exists()
    assert Topic.objects.filter(slug="computer-vision").exists()
    assert Provider.objects.get_by_natural_key("independent.co.uk").articles.exists()
    assert RelatedLink.objects.filter(target__isnull=False).exists()


def test_demo_fixture_is_in_step_with_the_demo_seeds():
    """Rebuild with `make demo-fixture` after changing fixtures/seeds."""
    call_command("loaddata", "demo", verbosity=0)

    result = import_seeds([SEEDS])

    assert (result.created, result.updated, result.failed) == (0, 0, 0)
    assert result.unchanged == len(list(SEEDS.glob("*.txt")))


def test_every_demo_image_is_a_local_file_of_the_size_its_seed_states():
    """The demo works offline: each image and logo its seeds name is a committed file under
    static/demo-images/ (rebuilt by fixtures/make_demo_seeds.py), as large as stated."""
    from django.contrib.staticfiles import finders
    from PIL import Image

    from articles.images import DEMO_IMAGE_BASE, DEMO_STATIC_DIR

    import_seeds([SEEDS])
    images = [
        *ArticleImage.objects.values_list("url", "width", "height"),
        *RelatedLink.objects.exclude(image_url="").values_list(
            "image_url", "image_width", "image_height"
        ),
        *(
            (url, 50, 50)
            for url in Provider.objects.exclude(logo_url="").values_list("logo_url", flat=True)
        ),
    ]
    assert len(images) > 80
    for url, width, height in images:
        assert url.startswith(DEMO_IMAGE_BASE), url
        path = finders.find(DEMO_STATIC_DIR + url.removeprefix(DEMO_IMAGE_BASE))
        assert path, f"{url} has no file under static/{DEMO_STATIC_DIR}"
        with Image.open(path) as image:
            assert image.size == (width, height), url
            assert image.format == "WEBP"
