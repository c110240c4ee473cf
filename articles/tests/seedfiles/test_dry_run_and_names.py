"""A dry run refuses what a real run refuses and writes nothing; every line the importer
prints or stores is one safe line; symlinks and special files follow one rule."""

import io
import os
import signal
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from articles.models import Article, ImportFailure, ImportRun, Topic
from articles.seedfiles import import_seeds, writer
from articles.seedfiles.discovery import find_seed_files
from articles.seedfiles.runs import safe_text
from providers.models import Provider

from ..seedtext import Raw, seed_record, write_seed


def refuse_titled(monkeypatch, title):
    """The database refuses any batch holding a record with ``title`` (as a constraint
    the checks do not know would)."""
    original = writer.BatchWriter.write

    def write(self, batch):
        if any(item.record.title == title for item in batch):
            raise IntegrityError("violates a check the importer does not know")
        return original(self, batch)

    monkeypatch.setattr(writer.BatchWriter, "write", write)


def outcome(result):
    return (
        result.created,
        result.updated,
        result.unchanged,
        sorted((f.file, f.message) for f in result.failures),
        sorted(str(w) for w in result.warnings),
    )


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_refuses_what_the_real_run_refuses_and_writes_nothing(tmp_path, monkeypatch):
    refuse_titled(monkeypatch, "Refused by the database")
    write_seed(tmp_path, "a.txt", seed_record(1))
    write_seed(tmp_path, "b.txt", seed_record(1, quality=2))  # the same story: an update
    write_seed(tmp_path, "c.txt", seed_record(3, title="Refused by the database"))
    write_seed(tmp_path, "d.txt", "---\ntitle: [\n---\n")
    for n in range(40):  # 2,000 new topics
        topics = [f"Topic {n}-{k}" for k in range(50)]
        write_seed(tmp_path, f"t{n}.txt", seed_record(100 + n, related=0, topics=topics))

    dry = import_seeds([tmp_path], dry_run=True)
    assert dry.run is None
    assert not Article.objects.exists() and not Topic.objects.exists()
    assert not Provider.objects.exists() and not ImportRun.objects.exists()

    real = import_seeds([tmp_path])
    assert outcome(dry) == outcome(real)
    assert (real.created, real.updated, real.failed) == (41, 1, 2)
    assert "the database refused it" in real.failures[0].message + real.failures[1].message


@pytest.mark.django_db
def test_a_nul_in_an_unmodelled_key_is_refused_by_both(tmp_path):
    write_seed(tmp_path, "a.txt", seed_record(1, extraField=Raw('"a\\0b"')))
    write_seed(tmp_path, "b.txt", seed_record(2, extraField=Raw('"a\\ud800b"')))
    dry = import_seeds([tmp_path], dry_run=True)
    real = import_seeds([tmp_path])
    assert outcome(dry) == outcome(real)
    assert [f.message for f in real.failures] == [
        "extraField contains a NUL character",
        "invalid YAML: found invalid Unicode character escape code",  # libyaml's refusal
    ]
    assert [f.line for f in real.failures] == [76, 76]  # the line of extraField


