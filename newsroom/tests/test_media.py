"""Media files come with headers that keep them from acting as pages of the site."""

import pytest

from newsroom.views import MEDIA_CSP as CSP


@pytest.fixture
def media_root(tmp_path, settings):
    root = tmp_path / "media"
    (root / "providers" / "logos").mkdir(parents=True)
    settings.MEDIA_ROOT = root
    return root


def test_a_logo_is_served_with_nosniff_and_a_sandboxing_policy(client, media_root):
    (media_root / "providers/logos/a.png").write_bytes(b"\x89PNG fake")
    response = client.get("/media/providers/logos/a.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG fake"
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == CSP


def test_an_html_file_is_sandboxed_too(client, media_root):
    (media_root / "page.html").write_text("<script>alert(1)</script>")
    response = client.get("/media/page.html")
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == CSP


def test_a_not_modified_answer_keeps_the_headers(client, media_root):
    (media_root / "providers/logos/a.png").write_bytes(b"x")
    first = client.get("/media/providers/logos/a.png")
    response = client.get(
        "/media/providers/logos/a.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert response.status_code == 304
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("missing.png", 404),
        ("providers/logos/", 404),  # no directory listings
        ("", 404),
        ("../secret.txt", 404),  # outside MEDIA_ROOT: Django's SuspiciousFileOperation
    ],
)
def test_missing_files_directories_and_escapes_are_refused(client, media_root, path, status):
    (media_root.parent / "secret.txt").write_text("secret")
    response = client.get(f"/media/{path}")
    assert response.status_code == status
    assert b"secret" not in response.content


def test_only_get_and_head_are_answered(client, media_root):
    (media_root / "providers/logos/a.png").write_bytes(b"x")
    assert client.head("/media/providers/logos/a.png").status_code == 200
    assert client.post("/media/providers/logos/a.png").status_code == 405
