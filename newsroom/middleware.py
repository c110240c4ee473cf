"""Project middleware: requests turned away early, security headers, safe compression.

The policy headers' middlewares come first in ``MIDDLEWARE``, then Django's security
middleware, so every response carries the headers, a redirect to HTTPS or a refusal
below included. ``LimitRequestBodyMiddleware`` comes next: it refuses a body by its
declared length before anything reads it. ``RejectNulBytesMiddleware`` comes after
``CsrfViewMiddleware``: it checks the query string as the request arrives, and a posted
form only once CSRF has let the request through, so a forged POST is never parsed here.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.gzip import GZipMiddleware
from django.urls import NoReverseMatch, reverse


class LimitRequestBodyMiddleware:
    """A body over ``REQUEST_MAX_BYTES`` is a 413, decided from Content-Length alone.

    Under WSGI, Django never reads more of a body than its Content-Length declares, so
    the header is the whole story: a malformed one is a 400, and a body sent chunked
    (Transfer-Encoding, no length to check) is a 411 Length Required rather than being
    silently read as empty.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_TRANSFER_ENCODING" in request.META:
            return HttpResponse(
                "Send a Content-Length.", status=411, content_type="text/plain; charset=utf-8"
            )
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isascii() or not declared.isdigit():
            return HttpResponseBadRequest("Bad Content-Length.")
        limit, setting = self.limit_for(request)
        if int(declared) > limit:
            return HttpResponse(
                f"Request bodies are limited to {limit} bytes ({setting}).",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def limit_for(request):
        """(limit, setting name): ``REQUEST_MAX_BYTES``, or for a path named in
        ``REQUEST_MAX_BYTES_BY_URL`` (the seed upload page) the setting it names. One
        page gets the higher limit; every other path, its neighbours included, keeps
        the general one."""
        for url_name, setting in getattr(settings, "REQUEST_MAX_BYTES_BY_URL", {}).items():
            try:
                if request.path == reverse(url_name):
                    return getattr(settings, setting), setting
            except NoReverseMatch:
                continue
        return settings.REQUEST_MAX_BYTES, "REQUEST_MAX_BYTES"


class RejectNulBytesMiddleware:
    """A NUL byte in a query or form parameter is a 400 Bad Request.

    No form on the site or in the admin accepts one, and PostgreSQL refuses it in any
    query, so a filter that passes a parameter to the database unchecked (the admin's
    own list filters, say) raised a DataError: a 500 instead of an answer.

    The query string is checked on the way in; the POST body in ``process_view``, which
    runs after ``CsrfViewMiddleware``'s (this middleware is listed after it) and only if
    that one let the request through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET):
            return _nul_refused()
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and _has_nul(request.POST):
            return _nul_refused()
        return None


def _nul_refused():
    return HttpResponseBadRequest(
        "NUL bytes are not allowed in parameters.", content_type="text/plain; charset=utf-8"
    )


def _has_nul(params):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's ``CONTENT_SECURITY_POLICY``, plus inline styles in the admin only.

    Django's admin (and the desk overview) sets style attributes and has a <style>
    block; the reader site uses nothing but its stylesheet and keeps style-src 'self'.
    Scripts stay 'self' everywhere.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/" + settings.ADMIN_URL):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


class PermissionsPolicyMiddleware:
    """Send ``settings.PERMISSIONS_POLICY`` as the Permissions-Policy header on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class AnonymousGZipMiddleware(GZipMiddleware):
    """Gzip reader pages and feeds; never a response that may carry a secret.

    Compression over HTTPS leaks secrets through response length (BREACH): a page that
    reflects attacker-chosen text (a search box) next to a secret gives the secret away a
    byte at a time. The secrets here are CSRF tokens and whatever a logged-in editor sees,
    so only these are compressed: requests without a session cookie (an anonymous
    reader), outside the admin, whose response used no CSRF token. Static files are
    compressed ahead of time by WhiteNoise and never reach this middleware.
    """

    def process_response(self, request, response):
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or request.path_info.startswith("/" + settings.ADMIN_URL)
        ):
            return response
        return super().process_response(request, response)
