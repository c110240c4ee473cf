"""The anonymous page cache: served from the cache, never stale, never for staff.

Each test runs on local memory and on the real Redis (when one answers at
``REDIS_TEST_URL``, default 127.0.0.1:6379/15; under CI a missing Redis fails). The
tests commit their transactions, since the content version moves only on commit.
"""

import os
import uuid
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from articles import pagecache
from articles.models import Article, ContentVersion
from articles.tests.factories import make_article, make_provider, make_topic

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_available():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means "not available here"
        return False
    return True


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request):
    if request.param == "redis":
        if not _redis_available():
            message = f"Redis is not reachable at {REDIS_URL}"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        backend = {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    with override_settings(CACHES={"default": backend}, PAGE_CACHE_ENABLED=True):
        caches["default"].clear()
        yield request.param
        caches["default"].clear()


def rename_behind_the_caches_back(article, title):
    """A write that sends no signal and bumps nothing, as raw SQL elsewhere would."""
    Article.objects.filter(pk=article.pk).update(title=title)


def test_second_request_is_served_from_the_cache(client, page_cache):
    article = make_article(title="The first version")
    assert "The first version" in client.get("/").text
    rename_behind_the_caches_back(article, "A silent change")

    assert "The first version" in client.get("/").text  # cached


def test_a_saved_change_shows_on_the_next_request(client, page_cache):
    article = make_article(title="Before the edit")
    assert "Before the edit" in client.get("/").text

    article.title = "After the edit"
    article.save()

    assert "After the edit" in client.get("/").text


def test_content_changed_inside_a_transaction_waits_for_the_commit(client, page_cache, monkeypatch):
    from django.db import transaction

    article = make_article(title="Committed title")
    client.get("/")
    bumps = []
    real_bump = pagecache.bump
    monkeypatch.setattr(pagecache, "bump", lambda: bumps.append(1) or real_bump())
    with transaction.atomic():
        rename_behind_the_caches_back(article, "Renamed in bulk")
        pagecache.content_changed()
        pagecache.content_changed()  # one bump per transaction
        before = ContentVersion.objects.get(pk=1).counter
        assert bumps == []
    assert bumps == [1]
    assert ContentVersion.objects.get(pk=1).counter > before
    assert "Renamed in bulk" in client.get("/").text


def test_another_process_bumping_the_version_reaches_this_one(client, page_cache):
    """Another server (or an import on the command line) bumped the version."""
    article = make_article(title="Old headline")
    client.get("/")
    rename_behind_the_caches_back(article, "New headline")
    pagecache.bump()

    assert "New headline" in client.get("/").text


def test_a_scheduled_time_passing_needs_no_write(client, page_cache, monkeypatch):
    now = timezone.now()
    make_article(title="Goes live later", publish_at=now + timedelta(hours=1))
    assert "Goes live later" not in client.get("/").text
    assert "Goes live later" not in client.get("/").text

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))

    assert "Goes live later" in client.get("/").text


def test_staff_are_never_served_a_cached_page(client, page_cache, django_user_model):
    article = make_article(title="Cached for readers")
    client.get("/")
    rename_behind_the_caches_back(article, "What staff see")
    staff = django_user_model.objects.create_user("desk", password="x", is_staff=True)
    client.force_login(staff)

    response = client.get("/")

    assert "What staff see" in response.text
    client.logout()
    client.cookies.clear()
    assert "Cached for readers" in client.get("/").text


def test_cached_pages_carry_validators_and_answer_304(client, page_cache):
    make_article()
    first = client.get("/")
    etag = first["ETag"]
    assert "must-revalidate" in first["Cache-Control"]
    assert "public" in first["Cache-Control"]

    again = client.get("/", headers={"if-none-match": etag})

    assert again.status_code == 304
    assert again["ETag"] == etag


def test_feeds_are_cached_and_invalidated_too(client, page_cache):
    article = make_article(title="Feed item one")
    assert "Feed item one" in client.get("/feeds/rss/").text
    rename_behind_the_caches_back(article, "Silent feed change")
    assert "Feed item one" in client.get("/feeds/rss/").text

    article.provider.is_blocked = True
    article.provider.save()

    assert "Feed item one" not in client.get("/feeds/rss/").text


