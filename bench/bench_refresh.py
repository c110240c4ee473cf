"""Benchmark: a feed refresh (files whose scores moved) against the first import.

Run from the project folder:

    .venv/bin/python bench/bench_refresh.py --files 12000 --share 0.25
    .venv/bin/python bench/bench_refresh.py --files 12000 --database-url postgres://postgres@127.0.0.1:5432

A real feed re-exports its files as their heat and quality move: most imports after
the first update articles rather than create them. In one run:

1. generates ``--files`` seed files (``bench/seedgen.py``) in a temporary folder;
2. imports them into an empty database: a SQLite file, or a database the benchmark
   creates (and drops) on the PostgreSQL server of ``--database-url``;
3. gives ``--share`` of the files a new ``heat`` and imports the folder again: those
   are updated, the others unchanged;
4. imports it once more, every file unchanged, for what an unchanged file costs.

Prints the times and the cost of an updated file (the refresh less its unchanged
files) against that of a created one (target <= 1.2: updating an article costs no more
than creating it did), and checks
that the refresh moved every changed score and no story: a heat is no evidence.
Exits non-zero if a target or a check is missed.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import timed_import  # noqa: E402

RATIO_TARGET = 1.2
NEW_HEAT = 4321
DATABASE = "nr_bench_refresh"


def setup_django(url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.dev"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # DEBUG would keep a log of every query
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def stories():
    """Each story as the set of its members' URLs."""
    from articles.models import Article

    members = {}
    for story_id, url in Article.objects.filter(story__isnull=False).values_list("story_id", "url"):
        members.setdefault(story_id, set()).add(url)
    return {frozenset(urls) for urls in members.values()}


def new_heat(paths, share):
    """Give every ``1 / share``-th file a new heat; how many changed."""
    step = max(1, round(1 / share))
    changed = 0
    for path in paths[::step]:
        text = path.read_text(encoding="utf-8")
        text, n = re.subn(r"(?m)^heat: .*$", f"heat: {NEW_HEAT}", text, count=1)
        if n:
            path.write_text(text, encoding="utf-8")
            changed += 1
    return changed


def server_database(base, action):
    import psycopg

    with psycopg.connect(f"{base.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        if action == "create":
            conn.execute(f"CREATE DATABASE {DATABASE}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=4000, help="how many seed files")
    parser.add_argument("--share", type=float, default=0.25, help="share of files refreshed")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server, without a database name (default: a SQLite file)",
    )
    args = parser.parse_args()
    if not 0 < args.share <= 1:
        parser.error("--share must be above 0 and at most 1")

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-refresh-"))
    try:
        from bench.seedgen import generate

        seeds = workdir / "seeds"
        paths = generate(seeds, args.files, seed=args.seed, publishers=max(1, args.files // 20))
        if args.database_url:
            server_database(args.database_url, "create")
            setup_django(f"{args.database_url.rstrip('/')}/{DATABASE}")
        else:
            setup_django(f"sqlite:///{workdir / 'bench.sqlite3'}")
        from django.db import connection

        first, first_cpu, result = timed_import(seeds, "bench_refresh")
        print(f"{connection.vendor}, first import: {result.summary()}")
        before = stories()
        changed = new_heat(sorted(paths), args.share)
        again, again_cpu, result = timed_import(seeds, "bench_refresh")
        print(f"{connection.vendor}, refresh:      {result.summary()}")

        third, third_cpu, _ = timed_import(seeds, "bench_refresh")
        from articles.models import Article

        checks = {
            "every changed file updated": result.updated == changed,
            "every changed heat stored": Article.objects.filter(heat=NEW_HEAT).count() == changed,
            "the stories unchanged": stories() == before,
        }
        unchanged_ms = 1000 * third / len(paths)
        created_ms = 1000 * first / len(paths)
        updated_ms = (1000 * again - unchanged_ms * (len(paths) - changed)) / changed
        print(f"{'':16s} {'wall':>8s} {'cpu':>8s} {'files':>7s}")
        print(f"{'first import':16s} {first:7.2f}s {first_cpu:7.2f}s {len(paths):7d} created")
        print(f"{'refresh':16s} {again:7.2f}s {again_cpu:7.2f}s {changed:7d} updated")
        print(f"{'nothing new':16s} {third:7.2f}s {third_cpu:7.2f}s {len(paths):7d} unchanged")
        ratio = updated_ms / created_ms
        print(
            f"per file: created {created_ms:.2f} ms, updated {updated_ms:.2f} ms, unchanged"
            f" {unchanged_ms:.2f} ms; updated / created = {ratio:.2f} (target <= {RATIO_TARGET})"
            f"  {'ok' if ratio <= RATIO_TARGET else 'MISSED'}"
        )
        for name, ok in checks.items():
            print(f"  {name}: {'yes' if ok else 'NO'}")
        return 0 if ratio <= RATIO_TARGET and all(checks.values()) else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if args.database_url:
            from django.db import connection

            connection.close()
            server_database(args.database_url, "drop")


if __name__ == "__main__":
    sys.exit(main())
