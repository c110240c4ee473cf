from django.conf import settings
from django.db import connections, models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, Lower
from django.urls import reverse
from django.utils import timezone

from newsroom.fields import URLField
from providers.models import Provider

from .indexes import ScoreIndex


class TopicQuerySet(models.QuerySet):
    def with_published_articles(self):
        """Topics readers have at least one story in (one ``EXISTS`` per topic)."""
        return self.filter(Exists(Article.objects.published().filter(topics=OuterRef("pk"))))


class TopicManager(models.Manager.from_queryset(TopicQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Topic(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120)

    objects = TopicManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="topic_unique_name_ci"),
            models.UniqueConstraint(fields=["slug"], name="topic_unique_slug"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def keep_names(self, names):
        """Keep ``names`` (this topic's former names, or those of topics merged into it)
        as its aliases, so imports file them here; an alias that is its name now goes."""
        TopicAlias.objects.bulk_create(
            [TopicAlias(topic=self, name=name) for name in names if name],
            ignore_conflicts=True,
        )
        own = Lower(models.Value(self.name))
        self.aliases.alias(folded=Lower("name")).filter(folded=own).delete()


class TopicAlias(models.Model):
    """A name the feed files articles under that now means this topic: a topic's name
    before an editor renamed it, or a topic merged into it. Imports file an article
    given that name under this topic instead of making the old one again."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "former topic name"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="topic_alias_unique_name_ci"),
        ]

    def __str__(self):
        return self.name


def score_ordering(*fields, using="default"):
    """Order by scores high to low with unscored articles last, then newest first.

    SQLite already sorts NULL last in DESC order, and spelling out NULLS LAST there
    stops it using the score indexes; PostgreSQL needs it said, and its score indexes
    say it too (``ScoreIndex``).
    """
    nulls_last = True if connections[using].vendor != "sqlite" else None
    return [
        *(models.F(field).desc(nulls_last=nulls_last) for field in fields),
        models.F("published_at").desc(),
        models.F("id").desc(),
    ]


class ArticleQuerySet(models.QuerySet):
    """What readers may see, and the shapes the reader site reads it in.

    ``published()`` decides visibility; the reader's other methods narrow it (``in_topic``,
    ``from_publisher``), load it (``for_cards``, ``newest_first``), count it (``counts_by``,
    kept per content version by ``articles.counts``) or give its ``publishers()``.
    """

    def published(self, now=None):
        """The one definition of what a reader may see.

        Published, its scheduled time (if any) passed, its publisher not blocked.
        """
        now = now or timezone.now()
        return self.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=now),
            status=Article.Status.PUBLISHED,
            provider__is_blocked=False,
        )

    def in_topic(self, topic):
        """Articles here tagged ``topic``, as a correlated ``EXISTS``.

        A join on the topics table lets SQLite start from the topic's rows and sort them all
        (cost grows with the topic); ``EXISTS`` keeps it walking the date index and stops
        after one page, probing the (article, topic) unique index for each row.
        """
        tagged = self.model.topics.through.objects.filter(
            article_id=OuterRef("pk"), topic_id=topic.pk
        )
        return self.filter(Exists(tagged))

    def from_publisher(self, provider):
        return self.filter(provider=provider)

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def for_cards(self):
        """Newest first with what an article card shows, in one query plus two prefetches."""
        return self.select_related("provider").prefetch_related("images", "topics").newest_first()

    def publishers(self):
        """The publishers of the articles here, never a blocked one, as a ``Provider``
        queryset: asked from this side because publishers know nothing of articles."""
        return Provider.objects.filter(
            Exists(self.filter(provider=OuterRef("pk"))), is_blocked=False
        )

    def counts_by(self, field, *also):
        """``[(value of field, *values of also, number of articles here)]``, in one grouped
        pass ordered by ``also`` (e.g. ``"topics", "topics__name", "topics__slug"``).

        It reads every article here once (about 0.15 s per 100,000 published on SQLite),
        so the reader site asks it once per content version (``articles.counts``).
        """
        return list(
            self.filter(**{f"{field}__isnull": False})
            .order_by()
            .values_list(field, *also)
            .annotate(n=Count("pk"))
            .order_by(*also)
        )

    def pending(self):
        return self.filter(status=Article.Status.PENDING)

    def by_scores(self, *fields):
        """Highest ``fields`` first (e.g. ``"heat", "quality"``), unscored last, then newest."""
        return self.order_by(*score_ordering(*fields, using=self.db))

    def mark_edited(self, *fields):
        """Mark ``fields`` editor-owned on every article here (see ``Article.mark_edited``)."""
        changed = [
            article for article in self.only("pk", "edited_fields") if article.mark_edited(*fields)
        ]
        self.model.objects.bulk_update(changed, ["edited_fields"], batch_size=500)
        return len(changed)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_by_natural_key(self, url):
        return self.get(url=url)


class Article(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        PUBLISHED = "published", "published"
        REJECTED = "rejected", "rejected"

    class UrlStyle(models.TextChoices):
        """Which key family the seed used, so an export writes it back the same way."""

        WEB = "web", "webUrl / ampWebUrl / cdnAmpWebUrl"
        SOURCE = "source", "sourceUrl / ampUrl / cdnAmpUrl"

    # Fields an editor can change that imports must then leave alone.
    EDITABLE_FEED_FIELDS = ("title", "excerpt", "category", "topics")

    url = URLField(
        "canonical URL", max_length=2000, help_text="Normalised: the article's identity."
    )
    source_url = URLField("URL as the feed gave it", max_length=2000)
    url_style = models.CharField(max_length=10, choices=UrlStyle.choices, default=UrlStyle.WEB)
    # Indexed by ``article_unique_slug`` alone: SlugField's own index, and on PostgreSQL
    # its ``LIKE`` twin, were two more entries for every import to write.
    slug = models.SlugField(max_length=255, db_index=False)
    title = models.CharField(max_length=500)
    excerpt = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=50, blank=True, help_text="The seed's type.")
    amp_url = URLField("AMP URL", max_length=2000, blank=True)
    cdn_amp_url = URLField("AMP cache URL", max_length=2000, blank=True)
    published_at = models.DateTimeField("published by the publisher")
    quality = models.IntegerField(null=True, blank=True)
    heat = models.IntegerField(null=True, blank=True, help_text="Empty where the feed has none.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    publish_at = models.DateTimeField(
        "scheduled for",
        null=True,
        blank=True,
        help_text="A published article reaches readers from this time on.",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # article_moderator_idx
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    secured = models.TextField(
        "encrypted body", blank=True, editable=False, help_text="Opaque; never shown to readers."
    )
    # The foreign keys' lookups (a publisher's or a story's articles, a merge, a delete)
    # use the indexes that start with them (Meta.indexes): no index of their own.
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="articles", db_index=False
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    edited_fields = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Feed fields an editor changed; imports leave them alone.",
    )
    feed_extra = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Seed keys Newsroom does not model."
    )
    source_file = models.CharField(max_length=255, blank=True, editable=False)
    content_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the last imported file."
    )
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    edit_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Counts editors' saves of the change form: a save over a newer one is refused.",
    )
    story = models.ForeignKey(
        "Story",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        db_index=False,
        help_text="The event this article tells, with other publishers' versions of it.",
    )
    story_pinned = models.BooleanField(
        "story set by an editor",
        default=False,
        editable=False,
        help_text="An editor placed this article in its story (or out of any): imports keep it.",
    )

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        permissions = [("publish_article", "Can publish, reject and schedule articles")]
        constraints = [
            models.UniqueConstraint(fields=["url"], name="article_unique_url"),
            models.UniqueConstraint(fields=["slug"], name="article_unique_slug"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "rejected"]),
                name="article_status_valid",
            ),
        ]
        indexes = [
            # Public lists: published() then newest first.
            models.Index(fields=["status", "-published_at"], name="article_status_date_idx"),
            # Publisher pages.
            models.Index(
                fields=["provider", "status", "-published_at"], name="article_provider_date_idx"
            ),
            # Hottest first and best first (score_ordering), for readers and the review
            # queue, all articles or one publisher's: each sort walks one of these and
            # stops after a page. ScoreIndex keeps unscored articles last on every database.
            ScoreIndex(
                fields=["status", "-heat", "-quality", "-published_at", "-id"],
                name="article_queue_idx",
            ),
            ScoreIndex(
                fields=["status", "-quality", "-published_at", "-id"], name="article_quality_idx"
            ),
            ScoreIndex(
                fields=["provider", "status", "-heat", "-quality", "-published_at", "-id"],
                name="article_provider_heat_idx",
            ),
            ScoreIndex(
                fields=["provider", "status", "-quality", "-published_at", "-id"],
                name="article_provider_quality_idx",
            ),
            # The queue's bounded count of what is live: counted off the index alone.
            models.Index(fields=["status", "publish_at"], name="article_status_schedule_idx"),
            # A story's members.
            models.Index(fields=["story", "status"], name="article_story_idx"),
            # An editor's decisions, when the editor's account goes: imported articles
            # have none, and need no entry.
            models.Index(
                fields=["moderated_by"],
                condition=Q(moderated_by__isnull=False),
                name="article_moderator_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.url,)

    def is_published(self, now=None):
        """Python twin of ``ArticleQuerySet.published()`` for one loaded article."""
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and (self.publish_at is None or self.publish_at <= now)
            and not self.provider.is_blocked
        )

    is_published.boolean = True

    # Editor ownership: a feed field an editor changed is the editor's, and imports leave
    # it alone. This is the one place that reads or writes ``edited_fields``.

    @staticmethod
    def owned_in(edited_fields, field):
        """Whether ``field`` is editor-owned, given a stored ``edited_fields`` value (for
        code that reads the column without loading articles, such as the importer)."""
        return field in (edited_fields or ())

    def editor_owns(self, field):
        return self.owned_in(self.edited_fields, field)

    def mark_edited(self, *fields):
        """Mark ``fields`` as the editor's; True if that changed anything (not saved)."""
        new = [name for name in fields if name and not self.editor_owns(name)]
        if new:
            self.edited_fields = [*(self.edited_fields or ()), *dict.fromkeys(new)]
        return bool(new)

    @property
    def editor_owned_fields(self):
        return [name for name in self.edited_fields or () if name]

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    # When readers' copy of an article last changed: the publisher's own date, or later
    # the time an editor published it or its scheduled time, never the import's time
    # (an import touches every row it reads; ``updated_at`` records that). Feeds' entry
    # dates and the sitemaps use it; ``content_changed_expression`` is its SQL twin.
    @property
    def content_changed_at(self):
        times = [self.published_at, self.moderated_at, self.publish_at]
        return max(t for t in times if t is not None)

    @staticmethod
    def content_changed_expression():
        return Greatest(
            "published_at",
            Coalesce("moderated_at", "published_at"),
            Coalesce("publish_at", "published_at"),
        )

    @property
    def lead_image(self):
        """First image, from a prefetch when there is one."""
        images = list(self.images.all())
        return images[0] if images else None


class StoryManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Story(models.Model):
    """One event as several publishers told it: our articles on it form its "full coverage".

    Membership is ``Article.story``, kept by the importer (``articles.stories``) and by
    editors. ``title`` and ``lead`` are the editors' choices; when empty, readers see the
    best published member and its headline.
    """

    slug = models.SlugField(max_length=255)
    title = models.CharField(
        max_length=500, blank=True, help_text="Empty: the lead article's headline."
    )
    lead = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: the best published article of the story.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryManager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "stories"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="story_unique_slug"),
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("articles:story_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class ArticleTerms(models.Model):
    """The significant words of one article's headline and excerpt lead, with their
    weights (``articles.stories.terms``), as of its last import: one row per article,
    read when it is a candidate for another's story and when its words are replaced."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="story_words"
    )
    # The date its StoryTerm rows carry (the article's may have changed since).
    published_at = models.DateTimeField()
    # JSON: {term: [weight, is_name]}; weight 2 in the headline, 1 in the excerpt only,
    # is_name 1 when capitalised inside a sentence (a name, a place).
    terms = models.TextField(default="{}")

    class Meta:
        verbose_name = "article terms"
        verbose_name_plural = "article terms"

    def __str__(self):
        return f"terms of article {self.article_id}"


class StoryTerm(models.Model):
    """One significant word of an article, with its date: the index through which the
    importer finds an article's look-alikes within a time window (``articles.stories``)
    without reading the table. Its key is the index, so each row is one B-tree entry
    more on SQLite and one index entry on PostgreSQL; the words' weights are in
    ``ArticleTerms``, which also tells which rows an article has."""

    pk = models.CompositePrimaryKey("term", "published_at", "article")
    term = models.CharField(max_length=40)
    published_at = models.DateTimeField()
    # No index by article: rows are found and deleted through ArticleTerms; deleting an
    # article (which the site never does) scans the table once. No foreign-key
    # constraint either: PostgreSQL would check each of its rows at commit (a third of
    # their cost), and Django's CASCADE deletes them with their article all the same.
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="story_terms",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["term", "published_at"]
        verbose_name = "story term"

    def __str__(self):
        return self.term


class StoryBacklog(models.Model):
    """An article an import committed whose clustering has not committed yet.

    On PostgreSQL an import clusters each chunk after it commits, on a connection of its
    own in the background (``articles.stories.background``); the chunk's transaction
    writes these rows and the clustering's deletes them. Rows left by an import that
    stopped in between (killed, or its clustering failed) are clustered by the next one
    that clusters in the background, or by ``manage.py cluster_stories``."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveIntegerField(
        db_default=0,
        help_text="One more each time a chunk writes the article again before its "
        "clustering: that clustering may have read the older text, so it leaves the row.",
    )

    class Meta:
        verbose_name = "article waiting for clustering"
        verbose_name_plural = "articles waiting for clustering"

    def __str__(self):
        return f"article {self.article_id} waiting for clustering"


