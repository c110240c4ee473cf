"""What readers see of a story ("full coverage"), built on ``Article.objects.published()``.

A story is visible only while at least one member is published (``visible_stories``).
Everything below starts from the published members; nothing about an unpublished member
(its headline, its related links, its publisher) reaches a reader.

* **The reader's lead.** The editor's ``Story.lead`` when readers may see it; otherwise
  the best published member: highest quality, then highest heat (unscored counts as
  lowest), then newest, then highest id, so there is always exactly one
  (:data:`RANK_FIELDS`, in SQL by :func:`member_ordering` and :func:`one_per_story`).
* **The title.** The editor's ``Story.title``, else the reader's lead's headline.
* **Outside coverage.** The members' related links that ``shown_to_readers()`` lets
  through, except those that point at a member of the story (by ``target`` or by URL:
  those are shown as our own articles), deduplicated by their normalised URL across the
  story.
* **Sources.** One of our published members or one distinct outside URL is one source;
  "Full coverage: N sources" counts both (:func:`coverage_counts`).

Costs: every query reads one story's rows through ``article_story_idx`` (story, status)
or the rows of one page of cards, never the table; a story page reads at most
``MEMBERS_SHOWN`` members and ``LINKS_SCANNED`` links.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from .models import Article, RelatedLink, Story

# A story page lists at most this many of our articles and scans this many outside links.
MEMBERS_SHOWN = 100
LINKS_SCANNED = 500
# Stands for "no score" when ranking members: below every score a feed sends.
UNSCORED = -(2**31)
RANK_FIELDS = ("quality", "heat")


def _score(expression):
    return Coalesce(expression, Value(UNSCORED), output_field=IntegerField())


def rank_key(article):
    """The Python twin of :func:`member_ordering`'s score part: higher ranks first."""
    scores = (getattr(article, name) for name in RANK_FIELDS)
    return (*(UNSCORED if s is None else s for s in scores), article.published_at, article.pk)


def member_ordering(lead_id=None):
    """Order a story's members best first, the editor's lead (``lead_id``) before all."""
    ordering = [_score(F(name)).desc() for name in RANK_FIELDS]
    ordering += [F("published_at").desc(), F("id").desc()]
    if lead_id:
        first = Case(When(pk=lead_id, then=Value(1)), default=Value(0), output_field=IntegerField())
        ordering.insert(0, first.desc())
    return ordering


def _ranks_above_outer():
    """``Q`` for a member that ranks above the outer query's article (see ``rank_key``)."""
    outer = [_score(OuterRef(name)) for name in RANK_FIELDS]
    inner = [f"_rank_{name}" for name in RANK_FIELDS]
    keys = [*zip(inner, outer, strict=True), ("published_at", OuterRef("published_at"))]
    condition = Q(pk__gt=OuterRef("pk"))
    for name, value in reversed(keys):
        condition = Q(**{f"{name}__gt": value}) | (Q(**{name: value}) & condition)
    return condition


def one_per_story(articles):
    """``articles`` (published, in any order) keeping, of each story, only its reader's
    lead; articles in no story all stay.

    A member is hidden when another published member beats it: the editor's lead, or one
    that ranks above it. That is one correlated ``NOT EXISTS`` a row, on the row's story
    (``article_story_idx``), never a pass over the table (a separate "is the editor's
    lead visible" test would let PostgreSQL hash every published article for it).
    """
    beats = (
        Article.objects.published()
        .filter(story_id=OuterRef("story_id"))
        .annotate(**{f"_rank_{name}": _score(F(name)) for name in RANK_FIELDS})
        .filter(Q(pk=OuterRef("story__lead_id")) | _ranks_above_outer())
    )
    return articles.filter(Q(story__isnull=True) | Q(story__lead_id=F("pk")) | ~Exists(beats))


def visible_stories():
    """Stories readers may see: those with at least one published member."""
    return Story.objects.filter(Exists(Article.objects.published().filter(story=OuterRef("pk"))))


