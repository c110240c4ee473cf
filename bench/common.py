"""What the in-process benchmarks share: pointing Django's connection at one size's
database, timing pages in rounds that alternate between the sizes (so both see the same
load on a shared machine), the table of medians and ratios, and a timed import."""

import statistics
import time


def use_database(**settings):
    """Point the default connection at another database: ``NAME=`` a SQLite file or a
    PostgreSQL database on the same server, or every key of a parsed URL
    (``environ.Env.db_url_config``)."""
    from django.db import connection

    connection.close()
    connection.settings_dict.update(settings)


def time_pages(urls, databases, repeat, rounds, warmup=3):
    """``{size: {page: [seconds]}}`` for ``urls`` ``{page: url}`` on ``databases``
    ``{size: connection settings}``, each page in ``rounds`` alternations."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    timings = {size: {} for size in databases}
    per_round = max(1, repeat // rounds)
    for name, url in urls.items():
        for _ in range(rounds):
            for size, settings in databases.items():
                use_database(**settings)
                for _ in range(warmup):
                    response = client.get(url)
                    assert response.status_code == 200, (size, url, response.status_code)
                for _ in range(per_round):
                    started = time.perf_counter()
                    client.get(url)
                    timings[size].setdefault(name, []).append(time.perf_counter() - started)
    return timings


def print_ratios(timings, sizes, goal, not_held, title):
    """The median ms of each page at both sizes and their ratio, flagging those over
    ``goal`` except the ``not_held`` ones ``{page: why}``; returns the worst held ratio."""
    small, large = sizes
    figures = {
        size: {name: statistics.median(values) * 1000 for name, values in timings[size].items()}
        for size in sizes
    }
    width = max(26, *(len(name) + 2 for name in figures[small]))
    print(f"\n{title}")
    print(f"{'page':<{width}}{small:>10,}{large:>10,}{'ratio':>8}")
    worst = 0.0
    for name in figures[small]:
        a, b = figures[small][name], figures[large][name]
        if name not in not_held:
            worst = max(worst, b / a)
        flag = f"   ({not_held[name]})" if name in not_held else ""
        flag = flag or ("   <-- over the goal" if b / a > goal else "")
        print(f"{name:<{width}}{a:>10.2f}{b:>10.2f}{b / a:>8.2f}{flag}")
    print(f"worst ratio: {worst:.2f} (goal <= {goal})")
    return worst


def timed_import(folder, source):
    """Import ``folder`` in this process: ``(wall seconds, CPU seconds, ImportResult)``.
    Any failed file stops the benchmark, with the first few failures."""
    from articles.seedfiles import import_seeds

    start, cpu = time.perf_counter(), time.process_time()
    result = import_seeds([folder], source=source)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if result.failures:
        raise SystemExit(f"import failed: {result.failures[:3]}")
    return elapsed, cpu, result