class StoryWord(models.Model):
    """How many articles use a word (``StoryTerm``), kept per imported chunk: a word too
    common to tell one event from another is known without counting its rows."""

    term = models.CharField(max_length=40, primary_key=True)
    articles = models.IntegerField(default=0)

    class Meta:
        ordering = ["term"]
        verbose_name = "story word"

    def __str__(self):
        return f"{self.term}: {self.articles}"


class ArticleImage(models.Model):
    # Looked up by ``articleimage_unique_position``, which starts with it.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="images", db_index=False
    )
    position = models.PositiveSmallIntegerField(default=0)
    url = URLField("URL", max_length=2000)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="articleimage_unique_position"
            ),
        ]

    def __str__(self):
        return self.url


class RelatedLinkQuerySet(models.QuerySet):
    def shown_to_readers(self):
        """Links readers may see, newest first, each with ``target_slug``.

        Never one an editor hid, never a blocked publisher's coverage, and never one that
        cites one of our own articles readers cannot see (pending, rejected, scheduled, or
        from a blocked publisher), whether it names the article as its ``target`` or has
        its URL: not its headline, not its address. ``target_slug`` is our page for the
        linked story (``None`` when we have none).
        """
        published = Article.objects.published()
        unseen_with_url = Article.objects.filter(url=OuterRef("url")).filter(
            ~Exists(published.filter(pk=OuterRef("pk")))
        )
        return (
            self.filter(is_hidden=False, provider__is_blocked=False)
            .filter(Q(target__isnull=True) | Exists(published.filter(pk=OuterRef("target_id"))))
            .filter(~Exists(unseen_with_url))
            .select_related("provider")
            .annotate(
                target_slug=Subquery(published.filter(pk=OuterRef("target_id")).values("slug")[:1])
            )
            .order_by(F("published_at").desc(nulls_last=True), "position", "pk")
        )


