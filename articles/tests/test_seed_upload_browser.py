"""The seed upload page in Chromium at 1280 × 800: found from the desk, fits without
sideways scrolling, imports a zip and loose files, shows a refusal in words, and warns
about an over-large choice before sending it. Screenshots go to ``test-artifacts/``."""

import io
import zipfile

import pytest
from django.urls import reverse

from articles.models import Article, ImportRun

from .admin_helpers import ensure_editors_group, make_editor
from .seedtext import render_seed, seed_record
from .test_admin_browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def desk_page(browser, live_server, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    ensure_editors_group()
    make_editor("desk")
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    # Console errors include CSP refusals; failed loads are checked by their responses,
    # where the browser's own /favicon.ico request can be told apart.
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and not msg.text.startswith("Failed to load resource")
            and page.errors.append(msg.text)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and page.errors.append(f"{r.status} {r.url}")
        ),
    )
    log_in(page, live_server, "desk")
    yield page
    context.close()


def fits(page, name, artifacts_dir):
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{name}: the page is {width} px wide"


def seed_file(folder, name, n, **overrides):
    path = folder / name
    path.write_text(render_seed(seed_record(n, **overrides)), encoding="utf-8")
    return path


def test_an_editor_uploads_a_zip_and_reads_the_report(
    desk_page, live_server, artifacts_dir, tmp_path
):
    page = desk_page
    page.goto(live_server.url + reverse("admin:index"))
    page.get_by_role("link", name="Import seed files").click()
    page.wait_for_url("**/importrun/upload/")
    assert page.title() == "Import seed files | Newsroom desk"
    assert page.get_by_label("Seed files or zip archives").count() == 1
    fits(page, "admin-seed-upload", artifacts_dir)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2024/a.txt", render_seed(seed_record(1)))
        archive.writestr("2024/bad.txt", "title: [never closed\n")
        archive.writestr("__MACOSX/2024/._a.txt", b"\x00\x05\x16\x07")
    zipped = tmp_path / "desk-seeds.zip"
    zipped.write_bytes(buffer.getvalue())
    loose = seed_file(tmp_path, "loose-story.txt", 2)
    page.set_input_files("#id_files", [str(zipped), str(loose)])
    assert "2 files chosen" in page.inner_text("#upload-check")
    page.click("input[type=submit][value=Import]")
    page.wait_for_selector(".messagelist")
    messages = page.inner_text(".messagelist")
    assert "Imported desk-seeds.zip, loose-story.txt: 3 seed files" in messages
    assert "created 2, updated 0, unchanged 0, failed 1" in messages
    assert "Skipped 1 entry that is not a seed file (.txt)" in messages
    failures = page.inner_text("#failures-group")
    assert "desk-seeds.zip/2024/bad.txt" in failures
    run = ImportRun.objects.get()
    assert run.started_by.username == "desk" and Article.objects.count() == 2
    fits(page, "admin-seed-upload-report", artifacts_dir)
    assert list((tmp_path / "uploads").iterdir()) == []
    assert page.errors == []


def test_a_refused_archive_reads_as_a_sentence(desk_page, live_server, artifacts_dir, tmp_path):
    page = desk_page
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.txt", render_seed(seed_record(1)))
        archive.writestr(zipfile.ZipInfo("../../etc/cron.d/evil.txt"), "x")
    evil = tmp_path / "from-a-stranger.zip"
    evil.write_bytes(buffer.getvalue())
    page.goto(live_server.url + reverse("admin:articles_importrun_changelist"))
    page.get_by_role("link", name="Import seed files").click()
    page.set_input_files("#id_files", str(evil))
    page.click("input[type=submit][value=Import]")
    assert "Nothing was imported" in page.inner_text(".errornote")
    error = page.locator(".errorlist").inner_text()
    assert "from-a-stranger.zip" in error and "points outside the archive" in error
    assert not ImportRun.objects.exists() and not Article.objects.exists()
    fits(page, "admin-seed-upload-refused", artifacts_dir)
    assert page.errors == []


def test_a_choice_over_the_size_limit_is_flagged_before_it_is_sent(
    desk_page, live_server, settings, tmp_path
):
    settings.SEED_UPLOAD_MAX_BYTES = 2000
    page = desk_page
    page.goto(live_server.url + reverse("admin:articles_importrun_upload"))
    big = seed_file(tmp_path, "long.txt", 1, excerpt="word " * 600)
    page.set_input_files("#id_files", str(big))
    note = page.inner_text("#upload-check")
    assert "an upload may be at most" in note
    assert page.evaluate("document.getElementById('id_files').validity.customError")
    page.click("input[type=submit][value=Import]")
    assert page.url.endswith("/importrun/upload/") and not ImportRun.objects.exists()
    assert page.errors == []


def test_the_page_fits_in_the_dark_theme_too(browser, live_server, artifacts_dir):
    ensure_editors_group()
    make_editor("night")
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, color_scheme="dark")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "night")
    page.goto(live_server.url + reverse("admin:articles_importrun_upload"))
    page.click("input[type=submit][value=Import]")  # nothing chosen: the browser asks
    assert page.evaluate("document.getElementById('id_files').validity.valueMissing")
    fits(page, "admin-seed-upload-dark", artifacts_dir)
    assert errors == []
    context.close()