def test_a_404_is_not_stored(client, page_cache):
    template = make_article(slug="some-other-story")
    missing = client.get("/articles/no-such-story/")
    assert missing.status_code == 404
    # Nor kept by a CDN longer than a page: without a Cache-Control it may guess.
    assert missing["Cache-Control"] == "public, max-age=0, must-revalidate"
    # bulk_create sends no signal: only a 404 that was never stored lets this through.
    Article.objects.bulk_create(
        [
            Article(
                slug="no-such-story",
                url="https://late.example/story",
                source_url="https://late.example/story",
                title="Now it exists",
                published_at=template.published_at,
                status=Article.Status.PUBLISHED,
                provider=template.provider,
            )
        ]
    )

    assert client.get("/articles/no-such-story/").status_code == 200


def test_the_admin_is_never_cached(client, page_cache):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_a_provider_rename_is_seen(client, page_cache):
    provider = make_provider(name="Old Name Daily")
    make_article(provider=provider)
    assert "Old Name Daily" in client.get("/").text

    provider.name = "New Name Daily"
    provider.save()

    assert "New Name Daily" in client.get("/").text


def test_a_cache_hit_costs_at_most_one_query(client, page_cache, django_assert_max_num_queries):
    make_article()
    client.get("/")
    connection.close()  # the count below includes no connection set-up queries
    client.get("/")
    with django_assert_max_num_queries(1):
        client.get("/")


@pytest.mark.parametrize("url", ["/sitemap.xml", "/topics/"])
def test_a_miss_reads_the_content_version_once(client, page_cache, monkeypatch, url):
    """The page cache reads the version, and what the page computes per version (its
    counts, the sitemap sections' dates) uses that read instead of another."""
    make_article(topics=[make_topic("Energy")])
    reads = []
    read = pagecache.current_version
    monkeypatch.setattr(pagecache, "current_version", lambda *a: reads.append(1) or read(*a))
    assert client.get(url).status_code == 200
    assert len(reads) == 1


def test_an_import_shows_on_the_next_request(client, page_cache, tmp_path):
    from articles.seedfiles import import_seeds
    from articles.tests.seedtext import render_seed, seed_record

    assert client.get("/").status_code == 200
    record = seed_record(1)
    record["published"] = True
    (tmp_path / "one.txt").write_text(render_seed(record))

    result = import_seeds([tmp_path])

    assert result.created == 1
    assert record["title"] in client.get("/").text


# --- every kind of change readers could see ----------------------------------------------


def _user(django_user_model):
    return django_user_model.objects.create_user("desk-editor", password="x", is_staff=True)


def _publish(article, user):
    from articles import moderation

    article_pending = make_article(title="Waiting in the queue", status=Article.Status.PENDING)
    moderation.publish([article_pending], user)
    return "Waiting in the queue", True


def _reject(article, user):
    from articles import moderation

    moderation.reject([article], user)
    return article.title, False


def _send_back(article, user):
    from articles import moderation

    moderation.send_back([article], user)
    return article.title, False


def _schedule(article, user):
    from articles import moderation

    moderation.schedule([article], user, timezone.now() + timedelta(days=1))
    return article.title, False


def _edit_title(article, user):
    article.title = "An editor's better headline"
    article.save()
    return "An editor&#x27;s better headline", True


def _block_publisher(article, user):
    article.provider.is_blocked = True
    article.provider.save()
    return article.title, False


def _merge_publisher(article, user):
    from articles.merging import merge_providers

    survivor = make_provider(name="The Surviving Gazette")
    merge_providers(survivor, [article.provider], user)
    return "The Surviving Gazette", True


def _rename_topic(article, user):
    topic = article.topics.get()
    topic.name = "Renamed topic"
    topic.save()
    return "Renamed topic", True


def _merge_topic(article, user):
    from articles.merging import merge_topics
    from articles.tests.factories import make_topic

    survivor = make_topic("Surviving topic")
    merge_topics(survivor, [article.topics.get()], user)
    return "Surviving topic", True


