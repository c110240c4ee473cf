"""Small builders for test data. Each returns a saved object; override any field."""

import itertools
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, ArticleImage, RelatedLink, Story, Topic
from providers.models import Provider

_seq = itertools.count(1)


def make_provider(domain=None, **fields):
    n = next(_seq)
    domain = domain or f"publisher{n}.example"
    fields.setdefault("name", f"Publisher {n}")
    return Provider.objects.create(domain=domain, **fields)


def make_topic(name=None, **fields):
    name = name or f"Topic {next(_seq)}"
    fields.setdefault("slug", slugify(name))
    return Topic.objects.create(name=name, **fields)


def make_article(*, topics=(), images=0, **fields):
    """A published, visible article unless told otherwise."""
    n = next(_seq)
    fields.setdefault("title", f"Story number {n}")
    fields.setdefault("excerpt", f"The excerpt of story {n}.")
    fields.setdefault("url", f"https://news{n}.example/story/{n}")
    fields.setdefault("source_url", fields["url"])
    fields.setdefault("slug", f"story-number-{n}")
    fields.setdefault("published_at", timezone.now() - timedelta(hours=n % 1000))
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("quality", 50)
    fields.setdefault("heat", 10)
    fields.setdefault("secured", f"c2VjcmV0{n}Ym9keQ==;aXY{n}=")
    if "provider" not in fields:
        fields["provider"] = make_provider()
    article = Article.objects.create(**fields)
    if topics:
        article.topics.set(topics)
    for position in range(images):
        ArticleImage.objects.create(
            article=article,
            position=position,
            url=f"https://img.example/{n}/{position}.jpg",
            width=800,
            height=450,
            title=article.title,
        )
    return article


def make_related(article, **fields):
    n = next(_seq)
    fields.setdefault("url", f"https://other{n}.example/coverage/{n}")
    fields.setdefault("source_url", fields["url"])
    fields.setdefault("title", f"Related coverage {n}")
    fields.setdefault("published_at", timezone.now() - timedelta(hours=n % 100))
    fields.setdefault("position", n)
    if "provider" not in fields:
        fields["provider"] = make_provider()
    return RelatedLink.objects.create(article=article, **fields)


def make_story(*members, **fields):
    """A story holding ``members`` (saved articles); title and lead empty unless given."""
    fields.setdefault("slug", f"story-{next(_seq)}")
    story = Story.objects.create(**fields)
    if members:
        Article.objects.filter(pk__in=[article.pk for article in members]).update(story=story)
        for article in members:
            article.story = story
    return story
