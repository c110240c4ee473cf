"""Project-level views: the health check, uploaded media, the login lockout page."""

import logging
import secrets
from contextlib import contextmanager

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import SuspiciousFileOperation
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Uploaded files are whatever an editor chose: never let a browser run them as a page.
MEDIA_CSP = "default-src 'none'; sandbox"


@never_cache
def healthz(request):
    """200 "ok" when the database answers and, if one is shared, the cache does too.

    A load balancer takes the process out of rotation on a 503, whose body names what is
    down in a few words. A per-process cache (local memory) cannot be down, so it is
    not checked.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database error means unhealthy
        return unhealthy("database unreachable", exc)
    cache = caches["default"]
    if not isinstance(cache, LocMemCache | DummyCache):
        # A key of its own per probe: processes checking at once never read each other's.
        key = f"healthz:{secrets.token_hex(8)}"
        try:
            cache.set(key, "ok", timeout=10)
            answered = cache.get(key)
            cache.delete(key)
        except Exception as exc:  # noqa: BLE001 - any cache error means unhealthy
            return unhealthy("cache unreachable", exc)
        if answered != "ok":
            return unhealthy("cache does not keep values", None)
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def unhealthy(reason, exc):
    logger.warning("healthz: %s: %s", reason, exc)
    return HttpResponse(reason + "\n", status=503, content_type="text/plain; charset=utf-8")


@require_safe
def media(request, path):
    """An uploaded file from ``MEDIA_ROOT`` (publisher logos), sandboxed.

    ``django.views.static.serve`` refuses paths outside the folder, lists no directories
    and answers If-Modified-Since. The sandboxing CSP and nosniff keep an uploaded file
    from running as a page on the site's origin. For several web servers, keep media in
    shared storage (django-storages) with an absolute ``MEDIA_URL``; this view is then
    not routed.
    """
    try:
        response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        raise Http404("No such file.") from None
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login from a locked username and address: a 429 page."""
    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        # newsroom.auth: the account failed too often from many addresses.
        "account": getattr(request, "account_locked_out", False),
    }
    return render(request, "registration/locked_out.html", context, status=429)


@contextmanager
def login_turn(username):
    """PostgreSQL: one login attempt at a time for ``username``, across every process
    and machine (a session advisory lock, held for the attempt). django-axes checks the
    lock, the password is checked, then axes counts the failure: a burst of attempts at
    once all passed the check before any was counted, and 8 to 9 of 40 guesses from one
    address were tried where the limit is 5."""
    key = " ".join(username.split()).lower()
    if connection.vendor != "postgresql" or not key:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", ["login:" + key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", ["login:" + key])


def desk_login(request, **kwargs):
    """The admin's login page (routed ahead of it), each attempt in its turn."""
    from django.contrib import admin

    username = request.POST.get("username", "") if request.method == "POST" else ""
    with login_turn(username[:300]):
        return admin.site.login(request, **kwargs)


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" link (``<admin>/r/<type>/<id>/``), for those who may
    view the object in the admin only. Django's own answers any staff user with a
    redirect to the object's public address, and an article's is made from its
    headline: a staff account with no permission could read the queue's headlines."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut

    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type and content_type.model_class()
    model_admin = admin.site._registry.get(model)
    obj = None
    if model_admin is not None and object_id.isascii() and object_id.isdigit():
        obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404("Nothing to view on the site.")
    return shortcut(request, content_type_id, object_id)
