"""Seed files uploaded from the desk (``articles.uploads`` and the admin's upload page):
every limit and bad archive refused whole with a message naming it, good uploads imported
exactly as ``import_seeds`` imports them, the uploader recorded, the private folder gone."""

import io
import stat
import zipfile
from pathlib import PurePosixPath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article, ImportFailure, ImportRun, Topic
from articles.seedfiles import export_seeds
from articles.uploads import Unpacker, UploadLimits, UploadRefused
from newsroom.test_requests import post_unreadable
from providers.models import Provider

from .admin_helpers import make_editor, make_user
from .seedtext import render_seed, seed_record, write_seed

pytestmark = pytest.mark.django_db

UPLOAD = "admin:articles_importrun_upload"


def seed_bytes(n, **overrides):
    return render_seed(seed_record(n, **overrides)).encode()


def zip_bytes(members, *, compression=zipfile.ZIP_DEFLATED):
    """A zip of ``members``: name -> bytes, or a ``ZipInfo`` -> bytes for crafted entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def patch_central_entry(data, offset, value, size=4):
    """Overwrite a field of the (first) central directory entry: a header that lies."""
    at = data.rindex(b"PK\x01\x02")
    return data[: at + offset] + value.to_bytes(size, "little") + data[at + offset + size :]


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.fixture
def editor_client(client, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(make_editor("alice"))
    client.upload_dir = tmp_path
    return client


def post(client, *files):
    return client.post(reverse(UPLOAD), {"files": list(files)})


def refused(client, *files):
    """POST ``files``; assert nothing was imported and the folder was removed; the error."""
    response = post(client, *files)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors, "the upload was not refused"
    assert not ImportRun.objects.exists()
    assert not Article.objects.exists()
    assert list(client.upload_dir.iterdir()) == []
    return " ".join(str(e) for errs in errors.values() for e in errs)


# --- Who may upload ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse(UPLOAD))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    response = client.post(reverse(UPLOAD), {"files": [upload("a.txt", seed_bytes(1))]})
    assert response.status_code == 302 and not Article.objects.exists()


def test_staff_without_the_permission_get_403(client):
    client.force_login(make_user("viewer", perms=["articles.view_importrun"]))
    assert client.get(reverse(UPLOAD)).status_code == 403
    response = client.post(reverse(UPLOAD), {"files": [upload("a.txt", seed_bytes(1))]})
    assert response.status_code == 403 and not Article.objects.exists()
    changelist = client.get(reverse("admin:articles_importrun_changelist")).content.decode()
    assert reverse(UPLOAD) not in changelist


def test_the_desk_links_the_page_only_for_those_who_may_upload(client):
    client.force_login(make_user("reader", perms=["articles.view_article"]))
    desk = client.get(reverse("admin:index")).content.decode()
    assert "Desk overview" in desk and reverse(UPLOAD) not in desk


def test_editors_have_the_permission_and_find_the_page(client):
    editor = make_editor("alice")
    assert editor.has_perm("articles.import_seeds")
    client.force_login(editor)
    page = client.get(reverse(UPLOAD))
    assert page.status_code == 200
    assert "Import seed files" in page.content.decode()
    assert 'enctype="multipart/form-data"' in page.content.decode()
    changelist = client.get(reverse("admin:articles_importrun_changelist")).content.decode()
    assert reverse(UPLOAD) in changelist
    desk = client.get(reverse("admin:index")).content.decode()
    assert reverse(UPLOAD) in desk


def test_a_post_without_the_csrf_token_is_refused(settings, tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor("alice"))
    response = client.post(reverse(UPLOAD), {"files": [upload("a.txt", seed_bytes(1))]})
    assert response.status_code == 403
    assert not Article.objects.exists() and not ImportRun.objects.exists()


# --- Good uploads ----------------------------------------------------------------------


def test_loose_files_are_imported_as_one_run_by_the_uploader(editor_client):
    response = post(editor_client, upload("a.txt", seed_bytes(1)), upload("b.txt", seed_bytes(2)))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:articles_importrun_change", args=[run.pk])
    assert run.started_by.username == "alice"
    assert run.source == "upload by alice: a.txt, b.txt"
    assert run.paths == "a.txt\nb.txt"
    assert (run.files_seen, run.created, run.failed) == (2, 2, 0)
    assert sorted(Article.objects.values_list("source_file", flat=True)) == ["a.txt", "b.txt"]
    assert list(editor_client.upload_dir.iterdir()) == []
    page = editor_client.get(response.url).content.decode()
    summary = "Imported a.txt, b.txt: 2 seed files; created 2, updated 0, unchanged 0, failed 0"
    assert summary in page


def test_a_zip_imports_as_import_seeds_does(editor_client, tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    records = {
        "a.txt": seed_record(1),
        "2024/b.txt": seed_record(2, style="source"),
        "2024/march/c.txt": seed_record(3, topics=["Energy"]),
    }
    for name, record in records.items():
        write_seed(folder, name, record)
    call_command("import_seeds", str(folder), verbosity=0)
    expected = exported(tmp_path_factory.mktemp("by-command"))
    Article.objects.all().delete()
    Provider.objects.all().delete()
    Topic.objects.all().delete()
    ImportRun.objects.all().delete()

    archive = zip_bytes({name: (folder / name).read_bytes() for name in records})
    response = post(editor_client, upload("seeds.zip", archive))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert (run.files_seen, run.created, run.updated, run.unchanged, run.failed) == (3, 3, 0, 0, 0)
    assert exported(tmp_path_factory.mktemp("by-upload")) == expected
    assert set(Article.objects.values_list("source_file", flat=True)) == {
        "seeds.zip/a.txt",
        "seeds.zip/2024/b.txt",
        "seeds.zip/2024/march/c.txt",
    }
    # The very same bytes: the command now finds every file unchanged.
    call_command("import_seeds", str(folder), verbosity=0)
    assert ImportRun.objects.latest().unchanged == 3


def exported(directory):
    export_seeds(directory)
    return {path.name: path.read_text() for path in sorted(directory.iterdir())}


def test_a_bad_file_gets_its_line_and_the_others_import(editor_client):
    bad = b"title: [unclosed\n"
    archive = zip_bytes({"good.txt": seed_bytes(1), "feed/bad.txt": bad})
    response = post(editor_client, upload("seeds.zip", archive), upload("loose.txt", seed_bytes(2)))
    run = ImportRun.objects.get()
    assert (run.created, run.failed) == (2, 1)
    failure = ImportFailure.objects.get()
    assert failure.file == "seeds.zip/feed/bad.txt"
    assert str(failure).startswith("seeds.zip/feed/bad.txt:")
    page = editor_client.get(response.url).content.decode()
    assert "failed 1" in page and "seeds.zip/feed/bad.txt" in page
    assert "upload-" not in failure.file and "upload-" not in run.paths


def test_entries_that_are_not_seed_files_are_skipped_and_named(editor_client):
    archive = zip_bytes(
        {
            "seeds/": b"",
            "seeds/a.txt": seed_bytes(1),
            "__MACOSX/seeds/._a.txt": b"\x00\x05\x16\x07",
            "seeds/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "seeds/README.md": b"# notes",
            "seeds/inner.zip": zip_bytes({"x.txt": seed_bytes(9)}),
        }
    )
    response = post(editor_client, upload("seeds.zip", archive))
    assert ImportRun.objects.get().created == 1
    assert Article.objects.get().source_file == "seeds.zip/seeds/a.txt"
    page = editor_client.get(response.url).content.decode()
    assert "Skipped 4 entries that are not seed files (.txt)" in page
    assert "seeds.zip/seeds/README.md" in page and "seeds.zip/seeds/inner.zip" in page


def test_an_upload_of_the_same_files_again_is_all_unchanged(editor_client):
    files = [("a.txt", seed_bytes(1)), ("b.txt", seed_bytes(2))]
    post(editor_client, *(upload(n, d) for n, d in files))
    post(editor_client, upload("again.zip", zip_bytes(dict(files))))
    run = ImportRun.objects.latest()
    assert (run.created, run.unchanged) == (0, 2)
    assert Article.objects.count() == 2


def test_the_folder_is_removed_when_the_import_itself_fails(editor_client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("articles.uploads.import_seeds", explode)
    with pytest.raises(RuntimeError):
        post(editor_client, upload("a.txt", seed_bytes(1)))
    assert list(editor_client.upload_dir.iterdir()) == []


def test_a_lost_database_is_a_message_not_a_500(editor_client, monkeypatch):
    from articles.seedfiles.importer import DatabaseUnavailable

    def lost(*args, **kwargs):
        raise DatabaseUnavailable("database unavailable: connection refused")

    monkeypatch.setattr("articles.uploads.import_seeds", lost)
    response = post(editor_client, upload("a.txt", seed_bytes(1)))
    assert response.status_code == 200
    assert "database unavailable" in response.content.decode()
    assert list(editor_client.upload_dir.iterdir()) == []


# --- Limits ----------------------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_413_naming_it(editor_client, settings):
    settings.SEED_UPLOAD_MAX_BYTES = 30 * 1024 * 1024
    response = post_unreadable(
        editor_client, reverse(UPLOAD), 30 * 1024 * 1024 + 1, "multipart/form-data; boundary=x"
    )
    assert response.status_code == 413
    assert "SEED_UPLOAD_MAX_BYTES" in response.content.decode()


def test_only_the_upload_page_gets_the_higher_limit(editor_client, settings):
    settings.SEED_UPLOAD_MAX_BYTES = settings.REQUEST_MAX_BYTES * 2
    length = settings.REQUEST_MAX_BYTES + 1
    for path in (
        reverse(UPLOAD) + "x/",
        reverse("admin:articles_importrun_changelist"),
        "/admin/providers/provider/add/",
    ):
        response = post_unreadable(editor_client, path, length)
        assert response.status_code == 413, path
        assert "REQUEST_MAX_BYTES" in response.content.decode()


def test_a_body_within_the_upload_limit_but_over_the_general_one_is_imported(
    editor_client, settings
):
    settings.REQUEST_MAX_BYTES = 1000
    response = post(editor_client, upload("a.txt", seed_bytes(1)))
    assert response.status_code == 302
    assert Article.objects.count() == 1


def test_too_many_files_names_the_limit(editor_client, settings):
    settings.SEED_UPLOAD_MAX_FILES = 2
    message = refused(
        editor_client, upload("s.zip", zip_bytes({f"{n}.txt": seed_bytes(n) for n in range(3)}))
    )
    assert "more than 2 seed files" in message and "SEED_UPLOAD_MAX_FILES" in message
    message = refused(editor_client, *(upload(f"{n}.txt", seed_bytes(n)) for n in range(3)))
    assert "SEED_UPLOAD_MAX_FILES" in message


def test_an_archive_listing_too_many_entries_is_refused_before_it_is_read(
    editor_client, settings, monkeypatch
):
    settings.SEED_UPLOAD_MAX_FILES = 2
    archive = zip_bytes({f"junk/{n}.md": b"" for n in range(7)})
    monkeypatch.setattr("zipfile.ZipFile", None)  # never opened
    message = refused(editor_client, upload("s.zip", archive))
    assert "lists more entries" in message and "SEED_UPLOAD_MAX_FILES" in message


def test_an_end_record_that_understates_the_entries_is_caught(editor_client, settings):
    settings.SEED_UPLOAD_MAX_FILES = 2
    archive = zip_bytes({f"junk/{n}.md": b"" for n in range(7)})
    at = archive.rindex(b"PK\x05\x06")
    for offset in (8, 10):  # entries on this disk, entries in all: claim 1
        archive = archive[: at + offset] + (1).to_bytes(2, "little") + archive[at + offset + 2 :]
    message = refused(editor_client, upload("s.zip", archive))
    assert "lists more entries" in message


def test_a_file_over_the_seed_size_limit_names_it(editor_client, settings):
    settings.SEED_MAX_BYTES = 1000
    big = seed_bytes(1, excerpt="word " * 400)
    message = refused(editor_client, upload("s.zip", zip_bytes({"big.txt": big})))
    assert "s.zip/big.txt is" in message and "SEED_MAX_BYTES" in message
    message = refused(editor_client, upload("big.txt", big))
    assert "big.txt is" in message and "SEED_MAX_BYTES" in message


def test_a_zip_bomb_is_refused_from_its_headers(editor_client, settings):
    settings.SEED_UPLOAD_MAX_TOTAL_BYTES = 2 * 1024 * 1024
    settings.SEED_MAX_BYTES = 1024 * 1024
    bomb = zip_bytes({f"{n}.txt": b" " * (1024 * 1024) for n in range(3)})
    assert len(bomb) < 20_000
    message = refused(editor_client, upload("bomb.zip", bomb))
    assert "SEED_UPLOAD_MAX_TOTAL_BYTES" in message and "2 MiB" in message


def test_a_header_that_understates_the_size_is_caught_while_unpacking(editor_client, settings):
    settings.SEED_MAX_BYTES = 4096
    honest = zip_bytes({"a.txt": b" " * (1024 * 1024)})
    # Central directory entry, uncompressed size at offset 24: claim 100 bytes.
    lying = patch_central_entry(honest, 24, 100)
    message = refused(editor_client, upload("liar.zip", lying))
    assert "liar.zip" in message and ("damaged" in message or "declares" in message)


def test_counting_while_unpacking_stops_at_the_limit_whatever_the_header_says(tmp_path):
    """Were the reader to yield more than the header declares, the unpacker would count it."""
    limits = UploadLimits(max_files=5, max_total_bytes=10**9, max_file_bytes=10)
    unpacker = Unpacker(tmp_path, limits)
    with pytest.raises(UploadRefused, match="declares"):
        unpacker._write(PurePosixPath("a.txt"), iter([b"x" * 8] * 2), "a", declared=9)
    with pytest.raises(UploadRefused, match="SEED_MAX_BYTES"):
        unpacker._write(PurePosixPath("b.txt"), iter([b"x" * 8] * 2), "b")
    assert unpacker.paths == []


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "seeds/../../evil.txt", "..\\evil.txt", "/etc/evil.txt", "C:/evil.txt"],
)
def test_paths_escaping_the_archive_are_refused(editor_client, name):
    info = zipfile.ZipInfo(name)
    archive = zip_bytes({"ok.txt": seed_bytes(1), info: seed_bytes(2)})
    message = refused(editor_client, upload("evil.zip", archive))
    assert "evil.zip" in message
    assert "outside the archive" in message or "absolute path" in message


def test_symlinks_in_an_archive_are_refused(editor_client):
    link = zipfile.ZipInfo("seeds/link.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = zip_bytes({"seeds/a.txt": seed_bytes(1), link: b"/etc/passwd"})
    message = refused(editor_client, upload("links.zip", archive))
    assert "links.zip/seeds/link.txt is a symbolic link" in message


def test_an_encrypted_entry_is_refused(editor_client):
    archive = patch_central_entry(zip_bytes({"a.txt": seed_bytes(1)}), 8, 0x1, size=2)
    message = refused(editor_client, upload("secret.zip", archive))
    assert "encrypted" in message


@pytest.mark.parametrize(
    "data",
    [b"this is not a zip at all", b"PK\x03\x04garbage", b""],
    ids=["text", "local-header-only", "empty"],
)
def test_something_that_is_not_a_zip_says_so(editor_client, data):
    message = refused(editor_client, upload("seeds.zip", data))
    assert "seeds.zip is not a zip archive" in message or "empty" in message


def test_a_truncated_zip_is_damaged(editor_client):
    archive = zip_bytes({"a.txt": seed_bytes(1), "b.txt": seed_bytes(2)})
    cut = archive[:40] + archive[-22:]  # the end record, pointing at nothing
    message = refused(editor_client, upload("cut.zip", cut))
    assert "cut.zip" in message and ("damaged" in message or "not a zip" in message)


def test_a_corrupted_entry_is_damaged(editor_client):
    archive = bytearray(zip_bytes({"a.txt": seed_bytes(1) * 3}))
    archive[60:80] = b"\xff" * 20  # inside the compressed data
    message = refused(editor_client, upload("bad.zip", bytes(archive)))
    assert "bad.zip is damaged" in message


def test_other_kinds_of_file_and_duplicates_are_refused(editor_client):
    message = refused(editor_client, upload("photo.jpg", b"\xff\xd8\xff"))
    assert "photo.jpg is neither a seed file (.txt) nor a zip archive" in message
    archive = zip_bytes({"a.txt": seed_bytes(1), "A.TXT": seed_bytes(2)})
    message = refused(editor_client, upload("twice.zip", archive))
    assert "appears twice" in message


def test_an_upload_with_no_seed_files_says_what_it_skipped(editor_client):
    message = refused(editor_client, upload("notes.zip", zip_bytes({"notes.md": b"# hi"})))
    assert "no seed files" in message and "notes.zip/notes.md" in message


def test_choosing_nothing_asks_for_a_file(editor_client):
    response = editor_client.post(reverse(UPLOAD), {})
    assert "Choose at least one seed file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_page_states_the_limits(editor_client, settings):
    settings.SEED_UPLOAD_MAX_FILES = 321
    page = editor_client.get(reverse(UPLOAD)).content.decode()
    assert "At most 321 seed files" in page
    assert "20 MiB per upload" in page and "1 MiB for any one file" in page
    assert "<script>" not in page and "style=" not in page.split("<body")[1].split("footer")[0]


def test_more_loose_files_than_django_parses_is_a_400_not_a_500(editor_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [upload(f"{n}.txt", seed_bytes(n)) for n in range(4)]
    response = post(editor_client, *files)
    assert response.status_code == 400
    assert not ImportRun.objects.exists() and not Article.objects.exists()


def test_an_entry_under_a_file_of_the_same_name_is_refused(editor_client):
    archive = zip_bytes({"a.txt": seed_bytes(1), "a.txt/b.txt": seed_bytes(2)})
    message = refused(editor_client, upload("clash.zip", archive))
    assert "clash.zip/a.txt/b.txt cannot be unpacked" in message


def test_the_upload_page_costs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert editor_client.get(reverse(UPLOAD)).status_code == 200
