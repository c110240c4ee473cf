"""What the story pages cost at 1,000 and at 100,000 imported articles.

    .venv/bin/python bench/bench_stories_pages.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/bench_stories_pages.py                   # PostgreSQL
    .venv/bin/python bench/bench_stories_pages.py --reuse               # time the last build again
    .venv/bin/python bench/bench_stories_pages.py --import-limit 10000  # import 10k, copy to 100k

The data comes through the importer: ``bench/seedgen.py`` writes 1,000 and 100,000 seed
files and ``import_seeds`` loads each set into its own database (two SQLite files under
``--workdir``, or ``<name>_1000`` and ``<name>_100000`` beside the ``DATABASE_URL`` database,
both dropped and made anew). The clustering that fills ``Article.story`` at import is
built elsewhere, so this script then applies two deterministic rules, in SQL:

- **decisions**: every article whose id is not a multiple of 10 is published (the seeds
  publish 5%, as the feed does; editors publish the rest), the others stay pending;
- **stories**: articles are taken by id in blocks of ``STORY_SIZE`` (4); every block whose
  number is not ``2 (mod 3)`` becomes one story (two thirds of the articles are in a
  story, and a tenth of those members are pending), and every fifth story names its
  second member as the editor's lead.

On a busy machine importing 100,000 seeds takes most of an hour; ``--import-limit N``
imports only the first N seed files of a size and grows the database past them by
copying the imported articles with their images, topics and related links under new
URLs, slugs and dates (``grow``), before the two rules above.

Then ``ANALYZE``, and each page is rendered uncached (the page cache off, ``DEBUG`` off)
through Django's test ``Client``, in ``--rounds`` alternations between the two sizes so
a busy machine slows both alike. Figures are medians in ms; the goal for the 100k/1k
ratio is at most 1.2.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import print_ratios, time_pages, use_database  # noqa: E402

SIZES = (1_000, 100_000)
STORY_SIZE = 4
GOAL = 1.2
NOT_HELD = {
    "sitemap stories": "one URL per visible story, up to 1,000 a page: 100x the stories",
}


def database_urls(workdir, sizes):
    """``{size: DATABASE_URL}``: SQLite files, or PostgreSQL databases beside ``DATABASE_URL``."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return {size: f"sqlite:///{workdir}/stories-{size}.sqlite3" for size in sizes}
    return {size: f"{base}_{size}" for size in sizes}


def fresh_database(url):
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(size, url, workdir, import_limit=None):
    """Seeds, import (and growth past ``import_limit``), decisions and stories for one size,
    in child processes."""
    from bench.seedgen import generate

    imported = min(size, import_limit or size)
    seeds = Path(workdir) / f"seeds-{imported}"
    started = time.perf_counter()
    if not seeds.exists():
        generate(seeds, imported)
    print(f"  {imported:>7,} seeds ready in {time.perf_counter() - started:.0f} s", flush=True)
    fresh_database(url)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev", "DATABASE_URL": url}
    env["DEBUG"] = "0"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    started = time.perf_counter()
    subprocess.run([*manage, "import_seeds", str(seeds), "-v", "0"], env=env, cwd=ROOT, check=True)
    print(f"  {imported:>7,} imported in {time.perf_counter() - started:.0f} s", flush=True)
    script = [sys.executable, "bench/bench_stories_pages.py"]
    if imported < size:
        subprocess.run([*script, "--grow", str(size)], env=env, cwd=ROOT, check=True)
    subprocess.run([*script, "--assign"], env=env, cwd=ROOT, check=True)


