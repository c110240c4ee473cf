"""Full-text search: the same cases give the same results on SQLite and PostgreSQL.

Run this file under both (``DATABASE_URL=postgres://… pytest articles/tests/test_search.py``).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import (
    MAX_WORDS,
    count_matches,
    fts5_match,
    highlight,
    matching_ids,
    restore_sqlite_triggers,
    search_articles,
    search_terms,
)

from .factories import make_article, make_provider

pytestmark = pytest.mark.django_db


def found(query, queryset=None):
    queryset = Article.objects.published() if queryset is None else queryset
    return list(search_articles(queryset, query))


def titles(query):
    return [article.title for article in found(query)]


# Matching ---------------------------------------------------------------------------


def test_every_word_must_match_in_title_or_excerpt():
    both = make_article(title="Police use facial recognition", excerpt="Cameras in London")
    make_article(title="Facial recognition at airports", excerpt="Queues")
    assert found("facial london") == [both]
    assert found("recognition cameras") == [both]
    assert found("facial submarine") == []


def test_a_quoted_phrase_matches_as_a_phrase():
    phrase = make_article(title="Machine learning in hospitals")
    make_article(title="Learning machine tools", excerpt="A workshop")
    assert found('"machine learning"') == [phrase]
    assert set(found("machine learning")) == set(Article.objects.all())


def test_an_unbalanced_quote_runs_to_the_end():
    phrase = make_article(title="Machine learning in hospitals")
    make_article(title="Learning machine tools")
    assert found('"machine learning') == [phrase]
    assert found('hospitals "machine learning') == [phrase]


def test_case_and_accents_are_folded_both_ways():
    ecole = make_article(title="L’École polytechnique rouvre", excerpt="Réouverture à Paris")
    assert found("ecole") == [ecole]
    assert found("ÉCOLE") == [ecole]
    assert found("école POLYTECHNIQUE") == [ecole]
    assert found("reouverture") == [ecole]
    assert found("Pâris") == [ecole]


# Found on PostgreSQL (unaccent) and not on SQLite before migration 0022.
FOLDED = [
    ("Ørsted wins the wind auction", "orsted"),
    ("Łódź opens its new station", "lodz"),
    ("Æsir sagas in Ærø", "aesir aero"),
    ("Straße closed after the storm", "strasse"),
    ("Þingvellir and the Ðóttir family", "thingvellir dottir"),
    ("Ħal Far airfield reopens", "hal far"),
    ("ﬁnancial ﬂows reverse", "financial flows"),
    ("Αθήνα votes on the budget", "αθηνα"),
    ("Ёлка festival in Moscow", "елка"),
    ("Ｅｕｒｏｐｅ in fullwidth", "europe"),
    ("Europe’s AI rules", "Europeʼs AI"),
]


@pytest.mark.parametrize(("title", "query"), FOLDED, ids=[query for _, query in FOLDED])
def test_letters_that_do_not_decompose_fold_too(title, query):
    article = make_article(title=title)
    make_article(title="Something else entirely")
    assert found(query) == [article]
    assert "<mark>" in highlight(title, query)


@pytest.mark.parametrize("query", ["Europe ①", "Europe ᛮ", "Europe 〡", "① Europe ①"])
def test_a_character_that_is_neither_letter_nor_digit_is_a_separator(query):
    article = make_article(title="Europe votes ① on AI")
    assert found(query) == [article]
    assert found("①") == []


def test_a_word_too_long_to_index_matches_nothing():
    make_article(title="Europe votes on AI")
    assert found("Europe " + "東" * 700) == []
    assert found("Europe " + "東" * 600) == []  # 1,800 bytes: indexable, not there


def test_words_match_whole_not_as_substrings():
    make_article(title="Supervision of banks")
    assert found("vision") == []
    assert found("super") == []


@pytest.mark.parametrize("query", ["Europe's", "Europe’s", "europe s", '"Europe’s AI"'])
@pytest.mark.parametrize("title", ["Europe’s AI rules", "Europe's AI rules"])
def test_either_apostrophe_finds_either(title, query):
    article = make_article(title=title)
    make_article(title="Europe votes on AI", excerpt="Rules for its neighbours")
    assert found(query) == [article]


def test_the_reader_list_finds_europes_ai_rules(client):
    article = make_article(title="Europe’s AI rules")
    response = client.get(reverse("articles:article_list"), {"q": "Europe's"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [article]


def test_punctuation_inside_a_word_makes_a_phrase():
    host = make_article(title="Why ft.com changed its paywall")
    make_article(title="FT profits", excerpt="The com sector")
    assert found("ft.com") == [host]


def test_unpublished_articles_are_never_found():
    publisher = make_provider(is_blocked=True)
    make_article(title="Hidden pending robots", status=Article.Status.PENDING)
    make_article(title="Hidden rejected robots", status=Article.Status.REJECTED)
    make_article(title="Hidden scheduled robots", publish_at=timezone.now() + timedelta(days=1))
    make_article(title="Hidden blocked robots", provider=publisher)
    visible = make_article(title="Visible robots")
    assert found("robots") == [visible]
    assert found("hidden") == []
    assert len(found("robots", Article.objects.all())) == 5


def test_the_query_is_cut_to_a_few_distinct_terms():
    assert search_terms('Grand "École d’été" grand') == [("grand",), ("ecole", "d", "ete")]
    assert len(search_terms(" ".join(f"w{n}" for n in range(50)))) == MAX_WORDS
    assert search_terms("*** --- ()") == []
    assert fts5_match([("a", "b"), ("NEAR",)]) == '"a b" "NEAR"'


# Order ------------------------------------------------------------------------------


def test_title_matches_rank_above_excerpt_matches_then_newest_first():
    now = timezone.now()
    in_excerpt = make_article(
        title="A report on the week", excerpt="Satellites launched", published_at=now
    )
    old_title = make_article(
        title="Satellites launched", excerpt="A report on the week", published_at=now - timedelta(3)
    )
    new_title = make_article(
        title="Satellites launched", excerpt="A report on the week", published_at=now - timedelta(1)
    )
    assert found("satellites") == [new_title, old_title, in_excerpt]
    ranks = [article.search_rank for article in found("satellites")]
    assert ranks[0] == ranks[1] > ranks[2]


def test_more_of_the_words_in_the_title_ranks_higher():
    now = timezone.now()
    one = make_article(title="Flood warning", excerpt="Rivers rise in Devon", published_at=now)
    both = make_article(
        title="Devon flood warning", excerpt="Rivers rise", published_at=now - timedelta(2)
    )
    assert found("devon flood") == [both, one]


# The index stays in step, whatever writes ----------------------------------------------


def test_queryset_update_reindexes():
    article = make_article(title="Old headline")
    Article.objects.filter(pk=article.pk).update(title="Brand new headline", excerpt="Fresh")
    assert found("old") == []
    assert found("brand fresh") == [article]


def test_save_reindexes():
    article = make_article(title="Old headline")
    article.excerpt = "Now with an excerpt"
    article.save()
    assert found("headline excerpt") == [article]


def test_bulk_create_is_indexed():
    provider = make_provider()
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"Bulk story {n}",
            excerpt="Made by machine" if n % 2 else "Made by hand",
            url=f"https://bulk.example/{n}",
            source_url=f"https://bulk.example/{n}",
            slug=f"bulk-{n}",
            published_at=now - timedelta(minutes=n),
            status=Article.Status.PUBLISHED,
            provider=provider,
        )
        for n in range(6)
    )
    assert titles("machine") == ["Bulk story 1", "Bulk story 3", "Bulk story 5"]
    assert len(found("bulk story")) == 6


def test_deleted_articles_leave_the_index():
    gone = make_article(title="Vanishing act")
    kept = make_article(title="Vanishing point")
    gone.delete()
    assert found("vanishing") == [kept]
    Article.objects.filter(pk=kept.pk).delete()
    assert found("vanishing") == []


def test_a_huge_excerpt_is_indexed_without_error():
    excerpt = " ".join(f"w{n}" for n in range(150_000))
    article = make_article(title="Long read", excerpt=excerpt)
    assert found("w1 w9999") == [article]


def test_triggers_dropped_by_a_table_rebuild_come_back():
    # Django's SQLite schema editor alters a table by rebuilding it, dropping its
    # triggers; post_migrate puts them back. PostgreSQL keeps its trigger through ALTER.
    article = make_article(title="Before the rebuild")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER articles_article_fts_update")
    Article.objects.filter(pk=article.pk).update(title="After the rebuild")
    assert restore_sqlite_triggers() is (connection.vendor == "sqlite")
    assert found("after") == [article]
    assert found("before") == []
    assert restore_sqlite_triggers() is False


# Hostile input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"""',
        'robots "',
        "NEAR(robots stories)",
        "robots NEAR stories",
        "robots*",
        "^robots",
        "title:robots",
        "-robots",
        "robots AND OR NOT",
        "(robots",
        "robots)",
        "{title excerpt}: robots",
        "' OR 1=1 --",
        "\\",
        "%_",
        "robots " * 5000,
        "x" * 100_000,
        "🤖 robots",
        "robots\x00stories",
        "\x00",
        "字" * 1000,
    ],
)
def test_hostile_queries_never_raise(query):
    robots = make_article(title="Robots and stories")
    result = found(query)
    assert result in ([], [robots])
    assert count_matches(Article.objects.published(), query, 10) == len(result)