class RelatedLink(models.Model):
    """Another publisher's coverage of the same story, as the feed listed it."""

    # Looked up by ``relatedlink_unique_url``, which starts with it.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_links", db_index=False
    )
    position = models.PositiveSmallIntegerField(default=0)
    url = URLField("canonical URL", max_length=2000)
    source_url = URLField("URL as the feed gave it", max_length=2000)
    title = models.CharField(max_length=500)
    excerpt = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="related_links")
    quality = models.IntegerField(null=True, blank=True)
    kind = models.CharField(max_length=50, blank=True)
    amp_url = URLField("AMP URL", max_length=2000, blank=True)
    cdn_amp_url = URLField("AMP cache URL", max_length=2000, blank=True)
    image_url = URLField("image URL", max_length=2000, blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    is_hidden = models.BooleanField(
        "hidden", default=False, help_text="Hidden by an editor: never shown to readers."
    )
    target = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cited_by",
        help_text="Our article with this URL, when we have it.",
        db_index=False,  # relatedlink_target_idx
    )

    objects = RelatedLinkQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        verbose_name = "related link"
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="relatedlink_unique_url"),
            models.CheckConstraint(condition=~Q(target=F("article")), name="relatedlink_not_self"),
        ]
        indexes = [
            # Links by URL (citations, relinking); the clustering counts the articles that
            # list a URL (articles.stories) from this index alone, no row read.
            models.Index(fields=["url", "is_hidden", "article"], name="relatedlink_url_idx"),
            # Links citing our articles: most cite none, and need no entry.
            models.Index(
                fields=["target"], condition=Q(target__isnull=False), name="relatedlink_target_idx"
            ),
        ]

    def __str__(self):
        return self.title


