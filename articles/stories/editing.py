"""What editors do to stories: split, merge, take articles out. Each runs in one
transaction, pins the articles it places (``Article.story_pinned``: imports never move
them again, and never merge two stories an editor has placed articles in), drops a lead
that left its story, deletes the stories it empties, and moves the readers' content
version. Titles and leads are set on the story's change form (the admin)."""

from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, LogEntry
from django.db.models import F

from articles.conflicts import retried
from articles.merging import log_merge
from articles.models import Article, Story
from articles.pagecache import content_changed

from .clustering import story_slug


@dataclass
class StoryMergeResult:
    survivor: Story
    merged: list
    articles_moved: int


def _log(user, objects, flag, message):
    if user is not None and objects:
        LogEntry.objects.log_actions(user.pk, objects, flag, change_message=message)


def _settle(story_ids):
    """Drop leads that are no longer members; delete the stories left without members."""
    stories = Story.objects.filter(pk__in=story_ids)
    stories.filter(lead__isnull=False).exclude(lead__story=F("pk")).update(lead=None)
    stories.filter(articles__isnull=True).delete()


def free_slug(url):
    base = story_slug(url)
    taken = set(Story.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@retried
def split_story(articles, user=None, title=""):
    """Move ``articles`` into a new story (with ``title``); return it. Every member of
    the stories they leave is pinned too, so the split survives re-import."""
    articles = list(articles)
    if not articles:
        raise ValueError("Select the articles to split out.")
    old = {a.story_id for a in articles if a.story_id}
    story = Story.objects.create(slug=free_slug(min(a.url for a in articles)), title=title)
    ids = [a.pk for a in articles]
    Article.objects.filter(pk__in=ids).update(story=story, story_pinned=True)
    Article.objects.filter(story_id__in=old).update(story_pinned=True)
    _settle(old)
    _log(user, [story], ADDITION, f"Split out {len(ids)} articles")
    content_changed()
    return story


@retried
def take_out_of_stories(articles, user=None):
    """Take ``articles`` out of their stories for good (imports leave them out)."""
    articles = list(articles)
    old = {a.story_id for a in articles if a.story_id}
    changed = Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        story=None, story_pinned=True
    )
    Article.objects.filter(story_id__in=old).update(story_pinned=True)
    _settle(old)
    content_changed()
    return changed


@retried
def merge_stories(survivor, others, user=None):
    """Move every member of ``others`` into ``survivor`` (which keeps its title and lead,
    or takes the first other's), pin them all, and delete ``others``."""
    others = [story for story in others if story.pk != survivor.pk]
    survivor.refresh_from_db(fields=["title", "lead"])  # as stored, on a second try too
    moved = Article.objects.filter(story__in=others).update(story=survivor)
    Article.objects.filter(story=survivor).update(story_pinned=True)
    fields = []
    for other in others:
        if not survivor.title and other.title:
            survivor.title = other.title
            fields.append("title")
        if survivor.lead_id is None and other.lead_id:
            survivor.lead_id = other.lead_id
            fields.append("lead")
    log_merge(user, survivor, others)
    Story.objects.filter(pk__in=[o.pk for o in others]).delete()
    survivor.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    content_changed()
    return StoryMergeResult(survivor, others, moved)
