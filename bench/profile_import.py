"""Profile: where an import's database time goes, statement by statement.

Run from the project folder:

    .venv/bin/python bench/profile_import.py --files 10000 \
        --database-url postgres://postgres@127.0.0.1:5432

It generates ``--files`` seed files (``bench/seedgen.py``, as ``bench_stories.py`` does),
imports them in this process into a fresh database (SQLite without ``--database-url``,
else a PostgreSQL database ``nr_profile_import`` on that server) and times every SQL
statement through a connection execute wrapper, on every thread's connection. It prints
the total wall time, the time spent in the database, and the statements grouped by the
project function that ran them (the innermost frame under ``articles/`` or
``providers/``, and the thread if not the main one) with their count and seconds,
largest first. ``--seeds`` imports a folder of your own instead.
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Steps timed whole (``time_steps``): module, function names looked up there.
STEPS = {
    "articles.seedfiles.writer": ("cluster_articles", "relink", "analyze", "insert_rows"),
    "articles.stories.clustering": (
        "write_terms",
        "insert_rows",
        "count_words",
        "_citations",
        "_shared_links",
        "_close_texts",
        "_join",
        "significant_terms",
    ),
}
OWN = (str(ROOT / "articles"), str(ROOT / "providers"))


def caller():
    """``module.function`` of the innermost project frame on the stack."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        if frame.filename.startswith(OWN) and "/tests/" not in frame.filename:
            module = Path(frame.filename).relative_to(ROOT).with_suffix("")
            return f"{'.'.join(module.parts)}.{frame.name}"
    return "(elsewhere)"


class Timer:
    def __init__(self):
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = caller()
            if threading.current_thread() is not threading.main_thread():
                key += f" [{threading.current_thread().name}]"
            self.seconds[key] += time.perf_counter() - started
            self.calls[key] += 1


def time_steps():
    """Wall time of the import's big steps, patched in: ``{name: seconds}``."""
    import importlib

    steps = defaultdict(float)
    for module_name, names in STEPS.items():
        module = importlib.import_module(module_name)
        for name in names:
            time_step(module, name, steps, f"{module_name.rsplit('.', 1)[-1]}.{name}")
    return steps


def time_step(module, name, steps, label):
    original = getattr(module, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            steps[label] += time.perf_counter() - started

    setattr(module, name, timed)


def database(server, workdir):
    if not server:
        return f"sqlite:///{workdir / 'profile.sqlite3'}"
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "nr_profile_import"')
        conn.execute('CREATE DATABASE "nr_profile_import"')
    return f"{server}/nr_profile_import"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="how many seed files")
    parser.add_argument("--stories", type=float, default=0.15, help="share of event versions")
    parser.add_argument("--seeds", help="import this folder instead of generated files")
    parser.add_argument("--database-url", default="", help="PostgreSQL server (no db name)")
    parser.add_argument("--top", type=int, default=25, help="how many functions to list")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-profile-"))
    try:
        seeds = args.seeds
        if not seeds:
            from bench.seedgen import generate

            seeds = workdir / "seeds"
            generate(seeds, args.files, stories=args.stories)
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.dev"
        os.environ["DATABASE_URL"] = database(args.database_url, workdir)
        os.environ["DEBUG"] = "false"
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        call_command("migrate", verbosity=0)
        from django.db.backends.signals import connection_created

        from articles.seedfiles import import_seeds

        timer = Timer()
        steps = time_steps()

        # The clustering thread opens a connection of its own: time its statements too.
        def watch(sender, connection, **kwargs):
            if timer not in connection.execute_wrappers:
                connection.execute_wrappers.append(timer)

        connection_created.connect(watch)
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            result = import_seeds([str(seeds)], source="profile_import")
        wall = time.perf_counter() - started
        connection.close()
        in_db = sum(timer.seconds.values())
        print(f"{result.created} created, {len(result.failures)} failed in {wall:.2f} s;")
        print(f"{in_db:.2f} s in {sum(timer.calls.values())} statements (COPY not seen)")
        for name, seconds in steps.items():
            print(f"  {name}: {seconds:.2f} s in all (wall, database and Python)")
        print()
        print(f"{'function':<58}{'calls':>8}{'seconds':>10}")
        ranked = sorted(timer.seconds.items(), key=lambda kv: -kv[1])
        for key, seconds in ranked[: args.top]:
            print(f"{key:<58}{timer.calls[key]:>8}{seconds:>10.3f}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
