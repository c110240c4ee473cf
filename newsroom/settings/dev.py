"""Local development: DEBUG on, a throwaway secret, SQLite in the project folder."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Serve static files from the apps and static/ even with DEBUG off: no collectstatic here.
WHITENOISE_AUTOREFRESH = True