def test_safe_text_escapes_what_a_terminal_would_obey():
    assert safe_text("plain name.txt") == "plain name.txt"
    assert safe_text("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert safe_text("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert safe_text("evil\u202etxt.exe\u2028x\x85") == "evil\\u202etxt.exe\\u2028x\\x85"
    assert safe_text(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert safe_text("café ü 中文 🙂") == "café ü 中文 🙂"


@pytest.mark.django_db
def test_file_names_and_messages_are_one_line_everywhere(tmp_path):
    name = "evil\nforged.txt: created 99\x1b[2J.txt"
    write_seed(tmp_path, name, "---\ntitle: [\n---\n")
    write_seed(tmp_path, "ok\x07.txt", seed_record(1, related=0, title="x " * 400))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_seeds", str(tmp_path), "-v", "2", stdout=out, stderr=err)
    for line in (out.getvalue() + err.getvalue()).splitlines():
        assert "\x1b" not in line and "\x07" not in line
    [failure_line] = err.getvalue().strip().splitlines()
    assert failure_line.startswith(str(tmp_path) + "/evil\\nforged.txt: created 99\\x1b[2J.txt:3:")
    assert "ok\\x07.txt: title is 800 characters" in out.getvalue()
    stored = ImportFailure.objects.get()
    assert "\n" not in stored.file and "\x1b" not in stored.file
    assert Article.objects.get().source_file.endswith("ok\\x07.txt")


def test_a_database_message_is_one_line(tmp_path):
    from articles.seedfiles.runs import Failure

    failure = Failure("a.txt", None, "refused\nDETAIL: two lines\x1b")
    assert str(failure) == "a.txt: refused\\nDETAIL: two lines\\x1b"


# --- files -----------------------------------------------------------------------------


def reasons(skipped):
    return sorted((os.path.basename(w.file), w.message) for w in skipped)


def test_symlinks_and_special_files_follow_one_rule(tmp_path):
    root = tmp_path / "seeds"
    outside = tmp_path / "outside"
    write_seed(root, "a.txt", seed_record(1))
    write_seed(outside, "secret.txt", seed_record(2))
    (root / "inside-link.txt").symlink_to(root / "a.txt")  # the same file: once
    (root / "outside-link.txt").symlink_to(outside / "secret.txt")
    (root / "linked-folder").symlink_to(outside, target_is_directory=True)
    (root / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (root / "loop1.txt").symlink_to(root / "loop2.txt")
    (root / "loop2.txt").symlink_to(root / "loop1.txt")
    os.mkfifo(root / "pipe.txt")
    skipped = []
    # An alarm guards against the FIFO being opened (which would block).
    signal.alarm(20)
    try:
        found = find_seed_files([root], skipped)
    finally:
        signal.alarm(0)
    assert [p.name for p in found] == ["a.txt"]
    assert reasons(skipped) == [
        ("broken.txt", "broken symlink, skipped"),
        ("linked-folder", "symlinked folder, not followed"),
        ("loop1.txt", "symlink loop, skipped"),
        ("loop2.txt", "symlink loop, skipped"),
        ("outside-link.txt", f"symlink points outside {root}, skipped"),
        ("pipe.txt", "not a regular file: a FIFO, skipped"),
    ]


def test_paths_named_on_the_command_line(tmp_path):
    from articles.seedfiles import SeedPathError

    write_seed(tmp_path, "real/a.txt", seed_record(1))
    (tmp_path / "link.txt").symlink_to(tmp_path / "real" / "a.txt")
    (tmp_path / "folder-link").symlink_to(tmp_path / "real", target_is_directory=True)
    os.mkfifo(tmp_path / "pipe")
    skipped = []
    assert find_seed_files([tmp_path / "link.txt"]) == [tmp_path / "link.txt"]
    assert find_seed_files([tmp_path / "folder-link"]) == [tmp_path / "folder-link" / "a.txt"]
    assert find_seed_files([tmp_path / "pipe"], skipped) == []
    assert reasons(skipped) == [("pipe", "not a regular file: a FIFO")]
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(SeedPathError, match="symlink loop"):
        find_seed_files([tmp_path / "loop"])
    (tmp_path / "gone").symlink_to(tmp_path / "nothing")
    with pytest.raises(SeedPathError, match="broken symlink"):
        find_seed_files([tmp_path / "gone"])
    with pytest.raises(SeedPathError, match=r"no such file or folder: .*new\\nline"):
        find_seed_files([tmp_path / "new\nline"])


def test_an_empty_path_is_refused_not_taken_for_the_current_folder(tmp_path, monkeypatch):
    from articles.seedfiles import SeedPathError

    write_seed(tmp_path, "a.txt", seed_record(1))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SeedPathError, match="an empty path"):
        find_seed_files([""])
    assert find_seed_files(["."]) == [Path("a.txt")]


def test_a_folder_nested_deeper_than_the_recursion_limit_is_searched(tmp_path):
    """Python 3.11's ``os.walk`` recursed once a level: about 1,000 levels raised
    ``RecursionError``. A lower limit here keeps the tree small enough to clean up."""
    deepest = tmp_path
    for _ in range(400):
        deepest = deepest / "d"
        deepest.mkdir()
    seed = write_seed(deepest, "deep.txt", seed_record(1))
    write_seed(tmp_path / "d", "shallow.txt", seed_record(2))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(300)
    try:
        found = find_seed_files([tmp_path])
    finally:
        sys.setrecursionlimit(limit)
    assert found == sorted([seed, tmp_path / "d" / "shallow.txt"])


@pytest.mark.django_db
def test_the_command_prints_a_line_for_each_thing_skipped(tmp_path):
    write_seed(tmp_path, "seeds/a.txt", seed_record(1))
    write_seed(tmp_path, "outside/b.txt", seed_record(2))
    (tmp_path / "seeds" / "b.txt").symlink_to(tmp_path / "outside" / "b.txt")
    os.mkfifo(tmp_path / "seeds" / "p.txt")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", str(tmp_path / "seeds"), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        f"skipped {tmp_path}/seeds/b.txt: symlink points outside {tmp_path}/seeds, skipped",
        f"skipped {tmp_path}/seeds/p.txt: not a regular file: a FIFO, skipped",
    ]
    assert Article.objects.count() == 1


def test_a_file_swapped_for_a_fifo_after_discovery_is_not_opened_blocking(tmp_path):
    from articles.seedfiles.discovery import read_seed_files

    os.mkfifo(tmp_path / "late.txt")
    failures = []
    signal.alarm(20)
    try:
        assert read_seed_files([tmp_path / "late.txt"], 1000, failures) == []
    finally:
        signal.alarm(0)
    assert failures[0].message == "not a regular file: a FIFO"


@pytest.mark.django_db
def test_a_dry_run_counts_across_chunks_like_the_real_run(tmp_path):
    write_seed(tmp_path, "a.txt", seed_record(1))
    write_seed(tmp_path, "b.txt", seed_record(2))
    write_seed(tmp_path, "c.txt", seed_record(1, quality=3))  # updates a.txt's article
    write_seed(tmp_path, "d.txt", seed_record(2))  # the same bytes as b.txt: unchanged
    import_seeds([tmp_path / "b.txt"])
    dry = import_seeds([tmp_path], dry_run=True, chunk_size=1)
    assert Article.objects.count() == 1
    real = import_seeds([tmp_path], chunk_size=1)
    assert outcome(dry) == outcome(real)
    assert (real.created, real.updated, real.unchanged) == (1, 1, 2)
