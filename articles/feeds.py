"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the newest published articles.

One ``Feed`` class per scope (the site, a topic, a publisher, a story) and one feed generator per
format; :func:`feed_view` puts a scope and a format together, :func:`feed_urls` gives the
URLconf a scope's route in every format. Every scope starts from
``Article.objects.published()``. The ``secured`` body is never read. Items are bounded
(``FEED_ITEMS``) and so are their excerpts (``clip``).

Dates. An entry's ``updated`` (Atom) and ``date_modified`` (JSON Feed) is
``Article.content_changed_at``: the publisher's date, or later when an editor published it
or its scheduled time came; an import rewriting the row does not move it. The feed's own
date (Atom's feed-level ``updated`` and the ``Last-Modified`` header, which
``ConditionalGetMiddleware`` answers ``If-Modified-Since`` with) is the last change of any
of its rows, the later of ``updated_at`` and the scheduled time, so a newly imported story
with an old date still makes the feed newer. ``ConditionalGetMiddleware`` also adds an
``ETag`` from the body.

Images. RSS and Atom carry an article's lead image as an enclosure, JSON Feed as
``image``: the same image its page shows (``articles.images``), as an absolute URL.
"""

import copy
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape

from . import counts
from .coverage import reader_lead, visible_stories
from .images import absolute_image_url
from .merging import redirect_to_survivor
from .models import Article
from .templatetags.site_tags import clip, json_for_script, safe_url, xml_text

# A feed's size is bounded: this many items, each excerpt ``clip``ped (600 characters).
FEED_ITEMS = 30


class JSONFeed(SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) from the syndication framework."""

    content_type = "application/feed+json; charset=utf-8"
    version = "https://jsonfeed.org/version/1.1"

    def write(self, outfile, encoding):
        outfile.write(json_for_script(self.as_dict()))

    def as_dict(self):
        feed = {
            "version": self.version,
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "items": [self.item_dict(item) for item in self.items],
        }
        return {key: value for key, value in feed.items() if value not in (None, "")}

    @staticmethod
    def item_dict(item):
        entry = {
            "id": item["unique_id"] or item["link"],
            "url": item["link"],
            "external_url": item.get("external_url"),
            "title": item["title"],
            "content_text": item.get("text") or "",
            "summary": item.get("text") or None,
            "image": item.get("image"),
            "date_published": item["pubdate"].isoformat() if item["pubdate"] else None,
            "date_modified": item["updateddate"].isoformat() if item["updateddate"] else None,
            "authors": (
                [{"name": item["author_name"], "url": item["author_link"]}]
                if item["author_name"]
                else None
            ),
            "tags": list(item["categories"]) or None,
        }
        if entry["authors"]:
            entry["authors"] = [{k: v for k, v in a.items() if v} for a in entry["authors"]]
        return {key: value for key, value in entry.items() if value is not None}


