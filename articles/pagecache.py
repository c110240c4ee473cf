"""Anonymous readers' pages and feeds from the cache, never stale.

Every cached response is stored with the *content version* it was rendered at. Any
change that readers could see bumps the version once its transaction commits, so the
next request on any server renders afresh; there is no timeout to wait for.

* **Where the version lives.** The database row ``ContentVersion`` is the source of truth.
  With a shared cache (Redis) the version is mirrored there, and a cache hit costs one
  small round trip: the version. Each process keeps its own copy of the pages it served
  lately (``LocalCopies``, bounded by ``PAGE_CACHE_LOCAL_BYTES``), good while the shared
  version is unchanged, so the page itself crosses the network once per process and
  version. With local memory, which each process has to itself, every request reads the
  row instead, so an import run from the command line still reaches a running server.
* **What bumps it.** Saving or deleting any reader-visible model (signals below), and,
  for the bulk writes that send no signals, an explicit ``content_changed()``: the
  importer after each chunk, moderation, merges.
* **Never a counter twice.** A bump sets the counter to at least the time in
  microseconds: a database restored from a backup, or flushed, starts above every
  counter cached before. Redis's mirror of the version lives ``VERSION_TTL`` seconds, so
  a mirror that a failed write or a restore left behind is read again from the row
  within that time; a bump checks the row after writing the mirror, so two bumps at
  once cannot leave the older one there.
* **Time.** A scheduled article goes live with no write at all: the version records the
  earliest future ``publish_at`` (computed in the bump's own UPDATE, so a schedule
  committed meanwhile is not lost), and the first request after it bumps the version.
  A response that holds only until a time of its own (the news sitemap's 48 hours) says
  so with ``holds_until()``.
* **A cache that is down** (Redis unreachable) means pages served uncached, not errors.
* **Who is served from it.** GET requests without a session cookie, for paths outside the
  admin, static and media files; staff always carry the session cookie, so they are never
  served a cached page. Only complete 200 responses that set no cookie are stored.
* **Validators.** Cached responses carry an ``ETag`` and ``Cache-Control: public,
  max-age=0, must-revalidate`` (plus ``s-maxage`` from ``PAGE_CACHE_CDN_MAX_AGE`` if set),
  and a matching ``If-None-Match`` gets a 304. A ``Last-Modified`` (feeds, sitemaps) is
  never older than the version (``LastModifiedMiddleware``): removing an article from a
  feed changes no remaining item's date, and an ``If-Modified-Since`` must not get a 304.
"""

import contextlib
import functools
import hashlib
import logging
import threading
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, transaction
from django.db.models import F, Subquery, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when it cannot be reached (Redis down, a socket error).
CACHE_ERRORS = (RedisError, OSError)
VERSION_KEY = "newsroom:content-version"
# Seconds Redis keeps its mirror of the version before it is read from the row again.
VERSION_TTL = 60
# The version the middleware read for the anonymous GET being served, so that what the
# view computes per version (``articles.counts``) reads it no second time.
serving_version = ContextVar("serving_version", default=None)
PAGE_KEY = "newsroom:page:"
SKIP_HEADERS = {"set-cookie", "content-length"}


@dataclass(frozen=True, slots=True)
class Version:
    counter: int
    next_change_at: datetime | None
    changed_at: datetime | None = None

    def expired(self, now):
        return self.next_change_at is not None and now >= self.next_change_at

    def mirrored(self):
        """As Redis keeps it."""
        return (self.counter, self.next_change_at, self.changed_at)


class LocalCopies:
    """This process's copies of shared-cache entries, least recently used out first.

    An entry is only served while its version is the shared one, so a copy can be old
    but never stale; the budget bounds memory, counted in bytes of page content.
    """

    def __init__(self):
        self._entries = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key, counter):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != counter:
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        budget = getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)
        size = len(entry[3])
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[3])
            if size > budget:
                return
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > budget:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped[3])

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0


local_copies = LocalCopies()


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def _shared(cache):
    """Local memory belongs to one process; any other backend is shared by the servers."""
    return not isinstance(cache, LocMemCache)


def _next_change_at(now):
    """The earliest scheduled time still to come, as a subquery of the bump's UPDATE."""
    from articles.models import Article

    return Subquery(
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)
        .order_by("publish_at")
        .values("publish_at")[:1]
    )


def _read_row():
    """The stored version; a missing row (a new or flushed database) is created first."""
    from articles.models import ContentVersion

    row = (
        ContentVersion.objects.filter(pk=1)
        .values_list("counter", "next_change_at", "changed_at")
        .first()
    )
    return Version(*row) if row else bump()


