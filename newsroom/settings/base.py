"""Settings shared by every environment, read from the environment.

``dev`` (the default for ``manage.py``) and ``test`` add safe local defaults;
``production`` (the default for WSGI/ASGI) refuses to start without a secret key
and allowed hosts. The security headers (CSP, Permissions-Policy, nosniff), login
throttling and password rules live here so every environment runs with them.
"""

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "csp",
    "axes",
    "newsroom",
    "providers",
    "articles",
]

# The security headers come before WhiteNoise, so static files carry them too;
# compression comes after it (WhiteNoise serves pre-compressed files itself).
MIDDLEWARE = [
    # The policy headers first, so every response carries them (a redirect to HTTPS, a 413).
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.LimitRequestBodyMiddleware",  # before anything reads a body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.pagecache.AnonymousPageCacheMiddleware",  # stores what gzip below made
    "newsroom.middleware.AnonymousGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "articles.pagecache.LastModifiedMiddleware",  # just after: its 304s see this date
    "django.middleware.csrf.CsrfViewMiddleware",
    "newsroom.middleware.RejectNulBytesMiddleware",  # after CSRF: reads no forged body
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Django reads these per database, never at the top level. Persistent connections are
# checked before reuse, so a database restart costs one retry, not an error page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while an import writes. At 100,000 articles the
    # file is about 2 GB and SQLite's own 2 MB page cache misses on most rows a list
    # walks: reading pages through a memory map (256 MB) and a 32 MB cache per
    # connection keeps a topic page's cost near its cost at 1,000.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command",
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA mmap_size=268435456; PRAGMA cache_size=-32768;",
    )
    # A transaction takes the write lock when it begins, waiting up to the timeout for
    # another writer. A deferred one read first and, if another writer committed
    # meanwhile, failed at its first write with "database is locked", whatever the
    # timeout: one of two editors deciding on an article at once got a 500.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": "newsroom",
            # A cache that does not answer fails fast instead of hanging every request.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "newsroom.passwords.GuessablePatternValidator"},
]

# django-axes: its backend counts failed logins and refuses the right password too once
# a username has failed AXES_FAILURE_LIMIT times from one address. Locking the pair, not
# the username alone, keeps a stranger from locking an editor out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "newsroom.auth.AccountThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# ... and an account, from every address but those it has logged in from, after this
# many (newsroom.auth): guesses spread over many addresses end there too.
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "newsroom.proxies.client_ip"
# How many reverse proxies in front of the site append to X-Forwarded-For. 0 (the default)
# ignores the header, which a client can write itself, and uses the socket's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