def test_syntax_characters_are_only_separators():
    robots = make_article(title="Robots and stories")
    assert found("NEAR(robots stories)") == []  # "near" is a word like any other
    assert found("robots* ^stories") == [robots]
    assert found("-robots") == [robots]


# Counting, ids and highlighting -------------------------------------------------------


def test_count_matches_stops_past_the_cap():
    for n in range(5):
        make_article(title=f"Counted story {n}")
    make_article(title="Counted but pending", status=Article.Status.PENDING)
    published = Article.objects.published()
    assert count_matches(published, "counted", 10) == 5
    assert count_matches(published, "counted", 3) == 4
    assert count_matches(Article.objects.all(), "counted", 10) == 6


def test_matching_ids_works_as_a_subquery():
    hit = make_article(title="Admin finds this", status=Article.Status.PENDING)
    make_article(title="Admin skips that")
    queryset = Article.objects.filter(pk__in=matching_ids(Article.objects.all(), "finds"))
    assert list(queryset) == [hit]


def test_highlight_marks_matches_and_escapes_the_rest():
    text = "<b>L’École</b> & Europe’s schools"
    assert highlight(text, "ecole europe's") == (
        "&lt;b&gt;L’<mark>École</mark>&lt;/b&gt; &amp; <mark>Europe’s</mark> schools"
    )
    assert highlight("Machine learning, learning machine", '"machine learning"') == (
        "<mark>Machine learning</mark>, learning machine"
    )
    assert highlight("<script>", "script") == "&lt;<mark>script</mark>&gt;"
    assert highlight("Nothing here", "") == "Nothing here"


