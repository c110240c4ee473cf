"""Reader pages through a real server: gunicorn (production settings) driven by wrk.

For each database and size: generate seed files, import them with ``import_seeds`` into
a fresh database, start gunicorn with 2 workers on loopback, and drive every page with
``wrk`` for a few seconds. Prints requests per second, p50 and p99 latency and errors
for each page, with its ratio to a trivial Django view measured in turns with it (so
both see the same load on a shared machine), and, when two sizes are given, the ratio of
the small size to the large one.

    .venv/bin/python bench/bench_http.py --sizes 1000 100000 --db sqlite --db postgres
    .venv/bin/python bench/bench_http.py --sizes 1000 --cache off   # uncached rendering
    .venv/bin/python bench/bench_http.py --sizes 1000 100000 --cache on off  # both, same data

The seed files name one publisher per ``--files-per-publisher`` files (20: about 1,500 at
30,000 articles, as the real feed does) and ``--topics`` topics (40), every file marked
published (``--published 1``, as in the data the production issue measured: every list
page is full at both sizes, so the sizes compare pages of the same weight). The database
gets no ``ANALYZE`` but the importer's own, unless ``--analyze`` is given. Each page's
weight (bytes, cards) is printed beside its figures.

``--db postgres`` uses ``--postgres-url`` (a database named ``newsroom_bench_<size>`` is
dropped and created on that server) and Redis at ``--redis-url`` for the cache. Every run
is bounded: ``--duration`` seconds a page, loopback only. Needs Debian's ``wrk``.

Importing 100,000 files takes minutes: ``--data-dir DIR`` keeps the SQLite databases
(PostgreSQL's stay on the server), and ``--reuse`` measures them again without a new
import, after migrating them to the current code.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

SAMPLE_URLS = r"""
import json
from articles.models import Article, Topic
from providers.models import Provider
published = Article.objects.published()
article = published.order_by("-published_at").first()
topic = Topic.objects.filter(articles__in=published).order_by("name").first()
provider = Provider.objects.filter(articles__in=published).order_by("-id").first()
# The least common words: the two rarest words (at least five letters) of the article
# whose two rarest are rarest; all must match. One article matches at 1,000, but
# seedgen's vocabulary is small (127 such words, each in 230 or more of 100,000
# articles), so at 100,000 a page of them does: informational. bench_search.py plants
# a truly rare word and holds it to the goal.
from collections import Counter
import re
def words_of(title, excerpt):
    return set(re.findall(r"[a-z]{5,}", f"{title} {excerpt}".lower()))
texts = published.values_list("title", "excerpt")
words = Counter()
for title, excerpt in texts.iterator(chunk_size=5000):
    words.update(words_of(title, excerpt))
def rarest_two(title, excerpt):
    return sorted(words_of(title, excerpt), key=lambda word: (words[word], word))[:2]
rare = " ".join(min(
    (rarest_two(*text) for text in texts.iterator(chunk_size=5000)),
    key=lambda pair: ([words[word] for word in pair], pair),
))
from django.db.models import Count
from articles.coverage import visible_stories
# A story of the same weight at every size: the first with four members (the
# largest story grows with the feed).
sized = visible_stories().annotate(size=Count("articles")).order_by("pk")
story = sized.filter(size=4).first() or sized.order_by("-size", "pk").first()
print(json.dumps({"article": article.get_absolute_url(), "topic": topic.slug,
    "story_url": story.get_absolute_url() if story else None,
    "topic_url": topic.get_absolute_url(), "provider": provider.domain,
    "provider_url": "/providers/%s/" % provider.domain, "rare": rare}))