# The admin's address; a less obvious one keeps drive-by password guessing down.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
LOGIN_URL = "admin:login"
# Where a login lands when it has no (safe) ``next``: Django's default is a 404 here.
LOGIN_REDIRECT_URL = "admin:index"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Newsroom's own settings.
NEWSROOM_SITE_NAME = env.str("NEWSROOM_SITE_NAME", default="Newsroom")
# The clock readers' pages give times on, its zone named beside each time (the desk has
# its own, NEWSROOM_DESK_TIME_ZONE). Checked here, so a misspelt zone stops the start.
NEWSROOM_SITE_TIME_ZONE = env.str("NEWSROOM_SITE_TIME_ZONE", default="Europe/London")
ZoneInfo(NEWSROOM_SITE_TIME_ZONE)
# Anonymous readers' pages come from the cache, invalidated on every change
# (articles/pagecache.py); PAGE_CACHE_CDN_MAX_AGE adds s-maxage for a CDN in front.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=24 * 3600)
PAGE_CACHE_CDN_MAX_AGE = env.int("PAGE_CACHE_CDN_MAX_AGE", default=0)
PAGE_CACHE_EXCLUDE = ["admin/", "accounts/", "healthz"]
# Seed files larger than this are rejected before parsing.
SEED_MAX_BYTES = env.int("SEED_MAX_BYTES", default=1024 * 1024)
# Request bodies declaring more are refused (413) before they are read. Within it, form
# fields are held in memory up to DATA_UPLOAD_MAX_MEMORY_SIZE (else a 400), and an upload
# larger than a logo may be (2 MB) goes to a temporary file until its form refuses it.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A loose seed file (at most SEED_MAX_BYTES) stays in memory; a larger zip goes to a
# temporary file, removed when the request ends.
FILE_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
# Seed files uploaded from the desk (articles/uploads.py). The upload page alone accepts a
# body up to SEED_UPLOAD_MAX_BYTES (REQUEST_MAX_BYTES_BY_URL); every other path keeps
# REQUEST_MAX_BYTES. Loose files per request stay at Django's DATA_UPLOAD_MAX_NUMBER_FILES
# (100): more go in a zip, which may hold SEED_UPLOAD_MAX_FILES seed files of at most
# SEED_MAX_BYTES each, SEED_UPLOAD_MAX_TOTAL_BYTES together once unpacked.
SEED_UPLOAD_MAX_BYTES = env.int("SEED_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
SEED_UPLOAD_MAX_FILES = env.int("SEED_UPLOAD_MAX_FILES", default=1000)
SEED_UPLOAD_MAX_TOTAL_BYTES = env.int("SEED_UPLOAD_MAX_TOTAL_BYTES", default=100 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 100
REQUEST_MAX_BYTES_BY_URL = {"admin:articles_importrun_upload": "SEED_UPLOAD_MAX_BYTES"}
# Per-file limits of the importer (articles/seedfiles/records.py ``Limits``): items past
# these are dropped with a warning naming the setting; the file still imports.
SEED_MAX_RELATED = env.int("SEED_MAX_RELATED", default=200)
SEED_MAX_TOPICS = env.int("SEED_MAX_TOPICS", default=50)
SEED_MAX_IMAGES = env.int("SEED_MAX_IMAGES", default=20)
# Longer excerpts are cut (on a word boundary) with a warning.
SEED_MAX_EXCERPT = env.int("SEED_MAX_EXCERPT", default=5000)
# A publishedDateTime further ahead of the import than this is set to the import time.
SEED_MAX_FUTURE_HOURS = env.int("SEED_MAX_FUTURE_HOURS", default=24)
# Whether a seed's ``published: true`` publishes the article on its first import (true:
# the feed is trusted, as it always was) or sends it to the review queue like any other
# (false). Never applied to an article already stored: its status is the desk's.
NEWSROOM_TRUST_FEED_PUBLISHED = env.bool("NEWSROOM_TRUST_FEED_PUBLISHED", default=True)

# Stories (articles/stories/clustering.py): whether imports group articles into stories;
# a related URL listed by more articles than STORY_HUB_LINKS (a homepage) joins nothing;
# headlines are compared within STORY_WINDOW_DAYS, and a word more than STORY_TERM_CAP
# articles of that window use is too common to count.
STORY_CLUSTERING = env.bool("STORY_CLUSTERING", default=True)
STORY_HUB_LINKS = env.int("STORY_HUB_LINKS", default=25)
STORY_WINDOW_DAYS = env.int("STORY_WINDOW_DAYS", default=21)
STORY_TERM_CAP = env.int("STORY_TERM_CAP", default=40)
# PostgreSQL: cluster each committed chunk on a second connection beside the import
# (articles/stories/background.py); false clusters inside each chunk's transaction,
# one connection and a little less CPU per import process.
STORY_CLUSTERING_IN_BACKGROUND = env.bool("STORY_CLUSTERING_IN_BACKGROUND", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"one_line_warning": {"()": "newsroom.log.OneLineWarning"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        # Scanners send any Host header: a line each is enough, not an error and traceback.
        "django.security.DisallowedHost": {"filters": ["one_line_warning"]},
    },
}

# Content-Security-Policy on every response, admin included: scripts only from our own
# static files (no inline script, no eval), styles from our stylesheets. The admin alone
# adds 'unsafe-inline' for styles (newsroom.middleware.ContentSecurityPolicyMiddleware).
# Article images come from the publishers' own hosts, hence https: for images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:", "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Powerful browser features the site never uses, refused for it and anything it embeds.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SECURE_CONTENT_TYPE_NOSNIFF = True

# WhiteNoise serves static files straight from the apps and static/ until collectstatic
# runs (production turns this off and serves the collected, hashed files).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = True
