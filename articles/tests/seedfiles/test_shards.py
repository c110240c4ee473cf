"""``import_seeds --shard K/N``: one import split across N processes or machines.

The two-process run on PostgreSQL is in ``test_concurrent_imports``.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article, ImportRun
from articles.seedfiles.discovery import shard_of

from ..seedtext import seed_record, write_seed

ROOT = Path(__file__).resolve().parents[3]


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=40))
def test_the_shards_of_a_list_hold_each_file_once_in_slices_within_one_of_each_other(size, n):
    files = list(range(size))
    shards = [shard_of(files, k, n) for k in range(1, n + 1)]
    assert [f for shard in shards for f in shard] == files
    sizes = {len(shard) for shard in shards}
    assert max(sizes) - min(sizes) <= 1


def test_a_shard_out_of_range_is_refused():
    for k, n in ((0, 2), (3, 2), (1, 0)):
        with pytest.raises(ValueError, match="K must be from 1 to N"):
            shard_of([1, 2, 3], k, n)


def import_shard(folder, spec, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", str(folder), "--shard", spec, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_each_shard_imports_its_slice_and_the_run_says_which(tmp_path):
    for n in range(7):
        write_seed(tmp_path, f"{n:02d}.txt", seed_record(n, title=f"Story number {n}"))

    out, _ = import_shard(tmp_path, "2/3")

    assert "created 2," in out
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Story number 2",
        "Story number 3",
    ]
    run = ImportRun.objects.get()
    assert (run.source, run.files_seen, run.files_done) == ("import_seeds command, shard 2/3", 2, 2)

    import_shard(tmp_path, "1/3")
    import_shard(tmp_path, "3/3")
    assert Article.objects.count() == 7
    assert sum(ImportRun.objects.values_list("created", flat=True)) == 7


@pytest.mark.django_db
def test_what_the_search_skipped_is_reported_by_the_first_shard_alone(tmp_path):
    for n in range(4):
        write_seed(tmp_path, f"{n}.txt", seed_record(n))
    os.mkfifo(tmp_path / "pipe.txt")

    _, first = import_shard(tmp_path, "1/2")
    _, second = import_shard(tmp_path, "2/2")

    assert "pipe.txt" in first and "not a regular file" in first
    assert second == ""
    assert Article.objects.count() == 4


@pytest.mark.django_db
def test_a_shard_with_no_files_imports_nothing_and_says_so(tmp_path):
    write_seed(tmp_path, "a.txt", seed_record(1))
    out, _ = import_shard(tmp_path, "1/2")
    assert "created 0, updated 0, unchanged 0, failed 0" in out
    import_shard(tmp_path, "2/2")
    assert Article.objects.count() == 1


@pytest.mark.parametrize("spec", ["0/2", "3/2", "2", "1/0", "a/b", "1/2/3", "-1/2", "²/4"])
def test_a_bad_shard_is_one_line_naming_the_form(spec, tmp_path):
    with pytest.raises(CommandError, match=r"argument --shard: .* is not K/N"):
        call_command("import_seeds", str(tmp_path), f"--shard={spec}", stderr=io.StringIO())


def test_a_bad_shard_on_the_command_line_is_a_usage_error_without_a_traceback(tmp_path):
    completed = subprocess.run(
        [sys.executable, "manage.py", "import_seeds", str(tmp_path), "--shard", "5/4"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stderr.strip().splitlines()[-1] == (
        "manage.py import_seeds: error: argument --shard: '5/4' is not K/N: two whole "
        "numbers with 1 <= K <= N, such as 2/4"
    )
