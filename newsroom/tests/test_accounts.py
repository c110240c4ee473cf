"""Logins: throttled per username and address, strong passwords, where a login lands."""

import importlib

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest
from django.urls import clear_url_caches, reverse

from articles.tests.admin_helpers import make_editor, make_user
from newsroom.proxies import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # what admin_helpers gives every user


def log_in(client, username, password, **extra):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )


def fail(client, username, times, **extra):
    for _ in range(times):
        response = log_in(client, username, "not-the-password", **extra)
    return response


def assert_logged_in(response):
    assert response.status_code == 302, response.content[:300]
    assert response["Location"] == reverse("admin:index")


def assert_locked(response):
    assert response.status_code == 429
    assert b"Login locked" in response.content
    assert b"Too many failed logins" in response.content
    assert b"for 30 minutes" in response.content


def test_wrong_passwords_lock_the_username_at_that_address(client, settings):
    make_editor("desk")
    response = fail(client, "desk", settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200  # the login form again, with its error
    assert_locked(fail(client, "desk", 1))
    assert_locked(log_in(client, "desk", PASSWORD))


def test_the_lock_spares_other_addresses_and_other_users(client, settings):
    make_editor("desk")
    make_editor("night")
    fail(client, "desk", settings.AXES_FAILURE_LIMIT)
    assert_logged_in(log_in(client, "desk", PASSWORD, REMOTE_ADDR="10.1.2.3"))
    client.logout()
    assert_logged_in(log_in(client, "night", PASSWORD))


def test_axes_reset_unlocks(client, settings):
    make_editor("desk")
    fail(client, "desk", settings.AXES_FAILURE_LIMIT)
    assert AccessAttempt.objects.filter(username="desk").exists()
    call_command("axes_reset", verbosity=0)
    assert_logged_in(log_in(client, "desk", PASSWORD))


def test_a_success_before_the_limit_starts_the_count_again(client, settings):
    make_editor("desk")
    fail(client, "desk", settings.AXES_FAILURE_LIMIT - 1)
    assert_logged_in(log_in(client, "desk", PASSWORD))
    client.logout()
    assert fail(client, "desk", settings.AXES_FAILURE_LIMIT - 1).status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_lock(client, settings):
    """Without trusted proxies, X-Forwarded-For is the client's own words: ignored."""
    make_editor("desk")
    fail(client, "desk", settings.AXES_FAILURE_LIMIT)
    assert_locked(log_in(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9"))


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_editor("desk")
    # The proxy appends the address it saw; whatever the client wrote comes before it.
    fail(client, "desk", settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7")
    assert_locked(log_in(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.7"))
    assert_logged_in(log_in(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.8"))


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "192.0.2.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.1"),  # came round the proxies: the socket's address
        (1, "", "192.0.2.1"),
        (1, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),  # its /64
        (1, "2001:DB8:1:2::1", "2001:db8:1:2::"),
        (1, "::ffff:203.0.113.9", "203.0.113.9"),
        (1, "203.0.113.9:4711", "203.0.113.9"),  # a proxy that writes the port
        (1, "[2001:db8::1]:443", "2001:db8::"),
        (1, "not-an-ip", "192.0.2.1"),  # no proxy wrote that: the socket's address
        (1, "1" * 40, "192.0.2.1"),
    ],
)
def test_client_ip(rf, settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    "password",
    ["newsroom", "Newsroom1", "Summer2026", "Summer2026!!", "Newsroom-2026", "desk#desk#2026"],
)
def test_guessable_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_site_name_is_refused_dressed_up(settings):
    settings.NEWSROOM_SITE_NAME = "Harbour Times"
    with pytest.raises(ValidationError, match="site's name"):
        validate_password("HarbourTimes2026!")


def test_a_passphrase_passes():
    validate_password("correct horse battery staple")


@pytest.mark.parametrize("password", ["Summer2026", "Newsroom2026!"])
def test_create_editor_refuses_guessable_passwords(monkeypatch, password):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", password)
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_editor", "frank")


def test_create_editor_accepts_a_passphrase(monkeypatch, django_user_model):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", "correct horse battery staple")
    call_command("create_editor", "frank", verbosity=0)
    assert django_user_model.objects.get(username="frank").is_staff


def test_a_refused_next_lands_on_the_desk(client):
    make_user("desk")
    response = client.post(
        reverse("admin:login"),
        {"username": "desk", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert_logged_in(response)
    assert client.get(response["Location"]).status_code == 200


@pytest.fixture
def secret_admin_url(settings):
    """The URLconf rebuilt with ADMIN_URL=desk-7f3/, then put back."""
    import newsroom.urls

    def rebuild(admin_url):
        settings.ADMIN_URL = admin_url
        importlib.reload(newsroom.urls)
        clear_url_caches()

    rebuild("desk-7f3/")
    yield
    rebuild("admin/")


def test_the_admin_url_is_configurable_and_kept_out_of_robots_txt(client, secret_admin_url):
    assert reverse("admin:index") == "/desk-7f3/"
    assert client.get("/admin/").status_code == 404
    login = client.get("/desk-7f3/login/")
    assert login.status_code == 200
    assert b"csrfmiddlewaretoken" in login.content
    robots = client.get(reverse("robots_txt")).content.decode()
    assert "desk-7f3" not in robots
    assert "admin" not in robots
    assert "Sitemap:" in robots


def test_the_admin_under_its_own_url_is_never_gzipped(client, secret_admin_url):
    response = client.get("/desk-7f3/login/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_client_login_in_tests_passes_a_request(client):
    """django-axes' backend needs the request: tests log in with force_login, or so."""
    make_user("desk")
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="desk", password=PASSWORD)
    assert client.login(request=HttpRequest(), username="desk", password=PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_new_address_for_every_guess_in_one_ipv6_allocation_is_one_address(client, settings):
    make_editor("desk")
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "desk", "not-the-password", REMOTE_ADDR=f"2001:db8::{n + 1}")
    assert_locked(response)
    assert_locked(log_in(client, "desk", PASSWORD, REMOTE_ADDR="2001:db8::ffff"))


def spread_failures(client, username, settings):
    """``AXES_ACCOUNT_FAILURE_LIMIT`` failures, from addresses that each stay under the
    per-address limit."""
    per_address = settings.AXES_FAILURE_LIMIT - 1
    for n in range(-(-settings.AXES_ACCOUNT_FAILURE_LIMIT // per_address)):
        fail(client, username, per_address, REMOTE_ADDR=f"198.51.100.{n + 1}")


def test_guesses_spread_over_many_addresses_lock_the_account_from_new_ones(client, settings):
    make_editor("desk")
    spread_failures(client, "desk", settings)

    response = log_in(client, "desk", PASSWORD, REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 429
    assert b"from many addresses" in response.content
    assert b"for 30 minutes" in response.content


def test_the_account_lock_spares_the_addresses_it_logged_in_from(client, settings):
    make_editor("desk")
    assert_logged_in(log_in(client, "desk", PASSWORD, REMOTE_ADDR="192.0.2.50"))
    client.logout()
    spread_failures(client, "desk", settings)

    assert_logged_in(log_in(client, "desk", PASSWORD, REMOTE_ADDR="192.0.2.50"))


def test_below_the_account_limit_a_new_address_logs_in(client, settings):
    make_editor("desk")
    fail(client, "desk", settings.AXES_FAILURE_LIMIT - 1, REMOTE_ADDR="198.51.100.1")
    assert_logged_in(log_in(client, "desk", PASSWORD, REMOTE_ADDR="203.0.113.77"))


def test_one_address_past_its_lock_counts_only_up_to_the_lock_toward_the_account(client, settings):
    """Its requests past the lock are refused unheard: a stranger at one address must
    not lock the editor out of every new address."""
    make_editor("desk")
    fail(client, "desk", settings.AXES_ACCOUNT_FAILURE_LIMIT + 5, REMOTE_ADDR="198.51.100.9")
    assert_logged_in(log_in(client, "desk", PASSWORD, REMOTE_ADDR="203.0.113.77"))


@pytest.mark.parametrize(
    ("username", "extra", "said"),
    [
        ("a" * 300, {}, b"at most 150 characters"),
        ("desk", {"HTTP_X_FORWARDED_FOR": "not-an-ip"}, b"Please enter the correct username"),
    ],
    ids=["a username past the column", "a forwarded value that is no address"],
)
def test_a_hostile_login_gets_the_login_page_not_a_500(client, settings, username, extra, said):
    settings.TRUSTED_PROXY_COUNT = 1
    make_editor("desk")
    client.raise_request_exception = False
    response = log_in(client, username, "not-the-password", **extra)
    assert response.status_code == 200
    assert said in response.content


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's advisory locks: SQLite lets one writer in at a time",
)
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_guesses_at_once_gets_no_more_tries_than_the_limit(settings, monkeypatch):
    """Each attempt checked the lock before any was counted: a burst of 40 got 8 or 9
    passwords tried where the limit is 5. Now a username's attempts take turns."""
    import threading
    import time

    from django.contrib.auth.backends import ModelBackend
    from django.test import Client

    from articles.tests.admin_helpers import make_user

    make_user("desk")
    tried, count_lock = [], threading.Lock()
    check_password = ModelBackend.authenticate

    def slow_check(self, request, username=None, password=None, **kwargs):
        with count_lock:
            tried.append(password)
        time.sleep(0.05)  # as long as a real password hash, to let the burst overlap
        return check_password(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", slow_check)
    start = threading.Barrier(8)

    def guess():
        try:
            start.wait()
            log_in(Client(), "desk", "not-the-password")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(tried) == settings.AXES_FAILURE_LIMIT
