"""Stories for readers: the full-coverage page, the front page's grouping, the way from an
article to its story, the story feed and sitemap; nothing unpublished in any of them."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.coverage import coverage_counts, one_per_story, rank_key
from articles.models import Article

from .factories import make_article, make_provider, make_related, make_story, make_topic

pytestmark = pytest.mark.django_db

FORMATS = ("rss", "atom", "json")


def story_url(story):
    return reverse("articles:story_detail", kwargs={"slug": story.slug})


def feed_url(story, fmt):
    return reverse(f"articles:story_feed_{fmt}", kwargs={"slug": story.slug})


def json_ld(body):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


@pytest.fixture
def world():
    """One story with published members, every kind of unseen member, and their links."""
    now = timezone.now()
    blocked = make_provider("blocked.example", name="Blocked Daily", is_blocked=True)
    times = make_provider("times.example", name="The Times")
    lead = make_article(title="Quake hits the coast", quality=90, heat=50, provider=times)
    second = make_article(
        title="Aftershocks expected", quality=70, published_at=now - timedelta(minutes=5)
    )
    unseen = {
        "pending": make_article(title="SECRET pending take", status=Article.Status.PENDING),
        "rejected": make_article(title="SECRET rejected take", status=Article.Status.REJECTED),
        "scheduled": make_article(
            title="SECRET scheduled take", publish_at=now + timedelta(days=1), quality=99
        ),
        "blocked": make_article(title="SECRET blocked take", provider=blocked, quality=99),
    }
    story = make_story(lead, second, *unseen.values())
    wire = make_provider("wire.example", name="Wire Service")
    outside = [
        make_related(lead, url="https://wire.example/quake", title="Wire: quake", provider=wire),
        # The same piece cited by another member is one source.
        make_related(second, url="https://wire.example/quake", title="Wire: quake", provider=wire),
        make_related(second, url="https://radio.example/quake", title="Radio on the quake"),
    ]
    # A link to one of our own members is shown as our article, not as outside coverage.
    make_related(lead, url=second.url, title="Our second article, as a link", target=second)
    make_related(lead, url="https://hidden.example/x", title="SECRET hidden link", is_hidden=True)
    make_related(lead, title="SECRET blocked publisher link", provider=blocked)
    make_related(lead, url=unseen["pending"].url, title="SECRET link to pending member")
    for article in unseen.values():
        make_related(article, title=f"SECRET link of the {article.status} member")
    return {"story": story, "lead": lead, "second": second, "unseen": unseen, "outside": outside}


# The story page --------------------------------------------------------------------


def test_story_page_shows_lead_members_and_outside_coverage(client, world):
    response = client.get(story_url(world["story"]))
    assert response.status_code == 200
    coverage = response.context["coverage"]
    assert coverage.lead == world["lead"]
    assert coverage.others == [world["second"]]
    assert coverage.title == "Quake hits the coast"
    groups = {
        group.provider.name: [link.title for link in group.links] for group in coverage.groups
    }
    assert groups["Wire Service"] == ["Wire: quake"]  # deduplicated across the story
    assert "Radio on the quake" in sum(groups.values(), [])
    assert sum(len(links) for links in groups.values()) == 2
    # 2 of our articles + 2 distinct outside pieces.
    assert coverage.counts.sources == 4
    body = response.content.decode()
    assert '<h1 id="coverage-heading">Quake hits the coast</h1>' in body
    assert "Our second article, as a link" not in body
    assert f'<link rel="canonical" href="http://testserver{story_url(world["story"])}">' in body


def test_story_page_never_shows_unpublished_members_or_their_links(client, world):
    body = client.get(story_url(world["story"])).content.decode()
    assert "SECRET" not in body
    for article in world["unseen"].values():
        assert article.slug not in body and article.url not in body
        assert article.secured not in body
    assert world["lead"].secured not in body


def test_a_story_with_no_published_member_is_not_found(client):
    story = make_story(
        make_article(status=Article.Status.PENDING),
        make_article(status=Article.Status.REJECTED),
        make_article(publish_at=timezone.now() + timedelta(hours=2)),
        make_article(provider=make_provider(is_blocked=True)),
    )
    assert client.get(story_url(story)).status_code == 404
    for fmt in FORMATS:
        assert client.get(feed_url(story, fmt)).status_code == 404
    assert client.get("/stories/no-such-story/").status_code == 404


def test_editor_title_and_lead_are_used_only_when_readers_may_see_them(client, world):
    story = world["story"]
    story.lead = world["unseen"]["scheduled"]
    story.save()
    coverage = client.get(story_url(story)).context["coverage"]
    # The editor's lead is not visible yet: the best published member leads, and titles.
    assert coverage.lead == world["lead"]
    assert coverage.title == world["lead"].title
    story.lead = world["second"]
    story.title = "The coastal earthquake"
    story.save()
    response = client.get(story_url(story))
    assert response.context["coverage"].lead == world["second"]
    assert '<h1 id="coverage-heading">The coastal earthquake</h1>' in response.content.decode()


def test_reader_lead_is_best_quality_then_heat_then_newest():
    now = timezone.now()
    low = make_article(quality=10, heat=99, published_at=now)
    hot = make_article(quality=80, heat=40, published_at=now - timedelta(hours=3))
    newer = make_article(quality=80, heat=40, published_at=now - timedelta(hours=1))
    unscored = make_article(quality=None, heat=None, published_at=now)
    story = make_story(low, hot, newer, unscored)
    shown = list(one_per_story(Article.objects.published().filter(story=story)))
    best = max([low, hot, newer, unscored], key=rank_key)
    assert shown == [newer] == [best]


def test_story_page_markup_is_a_collection_of_news_articles(client, world):
    body = client.get(story_url(world["story"])).content.decode()
    data = json_ld(body)
    assert data["@type"] == "CollectionPage"
    assert data["name"] == "Quake hits the coast"
    items = data["mainEntity"]["itemListElement"]
    assert [item["item"]["@type"] for item in items] == ["NewsArticle", "NewsArticle"]
    assert items[0]["item"]["headline"] == "Quake hits the coast"
    assert items[0]["item"]["url"].endswith(world["lead"].get_absolute_url())
    assert "SECRET" not in json.dumps(data)


def test_story_page_markup_escapes_a_hostile_headline(client):
    story = make_story(make_article(title="</script><script>alert(1)</script>"))
    body = client.get(story_url(story)).content.decode()
    assert "<script>alert(1)" not in body
    assert json_ld(body)["name"] == "</script><script>alert(1)</script>"


def test_story_page_query_count_does_not_grow_with_members(client, django_assert_max_num_queries):
    lead = make_article(images=1)
    story = make_story(lead)
    make_related(lead)
    with django_assert_max_num_queries(9) as few:
        client.get(story_url(story))
    members = [make_article(images=2) for _ in range(15)]
    make_story(*members).articles.update(story=story)
    for member in members:
        make_related(member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(story_url(story))
    assert len(response.context["coverage"].others) == 15


# Articles link to their story ------------------------------------------------------


def test_article_page_links_to_full_coverage_with_visible_sources(client, world):
    body = client.get(world["second"].get_absolute_url()).content.decode()
    assert f'href="{story_url(world["story"])}">Full coverage: 4 sources</a>' in body


def test_article_alone_in_its_story_has_no_coverage_link(client):
    article = make_article()
    make_story(article, make_article(status=Article.Status.PENDING))
    body = client.get(article.get_absolute_url()).content.decode()
    assert "Full coverage" not in body


def test_coverage_counts_see_only_what_readers_see(world):
    story = world["story"]
    counts = coverage_counts([story.pk])[story.pk]
    assert (counts.members, counts.outside) == (2, 2)
    hidden_only = make_story(make_article(status=Article.Status.PENDING))
    assert hidden_only.pk not in coverage_counts([hidden_only.pk])


# The front page --------------------------------------------------------------------


def test_front_page_shows_each_story_once_led_by_its_lead(client, world):
    alone = make_article(title="A lone article")
    response = client.get(reverse("articles:article_list"))
    listed = list(response.context["article_list"])
    assert world["lead"] in listed and alone in listed
    assert world["second"] not in listed
    body = response.content.decode()
    assert f'href="{story_url(world["story"])}">+3 more sources' in body
    assert "SECRET" not in body


def test_front_page_group_counts_follow_publication(client, world):
    world["second"].status = Article.Status.REJECTED
    world["second"].save()
    body = client.get(reverse("articles:article_list")).content.decode()
    # The lead and the wire piece it cites: the rejected member's links went with it.
    assert "+1 more source<" in body
    world["lead"].status = Article.Status.PENDING
    world["lead"].save()
    body = client.get(reverse("articles:article_list")).content.decode()
    assert story_url(world["story"]) not in body
    assert "Quake hits the coast" not in body


def test_front_page_leads_with_the_next_best_when_the_lead_is_unpublished(client, world):
    world["lead"].status = Article.Status.PENDING
    world["lead"].save()
    listed = list(client.get(reverse("articles:article_list")).context["article_list"])
    assert world["second"] in listed and world["lead"] not in listed


def test_front_page_leads_with_the_editors_lead_while_it_is_published(client, world):
    story = world["story"]
    story.lead = world["second"]
    story.save()
    listed = list(client.get(reverse("articles:article_list")).context["article_list"])
    assert world["second"] in listed and world["lead"] not in listed
    story.lead = world["unseen"]["scheduled"]
    story.save()
    listed = list(client.get(reverse("articles:article_list")).context["article_list"])
    assert world["lead"] in listed and world["second"] not in listed
    assert world["unseen"]["scheduled"] not in listed


@pytest.mark.parametrize("sort", ["newest", "heat", "quality"])
def test_every_sort_groups_stories(client, world, sort):
    listed = list(
        client.get(reverse("articles:article_list"), {"sort": sort}).context["article_list"]
    )
    assert listed.count(world["lead"]) == 1 and world["second"] not in listed


def test_filtered_lists_show_every_match(client, world):
    response = client.get(reverse("articles:article_list"), {"min_quality": 60})
    listed = list(response.context["article_list"])
    assert world["lead"] in listed and world["second"] in listed
    assert "more source" not in response.content.decode()


def test_cards_of_filtered_lists_link_to_full_coverage(client, world):
    """A filter lists every match on its own; each card in a story still leads to it,
    with the sources readers may see, and says which story for a screen reader."""
    link = f'href="{story_url(world["story"])}">Full coverage: 4 sources'
    body = client.get(reverse("articles:article_list"), {"min_quality": 60}).content.decode()
    assert body.count(link) == 2
    assert '<span class="visually-hidden"> on “Aftershocks expected”</span>' in body
    assert "SECRET" not in body


def test_topic_and_publisher_pages_link_cards_to_full_coverage(client, world):
    topic = make_topic("Earthquakes")
    world["lead"].topics.add(topic)
    world["unseen"]["pending"].topics.add(topic)
    link = f'href="{story_url(world["story"])}">Full coverage: 4 sources'
    for url in (topic.get_absolute_url(), world["lead"].provider.get_absolute_url()):
        body = client.get(url).content.decode()
        assert body.count(link) == 1, url
        assert "SECRET" not in body


def test_story_links_on_a_topic_page_cost_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    topic = make_topic("Storms")
    lead = make_article()
    lead.topics.add(topic)
    make_story(lead, make_article())
    with django_assert_max_num_queries(12) as few:
        client.get(topic.get_absolute_url())
    for _ in range(10):
        members = [make_article() for _ in range(3)]
        members[0].topics.add(topic)
        make_related(members[1])
        make_story(*members)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(topic.get_absolute_url()).content.decode()
    assert body.count("Full coverage: 4 sources") == 10  # three of ours and one outside


def test_grouped_front_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    url = reverse("articles:article_list")
    lead = make_article(images=1)
    make_story(lead, make_article())
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for _ in range(12):
        members = [make_article(images=1) for _ in range(3)]
        make_related(members[0])
        make_story(*members)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["article_list"]) == 13  # one card a story


# Feed and sitemap ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_story_feed_lists_published_members_only(client, world, fmt):
    response = client.get(feed_url(world["story"], fmt))
    assert response.status_code == 200
    body = response.content.decode()
    assert "SECRET" not in body
    if fmt == "json":
        data = json.loads(body)
        titles = [item["title"] for item in data["items"]]
        assert data["title"].startswith("Quake hits the coast")
    else:
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.bozo_exception
        titles = [entry.title for entry in parsed.entries]
    assert sorted(titles) == ["Aftershocks expected", "Quake hits the coast"]


def test_story_feed_title_never_uses_an_unpublished_headline(client):
    hidden = make_article(title="SECRET headline", status=Article.Status.PENDING, quality=99)
    shown = make_article(title="Visible headline", quality=1)
    story = make_story(hidden, shown, lead=hidden)
    body = client.get(feed_url(story, "rss")).content.decode()
    assert "SECRET" not in body and "Visible headline" in body


def test_story_page_links_its_feeds(client, world):
    body = client.get(story_url(world["story"])).content.decode()
    rss = feed_url(world["story"], "rss")
    assert f'type="application/rss+xml" title="Quake hits the coast (RSS)" href="{rss}"' in body


def test_sitemap_lists_visible_stories_with_their_visible_lastmod(client, world):
    hidden = make_story(make_article(status=Article.Status.PENDING), slug="hidden-story")
    index = client.get(reverse("sitemap")).content.decode()
    assert "sitemap-stories.xml" in index
    body = client.get("/sitemap-stories.xml").content.decode()
    assert story_url(world["story"]) in body
    assert hidden.slug not in body
    Article.objects.filter(pk=world["unseen"]["pending"].pk).update(
        updated_at=timezone.now() + timedelta(days=30)
    )
    body = client.get("/sitemap-stories.xml").content.decode()
    lastmod = re.search(r"<lastmod>([^<]+)</lastmod>", body).group(1)
    assert lastmod < (timezone.now() + timedelta(days=1)).date().isoformat()