def grow(size):
    """Copy the imported articles, with their images, topics and related links, under new
    URLs and slugs (and dates a few weeks apart) until there are ``size``."""
    import django

    django.setup()
    from django.db import connection, transaction

    from articles.models import Article, ArticleImage, RelatedLink

    started = time.perf_counter()
    article_table = Article._meta.db_table
    original = Article.objects.count()
    last_id = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    sqlite = connection.vendor == "sqlite"

    def columns(model, skip=()):
        return [
            f.column
            for f in model._meta.concrete_fields
            if not f.primary_key and f.column not in skip
        ]

    with transaction.atomic(), connection.cursor() as cursor:
        for copy in range(1, -(-size // original)):
            wanted = min(original, size - original * copy)
            suffix = f"-copy-{copy}"
            moved = (
                f"datetime(published_at, '-{copy * 23} days')"
                if sqlite
                else f"published_at - interval '{copy * 23} days'"
            )
            changed = {
                "url": f"url || '#{suffix}'",
                "source_url": f"source_url || '#{suffix}'",
                "slug": f"slug || '{suffix}'",
                "published_at": moved,
                "story_id": "NULL",
            }
            cols = columns(Article)
            cursor.execute(
                f"INSERT INTO {article_table} ({', '.join(cols)}) "
                f"SELECT {', '.join(changed.get(c, c) for c in cols)} FROM {article_table} "
                f"WHERE id <= %s ORDER BY id LIMIT %s",
                [last_id, wanted],
            )
            pairs = (
                f"FROM {article_table} a JOIN {article_table} n ON n.slug = a.slug || '{suffix}'"
            )
            for model, table in (
                (ArticleImage, ArticleImage._meta.db_table),
                (RelatedLink, RelatedLink._meta.db_table),
                (None, Article.topics.through._meta.db_table),
            ):
                cols = columns(model, skip={"article_id"}) if model else ["topic_id"]
                cursor.execute(
                    f"INSERT INTO {table} (article_id, {', '.join(cols)}) "
                    f"SELECT n.id, {', '.join('t.' + c for c in cols)} FROM {table} t "
                    f"JOIN ({'SELECT a.id AS old, n.id AS id ' + pairs} "
                    f"WHERE a.id <= %s) n ON n.old = t.article_id",
                    [last_id],
                )
    print(
        f"  grown from {original:,} to {Article.objects.count():,} articles in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )


def assign():
    """The decisions and stories of the module docstring, on the ``DATABASE_URL`` database."""
    import django

    django.setup()
    from django.db import connection, transaction

    from articles import pagecache
    from articles.models import Article, Story

    started = time.perf_counter()
    with transaction.atomic():
        Article.objects.update(status=Article.Status.PUBLISHED)
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        Article.objects.filter(pk__in=[pk for pk in ids if pk % 10 == 0]).update(
            status=Article.Status.PENDING
        )
        blocks = [
            (block, ids[start : start + STORY_SIZE])
            for block, start in enumerate(range(0, len(ids), STORY_SIZE))
            if block % 3 != 2
        ]
        stories = Story.objects.bulk_create(
            Story(slug=f"bench-story-{block}", lead_id=members[1] if block % 5 == 0 else None)
            for block, members in blocks
            if len(members) > 1
        )
        members_of = dict(blocks)
        rows = [
            Article(pk=pk, story_id=story.pk)
            for story in stories
            for pk in members_of[int(story.slug.rsplit("-", 1)[1])]
        ]
        Article.objects.bulk_update(rows, ["story"], batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    pagecache.bump()
    print(
        f"  {len(stories):,} stories over {len(rows):,} articles in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )


def pages():
    """The pages to time, the same story numbers in both sizes."""
    from articles.models import Article

    story, led = "/stories/bench-story-10/", "/stories/bench-story-15/"
    member = Article.objects.published().filter(story__slug="bench-story-10").order_by("pk").first()
    return {
        "story page": story,
        "story page, editor lead": led,
        "story feed rss": f"{story}feed/rss/",
        "story feed json": f"{story}feed/json/",
        "article page in a story": member.get_absolute_url(),
        "front page (grouped)": "/",
        "front page, sort=heat": "/?sort=heat",
        "front page, sort=quality": "/?sort=quality",
        "front page, page 5": "/?page=5",
        "sitemap stories": "/sitemap-stories.xml",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100, help="renders per page and size")
    parser.add_argument("--rounds", type=int, default=5, help="alternations a page")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "newsroom-stories"))
    parser.add_argument("--reuse", action="store_true", help="time the last build again")
    parser.add_argument("--sizes", type=int, nargs=2, default=SIZES, help="small and large")
    parser.add_argument("--build-only", action="store_true", help="build, do not time")
    parser.add_argument(
        "--keep-seeds", action="store_true", help="keep the seed files (for the other database)"
    )
    parser.add_argument(
        "--import-limit",
        type=int,
        help="import at most this many seeds a size, and grow past it by copying them",
    )
    parser.add_argument("--assign", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--grow", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.dev"
    os.environ["DEBUG"] = "0"
    os.environ["PAGE_CACHE_ENABLED"] = "0"
    if args.assign:
        return assign()
    if args.grow:
        return grow(args.grow)
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    databases = database_urls(args.workdir, args.sizes)
    if not args.reuse:
        for size, url in databases.items():
            build(size, url, args.workdir, args.import_limit)
        if not args.keep_seeds:
            for size in databases:
                shutil.rmtree(Path(args.workdir) / f"seeds-{size}", ignore_errors=True)
    if args.build_only:
        return None

    os.environ["DATABASE_URL"] = databases[args.sizes[0]]
    import django

    django.setup()
    import environ
    from django.db import connection

    settings = {size: environ.Env.db_url_config(url) for size, url in databases.items()}
    use_database(**settings[args.sizes[-1]])
    urls = pages()
    timings = time_pages(urls, settings, args.repeat, args.rounds)
    title = f"median render time in ms, {connection.vendor}, {args.repeat} renders per cell"
    print_ratios(timings, args.sizes, GOAL, NOT_HELD, title)


if __name__ == "__main__":
    main()