def test_highlight_snippet_starts_near_the_first_match():
    text = " ".join(f"word{n}" for n in range(100))
    snippet = highlight(text, "word50", max_words=10)
    assert snippet == (
        "…word47 word48 word49 <mark>word50</mark> word51 word52 word53 word54 word55 word56…"
    )
    assert highlight(text, "nothing", max_words=3) == "word0 word1 word2…"


def test_search_is_case_and_accent_blind_on_the_highlight_too():
    article = make_article(title="ÉCOLE d’été", excerpt="")
    [hit] = found("ecole ETE")
    assert hit == article
    assert highlight(hit.title, "ecole ETE") == "<mark>ÉCOLE</mark> d’<mark>été</mark>"


def test_the_desk_search_uses_the_full_text_index_and_still_finds_urls(admin_client):
    school = make_article(title="L’École des journalistes", status=Article.Status.PENDING)
    by_url = make_article(url="https://unusual-host.example/x", title="Nothing in common")
    changelist = reverse("admin:articles_article_changelist")

    accents = admin_client.get(changelist, {"q": "ecole", "status": "pending"})
    url = admin_client.get(changelist, {"q": "unusual-host", "status": "all"})

    assert list(accents.context["cl"].result_list) == [school]
    assert by_url in list(url.context["cl"].result_list)


def test_the_desk_search_finds_a_publisher_word_beside_a_headline_word(admin_client):
    """Each search needed every word on its side: a publisher's word and a headline's
    word together found nothing."""
    hidden = make_provider("hidden.example", name="Hidden Gazette")
    wanted = make_article(title="Secret Europe’s AI rules draft", provider=hidden)
    make_article(title="Secret budget", status=Article.Status.PENDING)
    make_article(title="Europe’s AI rules", provider=hidden, status=Article.Status.PENDING)
    changelist = reverse("admin:articles_article_changelist")

    def results(q):
        response = admin_client.get(changelist, {"q": q, "status": "all"})
        return list(response.context["cl"].result_list)

    assert results("hidden Secret") == [wanted]
    assert results('"hidden gazette" secret') == [wanted]
    assert results("hidden secret nowhere") == []


def test_the_reader_list_says_when_a_long_query_was_cut(client):
    make_article(title="Alpha beta gamma delta epsilon zeta eta theta")
    eight = "alpha beta gamma delta epsilon zeta eta theta"
    said = "a search reads only its first 8 words or phrases"
    assert said not in client.get(reverse("articles:article_list"), {"q": eight}).text
    ninth = client.get(reverse("articles:article_list"), {"q": eight + " iota"}).text
    assert said in ninth and "1 result for" in ninth
    phrase = '"' + " ".join(["alpha"] * 17) + '"'
    assert said in client.get(reverse("articles:article_list"), {"q": phrase}).text


def test_the_reader_list_ranks_a_search_by_relevance_unless_told_otherwise(client):
    old_but_apt = make_article(
        title="Floods floods floods: the floods explained",
        published_at=timezone.now() - timedelta(days=20),
    )
    new_in_passing = make_article(
        title="Council meeting", excerpt="Also discussed: floods.", published_at=timezone.now()
    )

    ranked = client.get("/", {"q": "floods"}).context["object_list"]
    newest = client.get("/", {"q": "floods", "sort": "newest"}).context["object_list"]
    plain = client.get("/").context["object_list"]

    assert list(ranked) == [old_but_apt, new_in_passing]
    assert list(newest) == [new_in_passing, old_but_apt]
    assert list(plain)[0] == new_in_passing  # no search: newest first, as before


def test_the_reader_list_says_how_many_match_and_marks_the_words(client):
    make_article(title="Storms <b>hit</b> the coast", excerpt="Storms again.")
    make_article(title="Storms inland")
    make_article(title="Calm weather")

    response = client.get("/", {"q": "storms"})

    assert "2 results for “storms”" in response.text
    assert "<mark>Storms</mark> &lt;b&gt;hit&lt;/b&gt; the coast" in response.text
    assert "<b>hit</b>" not in response.text
    assert "<mark>" not in client.get("/").text
