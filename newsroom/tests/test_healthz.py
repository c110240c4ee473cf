"""/healthz: 200 when the database (and a shared cache) answer, else 503 saying which."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "newsroom.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_up(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_database_down(client):
    with mock.patch(
        "newsroom.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"database unreachable\n"


def test_shared_cache_down(client, settings):
    settings.CACHES = DEAD_REDIS
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"cache unreachable\n"


def test_shared_cache_that_answers(client, settings):
    """A cache other than local memory is really written and read back."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": f"{settings.MEDIA_ROOT}/healthz-cache",
        }
    }
    with mock.patch("django.core.cache.backends.filebased.FileBasedCache.get") as get:
        get.return_value = None
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"cache does not keep values\n"
    assert client.get(reverse("healthz")).status_code == 200