"""


def pages(sample):
    return [
        ("trivial Django view", "/bench/trivial/"),
        ("front page", "/"),
        ("front page, sort=heat", "/?sort=heat"),
        ("front page, sort=quality", "/?sort=quality"),
        ("front page, topic filter", f"/?topic={sample['topic']}"),
        ("front page, publisher filter", f"/?publisher={sample['provider']}"),
        ("publisher filter, sort=heat", f"/?publisher={sample['provider']}&sort=heat"),
        ("publisher filter, sort=quality", f"/?publisher={sample['provider']}&sort=quality"),
        ("search, two least common words", f"/?q={quote_plus(sample['rare'])}"),
        ("search, no match", "/?q=zzxqvnomatch"),
        ("article page", sample["article"]),
        *([("story page", sample["story_url"])] if sample["story_url"] else []),
        ("topic page", sample["topic_url"]),
        ("publisher page", sample["provider_url"]),
        ("/topics/", "/topics/"),
        ("/providers/", "/providers/"),
        ("RSS feed", "/feeds/rss/"),
        ("Atom feed", "/feeds/atom/"),
        ("JSON feed", "/feeds/json/"),
        ("topic RSS feed", sample["topic_url"] + "feed/rss/"),
        ("sitemap.xml", "/sitemap.xml"),
        ("news sitemap", "/sitemap-news.xml"),
    ]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, env, **kwargs):
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)


def database_url(kind, size, args, workdir):
    if kind == "sqlite":
        return f"sqlite:///{(args.data_dir or workdir) / f'bench-{size}.sqlite3'}"
    return args.postgres_url.rsplit("/", 1)[0] + f"/newsroom_bench_{size}"


def prepare_database(kind, size, args, workdir):
    """A fresh database for ``size`` articles; returns its DATABASE_URL."""
    url = database_url(kind, size, args, workdir)
    if kind == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return url
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = args.postgres_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def imported_count(env):
    """Articles in the database at ``env``'s DATABASE_URL, or None if it has none."""
    code = "from articles.models import Article; print(Article.objects.count())"
    found = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], env=env, cwd=ROOT, capture_output=True
    )
    return int(found.stdout.split()[-1]) if found.returncode == 0 and found.stdout else None