class XMLSafeFeed:
    """Strip what XML 1.0 cannot carry from a feed's texts before they are written."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


def _xml_safe(value):
    if isinstance(value, list | tuple):
        return [xml_text(item) for item in value]
    return xml_text(value)


class RSSFeed(XMLSafeFeed, Rss201rev2Feed):
    pass


class AtomFeed(XMLSafeFeed, Atom1Feed):
    pass


FORMATS = {"rss": RSSFeed, "atom": AtomFeed, "json": JSONFeed}


class SiteFeed(Feed):
    """The newest published articles on the whole site."""

    def get_feed(self, obj, request):
        """The feed for one request, written by a copy of this instance (one instance
        serves every request): the copy holds the request, for absolute image URLs, and
        the rows' last change, which becomes the feed's own date."""
        feed = copy.copy(self)
        feed.request = request
        feed.row_changes = []
        feedgen = super(SiteFeed, feed).get_feed(obj, request)
        if feed.row_changes:
            last = max(feed.row_changes)
            feedgen.latest_post_date = lambda: last
        return feedgen

    def get_object(self, request, *args, **kwargs):
        return None

    def articles(self, obj):
        return Article.objects.published()

    def title(self, obj):
        return settings.NEWSROOM_SITE_NAME

    def description(self, obj):
        return f"The latest stories curated by {settings.NEWSROOM_SITE_NAME}."

    def link(self, obj):
        return reverse("articles:article_list")

    def items(self, obj):
        return self.articles(obj).for_cards()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # RSS descriptions and Atom summaries (type="html") are HTML: the plain-text
        # excerpt is escaped once more so markup in it stays text in every reader.
        return escape(clip(item.excerpt))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        row_change = max(item.updated_at, item.publish_at or item.updated_at)
        self.row_changes.append(row_change)
        return item.content_changed_at

    def item_image(self, item):
        """The lead image's absolute URL, or "" when there is none readers may see."""
        image = item.lead_image
        return absolute_image_url(self.request, image.url) if image else ""

    def item_enclosures(self, item):
        url = self.item_image(item)
        if not url or self.feed_type is JSONFeed:
            return []
        mime_type = mimetypes.guess_type(url.split("?")[0])[0] or "image/jpeg"
        # The size is unknown without fetching the image; RSS asks for one, 0 says so.
        return [Enclosure(url, "0", mime_type)]

    def item_author_name(self, item):
        return item.provider.name

    def item_author_link(self, item):
        return safe_url(f"https://{item.provider.domain}/") or None

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]

    def item_extra_kwargs(self, item):
        if self.feed_type is not JSONFeed:
            return {}
        return {
            "text": clip(item.excerpt),
            "external_url": safe_url(item.url) or None,
            "image": self.item_image(item) or None,
        }


class ScopeFeed(SiteFeed):
    """The site feed narrowed to one topic or publisher, ``obj``, which has a page."""

    def title(self, obj):
        return f"{obj.name} · {settings.NEWSROOM_SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()


class TopicFeed(ScopeFeed):
    def get_object(self, request, slug):
        return found_or_404(counts.visible_row("topics", request, slug=slug))

    def articles(self, obj):
        return Article.objects.published().in_topic(obj)

    def description(self, obj):
        return f"The latest stories about {obj.name}."


class ProviderFeed(ScopeFeed):
    def __call__(self, request, *args, **kwargs):
        """A merged publisher's feed answers 301 to the survivor's."""
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            if redirect := redirect_to_survivor(request, kwargs["domain"]):
                return redirect
            raise

    def get_object(self, request, domain):
        return found_or_404(counts.visible_row("publishers", request, domain=domain))

    def articles(self, obj):
        return Article.objects.published().from_publisher(obj)

    def description(self, obj):
        return f"The latest stories from {obj.name}."


class StoryFeed(ScopeFeed):
    """A story's published articles, newest first; a story readers cannot see is a 404."""

    def get_object(self, request, slug):
        return found_or_404(visible_stories().filter(slug=slug).first())

    def articles(self, obj):
        return Article.objects.published().filter(story=obj)

    def title(self, obj):
        return f"{self._coverage_title(obj)} · {settings.NEWSROOM_SITE_NAME}"

    def description(self, obj):
        return f"Full coverage of {self._coverage_title(obj)}."

    def _coverage_title(self, obj):
        """The editor's title, else the reader's lead's headline (``articles.coverage``)."""
        if obj.title:
            return obj.title
        if not hasattr(obj, "_reader_lead_title"):
            lead = reader_lead(obj)
            obj._reader_lead_title = lead.title if lead else obj.slug
        return obj._reader_lead_title


def found_or_404(row):
    if row is None:
        raise Http404("Nothing published here.")
    return row


def feed_view(feed_class, fmt):
    """An instance of ``feed_class`` that writes ``fmt`` (one of ``FORMATS``)."""
    feed_type = FORMATS[fmt]
    attrs = {"feed_type": feed_type}
    if fmt == "atom":
        attrs["subtitle"] = feed_class.description
    return type(f"{feed_class.__name__}{fmt.title()}", (feed_class,), attrs)()


def feed_urls(route, feed_class, name):
    """``feed_class`` in every format: ``{route}rss/`` named ``{name}_rss``, and so on."""
    return [
        path(f"{route}{fmt}/", feed_view(feed_class, fmt), name=f"{name}_{fmt}") for fmt in FORMATS
    ]
