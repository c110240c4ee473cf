"""How the reader pages scale from 1,000 to 100,000 published articles.

Run from the project folder (takes a few minutes, most of it building the data):

    .venv/bin/python bench/bench_site.py
    .venv/bin/python bench/bench_site.py --repeat 300 --rounds 6 --db /tmp/newsroom-bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        .venv/bin/python bench/bench_site.py

It configures Django itself (``newsroom.settings.dev`` with ``DEBUG`` off), creates a
fresh SQLite file, migrates, bulk-creates 1,000 published articles with publishers,
topics, images and some related links, copies that database, and grows the copy to
100,000. It then times every page against both files in alternating rounds, so a busy
machine slows both sizes alike instead of skewing the ratio. Each figure is the median
wall time of ``--repeat`` renders through Django's test ``Client`` after a warm-up: URL
routing, middleware, queries and templates. The last column is the 100k/1k ratio; the
goal is at most 1.5 for the front page, the filtered pages and the article page.

With ``DATABASE_URL`` set (PostgreSQL), that database is flushed and used for both
sizes one after the other (no alternating).

The topic and publisher indexes (``/topics/``, ``/providers/``) are timed too but are
not held to the goal: they show every topic's and publisher's exact count of published
articles, which is one grouped pass over all of them (about 0.15 s at 100,000 on
SQLite). Keeping them flat needs stored counts, which is a model change.

Publishers and topics are skewed like a real feed (a few big publishers, one big
topic), so the filtered pages show a full page of 20 stories at 1,000 articles too.
"""

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 100_000)
# The pages whose cost must not grow with the table. The topic and publisher indexes
# count every published article per topic/publisher, so they grow by design.
GOAL_PAGES = {
    "front page",
    "front page, sort=heat",
    "filter topic",
    "filter publisher",
    "filter topic+publisher",
    "search q",
    "topic page",
    "publisher page",
    "article page",
    "feed rss (site)",
    "feed json (topic)",
}
PROVIDERS = 200
TOPICS = 20
BATCH = 2_000


