"""How the article changelist (the review queue) scales: 1,000 vs 100,000 articles.

Run from the project root (takes about a minute, writes only a temporary SQLite file):

    .venv/bin/python bench/bench_admin.py [--runs 15] [--db /tmp/newsroom-bench-admin.sqlite3]
    .venv/bin/python bench/bench_admin.py --postgres postgres://postgres@127.0.0.1:5432/nr_bench_admin
    # (PostgreSQL: the databases nr_bench_admin_1000 and nr_bench_admin_100000)

It builds two fresh databases, one of 1,000 articles and one of 100,000 (with publishers,
topics and images), and times each changelist variant through Django's test client logged
in as a superuser, in rounds that alternate between the two databases, so both sizes see
the same load on a shared machine. For each variant it prints the median time per page,
the number of SQL queries, and the ratio 100k / 1k: the goal is a ratio near 1 (the page's
cost does not grow with the table). One publisher (a
wire service) carries every tenth story, so its page is full at both sizes. Text search
(``?q=``) is shown for information: a substring match scans until it has filled the page,
so its cost depends on how common the word is.
"""

import argparse
import os
import random
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import use_database  # noqa: E402

SIZES = (1_000, 100_000)
PROVIDERS = 300
TOPICS = 60


def fresh_database(size, db_path, postgres_url=None):
    """The URL of a new empty database for ``size`` articles: a SQLite file beside
    ``db_path``, or a PostgreSQL database named after ``postgres_url`` (dropped first)."""
    if postgres_url:
        import psycopg

        server, name = postgres_url.rsplit("/", 1)
        name = f"{name}_{size}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{server}/{name}"
    path = db_path.with_name(f"{db_path.stem}-{size}{db_path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def switch_to(url):
    """Point Django's default connection at ``url`` and forget what the cache holds of
    the other database."""
    import environ
    from django.core.cache import cache

    use_database(**environ.Env.db_url_config(url))
    cache.clear()


def configure(url):
    """Django set up on the database ``url``, migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.dev"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # WhiteNoise notes that collectstatic has not run; irrelevant to these timings.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def set_up(providers_count=PROVIDERS, topics_count=TOPICS):
    """Publishers, topics and the superuser of a fresh database, and its logged-in client."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.models import Topic
    from providers.models import Provider

    providers = Provider.objects.bulk_create(
        Provider(domain=f"bench{n}.example", name=f"Bench Publisher {n}")
        for n in range(providers_count)
    )
    topics = Topic.objects.bulk_create(
        Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(topics_count)
    )
    admin = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench")
    client = Client()
    client.force_login(admin)
    return providers, topics, client


def populate(start, stop, providers, topics, rng):
    """Articles ``start``..``stop``: 60% pending, 70% with an image, 0–3 topics each."""
    from django.utils import timezone

    from articles.models import Article, ArticleImage

    now = timezone.now()
    statuses = ["pending"] * 6 + ["published"] * 3 + ["rejected"]
    batch = 5_000
    for low in range(start, stop, batch):
        numbers = range(low, min(low + batch, stop))
        articles = Article.objects.bulk_create(
            Article(
                url=f"https://bench{n % PROVIDERS}.example/story/{n}",
                source_url=f"https://bench{n % PROVIDERS}.example/story/{n}",
                slug=f"bench-story-{n}",
                title=f"Benchmark story {n} about {rng.choice(['rates', 'storms', 'votes'])}",
                excerpt=f"What happened in story {n}.",
                published_at=now - timedelta(minutes=n),
                quality=rng.randint(0, 100),
                heat=rng.choice([None, *range(0, 200)]),
                status=rng.choice(statuses),
                # providers[0] is the wire service: a full page of its own at 1k too.
                provider=providers[0] if n % 10 == 0 else providers[n % len(providers)],
                secured="x" * 40,
            )
            for n in numbers
        )
        ArticleImage.objects.bulk_create(
            ArticleImage(
                article=article,
                position=0,
                url=f"https://img.example/{article.pk}.jpg",
                width=800,
                height=450,
            )
            for article in articles
            if rng.random() < 0.7
        )
        Through = Article.topics.through
        Through.objects.bulk_create(
            Through(article_id=article.pk, topic_id=topic.pk)
            for article in articles
            for topic in rng.sample(topics, rng.randint(0, 3))
        )


def measure(client, url, params, runs):
    """``runs`` timings of one page after a warm-up load, and its number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    # Read now: the next request's start clears the connection's query log.
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return times, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="turns between the two sizes")
    parser.add_argument("--runs", type=int, default=3, help="page loads per variant and turn")
    parser.add_argument("--db", type=Path, default=Path("/tmp/newsroom-bench-admin.sqlite3"))
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL: URL_1000 and URL_100000")
    args = parser.parse_args()

    urls = {size: fresh_database(size, args.db, args.postgres) for size in SIZES}
    configure(urls[SIZES[0]])
    from django.db import connection
    from django.urls import reverse

    from articles.models import Article

    clients = {}
    for size in SIZES:
        started = time.perf_counter()
        switch_to(urls[size])
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        providers, topics, clients[size] = set_up()
        populate(0, size, providers, topics, random.Random(20251122))
        with connection.cursor() as cursor:
            # As an import leaves the tables (articles.seedfiles.writer.analyze): with
            # fresh statistics, and on PostgreSQL vacuumed, so counts read indexes alone.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(
            f"{Article.objects.count():,} articles ready in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
    # The wire service is the first publisher in both databases: the same pk.
    variants = {
        "pending queue (default)": {},
        "published, by quality": {"status": "published", "o": "-5"},
        "published, newest": {"status": "published", "o": "-7"},
        "all statuses, one publisher": {"status": "all", "publisher": providers[0].pk},
        "pending, heat 100+, 100 rows": {"heat": "100-", "all": ""},
        "search 'storms' (informational)": {"q": "storms"},
    }

    url = reverse("admin:articles_article_changelist")
    times = {(name, size): [] for name in variants for size in SIZES}
    queries = {}
    for _ in range(args.rounds):
        for size in SIZES:
            switch_to(urls[size])
            for name, params in variants.items():
                runs, queries[name, size] = measure(clients[size], url, params, args.runs)
                times[name, size].extend(runs)

    small, large = SIZES
    print()
    print(f"{'variant':34} {'1k ms':>8} {'100k ms':>8} {'ratio':>6} {'queries 1k/100k':>16}")
    for name in variants:
        t1, t2 = (statistics.median(times[name, size]) for size in SIZES)
        q1, q2 = queries[name, small], queries[name, large]
        print(f"{name:34} {t1 * 1000:8.1f} {t2 * 1000:8.1f} {t2 / t1:6.2f} {q1:>8}/{q2:<7}")


if __name__ == "__main__":
    main()
