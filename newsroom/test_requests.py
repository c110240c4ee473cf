"""Request bodies: bounded before anything reads them, and never parsed for a forged POST."""

import io

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
FORM = "application/x-www-form-urlencoded"


class MustNotBeRead(io.RawIOBase):
    """A ``wsgi.input`` that fails the test if anything reads the body."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the request body was read")


def post_unreadable(client, path, length, content_type=FORM, **extra):
    """A POST declaring a body of ``length`` bytes that nobody may read."""
    return client.generic(
        "POST",
        path,
        CONTENT_LENGTH=str(length),
        CONTENT_TYPE=content_type,
        **{"wsgi.input": MustNotBeRead()},
        **extra,
    )


def test_the_limit_comes_after_the_headers_before_all_else_and_the_nul_check_after_csrf():
    middleware = settings.MIDDLEWARE
    assert middleware[:4] == [
        "newsroom.middleware.ContentSecurityPolicyMiddleware",
        "newsroom.middleware.PermissionsPolicyMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "newsroom.middleware.LimitRequestBodyMiddleware",
    ]
    assert middleware.index("newsroom.middleware.RejectNulBytesMiddleware") > middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )
    assert settings.REQUEST_MAX_BYTES > 2 * 1024 * 1024  # room for a logo upload


def test_an_anonymous_300_mb_post_is_refused_unread():
    response = post_unreadable(Client(), LOGIN, 300 * 1024 * 1024, "multipart/form-data; b=x")
    assert response.status_code == 413


def test_a_refused_body_and_a_redirect_to_https_carry_the_security_headers(settings):
    refused = post_unreadable(Client(), LOGIN, 300 * 1024 * 1024, "multipart/form-data; b=x")
    settings.SECURE_SSL_REDIRECT = True
    redirect = Client().get("/")
    assert (refused.status_code, redirect.status_code) == (413, 301)
    for response in (refused, redirect):
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response.has_header("Permissions-Policy")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_an_editors_oversized_upload_is_refused_unread(admin_client):
    length = settings.REQUEST_MAX_BYTES + 1
    assert (
        post_unreadable(admin_client, "/admin/providers/provider/add/", length).status_code == 413
    )


def test_a_body_at_the_limit_is_let_through(client, settings):
    settings.REQUEST_MAX_BYTES = 100
    assert client.post(LOGIN, "x" * 100, content_type="text/plain").status_code == 200
    assert client.post(LOGIN, "x" * 101, content_type="text/plain").status_code == 413


@pytest.mark.parametrize("length", ["-1", "abc", "1e9", "١٢", " 12"])
def test_a_malformed_content_length_is_a_bad_request(client, length):
    assert post_unreadable(client, LOGIN, length).status_code == 400


def test_a_chunked_body_is_refused_unread(client):
    response = client.generic(
        "POST",
        LOGIN,
        CONTENT_TYPE=FORM,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": MustNotBeRead()},
    )
    assert response.status_code == 411


def test_a_post_without_a_csrf_cookie_is_403_unread_even_with_a_nul():
    client = Client(enforce_csrf_checks=True)
    assert post_unreadable(client, LOGIN, len("username=a%00b")).status_code == 403


def test_a_csrf_failing_post_with_a_nul_is_403_not_400():
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)  # sets the CSRF cookie; the form's token is not sent
    assert client.post(LOGIN, {"username": "a\x00b", "password": "x"}).status_code == 403


def test_a_csrf_passing_post_with_a_nul_is_400():
    client = Client(enforce_csrf_checks=True)
    token = client.get(LOGIN).context["csrf_token"]
    data = {"csrfmiddlewaretoken": str(token), "username": "a\x00b", "password": "x"}
    assert client.post(LOGIN, data).status_code == 400


def test_a_nul_in_the_query_string_is_400_without_reading_the_body(client):
    assert post_unreadable(client, LOGIN + "?next=%00", 10).status_code == 400
    assert client.get(LOGIN + "?next=%00").status_code == 400