def _add_topic(article, user):
    from articles import moderation
    from articles.tests.factories import make_topic

    moderation.add_topic([article], make_topic("Freshly added topic"), user)
    return "Freshly added topic", True


def _hide_related(article, user):
    link = article.related_links.get()
    link.is_hidden = True
    link.save()
    return link.title, False


CHANGES = [
    _publish,
    _reject,
    _send_back,
    _schedule,
    _edit_title,
    _block_publisher,
    _merge_publisher,
    _rename_topic,
    _merge_topic,
    _add_topic,
    _hide_related,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_shows_on_the_next_request(client, page_cache, change, django_user_model):
    from articles.tests.factories import make_related, make_topic

    article = make_article(title="The story on the page", topics=[make_topic("First topic")])
    make_related(article, title="Coverage elsewhere")
    url = "/" if change is not _hide_related else article.get_absolute_url()
    if change in (_rename_topic, _merge_topic, _add_topic):
        url = article.get_absolute_url()
    client.get(url)
    assert client.get(url).status_code == 200  # now cached

    text, visible = change(article, _user(django_user_model))

    assert (text in client.get(url).text) is visible


def test_no_version_table_means_no_cache_not_a_500(client, page_cache, monkeypatch):
    def database_down():
        from django.db import OperationalError

        raise OperationalError("no such table: articles_contentversion")

    make_article(title="Served without the cache")
    monkeypatch.setattr(pagecache, "_read_row", database_down)
    caches["default"].delete(pagecache.VERSION_KEY)

    assert "Served without the cache" in client.get("/").text


@pytest.mark.parametrize("page_cache", ["locmem"], indirect=True)
def test_a_flushed_database_never_meets_pages_cached_before(client, page_cache):
    """Local memory reads the row on every request. (Redis keeps its own copy of the
    version: after restoring a database, bump it; the README says how.)"""
    make_article(title="Before the flush")
    assert "Before the flush" in client.get("/").text
    # A database emptied and filled again, with no signal: the version row starts afresh.
    ContentVersion.objects.all().delete()
    Article.objects.all().update(title="After the flush")

    assert "After the flush" in client.get("/").text


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_a_redis_hit_fetches_the_version_only(client, page_cache, monkeypatch):
    """This process's copy serves the page; the shared cache is asked for the version."""
    make_article(title="Kept in this process")
    assert "Kept in this process" in client.get("/").text
    asked = []
    real_get = type(caches["default"]).get

    def spy(cache, key, *args, **kwargs):
        asked.append(key)
        return real_get(cache, key, *args, **kwargs)

    monkeypatch.setattr(type(caches["default"]), "get", spy)
    assert "Kept in this process" in client.get("/").text
    assert asked == [pagecache.VERSION_KEY]


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_another_servers_change_retires_this_process_copy(client, page_cache):
    """A bump made elsewhere (another server, an import process) reaches this process
    through the shared version alone."""
    article = make_article(title="Seen before the change")
    assert "Seen before the change" in client.get("/").text
    rename_behind_the_caches_back(article, "Changed on another server")
    caches["default"].set(pagecache.VERSION_KEY, (10**17, None, timezone.now()), None)

    assert "Changed on another server" in client.get("/").text


def test_local_copies_stay_within_their_byte_budget(settings):
    settings.PAGE_CACHE_LOCAL_BYTES = 100
    copies = pagecache.LocalCopies()
    copies.put("a", (1, 200, [], b"x" * 40))
    copies.put("b", (1, 200, [], b"x" * 40))
    assert copies.get("a", 1) is not None  # a is now the most recently used
    copies.put("c", (1, 200, [], b"x" * 40))  # over budget: b goes

    assert copies.get("b", 1) is None
    assert copies.get("a", 1) is not None and copies.get("c", 1) is not None
    assert copies.get("a", 2) is None  # another version never matches
    copies.put("huge", (1, 200, [], b"x" * 101))
    assert copies.get("huge", 1) is None


# --- what an adversarial tester found ---------------------------------------------------


def test_a_restored_database_and_a_bump_never_meet_pages_cached_since_the_backup(
    client, page_cache
):
    """Restore a backup taken before a publish, then bump as the README says: the bump
    used to give the counter the publish had given, and its cached pages came back."""
    article = make_article(title="Published after the backup", status=Article.Status.REJECTED)
    at_backup = pagecache.bump().counter
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    pagecache.bump()  # the publish
    assert "Published after the backup" in client.get("/").text  # cached now

    # The restore: the row and the article as they were, with no signal.
    ContentVersion.objects.filter(pk=1).update(counter=at_backup)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.REJECTED)
    pagecache.bump()

    assert "Published after the backup" not in client.get("/").text


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_two_bumps_at_once_leave_the_newer_version_in_redis(page_cache, monkeypatch):
    """A bump reads the row, another bump commits and writes its newer version, then the
    first writes its older one: the first checks the row again and writes the newer."""
    cache = caches["default"]
    real_set = type(cache).set
    overtaken = []

    def set_after_another_bump(self, key, value, *args, **kwargs):
        if key == pagecache.VERSION_KEY and not overtaken:
            overtaken.append(1)
            pagecache.bump()  # commits and writes its version first
        return real_set(self, key, value, *args, **kwargs)

    monkeypatch.setattr(type(cache), "set", set_after_another_bump)
    pagecache.bump()

    row = ContentVersion.objects.get(pk=1)
    assert overtaken and cache.get(pagecache.VERSION_KEY)[0] == row.counter


