"""Story pages and feeds in the anonymous page cache: served from it, never stale."""

import pytest

from articles.models import Article

from . import test_pagecache
from .factories import make_article, make_related, make_story

page_cache = test_pagecache.page_cache  # the fixture: on local memory and on Redis

pytestmark = pytest.mark.django_db(transaction=True)


def test_story_page_is_cached_and_drops_a_member_as_soon_as_it_is_rejected(client, page_cache):
    lead = make_article(title="The lead report", quality=90)
    other = make_article(title="A second report", quality=10)
    make_related(other, title="Coverage cited by the second report")
    story = make_story(lead, other)
    url = story.get_absolute_url()
    assert "A second report" in client.get(url).text
    Article.objects.filter(pk=other.pk).update(title="A silent rename")
    assert "A second report" in client.get(url).text  # served from the cache

    other.status = Article.Status.REJECTED
    other.save()

    body = client.get(url).text
    assert "A silent rename" not in body and "A second report" not in body
    assert "Coverage cited by the second report" not in body
    assert "A second report" not in client.get(f"{url}feed/rss/").text


def test_an_editor_title_shows_on_the_next_request(client, page_cache):
    story = make_story(make_article(title="Headline of the lead"))
    assert "Headline of the lead</h1>" in client.get(story.get_absolute_url()).text
    story.title = "The editor's title"
    story.save()
    assert "The editor&#x27;s title</h1>" in client.get(story.get_absolute_url()).text


def test_a_story_whose_last_member_is_unpublished_is_gone_at_once(client, page_cache):
    article = make_article()
    story = make_story(article)
    assert client.get(story.get_absolute_url()).status_code == 200
    article.status = Article.Status.PENDING
    article.save()
    assert client.get(story.get_absolute_url()).status_code == 404
