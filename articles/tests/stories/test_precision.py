"""Precision: distinct events told in the same words stay apart, and the demo's story
clusters come out as ``fixtures/make_demo_seeds.py`` designed them."""

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from articles.models import Article, Story
from articles.seedfiles import import_seeds
from articles.urlnorm import canonical_url

from .helpers import groups, import_records, record
from .test_evidence import FACE_POLICE

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
DAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# Pairs of distinct events, each told in nearly the same words, within days of each other.
LOOK_ALIKES = [
    (
        (
            "Magnitude 6.1 earthquake strikes off the coast of Japan",
            "A tsunami warning was issued for Hokkaido and later lifted, the Japan "
            "Meteorological Agency said.",
        ),
        (
            "Magnitude 6.1 earthquake strikes off the coast of Chile",
            "Buildings swayed in Santiago and a tsunami warning was issued, the Chilean navy said.",
        ),
    ),
    (
        (
            "Fire breaks out at a warehouse in Leeds as crews battle the blaze",
            "Residents of Kirkstall were told to keep windows closed as smoke spread across "
            "the city.",
        ),
        (
            "Fire breaks out at a warehouse in Bristol as crews battle the blaze",
            "Residents of Avonmouth were told to keep windows closed as smoke spread across "
            "the docks.",
        ),
    ),
    (
        (
            "Police in Delhi deploy facial recognition cameras to identify protesters",
            "Officers in India's capital used the software at rallies against the citizenship "
            "law, activists said.",
        ),
        FACE_POLICE[0][:2],
    ),
    (
        (
            "Central bank raises interest rates by a quarter point to fight inflation",
            "The Bank of England said inflation was still too high and borrowing costs would "
            "stay up for longer.",
        ),
        (
            "Central bank raises interest rates by a quarter point to fight inflation",
            "The Reserve Bank of Australia said inflation was still too high, surprising "
            "economists in Sydney.",
        ),
    ),
    (
        (
            "Apple unveils a new iPhone with a faster chip and a better camera",
            "The Cupertino company showed the handset at its autumn event in California.",
        ),
        (
            "Samsung unveils a new Galaxy phone with a faster chip and a better camera",
            "The Korean company showed the handset at its Unpacked event in Seoul.",
        ),
    ),
]


@pytest.mark.parametrize("pair", LOOK_ALIKES, ids=lambda p: p[0][0][:30])
def test_look_alike_events_stay_apart(tmp_path, pair):
    (title_a, excerpt_a), (title_b, excerpt_b) = pair
    import_records(
        tmp_path,
        record(1, title_a, excerpt_a, DAY),
        record(2, title_b, excerpt_b, DAY + timedelta(hours=30)),
    )
    assert groups(1, 2) == {frozenset({1}), frozenset({2})}
    assert Story.objects.count() == 0


def test_look_alikes_imported_together_with_their_real_stories_stay_apart(tmp_path):
    # The five Met Police articles make one story; Delhi's look-alike stays out of it.
    delhi = LOOK_ALIKES[2][0]
    import_records(
        tmp_path,
        *(record(n + 1, *FACE_POLICE[n]) for n in range(5)),
        record(6, *delhi, FACE_POLICE[0][2] + timedelta(days=2)),
    )
    assert groups(1, 2, 3, 4, 5, 6) == {frozenset({1, 2, 3, 4, 5}), frozenset({6})}


def _demo_clusters():
    spec = importlib.util.spec_from_file_location(
        "demo_seeds", ROOT / "fixtures/make_demo_seeds.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_seeds_give_the_designed_story_clusters(tmp_path):
    demo = _demo_clusters()
    result = import_seeds([ROOT / "fixtures" / "seeds"])
    assert result.failed == 0
    designed = set()
    n = 0
    for _key, _topics, items in demo.CLUSTERS:
        urls = set()
        for domain, headline, _lead in items:
            n += 1
            style = demo.WEB if n % 2 else demo.SOURCE
            urls.add(canonical_url(demo.article_url(domain, headline, n, style)))
        designed.add(frozenset(urls))
    found = {
        frozenset(story.articles.values_list("url", flat=True)) for story in Story.objects.all()
    }
    assert found == designed
    assert len(found) == len(demo.CLUSTERS) == 14
    assert not Article.objects.filter(story=None).exists()


def test_the_demo_fixture_loads_its_stories_and_load_demo_indexes_their_words():
    from django.core.management import call_command

    from articles.models import StoryTerm

    call_command("load_demo", verbosity=0)
    assert Story.objects.count() == 14
    assert not Article.objects.filter(story=None).exists()
    assert StoryTerm.objects.filter(term="facial").count() >= 4
