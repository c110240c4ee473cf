import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, ImportRun

from .seedtext import seed_record, write_seed

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r"created (\d+), updated (\d+), unchanged (\d+), failed (\d+) in \d+\.\d\ds$")


class TTY(io.StringIO):
    def isatty(self):
        return True


def run(*args, stdout=None):
    out, err = stdout or io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_one_summary_line_and_records_the_run(tmp_path):
    write_seed(tmp_path, "a.txt", seed_record(1))
    write_seed(tmp_path, "nested/deeper/b.txt", seed_record(2))
    write_seed(tmp_path, "notes.md", "not a seed")
    out, err = run("import_seeds", str(tmp_path))
    assert SUMMARY.search(out.strip()).groups() == ("2", "0", "0", "0")
    assert len(out.strip().splitlines()) == 1 and err == ""
    run_record = ImportRun.objects.get()
    assert run_record.source == "import_seeds command"
    assert run_record.created == 2 and not run_record.dry_run


def test_import_accepts_several_files_and_folders(tmp_path):
    a = write_seed(tmp_path, "one/a.txt", seed_record(1))
    write_seed(tmp_path, "two/b.txt", seed_record(2))
    out, _ = run("import_seeds", str(a), str(tmp_path / "two"), str(a))
    assert SUMMARY.search(out.strip()).groups()[0] == "2"


def test_a_failed_file_means_a_command_error_after_the_others_imported(tmp_path):
    write_seed(tmp_path, "a.txt", seed_record(1))
    bad = write_seed(tmp_path, "b.txt", seed_record(2, quality="many"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files failed"):
        call_command("import_seeds", str(tmp_path), stdout=out, stderr=err)
    assert err.getvalue().strip() == (f"{bad}:10: quality must be an integer, not text 'many'")
    assert SUMMARY.search(out.getvalue().strip()).groups() == ("1", "0", "0", "1")
    assert Article.objects.count() == 1
    assert ImportRun.objects.get().failures.get().line == 10


def test_missing_path_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        run("import_seeds", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="no seed files"):
        run("import_seeds", str(tmp_path))


def test_dry_run_checks_and_writes_nothing(tmp_path):
    write_seed(tmp_path, "a.txt", seed_record(1))
    out, _ = run("import_seeds", "--dry-run", str(tmp_path))
    assert out.splitlines()[0] == "dry run: nothing was written"
    assert SUMMARY.search(out.strip()).groups() == ("1", "0", "0", "0")
    assert not Article.objects.exists() and not ImportRun.objects.exists()

    write_seed(tmp_path, "b.txt", "---\n- a list\n---\n")
    with pytest.raises(CommandError):
        run("import_seeds", "--dry-run", str(tmp_path))
    assert not ImportRun.objects.exists()


def test_verbosity(tmp_path):
    record = seed_record(1, related=2)
    record["related"].append(dict(record["related"][0]))
    write_seed(tmp_path, "a.txt", record)
    out, _ = run("import_seeds", str(tmp_path), "--verbosity", "0")
    assert out == ""
    Article.objects.all().delete()
    out, _ = run("import_seeds", str(tmp_path))
    assert out.splitlines()[0] == "1 warnings (-v 2 lists them)"
    assert SUMMARY.match(out.splitlines()[1])
    Article.objects.all().delete()
    out, _ = run("import_seeds", str(tmp_path), "--verbosity", "2")
    assert "related item 3 repeats related item 1" in out


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch):
    from articles.management.commands.import_seeds import Command

    monkeypatch.setattr(Command, "progress_threshold", 2)
    for n in range(3):
        write_seed(tmp_path, f"{n}.txt", seed_record(n))
    out, _ = run("import_seeds", str(tmp_path), stdout=TTY())
    assert "\r[" in out and "3/3 files" in out
    assert SUMMARY.search(out.strip().split("\r")[-1])

    out, _ = run("import_seeds", str(tmp_path))
    assert "\r" not in out


def test_export_command_writes_seed_files(tmp_path):
    write_seed(tmp_path, "in/a.txt", seed_record(1))
    run("import_seeds", str(tmp_path / "in"))
    out, _ = run("export_seeds", str(tmp_path / "out"))
    assert out.strip() == f"exported 1 articles to {tmp_path / 'out'}"
    slug = Article.objects.get().slug
    assert (tmp_path / "out" / f"{slug}.txt").read_text().startswith("---\ncategory: news\n")


def test_export_to_an_unwritable_place_is_a_command_error(tmp_path):
    blocker = write_seed(tmp_path, "file", "x")
    with pytest.raises(CommandError, match="cannot write"):
        run("export_seeds", str(blocker / "sub"))


def test_user_errors_print_no_traceback(tmp_path):
    """Through manage.py, as a user runs it: one line, exit status 1."""
    write_seed(tmp_path, "seeds/bad.txt", "---\ntitle: [\n---\n")
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PATH": "/usr/bin:/bin",
    }

    def manage_py(*args):
        return subprocess.run(
            [sys.executable, str(manage), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    assert manage_py("migrate", "--verbosity", "0").returncode == 0
    completed = manage_py("import_seeds", str(tmp_path / "seeds"))
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert f"{tmp_path / 'seeds' / 'bad.txt'}:3: invalid YAML" in completed.stderr
    assert "CommandError: 1 of 1 files failed" in completed.stderr
