"""Production settings plus one trivial view, the baseline the HTTP benchmark compares to."""

from newsroom.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The baseline skips the page cache's lookup too: it measures Django alone.
PAGE_CACHE_EXCLUDE = [*PAGE_CACHE_EXCLUDE, "bench/"]  # noqa: F405
