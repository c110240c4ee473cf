"""Benchmark: the desk's seed upload against ``import_seeds`` on the same files.

Run from the project folder:

    .venv/bin/python bench/bench_upload.py --files 1000

It generates ``--files`` realistic seed files (``bench/seedgen.py``) and zips them. In one
run it imports the folder with ``import_seeds`` into an empty SQLite file database, then
the zip through ``articles.uploads.import_upload`` (the code behind the upload page:
checks, unpacking into a private folder, the same importer, the names rewritten), then
the folder again, emptying the database before each. It prints the times and the ratio
of the upload to the mean of the two command runs, and exits non-zero above
``RATIO_TARGET``: unpacking should be a small part of an upload.
"""

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIO_TARGET = 1.3


def setup_django(database_path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    os.environ["DEBUG"] = "false"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def empty_database():
    from articles.models import Article, ImportRun, Topic
    from providers.models import Provider

    Article.objects.all().delete()
    Provider.objects.all().delete()
    Topic.objects.all().delete()
    ImportRun.objects.all().delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="how many seed files")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    try:
        from bench.seedgen import generate

        folder = workdir / "seeds"
        generate(folder, args.files)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*.txt")):
                archive.write(path, path.relative_to(folder).as_posix())
        unpacked = sum(p.stat().st_size for p in folder.rglob("*.txt"))
        setup_django(workdir / "bench.sqlite3")
        from django.core.files.uploadedfile import SimpleUploadedFile

        from articles.seedfiles import import_seeds
        from articles.uploads import import_upload

        def command():
            start = time.perf_counter()
            result = import_seeds([folder], source="bench_upload")
            elapsed = time.perf_counter() - start
            empty_database()
            return elapsed, result

        # The command before and after the upload, each into the same emptied database.
        first_time, by_command = command()
        upload = SimpleUploadedFile("seeds.zip", buffer.getvalue())
        start = time.perf_counter()
        by_upload = import_upload([upload], None).result
        upload_time = time.perf_counter() - start
        empty_database()
        second_time, _ = command()
        command_time = (first_time + second_time) / 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    zipped = len(buffer.getvalue())
    print(f"{args.files} files, {unpacked / 2**20:.1f} MiB, zipped {zipped / 2**20:.1f} MiB")
    print(f"import_seeds on the folder: {first_time:.2f} s, {second_time:.2f} s")
    print(f"upload of the zip:          {upload_time:.2f} s ({by_upload.summary()})")
    ratio = upload_time / command_time
    print(f"upload / command = {ratio:.2f} (goal <= {RATIO_TARGET})")
    if by_upload.created != by_command.created or by_upload.failed:
        raise SystemExit("the upload did not import what the command imported")
    if ratio > RATIO_TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