def reader_lead(story):
    """The story's reader's lead (see the module docstring), or None if none is visible."""
    return (
        Article.objects.published()
        .filter(story=story)
        .select_related("provider")
        .order_by(*member_ordering(story.lead_id))
        .first()
    )


def outside_links(members):
    """Related links readers may see of ``members`` (published articles of one or more
    stories), without those pointing at a member of the link's own story."""
    same_story = Article.objects.filter(story_id=OuterRef("article__story_id"))
    return (
        RelatedLink.objects.filter(article__in=members)
        .shown_to_readers()
        .filter(~Exists(same_story.filter(pk=OuterRef("target_id"))))
        .filter(~Exists(same_story.filter(url=OuterRef("url"))))
    )


@dataclass(frozen=True)
class CoverageCount:
    slug: str
    members: int
    outside: int

    @property
    def sources(self):
        return self.members + self.outside

    @property
    def more(self):
        """Sources beyond the one a card leads with."""
        return self.sources - 1


def coverage_counts(story_ids):
    """``{story id: CoverageCount}`` for the visible ones among ``story_ids``, in two
    grouped queries however many stories there are."""
    story_ids = {pk for pk in story_ids if pk}
    if not story_ids:
        return {}
    members = Article.objects.published().filter(story_id__in=story_ids)
    found = {
        story_id: (slug, n)
        for story_id, slug, n in members.order_by()
        .values_list("story_id", "story__slug")
        .annotate(n=Count("pk"))
    }
    outside = dict(
        outside_links(members)
        .order_by()
        .values_list("article__story_id")
        .annotate(n=Count("url", distinct=True))
    )
    return {
        story_id: CoverageCount(slug, n, outside.get(story_id, 0))
        for story_id, (slug, n) in found.items()
    }


def attach_coverage(articles):
    """Give each of ``articles`` whose story readers see more of than the article itself
    (another member, outside coverage) its ``coverage``, a ``CoverageCount``: two grouped
    queries however many articles."""
    found = coverage_counts(article.story_id for article in articles)
    for article in articles:
        summary = found.get(article.story_id)
        if summary and summary.more > 0:
            article.coverage = summary


@dataclass
class PublisherGroup:
    provider: object
    links: list = field(default_factory=list)


@dataclass
class Coverage:
    """One story as readers may see it (see the module docstring)."""

    story: Story
    lead: Article
    others: list  # our other published members, newest first
    groups: list  # PublisherGroup, newest coverage first
    counts: CoverageCount

    @property
    def title(self):
        return self.story.title or self.lead.title

    @property
    def members(self):
        return [self.lead, *self.others]

    @property
    def last_modified(self):
        dates = [self.story.updated_at, *(a.updated_at for a in self.members)]
        dates += [a.publish_at for a in self.members if a.publish_at]
        return max(dates)

    @property
    def first_published(self):
        return min(article.published_at for article in self.members)


def coverage_for(slug):
    """The story ``slug`` as readers may see it, or ``Http404`` if they may not see it."""
    story = Story.objects.filter(slug=slug).first()
    if story is None:
        raise Http404("No such story.")
    members = list(
        Article.objects.published()
        .filter(story=story)
        .select_related("provider")
        .prefetch_related("images", "topics")
        .order_by(*member_ordering(story.lead_id))[:MEMBERS_SHOWN]
    )
    if not members:
        raise Http404("Nothing published here.")
    lead, others = members[0], members[1:]
    others.sort(key=lambda a: (a.published_at, a.pk), reverse=True)

    links = outside_links(Article.objects.published().filter(story=story))[:LINKS_SCANNED]
    groups, seen = {}, set()
    for link in links:  # newest first
        if link.url in seen:
            continue
        seen.add(link.url)
        groups.setdefault(link.provider_id, PublisherGroup(link.provider)).links.append(link)
    counts = coverage_counts([story.pk])[story.pk]
    return Coverage(story, lead, others, list(groups.values()), counts)
