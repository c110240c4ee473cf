"""Benchmark: import time with and without story clustering, on the same generated seeds.

Run from the project folder:

    .venv/bin/python bench/bench_stories.py --files 10000

It generates ``--files`` seed files (``bench/seedgen.py`` with ``--stories``: that share
of the files are further versions of an earlier event, citing one another, listing the
event's outside coverage or only telling it in the same words), then imports them into
a fresh SQLite file database twice, each in its own process: once with
``STORY_CLUSTERING=false`` and once with it on (the default). ``--repeat`` runs the pair
again, every other pair with clustering first; the figure is the median of the pairs'
ratios (a pair runs back to back, so a slow spell of a shared machine weighs on both of
its runs). It prints the times, the
ratio, the stories made and how many of the generated events came out whole, and exits
non-zero when clustering adds more than 20% (``--target``). ``--database-url`` (a
PostgreSQL server without a database name) runs the same on PostgreSQL.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 1.20


def child(folder, database_url):
    """In the child process: migrate, import, print the figures as one JSON line."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.dev"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from articles.models import Article, Story
    from articles.seedfiles import import_seeds

    start, cpu = time.perf_counter(), time.process_time()
    result = import_seeds([folder], source="bench_stories")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if result.failures:
        raise SystemExit(f"import failed: {result.failures[:3]}")
    events = {}
    for title, story in Article.objects.values_list("title", "story_id"):
        head = title.split(" ", 1)[0]
        if head[-1:].isdigit() and head.rstrip("0123456789") in PLACES:
            events.setdefault(head, set()).add(story)
    whole = sum(1 for stories in events.values() if len(stories) == 1 and None not in stories)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "articles": Article.objects.count(),
                "stories": Story.objects.count(),
                "in_stories": Article.objects.filter(story__isnull=False).count(),
                "events": len(events),
                "events_whole": whole,
            }
        )
    )


from bench.seedgen import PLACES  # noqa: E402


def run(folder, database_url, clustering):
    env = {**os.environ, "STORY_CLUSTERING": "true" if clustering else "false"}
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), "--database-url", database_url],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def database(workdir, server, name):
    if not server:
        path = workdir / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="how many seed files")
    parser.add_argument("--stories", type=float, default=0.15, help="share of event versions")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--repeat", type=int, default=1, help="pairs of runs; their median")
    parser.add_argument("--target", type=float, default=TARGET, help="largest ratio allowed")
    parser.add_argument("--database-url", default="", help="PostgreSQL server (no db name)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-stories-"))
    try:
        from bench.seedgen import generate

        seeds = workdir / "seeds"
        paths = generate(seeds, args.files, seed=args.seed, stories=args.stories)
        print(f"generated {len(paths)} files ({args.stories:.0%} of them versions of an event)")
        best, ratios = {}, []
        for attempt in range(args.repeat):
            pair = {}
            # Every other pair runs the other way round, so a machine slowing down (or
            # speeding up) during the runs favours neither.
            for clustering in (False, True) if attempt % 2 == 0 else (True, False):
                url = database(workdir, args.database_url, f"nr_bench_stories_{int(clustering)}")
                figures = pair[clustering] = run(seeds, url, clustering)
                label = "with clustering" if clustering else "without"
                print(
                    f"  run {attempt + 1} {label:16s} {figures['wall']:7.2f}s wall"
                    f"  {figures['cpu']:7.2f}s cpu"
                )
                if clustering not in best or figures["wall"] < best[clustering]["wall"]:
                    best[clustering] = figures
            ratios.append(pair[True]["wall"] / pair[False]["wall"])
        off, on = best[False], best[True]
        ratio, cpu_ratio = statistics.median(ratios), on["cpu"] / off["cpu"]
        print(
            f"articles {on['articles']}: {on['stories']} stories holding {on['in_stories']};"
            f" {on['events_whole']} of {on['events']} generated events in one story each"
        )
        ok = ratio <= args.target
        print(
            f"with / without clustering = {ratio:5.2f} wall (the median of the pairs:"
            f" {', '.join(f'{r:.2f}' for r in ratios)}; fastest of each"
            f" {on['wall'] / off['wall']:.2f}), {cpu_ratio:5.2f} cpu"
            f"  (target <= {args.target})  {'ok' if ok else 'MISSED'}"
        )
        return 0 if ok else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
