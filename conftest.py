"""Shared test fixtures: a real Chromium for page tests, and the artifacts folder."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


def browser_required():
    """CI sets NEWSROOM_REQUIRE_BROWSER=1: there a missing browser fails instead of skipping."""
    return os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1"


def pytest_sessionfinish(session, exitstatus):
    """The test settings give each run a fresh media folder: remove it afterwards."""
    from django.conf import settings

    media = Path(getattr(settings, "MEDIA_ROOT", "") or "")
    if media.name.startswith("newsroom-test-media-"):
        shutil.rmtree(media, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if browser_required():
            raise
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls that the
    # tests make around it are still plain synchronous code. The browser lives for one
    # test module, and Django's async-safety check is relaxed only while it does.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A fresh browser page that fails the test on any console error."""
    context = browser.new_context()
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def fresh_cache():
    """A cache emptied before and after the test: each transactional test's database starts
    again at its first content version, so its cache must too."""
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
