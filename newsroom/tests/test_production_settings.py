"""``newsroom.settings.production``: what it refuses, and the headers it sends."""

import json

import pytest

from .production import manage, production_env, run

# Requests made through Django's test client inside a production-settings process; prints
# each response's status and headers as JSON. No view here needs migrated tables.
REQUESTS = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="news.example.org")
answers = {}
for name, url, extra in json.loads(sys.argv[1]):
    response = client.get(url, **extra)
    answers[name] = {"status": response.status_code, "headers": dict(response.headers)}
print(json.dumps(answers))
"""


def production_responses(env, requests):
    result = run(["-c", REQUESTS, json.dumps(requests)], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "Set the SECRET_KEY environment variable."),
        ({"ALLOWED_HOSTS": ""}, "Set the ALLOWED_HOSTS environment variable"),
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"ALLOWED_HOSTS": "news.example.org,*"}, "ALLOWED_HOSTS=* accepts any Host header"),
    ],
)
def test_production_refuses_to_start(tmp_path, overrides, message):
    result = manage(production_env(tmp_path, **overrides), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_settings_a_server_reads(tmp_path):
    snippet = (
        "import django; django.setup(); from django.conf import settings as s; import json;"
        "db = s.DATABASES['default'];"
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], s.WHITENOISE_USE_FINDERS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))"
    )
    result = run(["-c", snippet], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [60, True, False, True, True, 31536000, None]
    result = run(["-c", snippet], production_env(tmp_path, CONN_MAX_AGE=5))
    assert json.loads(result.stdout)[0] == 5


@pytest.mark.parametrize(("value", "trusted"), [(None, True), ("false", False), ("true", True)])
def test_trusting_the_feeds_published_is_read_from_the_environment(tmp_path, value, trusted):
    snippet = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.NEWSROOM_TRUST_FEED_PUBLISHED)"
    )
    overrides = {} if value is None else {"NEWSROOM_TRUST_FEED_PUBLISHED": value}
    result = run(["-c", snippet], production_env(tmp_path, **overrides))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(trusted)


def test_https_headers_behind_a_proxy(tmp_path):
    env = production_env(
        tmp_path, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO", SECURE_HSTS_PRELOAD="true"
    )
    answers = production_responses(
        env,
        [
            ("proxied https", "/robots.txt", {"HTTP_X_FORWARDED_PROTO": "https"}),
            ("plain http", "/robots.txt", {}),
            ("health check", "/healthz", {}),
        ],
    )
    secure = answers["proxied https"]
    assert secure["status"] == 200
    assert secure["headers"]["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert secure["headers"]["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in secure["headers"]["Content-Security-Policy"]
    assert "camera=()" in secure["headers"]["Permissions-Policy"]
    insecure = answers["plain http"]
    assert insecure["status"] == 301
    assert insecure["headers"]["Location"] == "https://news.example.org/robots.txt"
    assert answers["health check"]["status"] == 200  # load balancers probe over plain HTTP


def test_the_proxy_header_is_ignored_unless_configured(tmp_path):
    answers = production_responses(
        production_env(tmp_path, SECURE_HSTS_INCLUDE_SUBDOMAINS="false"),
        [
            ("forged", "/robots.txt", {"HTTP_X_FORWARDED_PROTO": "https"}),
            ("https", "/robots.txt", {"secure": True}),
        ],
    )
    assert answers["forged"]["status"] == 301
    assert answers["https"]["headers"]["Strict-Transport-Security"] == "max-age=31536000"
