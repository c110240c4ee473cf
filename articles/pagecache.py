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
* **Time.** A scheduled article goes live with no write at all: the version records the
  earliest future ``publish_at``, and the first request after it bumps the version.
* **Who is served from it.** GET requests without a session cookie, for paths outside the
  admin, static and media files; staff always carry the session cookie, so they are never
  served a cached page. Only complete 200 responses that set no cookie are stored.
* **Validators.** Cached responses carry an ``ETag`` and ``Cache-Control: public,
  max-age=0, must-revalidate`` (plus ``s-maxage`` from ``PAGE_CACHE_CDN_MAX_AGE`` if set),
  and a matching ``If-None-Match`` gets a 304.
"""

import hashlib
import secrets
import threading
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, transaction
from django.db.models import F, Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers

VERSION_KEY = "newsroom:content-version"
# The version the middleware read for the anonymous GET being served, so that what the
# view computes per version (``articles.counts``) reads it no second time.
serving_version = ContextVar("serving_version", default=None)
PAGE_KEY = "newsroom:page:"
SKIP_HEADERS = {"set-cookie", "content-length"}


@dataclass(frozen=True, slots=True)
class Version:
    counter: int
    next_change_at: datetime | None

    def expired(self, now):
        return self.next_change_at is not None and now >= self.next_change_at


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
    from articles.models import Article

    return Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=now).aggregate(
        first=Min("publish_at")
    )["first"]


def _read_row():
    """The stored version; a missing row (a new or flushed database) is created first."""
    from articles.models import ContentVersion

    row = ContentVersion.objects.filter(pk=1).values_list("counter", "next_change_at").first()
    return Version(*row) if row else bump()


def bump():
    """Move to a new version now (outside any transaction, or after it committed)."""
    from articles.models import ContentVersion

    now = timezone.now()
    next_change_at = _next_change_at(now)
    updated = ContentVersion.objects.filter(pk=1).update(
        counter=F("counter") + 1, next_change_at=next_change_at
    )
    if not updated:
        # A new row starts at a random counter, so the counters of a database that was
        # flushed and started again never meet entries cached before.
        ContentVersion.objects.get_or_create(
            pk=1, defaults={"counter": secrets.randbits(48), "next_change_at": next_change_at}
        )
    counter, next_change_at = (
        ContentVersion.objects.filter(pk=1).values_list("counter", "next_change_at").get()
    )
    version = Version(counter, next_change_at)
    cache = _cache()
    if _shared(cache):
        cache.set(VERSION_KEY, (version.counter, version.next_change_at), None)
    return version


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
        if stored is None:
            version = _read_row()
            cache.set(VERSION_KEY, (version.counter, version.next_change_at), None)
        else:
            version = Version(*stored)
    else:
        version = _read_row()
    return bump() if version.expired(timezone.now()) else version


# --- signals --------------------------------------------------------------------------

# Models whose rows only the admin sees: saving them changes no reader page.
_PRIVATE_MODELS = {
    "importrun",
    "importfailure",
    "statuschange",
    "contentversion",
    "storyterm",
    "storyword",
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
    )


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
        if entry is not None and entry[0] == version.counter:
            return self._respond(request, entry)

        token = serving_version.set(version)
        try:
            response = self.get_response(request)
        finally:
            serving_version.reset(token)
        if cacheable_response(response):
            response["Cache-Control"] = _cache_control()
            patch_vary_headers(response, ["Cookie"])
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            headers = [(k, v) for k, v in response.items() if k.lower() not in SKIP_HEADERS]
            entry = (version.counter, response.status_code, headers, response.content)
            cache.set(key, entry, getattr(settings, "PAGE_CACHE_TIMEOUT", 24 * 3600))
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
        _, status, headers, content = entry
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


def _parse_http_date(value):
    from django.utils.http import parse_http_date_safe

    return parse_http_date_safe(value) if value else None
