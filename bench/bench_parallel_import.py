"""Benchmark: import processes on shards of a folder against one process on all of it.

Run from the project folder, with a PostgreSQL server the benchmark may create and drop
databases on:

    .venv/bin/python bench/bench_parallel_import.py --files 4000 --processes 2

1. Generates ``--files`` seed files (``bench/seedgen.py``: one publisher per 20 files,
   40 topics) in a temporary folder.
2. Creates two fresh databases, ``<prefix>_one`` and ``<prefix>_many``, and migrates them.
3. Imports the folder with one ``manage.py import_seeds`` into the first, then with
   ``--processes`` of them at once into the second, each ``import_seeds FOLDER --shard
   K/N`` as the README splits an import (with ``--overlap``, on contiguous shards of the
   sorted file list given as files, each with that many files of the next shard, so
   imported twice).
4. Prints wall-clock time, files per second, the CPU time of the import processes and of
   the PostgreSQL backends serving them (sampled from ``/proc`` every 0.1 s, so a local
   server readable by this user only), and the ratio of throughputs (target >= 1.6 for
   two). On a machine shared with other work, the CPU times say what the wall clock
   cannot: whether the processes did more work in all, or only waited for cores.
   ``--repeat`` runs both imports again, on fresh databases, the processes first every
   other round; the median of the rounds' ratios is the figure.
5. Checks that both databases end equal (after the last round): counts and checksums
   of articles, publishers, publisher names, topics, topic links, images, related links
   and their targets, and status changes.

Exits non-zero if an import failed, the databases differ, or the ratio is missed.
``--keep`` keeps the folder and the databases.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIO_TARGET = 1.6
TIMEOUT = 3600
# What "the same database" means: one row of numbers and checksums.
FINGERPRINT = {
    "articles": "SELECT count(*) FROM articles_article",
    "article urls": "SELECT md5(string_agg(url || ' ' || status || ' ' || content_hash, ' '"
    " ORDER BY url)) FROM articles_article",
    "slugs": "SELECT count(DISTINCT slug) FROM articles_article",
    "publishers": "SELECT count(*) FROM providers_provider",
    "publisher names": "SELECT md5(string_agg(d || ' ' || n, ' ' ORDER BY d, n)) FROM ("
    " SELECT domain AS d, name AS n FROM providers_provider UNION"
    " SELECT p.domain, a.value FROM providers_provideralias AS a"
    " JOIN providers_provider AS p ON p.id = a.provider_id) AS names",
    "topics": "SELECT count(*) FROM articles_topic",
    "topic names": "SELECT md5(string_agg(lower(name), ' ' ORDER BY lower(name)))"
    " FROM articles_topic",
    "topic links": "SELECT md5(string_agg(a.url || ' ' || lower(t.name), ' '"
    " ORDER BY a.url, lower(t.name))) FROM articles_article_topics AS x"
    " JOIN articles_article AS a ON a.id = x.article_id"
    " JOIN articles_topic AS t ON t.id = x.topic_id",
    "images": "SELECT count(*) FROM articles_articleimage",
    "related links": "SELECT count(*) FROM articles_relatedlink",
    "related targets": "SELECT md5(string_agg(a.url || ' ' || l.position || ' '"
    " || coalesce(t.url, '-'), ' ' ORDER BY a.url, l.position))"
    " FROM articles_relatedlink AS l JOIN articles_article AS a ON a.id = l.article_id"
    " LEFT JOIN articles_article AS t ON t.id = l.target_id",
    "status changes": "SELECT count(*) FROM articles_statuschange",
}


def server_url(base, name):
    return f"{base.rstrip('/')}/{name}"


def recreate_database(base, name):
    import psycopg

    with psycopg.connect(server_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(base, name):
    import psycopg

    with psycopg.connect(server_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def manage_env(url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
        "DATABASE_URL": url,
        "DEBUG": "false",  # DEBUG would keep a log of every query
    }


def manage(url, *args, **popen):
    command = [sys.executable, "manage.py", *args]
    return subprocess.Popen(command, cwd=ROOT, env=manage_env(url), text=True, **popen)


def machine_cpu():
    """Seconds of the whole machine's CPU from /proc/stat: (busy, idle, iowait, steal)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    busy = user + nice + system + irq + softirq
    return tuple(x / tick for x in (busy, idle, iowait, steal))


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class BackendCpu(threading.Thread):
    """Samples the CPU time of the server processes connected to one database."""

    def __init__(self, url, database):
        super().__init__(daemon=True)
        self.url, self.database = url, database
        self.seen = {}  # pid -> cpu seconds at the last sample
        self.done = threading.Event()

    def run(self):
        import psycopg

        tick = os.sysconf("SC_CLK_TCK")
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.is_set():
                pids = conn.execute(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.database],
                ).fetchall()
                for (pid,) in pids:
                    try:
                        stat = Path(f"/proc/{pid}/stat").read_text()
                    except OSError:
                        continue
                    fields = stat.rsplit(")", 1)[1].split()
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
                time.sleep(0.1)

    def total(self):
        self.done.set()
        self.join()
        return sum(self.seen.values())