def test_a_bump_reads_the_next_scheduled_time_in_its_own_update(page_cache):
    """Computed before the UPDATE, a schedule committed in between was overwritten and
    its time missed; in the statement itself, the row lock orders the two."""
    from django.test.utils import CaptureQueriesContext

    pagecache.bump()
    with CaptureQueriesContext(connection) as queries:
        pagecache.bump()
    sqls = [q["sql"] for q in queries.captured_queries]
    writes = [sql for sql in sqls if sql.startswith("UPDATE")]
    reads_before = sqls[: sqls.index(writes[0])] if writes else sqls
    assert len(writes) == 1 and "articles_article" in writes[0] and "publish_at" in writes[0]
    assert not any("articles_article" in sql for sql in reads_before)


def test_if_modified_since_after_an_article_left_a_feed_is_answered_in_full(
    client, page_cache, django_user_model, monkeypatch
):
    from articles.moderation import reject

    real_now = timezone.now
    make_article(title="Stays in the feed", published_at=real_now() - timedelta(days=1))
    leaving = make_article(title="Rejected later", published_at=real_now() - timedelta(days=2))
    # Seconds later: a date of the current second is not sent (see the middleware).
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=5))
    first = client.get("/feeds/rss/")
    assert first.status_code == 200 and "Rejected later" in first.text
    stated = first["Last-Modified"]
    assert client.get("/feeds/rss/", HTTP_IF_MODIFIED_SINCE=stated).status_code == 304

    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=10))
    reject([leaving], _user(django_user_model))
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=15))

    again = client.get("/feeds/rss/", HTTP_IF_MODIFIED_SINCE=stated)
    assert again.status_code == 200 and "Rejected later" not in again.text
    assert again["Last-Modified"] != stated


def test_no_last_modified_is_sent_for_the_current_second(client, page_cache):
    """A change later in this second could not move it: only the ETag validates."""
    make_article(title="Just imported")
    response = client.get("/feeds/rss/")
    assert response.status_code == 200 and response.has_header("ETag")
    assert not response.has_header("Last-Modified")


def test_the_news_sitemap_drops_an_article_when_its_48_hours_pass_with_no_write(
    client, page_cache, monkeypatch
):
    from django.urls import reverse

    now = timezone.now()
    make_article(title="Nearly two days old", published_at=now - timedelta(hours=48, seconds=-60))
    make_article(title="Fresh news", published_at=now - timedelta(hours=1))
    url = reverse("sitemap_news")
    assert "Nearly two days old" in client.get(url).text
    assert "Nearly two days old" in client.get(url).text  # from the cache

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(seconds=120))
    body = client.get(url).text
    assert "Nearly two days old" not in body and "Fresh news" in body


