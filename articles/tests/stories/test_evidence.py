"""Story membership from each kind of evidence, and the evidence that joins nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from articles.models import Article, RelatedLink, Story
from articles.seedfiles.writer import relink
from articles.stories.terms import significant_terms

from .helpers import article, groups, import_records, record, story_of, url_of

pytestmark = pytest.mark.django_db

DAY = datetime(2020, 2, 11, 9, 0, tzinfo=UTC)


def test_an_article_listing_another_as_related_coverage_joins_its_story(tmp_path):
    import_records(tmp_path, record(1, "Parliament approves the budget after a long night"))
    import_records(tmp_path, record(2, "Markets rally as shares climb", related=[url_of(1)]))
    assert groups(1, 2) == {frozenset({1, 2})}
    assert Story.objects.count() == 1


def test_the_citation_joins_whichever_of_the_two_is_imported_first(tmp_path):
    import_records(tmp_path, record(2, "Markets rally as shares climb", related=[url_of(1)]))
    assert story_of(2) is None
    import_records(tmp_path, record(1, "Parliament approves the budget after a long night"))
    assert groups(1, 2) == {frozenset({1, 2})}


def test_articles_in_one_chunk_citing_each_other_make_one_story(tmp_path):
    import_records(
        tmp_path,
        record(1, "Budget approved", related=[url_of(2)]),
        record(2, "Shares climb", related=[url_of(3)]),
        record(3, "Bond yields fall"),
        record(4, "Unrelated football result"),
    )
    assert groups(1, 2, 3, 4) == {frozenset({1, 2, 3}), frozenset({4})}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's parallel imports: SQLite's writers take turns, so a link always "
    "finds the article it cites when it is written",
)
@pytest.mark.parametrize("run", ["citing", "cited"])
def test_a_citation_another_process_left_unresolved_joins_when_relinked(tmp_path, run):
    # As when process A wrote article 2's link while process B was creating article 1:
    # the link could not see it, and neither chunk saw the other's citation. The end of
    # A's run relinks what it cited (article 2's links), the end of B's what it created.
    import_records(tmp_path, record(1, "Parliament approves the budget after a long night"))
    import_records(tmp_path, record(2, "Markets rally as shares climb", related=[url_of(1)]))
    Article.objects.update(story=None)
    Story.objects.all().delete()
    RelatedLink.objects.update(target=None)

    if run == "citing":
        relink({article(2).id}, set())
    else:
        relink(set(), {article(1).id})

    assert RelatedLink.objects.get(article=article(2), url=article(1).url).target == article(1)
    assert groups(1, 2) == {frozenset({1, 2})}


def test_two_articles_sharing_a_related_url_on_their_topic_join(tmp_path):
    shared = (
        "https://www.newsobserver.com/news/local/article239680113.html",
        "Raleigh police quietly tested facial recognition, records show",
    )
    import_records(
        tmp_path,
        record(
            1, "Met Police begins deploying live facial recognition in Stratford", related=[shared]
        ),
        record(
            2,
            "London police cameras scan shoppers for wanted suspects, and people are not happy",
            when=DAY + timedelta(days=3),
            related=[shared, "https://other.example/x"],
        ),
    )
    assert groups(1, 2) == {frozenset({1, 2})}


def test_a_shared_related_url_off_the_topic_of_one_article_joins_nothing(tmp_path):
    # The demo's trap: the News & Observer piece is also listed under a chips story.
    shared = (
        "https://www.newsobserver.com/news/local/article239680113.html",
        "Raleigh police quietly tested facial recognition, records show",
    )
    import_records(
        tmp_path,
        record(
            1, "Met Police begins deploying live facial recognition in Stratford", related=[shared]
        ),
        record(2, "Chipmakers warn of shortages as demand outstrips supply", related=[shared]),
    )
    assert groups(1, 2) == {frozenset({1}), frozenset({2})}


def test_a_hub_url_listed_by_very_many_articles_joins_nothing(tmp_path, settings):
    settings.STORY_HUB_LINKS = 3
    home = ("https://www.bbc.co.uk/news", "BBC News - Home: police, budget, weather, football")
    titles = [
        "Police appeal for witnesses after a crash",
        "Budget vote delayed again by the police row",
        "Weather warning for the weekend, police say",
        "Football club sacks its manager over police probe",
    ]
    import_records(tmp_path, *(record(n, t, related=[home]) for n, t in enumerate(titles, 1)))
    assert Story.objects.count() == 0
    assert groups(1, 2, 3, 4) == {frozenset({n}) for n in (1, 2, 3, 4)}


def test_a_url_listed_by_a_few_articles_is_not_a_hub(tmp_path, settings):
    settings.STORY_HUB_LINKS = 3
    home = ("https://www.bbc.co.uk/news/police-budget", "Police budget row deepens")
    import_records(
        tmp_path,
        record(1, "Police appeal for witnesses after a crash", related=[home]),
        record(2, "Budget vote delayed again by the police row", related=[home]),
    )
    assert groups(1, 2) == {frozenset({1, 2})}


def test_a_hidden_related_link_is_no_evidence(tmp_path):
    import_records(tmp_path, record(1, "Parliament approves the budget after a long night"))
    import_records(tmp_path, record(2, "Markets rally", related=[url_of(1)]))
    story = article(2).story
    story.articles.update(story=None)
    story.delete()
    article(2).related_links.update(is_hidden=True)
    import_records(tmp_path, record(2, "Markets rally further", related=[url_of(1)]))
    assert groups(1, 2) == {frozenset({1}), frozenset({2})}


# The real feed's five articles on the Metropolitan Police's live facial recognition, over
# 18 days, from Computing, KnowTechie, the FT, U.S. News and the Independent.
FACE_POLICE = [
    (
        "Met Police to deploy facial recognition cameras in London",
        "The Metropolitan Police will start using live facial recognition cameras on the "
        "streets of London within a month, a move privacy campaigners called a breathtaking "
        "assault on rights.",
        datetime(2020, 1, 24, 10, 5, tzinfo=UTC),
    ),
    (
        "London Police to Deploy Facial Recognition Cameras Despite Privacy Concerns",
        "London's Metropolitan Police said on Friday it would begin using live facial "
        "recognition cameras to help identify and arrest suspects.",
        datetime(2020, 1, 24, 14, 30, tzinfo=UTC),
    ),
    (
        "Facial recognition to be rolled out across London by Met Police despite privacy concerns",
        "Scotland Yard says cameras will be used at specific locations to find people wanted "
        "for serious and violent offences.",
        datetime(2020, 1, 24, 11, 0, tzinfo=UTC),
    ),
    (
        "Met Police begins deploying live facial recognition cameras in Stratford",
        "The Metropolitan Police has started deploying live facial recognition cameras in east "
        "London, saying the technology will help find wanted offenders.",
        datetime(2020, 2, 11, 9, 40, tzinfo=UTC),
    ),
    (
        "London police set up live facial recognition cameras, and people are not happy",
        "London is already one of the most watched cities on earth, and now the Metropolitan "
        "Police cameras are running facial recognition software as well.",
        datetime(2020, 2, 11, 16, 20, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [3, 0, 4, 2, 1]])
def test_the_five_facial_recognition_articles_over_18_days_make_one_story(tmp_path, order):
    # No related coverage at all: close headlines and excerpts alone join them.
    import_records(
        tmp_path,
        *(record(n + 1, *FACE_POLICE[n]) for n in order),
        chunk_size=2,
    )
    assert groups(1, 2, 3, 4, 5) == {frozenset({1, 2, 3, 4, 5})}


def test_close_headlines_outside_the_time_window_stay_apart(tmp_path, settings):
    settings.STORY_WINDOW_DAYS = 7
    title, excerpt, when = FACE_POLICE[0]
    later_title, later_excerpt, _ = FACE_POLICE[3]
    import_records(
        tmp_path,
        record(1, title, excerpt, when),
        record(2, later_title, later_excerpt, when + timedelta(days=8)),
    )
    assert groups(1, 2) == {frozenset({1}), frozenset({2})}


def test_significant_terms_fold_plurals_and_find_names():
    terms = significant_terms(
        "Police deploy cameras in Stratford", "The camera will watch shoppers in east London."
    )
    assert {"police", "deploy", "camera", "stratford", "shopper", "london"} <= set(terms)
    assert terms["stratford"].is_name and terms["london"].is_name
    assert not terms["police"].is_name
    assert terms["camera"].weight == 2 and terms["london"].weight == 1
    assert "the" not in terms
