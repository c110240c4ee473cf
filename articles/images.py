"""Where readers' browsers fetch an article's image or a publisher's logo from.

The feed's image URLs are absolute and point at the publishers' hosts; they are shown as
they are (through ``safe_url``). The demo's seed files need absolute URLs too, yet must
work on a machine with no network, so their images live on one documented host,
``DEMO_IMAGE_BASE``, under the reserved ``.example`` top-level domain, which never
resolves anywhere (RFC 2606). Every page and feed maps that host to the same file under
``static/demo-images/``: the pictures ``fixtures/make_demo_seeds.py`` draws with Pillow,
committed and served by WhiteNoise like the rest of the site's static files, so
``make demo`` shows them with no setup, at any host and port.

``image_src`` is the one place that mapping happens; templates use it through the
``image_src`` filter, feeds and JSON-LD through ``absolute_image_url``.
"""

from django.templatetags.static import static

from .templatetags.site_tags import safe_url

DEMO_IMAGE_BASE = "https://images.newsroom.example/demo/"
DEMO_STATIC_DIR = "demo-images/"


def image_src(url):
    """The URL a page gives a browser for image ``url``, or "" when it must not be shown."""
    url = safe_url(url)
    if url.startswith(DEMO_IMAGE_BASE):
        name = url.removeprefix(DEMO_IMAGE_BASE)
        if name and ".." not in name.split("/"):
            try:
                return static(DEMO_STATIC_DIR + name)
            except ValueError:
                # No such demo picture: the manifest storage (production) refuses the
                # name, and a feed file naming one must not fail every page showing it.
                return ""
        return ""
    return url


def absolute_image_url(request, url):
    """``image_src(url)`` as an absolute URL (for feeds, OpenGraph and JSON-LD), or ""."""
    src = image_src(url)
    return request.build_absolute_uri(src) if src else ""