UNREACHABLE_REDIS = {
    "BACKEND": "newsroom.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
    "OPTIONS": {"socket_connect_timeout": 0.2},
}


def test_an_unreachable_redis_serves_pages_uncached_not_500s(client, django_user_model):
    from articles.moderation import publish

    article = make_article(title="Served without Redis", status=Article.Status.PENDING)
    with override_settings(CACHES={"default": UNREACHABLE_REDIS}, PAGE_CACHE_ENABLED=True):
        publish([article], _user(django_user_model))  # its bump cannot reach Redis
        for url in ("/", "/feeds/rss/", article.get_absolute_url(), "/topics/", "/providers/"):
            response = client.get(url)
            assert response.status_code == 200, url
        assert "Served without Redis" in client.get("/").text


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_a_version_read_from_the_row_never_overwrites_a_newer_bump(page_cache, monkeypatch):
    """A request finds Redis's copy gone and reads the row; another server bumps and
    writes its newer version before the request writes the one it read."""
    pagecache.bump()
    cache = caches["default"]
    cache.delete(pagecache.VERSION_KEY)
    real_read = pagecache._read_row
    bumped = []

    def read_then_bumped_elsewhere():
        version = real_read()
        if not bumped:
            bumped.append(1)
            pagecache.bump()
        return version

    monkeypatch.setattr(pagecache, "_read_row", read_then_bumped_elsewhere)
    pagecache.current_version()
    monkeypatch.undo()

    assert (
        bumped and cache.get(pagecache.VERSION_KEY)[0] == ContentVersion.objects.get(pk=1).counter
    )


@pytest.mark.parametrize("query", ["?utm_source=x", "?page=1&zzz=2"])
def test_a_url_with_parameters_no_page_reads_is_served_but_not_stored(client, page_cache, query):
    """Each would be another copy of the same page for anyone to fill the cache with."""
    article = make_article(title="The first version")
    assert "The first version" in client.get("/" + query).text
    assert "The first version" in client.get("/?page=1").text
    rename_behind_the_caches_back(article, "A silent change")

    assert "A silent change" in client.get("/" + query).text  # rendered again
    assert "The first version" in client.get("/?page=1").text  # stored


def test_a_host_naming_another_port_is_served_but_not_stored(client, page_cache):
    """ALLOWED_HOSTS ignores ports, and the port ends up in the page's absolute links."""
    article = make_article(title="The first version")
    for host in ("testserver:666", "testserver:80"):
        assert "The first version" in client.get("/", HTTP_HOST=host).text
    rename_behind_the_caches_back(article, "A silent change")

    odd = client.get("/", HTTP_HOST="testserver:666").text
    assert "A silent change" in odd and "testserver:666" in odd
    assert "The first version" in client.get("/", HTTP_HOST="testserver:80").text


def test_a_full_redis_refusing_the_version_leaves_none_older_behind(
    client, page_cache, monkeypatch
):
    """A Redis at its memory limit (noeviction) refuses writes but still deletes: the
    version it held is dropped, so servers read the row's and never serve what a change
    retired."""
    if page_cache != "redis":
        pytest.skip("local memory keeps no version of its own")
    import redis

    article = make_article(title="Before the change")
    assert "Before the change" in client.get("/").text
    cache = caches["default"]
    real_set, real_add = type(cache).set, type(cache).add

    def refuse_the_version(write):
        def refusing(self, key, *args, **kwargs):
            if key == pagecache.VERSION_KEY:
                raise redis.exceptions.OutOfMemoryError("command not allowed when used memory")
            return write(self, key, *args, **kwargs)

        return refusing

    monkeypatch.setattr(type(cache), "set", refuse_the_version(real_set))
    monkeypatch.setattr(type(cache), "add", refuse_the_version(real_add))
    Article.objects.filter(pk=article.pk).update(title="After the change")
    pagecache.bump()

    assert cache.get(pagecache.VERSION_KEY) is None
    assert "After the change" in client.get("/").text
