"""Project middleware: requests turned away early, security headers, safe compression."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.gzip import GZipMiddleware


class RejectNulBytesMiddleware:
    """A NUL byte in a query or form parameter is a 400 Bad Request.

    No form on the site or in the admin accepts one, and PostgreSQL refuses it in any
    query, so a filter that passes a parameter to the database unchecked (the admin's
    own list filters, say) raised a DataError: a 500 instead of an answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest("NUL bytes are not allowed in parameters.")
        return self.get_response(request)


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
