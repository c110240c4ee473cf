"""The site as deployed: gunicorn on production settings, driven by a real Chromium.

One server for the module: a fresh SQLite database, migrated and loaded with the demo,
static files collected into a temporary STATIC_ROOT, an editor, and one uploaded logo.
The pages must load their styles and raise no Content-Security-Policy violation, admin
included.
"""

import base64
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from .production import ROOT, manage, production_env

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "desk", "correct horse battery staple"
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
# Attach an uploaded logo to the first publisher, as an editor would in the admin.
ADD_LOGO = """
from django.core.files.base import ContentFile
from providers.models import Provider
provider = Provider.objects.order_by("pk").first()
provider.logo.save("courier.png", ContentFile(bytes.fromhex("{png}")))
print(provider.logo.url, provider.get_absolute_url())
"""
# Every CSP violation, kept on the page and reported on the console.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const text = `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`;
  window.__cspViolations.push(text);
  console.error(text);
});
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def get(url, **headers):
    """Status, headers and body of a plain HTTP GET, errors included."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    # Plain HTTP on the loopback: TLS would be the proxy's job, so no redirect to it here.
    env = production_env(tmp_path, ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false")
    check(manage(env, "migrate", "--no-input", "--verbosity", "0"))
    check(manage(env, "load_demo", "--verbosity", "0"))
    check(manage(env, "collectstatic", "--no-input", "--verbosity", "0"))
    check(manage({**env, "NEWSROOM_EDITOR_PASSWORD": PASSWORD}, "create_editor", EDITOR))
    logo_url, provider_url = check(
        manage(env, "shell", "-c", ADD_LOGO.format(png=PIXEL.hex()))
    ).split()[-2:]
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if process.poll() is not None:
                pytest.fail("gunicorn exited:\n" + process.stdout.read())
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer /healthz within 20 seconds")
        yield {"url": base, "logo": logo_url, "provider": provider_url}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def prod_page(page, server):
    """The shared page (console errors recorded), watching for CSP violations.

    Article images point at the publishers' own hosts: answered here with a pixel, so
    the test never touches the network.
    """
    page.add_init_script(WATCH_CSP)

    def answer(route):
        if route.request.url.startswith(server["url"]):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="image/png", body=PIXEL)

    page.route("**/*", answer)
    page.stylesheets = []
    page.failed = []

    def record(response):
        if response.request.resource_type == "stylesheet":
            page.stylesheets.append((response.url, response.status))
        elif response.status >= 400:
            page.failed.append((response.url, response.status))

    page.on("response", record)
    return page


def visit(page, url):
    page.goto(url, wait_until="networkidle")
    assert_clean(page, url)


def assert_clean(page, label):
    assert page.stylesheets, f"{label}: no stylesheet requested"
    assert all(status == 200 for _, status in page.stylesheets), page.stylesheets
    assert page.failed == [], page.failed
    assert page.evaluate("window.__cspViolations") == [], label
    assert page.console_errors == [], page.console_errors


def test_reader_pages(prod_page, server):
    page = prod_page
    visit(page, server["url"] + "/")
    assert any("/static/css/site." in url for url, _ in page.stylesheets)
    accent = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    assert accent == "#1d4ed8"
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != '"Times New Roman"'
    page.locator("main a[href^='/articles/']").first.click()
    page.wait_for_load_state("networkidle")
    assert "/articles/" in page.url
    assert_clean(page, page.url)
    visit(page, server["url"] + server["provider"])
    logo = page.locator(f"img[src='{server['logo']}']")
    assert logo.count() >= 1
    assert logo.first.evaluate("img => img.naturalWidth") == 1


def test_admin_login_and_desk(prod_page, server):
    page = prod_page
    visit(page, server["url"] + "/admin/login/")
    primary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--primary').trim()"
    )
    assert primary  # admin/css/base.css applied
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.wait_for_load_state("networkidle")
    assert page.url == server["url"] + "/admin/"
    assert page.get_by_role("heading", name="Desk overview").is_visible()
    assert_clean(page, "admin index")
    # The list and an article's form run the admin's own scripts (actions, inlines).
    visit(page, server["url"] + "/admin/articles/article/?status=all")
    page.locator("#result_list tbody tr a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/change/" in page.url
    assert_clean(page, page.url)


def test_static_and_media_headers(server):
    status, headers, body = get(server["url"] + "/")
    assert status == 200
    stylesheet = body.decode().split('href="/static/css/site.')[1].split('"')[0]
    status, headers, _ = get(f"{server['url']}/static/css/site.{stylesheet}")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]  # a hashed, collected name
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Permissions-Policy"].startswith("camera=()")
    status, headers, body = get(server["url"] + server["logo"])
    assert (status, body) == (200, PIXEL)
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert get(server["url"] + "/static/../manage.py")[0] == 404


def test_hsts_over_https(server):
    """gunicorn believes X-Forwarded-Proto from the loopback, as from a local proxy."""
    status, headers, _ = get(server["url"] + "/robots.txt", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in get(server["url"] + "/robots.txt")[1]


def test_the_watch_sees_a_violation(prod_page, server):
    """The checks above can fail: an inline script is refused and reported."""
    page = prod_page
    page.goto(server["url"] + "/", wait_until="networkidle")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.head.append(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.ran") is None
    assert "script-src" in page.evaluate("window.__cspViolations[0]")
    assert any("Content Security Policy" in error for error in page.console_errors)
    page.console_errors.clear()