def remove_sqlite(path):
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def configure(db_path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.dev"
    os.environ["DEBUG"] = "0"  # no query log
    if not os.environ.get("DATABASE_URL"):
        remove_sqlite(db_path)
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if os.environ["DATABASE_URL"].startswith("postgres"):
        call_command("flush", interactive=False, verbosity=0)


def build_fixed():
    from articles.models import Topic
    from providers.models import Provider

    providers = Provider.objects.bulk_create(
        Provider(
            domain=f"publisher{n}.example",
            name=f"Publisher {n}",
            logo_url=f"https://publisher{n}.example/logo.png",
        )
        for n in range(PROVIDERS)
    )
    topics = Topic.objects.bulk_create(
        Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(TOPICS)
    )
    return providers, topics


def pick_provider(rng):
    """Half the stories come from five big publishers (publisher5..9), the rest from all."""
    return 5 + rng.randrange(5) if rng.random() < 0.5 else rng.randrange(PROVIDERS)


def add_articles(start, stop, providers, topics, rng, now):
    """Articles ``start``..``stop``-1, published at random times in the last two years."""
    from articles.models import Article, ArticleImage, RelatedLink

    through = Article.topics.through
    for batch_start in range(start, stop, BATCH):
        numbers = range(batch_start, min(batch_start + BATCH, stop))
        articles = Article.objects.bulk_create(
            Article(
                url=f"https://news.example/story/{n}",
                source_url=f"https://news.example/story/{n}?utm_source=feed",
                slug=f"story-{n}",
                title=f"Story {n}: something happened somewhere",
                excerpt=f"The excerpt of story {n}, a sentence or two of plain text. " * 3,
                category="news",
                kind="article",
                published_at=now - timedelta(minutes=rng.randrange(60 * 24 * 730)),
                quality=rng.randrange(13, 188),
                heat=rng.choice([None, rng.randrange(100)]),
                status=Article.Status.PUBLISHED,
                secured="c2VjcmV0;aXY=",
                provider=providers[pick_provider(rng)],
            )
            for n in numbers
        )
        links = []
        for article in articles:
            first = 3 if rng.random() < 0.3 else rng.randrange(TOPICS)
            links.append(through(article_id=article.pk, topic_id=topics[first].pk))
            if rng.random() < 0.5:
                second = (first + 1 + rng.randrange(TOPICS - 1)) % TOPICS
                links.append(through(article_id=article.pk, topic_id=topics[second].pk))
        through.objects.bulk_create(links)
        ArticleImage.objects.bulk_create(
            ArticleImage(
                article=article,
                position=0,
                url=f"https://img.example/{article.pk}.jpg",
                width=1200,
                height=675,
                title=article.title,
            )
            for article in articles
        )
        related = []
        for article in articles[::50]:
            for position in range(8):
                related.append(
                    RelatedLink(
                        article=article,
                        position=position,
                        url=f"https://other.example/{article.pk}/{position}",
                        source_url=f"https://other.example/{article.pk}/{position}",
                        title=f"Other coverage {position}",
                        published_at=article.published_at - timedelta(hours=position),
                        provider=providers[(article.pk + position) % PROVIDERS],
                        quality=50,
                        is_hidden=position == 7,
                        target=articles[0]
                        if position == 0 and article is not articles[0]
                        else None,
                    )
                )
        RelatedLink.objects.bulk_create(related)


def pages():
    """The URLs to time: a fixed topic, publisher and article in both sizes."""
    from articles.models import Article

    article = Article.objects.published().filter(related_links__isnull=False).order_by("pk").first()
    return {
        "front page": "/",
        "front page, sort=heat": "/?sort=heat",
        "filter topic": "/?topic=topic-3",
        "filter publisher": "/?publisher=publisher7.example",
        "filter topic+publisher": "/?topic=topic-3&publisher=publisher7.example",
        "search q": "/?q=somewhere+story",
        "topic page": "/topics/topic-3/",
        "publisher page": "/providers/publisher7.example/",
        "article page": article.get_absolute_url(),
        "topic index": "/topics/",
        "publisher index": "/providers/",
        "feed rss (site)": "/feeds/rss/",
        "feed json (topic)": "/topics/topic-3/feed/json/",
    }


def use_sqlite(path):
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = path


def time_pages(urls, repeat, timings, warmup=10):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    for name, url in urls.items():
        for _ in range(warmup):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.setdefault(name, []).append(time.perf_counter() - started)


def medians(timings):
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def explain(urls):
    """SQLite's plan for the main query of a few pages (printed for the record)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        return
    client = Client(HTTP_HOST="localhost")
    for name in ("front page", "filter topic", "filter publisher", "topic page"):
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[name])
        main = next(
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "articles_article"."id"') and "LIMIT" in q["sql"]
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {main}")
            plan = "; ".join(row[-1] for row in cursor.fetchall())
        print(f"  plan [{name}]: {plan}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="renders per page and size")
    parser.add_argument("--rounds", type=int, default=5, help="alternations (SQLite)")
    parser.add_argument("--db", default="/tmp/newsroom-bench", help="SQLite file prefix")
    args = parser.parse_args()

    small_db, large_db = f"{args.db}-1k.sqlite3", f"{args.db}-100k.sqlite3"
    configure(small_db)
    from django.db import connection
    from django.utils import timezone

    sqlite = connection.vendor == "sqlite"
    rng = random.Random(2024)
    now = timezone.now()
    small, large = SIZES
    providers, topics = build_fixed()

    started = time.perf_counter()
    add_articles(0, small, providers, topics, rng, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{small:>7,} articles built in {time.perf_counter() - started:.1f} s")
    urls = pages()
    timings = {small: {}, large: {}}

    if sqlite:
        connection.close()
        remove_sqlite(large_db)
        with sqlite3.connect(small_db) as source, sqlite3.connect(large_db) as target:
            source.backup(target)
        use_sqlite(large_db)
    else:
        time_pages(urls, args.repeat, timings[small])

    started = time.perf_counter()
    add_articles(small, large, providers, topics, rng, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{large:>7,} articles built in {time.perf_counter() - started:.1f} s")
    explain(urls)

    if sqlite:
        per_round = max(1, args.repeat // args.rounds)
        for _ in range(args.rounds):
            for size, path in ((small, small_db), (large, large_db)):
                use_sqlite(path)
                time_pages(urls, per_round, timings[size])
    else:
        time_pages(urls, args.repeat, timings[large])

    figures = {size: medians(timings[size]) for size in SIZES}
    print(f"\nmedian render time in ms, {connection.vendor}, {args.repeat} renders per cell")
    print(f"{'page':<24}{small:>10,}{large:>10,}{'ratio':>8}")
    worst = 0.0
    for name in figures[small]:
        a, b = figures[small][name], figures[large][name]
        if name in GOAL_PAGES:
            worst = max(worst, b / a)
        flag = "" if name in GOAL_PAGES else "   (reads every article: see docstring)"
        print(f"{name:<24}{a:>10.2f}{b:>10.2f}{b / a:>8.2f}{flag if b / a > 1.5 else ''}")
    print(f"worst ratio of the list, filtered and article pages: {worst:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
