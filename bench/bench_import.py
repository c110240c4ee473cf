"""Benchmark: importing seed files against a bare CSafeLoader parse of the same files.

Run from the project folder:

    .venv/bin/python bench/bench_import.py --files 10000

It generates ``--files`` realistic seed files (``bench/seedgen.py``, deterministic) in a
temporary folder, then, in one run:

1. parses every file with nothing else: read the bytes, ``yaml.load_all`` with
   ``CSafeLoader`` (the floor any importer stands on);
2. imports them all into an empty, freshly migrated SQLite file database
   (``newsroom.settings.dev``, ``DATABASE_URL`` pointing at a temporary file);
3. imports them again: every file is unchanged.

It prints the three times (wall clock, and CPU time, which a busy machine disturbs
less) and two ratios of wall-clock times, and exits non-zero if a target is missed:
``parse / first import >= 0.5`` (importing runs at least half as fast as bare parsing)
and ``first import / second import >= 5`` (an unchanged file costs next to nothing).
``--keep`` leaves the temporary folder (files and database) for inspection.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import timed_import  # noqa: E402

PARSE_RATIO_TARGET = 0.5
REIMPORT_RATIO_TARGET = 5.0


def setup_django(database_path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    os.environ["DEBUG"] = "false"  # DEBUG would keep a log of every query
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def bare_parse(paths):
    import yaml

    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        list(yaml.load_all(data, Loader=yaml.CSafeLoader))
    return time.perf_counter() - start, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="how many seed files")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    try:
        from bench.seedgen import generate

        seeds = workdir / "seeds"
        start = time.perf_counter()
        paths = generate(seeds, args.files, seed=args.seed)
        size = sum(p.stat().st_size for p in paths)
        print(
            f"generated {len(paths)} files, {size / len(paths) / 1024:.1f} KB each on average,"
            f" in {time.perf_counter() - start:.1f}s"
        )
        setup_django(workdir / "bench.sqlite3")

        (parse, parse_cpu) = bare_parse(paths)
        first, first_cpu, result = timed_import(seeds, "bench_import")
        print(f"first import:  {result.summary()}")
        second, second_cpu, result = timed_import(seeds, "bench_import")
        print(f"second import: {result.summary()}")

        from articles.models import Article, RelatedLink

        per_file = 1000 / len(paths)
        print(f"articles {Article.objects.count()}, related links {RelatedLink.objects.count()}")
        print("                  wall             (per file)   cpu")
        for label, wall, cpu in (
            ("bare parse", parse, parse_cpu),
            ("first import", first, first_cpu),
            ("second import", second, second_cpu),
        ):
            print(f"{label:14s} {wall:8.2f}s  ({wall * per_file:5.2f} ms/file)  {cpu:8.2f}s")
        print(
            f"cpu ratios: parse / first = {parse_cpu / first_cpu:.2f}, "
            f"first / second = {first_cpu / second_cpu:.2f}"
        )
        parse_ratio, reimport_ratio = parse / first, first / second
        ok_parse = parse_ratio >= PARSE_RATIO_TARGET
        ok_reimport = reimport_ratio >= REIMPORT_RATIO_TARGET
        print(
            f"parse / first import   = {parse_ratio:5.2f}  (target >= {PARSE_RATIO_TARGET})"
            f"  {'ok' if ok_parse else 'MISSED'}"
        )
        print(
            f"first / second import  = {reimport_ratio:5.2f}  (target >= {REIMPORT_RATIO_TARGET})"
            f"  {'ok' if ok_reimport else 'MISSED'}"
        )
        return 0 if ok_parse and ok_reimport else 1
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