class StatusChange(models.Model):
    """One moderation decision on one article: who, when, from which status to which."""

    # Looked up by ``statuschange_article_idx``, which starts with it.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="status_changes", db_index=False
    )
    from_status = models.CharField(max_length=16, choices=Article.Status.choices)
    to_status = models.CharField(max_length=16, choices=Article.Status.choices)
    publish_at = models.DateTimeField("scheduled for", null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "status change"
        indexes = [
            models.Index(fields=["article", "-changed_at"], name="statuschange_article_idx"),
            models.Index(fields=["-changed_at"], name="statuschange_date_idx"),
        ]

    def __str__(self):
        return f"{self.article}: {self.from_status} → {self.to_status}"


class ImportedFile(models.Model):
    """The bytes of a seed file an import wrote, by their SHA-256, and the article they
    made: an import skips every file whose bytes it has written before.

    An article's own ``content_hash`` is only the last file's. Two files of one article
    (a feed respelling its URL, folded into one identity) were each new to every run
    then, and rewrote the article in turn on every run, for ever."""

    content_hash = models.CharField(max_length=64)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="imported_files")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_hash"], name="importedfile_unique_hash"),
        ]

    def __str__(self):
        return self.content_hash


class ImportRun(models.Model):
    """One run of the seed importer, with its counts and failures, and how it ended.

    Stored as it starts (``running``) and brought up to date after each chunk, so a run
    in progress shows how far it is, and one that died (killed, its machine lost) stays
    ``running`` with what it had done by its last chunk (``duration`` says when)."""

    class Status(models.TextChoices):
        RUNNING = "running", "running (or ended without a word: killed, the machine lost)"
        COMPLETED = "completed", "completed"
        INTERRUPTED = "interrupted", "interrupted (SIGINT/SIGTERM)"
        FAILED = "failed", "failed (database unavailable)"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="What started it, e.g. the command line."
    )
    paths = models.TextField(blank=True)
    dry_run = models.BooleanField(default=False)
    files_seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    duration = models.DurationField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.COMPLETED)
    files_done = models.PositiveIntegerField(
        default=0, help_text="Files handled before the run ended; all of them once completed."
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"
        verbose_name = "import run"
        # Uploading from the desk (articles.uploads): as strong as publishing, since a
        # seed's ``published: true`` publishes a new article.
        permissions = [("import_seeds", "Can import seed files from the desk")]

    def __str__(self):
        return f"Import of {self.started_at:%Y-%m-%d %H:%M}"


class ImportFailure(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="failures")
    file = models.CharField(max_length=1000)
    line = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["run", "id"]
        verbose_name = "import failure"

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ContentVersion(models.Model):
    """One row: the version of everything readers see (``articles.pagecache``)."""

    counter = models.BigIntegerField(default=0)
    next_change_at = models.DateTimeField(
        null=True, blank=True, help_text="The earliest scheduled time still to come."
    )
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the counter last moved: no page is older."
    )

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"version {self.counter}"
