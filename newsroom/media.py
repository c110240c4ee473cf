"""Uploaded media served so that a file can never act as a page of the site.

Logos are re-encoded images, but media is served from the site's own origin: should a
file ever hold markup, ``nosniff`` stops a browser from guessing it is HTML, and the
sandboxing policy gives any document it renders no scripts, no forms and an opaque origin.
"""

from django.conf import settings
from django.views.decorators.http import require_safe
from django.views.static import serve

MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
}


@require_safe
def serve_media(request, path, document_root=None):
    """``django.views.static.serve`` from ``MEDIA_ROOT``, with ``MEDIA_HEADERS`` added.

    GET and HEAD only; no directory listings; a missing file or a path outside the root
    is a 404 (``serve`` joins the path safely).
    """
    response = serve(request, path, document_root=document_root or settings.MEDIA_ROOT)
    for header, value in MEDIA_HEADERS.items():
        response.headers[header] = value
    return response