def build(kind, size, args, workdir, seeds):
    """A migrated database holding ``size`` imported articles (kept ones reused with
    ``--reuse``); returns its environment and sample URLs."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev"}
    env["DATABASE_URL"] = database_url(kind, size, args, workdir)
    if not (args.reuse and imported_count(env) == size):
        env["DATABASE_URL"] = prepare_database(kind, size, args, workdir)
        run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], env)
        seeds()
        start = time.perf_counter()
        run([PYTHON, "manage.py", "import_seeds", str(seeds.path), "--verbosity", "0"], env)
        print(f"  imported {size} files into {kind} in {time.perf_counter() - start:.1f}s")
    else:
        run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], env)
        print(f"  reusing the {size} articles already imported into {kind}")
    if args.analyze:
        run([PYTHON, "manage.py", "dbshell"], env, input=b"ANALYZE;\n", stdout=subprocess.DEVNULL)
    sample = run(
        [PYTHON, "manage.py", "shell", "-c", SAMPLE_URLS], env, capture_output=True, text=True
    )
    return env, json.loads(sample.stdout.strip().splitlines()[-1])


class SeedFolder:
    """Seed files for one size, generated the first time a database needs them."""

    def __init__(self, path, size, args, generate):
        self.path, self.size, self.args, self.generate = path, size, args, generate

    def __call__(self):
        if self.path.exists():
            return
        publishers = max(1, self.size // self.args.files_per_publisher)
        self.generate(
            self.path, self.size, seed=self.args.seed, publishers=publishers,
            topics=self.args.topics, published=self.args.published,
        )  # fmt: skip
        print(f"generated {self.size} files naming {publishers} publishers, {self.args.topics}"
              f" topics, {self.args.published:.0%} marked published")  # fmt: skip


def serve(env, args, cache):
    port = free_port()
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PAGE_CACHE_ENABLED": "true" if cache == "on" else "false",
        "CONN_MAX_AGE": "600",
    }
    if args.redis_url and cache == "on":
        server_env["REDIS_URL"] = args.redis_url
    run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        server_env,
    )
    process = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--workers", str(args.workers),
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            "--env", "DJANGO_SETTINGS_MODULE=bench.settings",
        ],
        env=server_env,
        cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def drive(url, args):
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--latency", "--timeout", "10s", url,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = {p: float(v) * UNITS[u] for p, v, u in WRK_LATENCY.findall(output)}
    errors = "; ".join(filter(None, (a or b for a, b in WRK_ERRORS.findall(output))))
    return float(WRK_RPS.search(output).group(1)), latency["50"], latency["99"], errors


def measure(base, sample, args):
    """Each page in ``--rounds`` turns with the trivial view, so both see the same load
    on a shared machine; a page's ratio is to the trivial view run beside it."""
    rows = {}
    trivial = base + pages(sample)[0][1]
    for label, path in pages(sample)[1:]:
        if args.pages and not any(part in label for part in args.pages):
            continue
        drive(base + path, argparse.Namespace(**{**vars(args), "duration": 1}))  # warm up
        page_runs, trivial_runs = [], []
        for _ in range(args.rounds):
            trivial_runs.append(drive(trivial, args))
            page_runs.append(drive(base + path, args))
        rps = sum(run[0] for run in page_runs) / args.rounds
        trivial_rps = sum(run[0] for run in trivial_runs) / args.rounds
        p50 = sorted(run[1] for run in page_runs)[args.rounds // 2]
        p99 = max(run[2] for run in page_runs)
        errors = "; ".join(filter(None, (run[3] for run in page_runs)))
        rows[label] = (rps, p50, p99, errors, trivial_rps, weight(base + path))
    return rows


def weight(url):
    """What a page holds: its size in KB and its cards, feed entries, sitemap entries or
    list items."""
    from urllib.request import urlopen

    with urlopen(url, timeout=30) as response:
        body = response.read().decode("utf-8", "replace")
    markers = ('<article class="card', "<item>", "<entry>", '"content_text"', "<sitemap>", "<url>")
    items = next((n for n in map(body.count, markers) if n), 0)
    items = items or body.count("<li>") + body.count("<li ")
    return f"{len(body) / 1024:.0f} KB, {items} items"


def report(kind, size, cache, rows):
    print(f"\n{kind}, {size} articles, page cache {cache}")
    print(
        f"{'page':30s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s}"
        f" {'trivial':>8s} {'× trivial':>10s}  {'weight':18s} errors"
    )
    for label, (rps, p50, p99, errors, trivial, size) in rows.items():
        print(
            f"{label:30s} {rps:8.0f} {p50:8.2f} {p99:8.2f} {trivial:8.0f}"
            f" {rps / trivial if trivial else float('nan'):10.2f}  {size:18s} {errors}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--cache", choices=["on", "off"], nargs="+", default=["on"])
    parser.add_argument("--files-per-publisher", type=int, default=20)
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument(
        "--published", type=float, default=1.0,
        help="share of the files the feed marks published (1: every page full at every size)",
    )  # fmt: skip
    parser.add_argument("--duration", type=int, default=2, help="seconds of one wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="turns per page with the trivial")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pages", nargs="+", metavar="TEXT", help="only the pages whose label holds a TEXT"
    )
    parser.add_argument("--analyze", action="store_true", help="ANALYZE after the import")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/newsroom_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--data-dir", type=Path, help="keep the SQLite databases here (PostgreSQL's are kept)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure kept databases of the right size again"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="import into kept databases, measure nothing"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    sys.path.insert(0, str(ROOT))
    from bench.seedgen import generate

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-http-"))
    results = {}
    try:
        for size in args.sizes:
            seeds = SeedFolder(workdir / f"seeds-{size}", size, args, generate)
            for kind in args.db or ["sqlite"]:
                env, sample = build(kind, size, args, workdir, seeds)
                for cache in [] if args.build_only else args.cache:
                    if args.redis_url and cache == "on":
                        import redis

                        redis.Redis.from_url(args.redis_url).flushdb()
                    process, base = serve(env, args, cache)
                    try:
                        results[kind, size, cache] = measure(base, sample, args)
                    finally:
                        process.terminate()
                        process.wait(timeout=30)
                    report(kind, size, cache, results[kind, size, cache])
            shutil.rmtree(seeds.path, ignore_errors=True)
        if len(args.sizes) == 2 and not args.build_only:
            small, large = args.sizes
            for kind in args.db or ["sqlite"]:
                for cache in args.cache:
                    print(
                        f"\n{kind}, page cache {cache}: cost at {large} ÷ cost at {small}"
                        " (goal ≤ 1.2), each size's req/s taken as a share of the trivial"
                        " view's beside it (the sizes ran minutes apart), then raw req/s"
                    )
                    for label, row in results[kind, small, cache].items():
                        if label not in results[kind, large, cache]:
                            continue
                        large_row = results[kind, large, cache][label]
                        share = (row[0] / row[4]) / (large_row[0] / large_row[4])
                        print(
                            f"  {label:30s} {share:6.2f} {row[0] / large_row[0]:6.2f}"
                            f"   ({row[5]} → {large_row[5]})"
                        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
