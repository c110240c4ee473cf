"""Production: every secret from the environment, no development fallbacks.

Refuses to start without SECRET_KEY and ALLOWED_HOSTS, with DEBUG on, or with a wildcard
host. ``manage.py check --deploy --fail-level WARNING`` passes with the environment the
README documents (a test runs it).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DATABASES, DEBUG, SECRET_KEY, STORAGES, env

if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set the ALLOWED_HOSTS environment variable (comma-separated).")
if DEBUG:
    raise ImproperlyConfigured(
        "DEBUG is on: production settings never run with DEBUG=true (it shows settings "
        "and code to anyone). Unset DEBUG, or use newsroom.settings.dev locally."
    )
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS=* accepts any Host header (poisoned links in password-reset mails, "
        "cache poisoning): list the site's host names instead."
    )

DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve only what collectstatic collected (hashed names, compressed copies), never the
# source folders.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# Behind a TLS-terminating proxy, name the header it sets, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO. Only then is that header believed:
# without a proxy that overwrites it, any client could claim to be on HTTPS.
if proxy_ssl_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (proxy_ssl_header, "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain HTTP: a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is opt-in: once browsers ship the domain in their list, leaving HTTPS
    # takes months. Not preloading is a decision, so its deploy-check warning is silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