def timed_imports(url, shards, server, database):
    """Run one ``import_seeds`` per shard (its arguments) at once; (wall s, import cpu s,
    server cpu s, machine cpu s (busy, idle, iowait, steal), outputs)."""
    sampler = BackendCpu(server_url(server, "postgres"), database)
    sampler.start()
    cpu, machine, start = children_cpu(), machine_cpu(), time.perf_counter()
    processes = [
        manage(
            url, "import_seeds", *map(str, shard), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for shard in shards
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=TIMEOUT)
        outputs.append((process.returncode, out.strip(), err.strip()))
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    machine = tuple(b - a for a, b in zip(machine, machine_cpu(), strict=True))
    return wall, cpu, sampler.total(), machine, outputs


def fingerprint(url):
    import psycopg

    with psycopg.connect(url) as conn:
        return {name: conn.execute(sql).fetchone()[0] for name, sql in FINGERPRINT.items()}


def shards_of(paths, count, overlap):
    size = -(-len(paths) // count)
    return [paths[max(0, i * size - overlap) : (i + 1) * size] for i in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=4000, help="how many seed files")
    parser.add_argument("--processes", type=int, default=2, help="import processes at once")
    parser.add_argument("--overlap", type=int, default=0, help="files shared by next shards")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server, without a database name",
    )
    parser.add_argument("--prefix", default="nr_bench_parallel", help="database name prefix")
    parser.add_argument("--keep", action="store_true", help="keep the folder and databases")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of both imports; the median ratio counts"
    )
    args = parser.parse_args()

    from bench.seedgen import generate

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-parallel-"))
    names = {"one": f"{args.prefix}_one", "many": f"{args.prefix}_many"}
    urls = {key: server_url(args.database_url, name) for key, name in names.items()}
    try:
        seeds = workdir / "seeds"
        start = time.perf_counter()
        paths = generate(
            seeds, args.files, seed=args.seed, publishers=max(1, args.files // 20), topics=40
        )
        print(f"generated {len(paths)} files in {time.perf_counter() - start:.1f}s")
        if args.overlap:
            shards = shards_of(sorted(paths), args.processes, args.overlap)
        else:
            shards = [
                [seeds, "--shard", f"{k}/{args.processes}"] for k in range(1, args.processes + 1)
            ]
        ratios, failed = [], False
        for round_ in range(1, args.repeat + 1):
            for key, name in names.items():
                recreate_database(args.database_url, name)
                if manage(urls[key], "migrate", "--verbosity", "0").wait() != 0:
                    raise SystemExit(f"migrate failed on {name}")
            # Every other round the processes go first, so a drift in the machine's
            # speed during a round favours neither.
            order = ["one", "many"] if round_ % 2 else ["many", "one"]
            runs = {}
            for key in order:
                print(
                    f"round {round_}: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
                )
                runs[key] = timed_imports(
                    urls[key], [[seeds]] if key == "one" else shards, args.database_url, names[key]
                )
            one, many = runs["one"], runs["many"]
            for label, (*_, outputs) in (("1 process", one), (f"{args.processes} processes", many)):
                for code, out, err in outputs:
                    print(f"  {label}: exit {code}: {out.splitlines()[-1] if out else ''}")
                    if code != 0:
                        failed = True
                        print("    " + "\n    ".join(err.splitlines()[-5:]))
            print(
                f"{'':14s} {'wall':>8s} {'files/s':>8s} {'import cpu':>11s} {'server cpu':>11s}"
                f" {'machine: busy':>14s} {'idle':>6s} {'iowait':>7s} {'steal':>6s}"
            )
            for label, (wall, cpu, server_cpu, machine, _) in (
                ("1 process", one),
                (f"{args.processes} processes", many),
            ):
                rate = len(paths) / wall
                busy, idle, iowait, steal = machine
                print(
                    f"{label:14s} {wall:7.1f}s {rate:8.1f} {cpu:10.1f}s {server_cpu:10.1f}s"
                    f" {busy:13.1f}s {idle:5.1f}s {iowait:6.1f}s {steal:5.1f}s"
                )
            ratios.append(one[0] / many[0])
            print(f"round {round_}: throughput ratio = {ratios[-1]:.2f}")
        ratio = statistics.median(ratios)
        ok_ratio = ratio >= RATIO_TARGET
        print(
            f"throughput ratio = {ratio:.2f}, the median of {', '.join(f'{r:.2f}' for r in ratios)}"
            f"  (target >= {RATIO_TARGET})  {'ok' if ok_ratio else 'MISSED'}"
        )

        first, second = fingerprint(urls["one"]), fingerprint(urls["many"])
        same = first == second
        for name in FINGERPRINT:
            mark = "" if first[name] == second[name] else "   <-- DIFFERS"
            print(f"  {name:16s} {first[name]!s:>34s} {second[name]!s:>34s}{mark}")
        print("databases equal" if same else "databases DIFFER")
        return 0 if same and not failed and ok_ratio else 1
    finally:
        if args.keep:
            print(f"kept {workdir} and the databases {', '.join(names.values())}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            for name in names.values():
                drop_database(args.database_url, name)


if __name__ == "__main__":
    sys.exit(main())