def bump():
    """Move to a new version now (outside any transaction, or after it committed)."""
    from articles.models import ContentVersion

    now = timezone.now()
    floor = int(now.timestamp() * 1_000_000)  # see "Never a counter twice"
    changes = {"next_change_at": _next_change_at(now), "changed_at": now}
    updated = ContentVersion.objects.filter(pk=1).update(
        counter=Greatest(F("counter") + 1, Value(floor)), **changes
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"counter": floor})
        ContentVersion.objects.filter(pk=1).update(**changes)
    version = _mirror(_cache())
    return version if version is not None else _read_row()


def _mirror(cache):
    """Copy the row's version to a shared cache, until the row still says the same once
    written (another bump may have read an older row and written after this one); the
    version, or None on local memory or a cache that cannot be reached."""
    if not _shared(cache):
        return None
    try:
        for _attempt in range(5):
            version = _read_row()
            cache.set(VERSION_KEY, version.mirrored(), VERSION_TTL)
            if _read_row() == version:
                return version
    except CACHE_ERRORS:
        # A full Redis (maxmemory, noeviction) refuses the write but still deletes: with
        # no version stored, every server reads the row's, never the older one left.
        logger.warning("the shared cache refused the version: it is read from the row")
        with contextlib.suppress(CACHE_ERRORS):
            cache.delete(VERSION_KEY)
    return None


def content_changed(using=None):
    """Something readers may see changed: bump the version when the transaction commits.

    One bump per transaction, however many rows it changed (a fixture load, an import
    chunk); outside a transaction, at once.
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(entry[1] is bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(bump, using=using)


def current_version(cache=None):
    """The content version, moved on first if a scheduled time has passed since it was
    made."""
    cache = cache or _cache()
    if _shared(cache):
        stored = cache.get(VERSION_KEY)
        if isinstance(stored, tuple) and len(stored) == 3:
            version = Version(*stored)
        else:  # gone (expired, evicted, Redis restarted) or written by older code
            version = _read_row()
            if stored is not None:
                cache.delete(VERSION_KEY)  # older code's form
            # Only if still missing: a bump that wrote a newer version since the row was
            # read must not be overwritten by this older one.
            cache.add(VERSION_KEY, version.mirrored(), VERSION_TTL)
    else:
        version = _read_row()
    return bump() if version.expired(timezone.now()) else version


def holds_until(response, moment):
    """``response`` is true only until ``moment`` (a window of time it shows): the page
    cache serves it no later, whatever the version."""
    response.holds_until = moment
    return response


# --- signals --------------------------------------------------------------------------

# Models whose rows only the admin sees: saving them changes no reader page.
_PRIVATE_MODELS = {
    "importrun",
    "importfailure",
    "statuschange",
    "contentversion",
    "storyterm",
    "storyword",
    "importedfile",
    "topicalias",  # a name imports file under a topic: no page shows it
}


def _on_change(sender, **kwargs):
    content_changed(using=kwargs.get("using"))


def _on_m2m_change(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed(using=kwargs.get("using"))


def connect_signals():
    from django.apps import apps

    for label in ("articles", "providers"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name in _PRIVATE_MODELS:
                continue
            uid = f"pagecache:{model._meta.label_lower}"
            post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
            post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    _on_m2m_change, sender=field.remote_field.through, dispatch_uid=uid + ":m2m"
                )


# --- the middleware ---------------------------------------------------------------------


def _excluded_prefixes():
    prefixes = [settings.STATIC_URL, settings.MEDIA_URL, *settings.PAGE_CACHE_EXCLUDE]
    return tuple("/" + prefix.lstrip("/") for prefix in prefixes if prefix)


def cacheable_request(request):
    return (
        getattr(settings, "PAGE_CACHE_ENABLED", True)
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(_excluded_prefixes())
        and set(request.GET) <= _page_params()
        and _served_port(request)
    )


@functools.cache
def _page_params():
    """The query parameters reader pages read: the front page's filters, the page
    number, a sitemap's page. A URL with any other (``?utm_source=…``, ``?x=1``) is
    served but not stored: each would be another copy of the same page, for anyone to
    fill the cache with, and the page's links repeat the query string it came with."""
    from articles.filters import ArticleFilter

    return frozenset(ArticleFilter.base_filters) | {"page", "p"}


def _served_port(request):
    """Whether the Host header names no port, or the one the request came in on: any
    other is accepted by ``ALLOWED_HOSTS`` (which ignores ports) and ends up in the
    page's absolute links, so it is served but not stored either."""
    host = request.get_host()
    _, colon, port = host.rpartition(":")
    if not colon or "]" in port:  # no port, or an IPv6 literal without one
        return True
    return port == str(request.get_port())


def cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def page_key(request):
    """One entry per URL and encoding: gzip (below this middleware) compresses for
    clients that accept it, and the cache keeps both forms."""
    gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()} {gzip}"
    return PAGE_KEY + hashlib.sha256(raw.encode()).hexdigest()


def _cache_control():
    value = "public, max-age=0, must-revalidate"
    cdn_max_age = getattr(settings, "PAGE_CACHE_CDN_MAX_AGE", 0)
    return f"{value}, s-maxage={cdn_max_age}" if cdn_max_age else value


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs from the cache while the content version is unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        cache = _cache()
        key = page_key(request)
        try:
            version, entry = self._lookup(cache, key)
        except DatabaseError:
            # No version to trust (the database is down, or not migrated yet): serve
            # uncached, and let the view say what is wrong.
            return self.get_response(request)
        except CACHE_ERRORS:
            logger.warning("the page cache is unreachable: serving %s uncached", request.path)
            return self.get_response(request)
        if _fresh(entry, version):
            return self._respond(request, entry)

        token = serving_version.set(version)
        try:
            response = self.get_response(request)
        finally:
            serving_version.reset(token)
        if response.status_code == 404 and not response.has_header("Cache-Control"):
            # Not stored here, and no CDN should keep it longer than a page either: the
            # article may be published in a minute.
            response["Cache-Control"] = _cache_control()
        if cacheable_response(response):
            response["Cache-Control"] = _cache_control()
            patch_vary_headers(response, ["Cookie"])
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            headers = [(k, v) for k, v in response.items() if k.lower() not in SKIP_HEADERS]
            until = getattr(response, "holds_until", None)
            entry = (version.counter, response.status_code, headers, response.content, until)
            try:
                cache.set(key, entry, getattr(settings, "PAGE_CACHE_TIMEOUT", 24 * 3600))
            except CACHE_ERRORS:
                logger.warning("the page cache is unreachable: %s not stored", request.path)
                return response
            if _shared(cache):
                local_copies.put(self._local_key(cache, key), entry)
        return response

    @staticmethod
    def _local_key(cache, key):
        return f"{cache.key_prefix}:{key}"

    def _lookup(self, cache, key):
        """The current version and the stored entry for ``key``.

        On Redis: the version alone when this process holds a copy of the page at that
        version (one small round trip), else the page too.
        """
        if not _shared(cache):
            return current_version(cache), cache.get(key)
        version = current_version(cache)
        local_key = self._local_key(cache, key)
        entry = local_copies.get(local_key, version.counter)
        if entry is None:
            entry = cache.get(key)
            if entry is not None and entry[0] == version.counter:
                local_copies.put(local_key, entry)
        return version, entry

    def _respond(self, request, entry):
        _, status, headers, content, _until = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        etag = response.get("ETag")
        last_modified = response.get("Last-Modified")
        conditional = get_conditional_response(
            request,
            etag=etag,
            last_modified=_parse_http_date(last_modified),
            response=response,
        )
        return conditional if conditional is not None else response


def _fresh(entry, version):
    """Whether a stored entry may be served at ``version`` (and is not one older code
    stored, without a time of its own)."""
    return (
        entry is not None
        and len(entry) == 5
        and entry[0] == version.counter
        and (entry[4] is None or timezone.now() < entry[4])
    )


def _parse_http_date(value):
    return parse_http_date_safe(value) if value else None


class LastModifiedMiddleware:
    """A ``Last-Modified`` no older than the content version's last change, and none at
    all while it is the current second.

    Feeds and sitemaps date themselves by their newest item, and removing an item (a
    rejection, a blocked publisher) changes no remaining item's date: a client asking
    ``If-Modified-Since`` got a 304 for a feed that had changed. And the header counts
    whole seconds: a change later in the second it names could not move it, so such a
    date is weak (RFC 9110, 8.8.2.2) and is not sent; the ``ETag`` still is. Placed just
    after ``ConditionalGetMiddleware``, so that the 304 it decides on sees this date.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        stated = _parse_http_date(response.get("Last-Modified"))
        if stated is None or request.path.startswith(_excluded_prefixes()):
            return response  # a file's own date (media), or the admin's
        version = serving_version.get()
        if version is not None:
            changed_at = version.changed_at
        else:  # not through the page cache (staff, or the cache off): one small query
            from articles.models import ContentVersion

            try:
                changed_at = (
                    ContentVersion.objects.filter(pk=1).values_list("changed_at", flat=True).first()
                )
            except DatabaseError:
                del response["Last-Modified"]
                return response
        if changed_at is not None:
            stated = max(stated, int(changed_at.timestamp()))
        if stated >= int(timezone.now().timestamp()):
            del response["Last-Modified"]
        else:
            response["Last-Modified"] = http_date(stated)
        return response
