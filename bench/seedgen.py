"""Deterministic, realistic seed files for benchmarks.

``generate(directory, count, seed=0)`` writes ``count`` files named like the feed's
(``NNNNN_<16 hex>.txt``): about 12 related items each (4 to 23), excerpts of real length
with curly quotes, both URL spellings (the webUrl files quote their values, the
sourceUrl files do not), lead images on most, provider logos (relative URLs) on some,
``publishers`` publishers (400 unless told; the feed names about one per 20 files)
seen under varying names, ``topics`` topics (6 unless told), and related items that
cite other generated articles, repeat one another or point at the article itself, as
the real feed's do. With ``stories`` (``--stories 0.15``) that share of the files are
further versions of an earlier event (headline words and names of its own, a date
within five days, and, two times in three, citing an earlier version or the event's
outside coverage). The same arguments give the same bytes. Files are written in the
seed format of ``articles/seedfiles/format.py``.

    .venv/bin/python bench/seedgen.py OUTDIR --files 30000 --publishers 1500 --topics 40
"""

import argparse
import base64
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.seedfiles.format import URL_KEYS, render_mapping  # noqa: E402

WORDS = [
    "police",
    "facial",
    "recognition",
    "cameras",
    "london",
    "privacy",
    "surveillance",
    "technology",
    "rollout",
    "deploy",
    "live",
    "trial",
    "concerns",
    "watchdog",
    "government",
    "civil",
    "liberties",
    "report",
    "researchers",
    "software",
    "accuracy",
    "bias",
    "algorithm",
    "data",
    "city",
    "council",
    "officials",
    "campaigners",
    "court",
    "ruling",
    "images",
    "database",
    "matching",
    "public",
    "spaces",
    "shopping",
    "centre",
    "crime",
    "suspects",
    "warrant",
]
# Names of places for generated events (numbered, so each event's are its own).
PLACES = ["Stratford", "Hefei", "Karachi", "Jezero", "Toronto", "Raleigh", "Leeds", "Chile"]
TOPICS = ["AI", "Computer Vision", "Privacy", "Policing", "Surveillance", "Machine Learning"]
PUBLISHERS = 400
TOPIC_COUNT = len(TOPICS)


def _topics(count):
    """``TOPICS``, then made-up names ("Crime Data 7") up to ``count``."""
    names = list(TOPICS)
    for n in range(len(names), count):
        names.append(f"{WORDS[n % len(WORDS)].title()} {WORDS[(n * 7) % len(WORDS)]} {n}")
    return names[: max(count, 1)]


def _sentence(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def _excerpt(rng):
    parts = [_sentence(rng, rng.randint(8, 20)) + "." for _ in range(rng.randint(3, 5))]
    text = " ".join(parts)
    text = text.replace(" police ", " “police” ", 1).replace(" data ", " data — ", 1)
    return text[:330] + " ..."


def _publishers(rng, count=PUBLISHERS):
    publishers = []
    for n in range(count):
        domain = f"{rng.choice(WORDS)}{n}{rng.choice(['news', 'times', 'post', 'daily'])}.com"
        name = f"The {domain.split('.')[0].title()}"
        publishers.append((domain, name))
    return publishers


def _url(domain, rng, n):
    host = f"www.{domain}" if rng.random() < 0.6 else domain
    return f"https://{host}/2020/{rng.randint(1, 12):02d}/{n}/{'-'.join(rng.sample(WORDS, 6))}/"


def _publisher(rng, publishers):
    domain, name = rng.choice(publishers)
    if rng.random() < 0.05:
        name = name.replace("The ", "")  # one publisher under several names
    if rng.random() < 0.1:
        domain = "www." + domain
    return {"name": name, "domain": domain}


def _event(rng, k):
    """A news event: two names of its own, a date, and a URL of outside coverage."""
    names = [f"{rng.choice(PLACES)}{k}", f"{rng.choice(PLACES)}{k * 7 + 3}"]
    when = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 500_000))
    words = [f"{word}-{k}" for word in rng.sample(WORDS, 4)]  # the event's own words
    return {
        "names": names,
        "words": words,
        "when": when,
        "urls": [],
        "coverage": f"https://wire.example/{k}/{'-'.join(words)}/",
    }


def _tell(record, event, rng, url_key):
    """Make ``record`` one more version of ``event``: its headline and lead in the event's
    words, near its date, and (two times in three) citing an earlier version or listing
    the event's outside coverage, as the feed's versions of one story do."""
    first, second = event["names"]
    words = " ".join(rng.sample(event["words"], 3))
    record["title"] = f"{first} {words} as {second} " + _sentence(rng, 4).lower()
    record["excerpt"] = f"In {first}, {' '.join(event['words'])}. " + record["excerpt"]
    record["publishedDateTime"] = event["when"] + timedelta(minutes=rng.randint(-7200, 7200))
    roll = rng.random()
    if roll < 1 / 3 and event["urls"]:
        record["related"][0][url_key] = rng.choice(event["urls"])
    elif roll < 2 / 3:
        record["related"][0][url_key] = event["coverage"]
        record["related"][0]["title"] = f"{first}: {words}"


def make_record(n, rng, publishers, article_urls, topics=TOPICS, published_share=0.05):
    style = "web" if n % 2 == 0 else "source"
    url_key, amp_key, cdn_key = URL_KEYS[style]
    url = article_urls[n]
    published = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 500_000))
    title = _sentence(rng, rng.randint(8, 14))
    record = {
        "category": "news",
        "title": title,
        "excerpt": _excerpt(rng),
        "publishedDateTime": published,
        url_key: url,
    }
    if rng.random() < 0.7:
        record[amp_key] = url + "amp/"
        record[cdn_key] = "https://cdn.ampproject.example/c/s/" + url.split("://", 1)[1] + "amp/"
    provider = _publisher(rng, publishers)
    if rng.random() < 0.2:
        provider["images"] = [
            {
                "url": f"/assets/images/organizations/{provider['domain']}-50x50.jpg",
                "width": 50,
                "height": 50,
            }
        ]
    record.update(
        {
            "type": "article",
            "quality": rng.randint(13, 187),
            "heat": -1 if rng.random() < 0.8 else rng.randint(0, 99),
            "published": rng.random() < published_share,
            "provider": provider,
            "topics": rng.sample(topics, min(len(topics), rng.randint(1, 3))),
        }
    )
    if rng.random() < 0.85:
        record["images"] = [
            {
                "url": f"https://images.{provider['domain'].removeprefix('www.')}/{n}/lead.jpg",
                "width": rng.choice([370, 800, 1200, 1528]),
                "height": rng.choice([229, 450, 675, 900]),
                "title": title,
            }
        ]
    related = []
    for i in range(max(4, min(23, int(rng.gauss(12, 4))))):
        roll = rng.random()
        if roll < 0.1 and len(article_urls) > 1:
            item_url = article_urls[rng.randrange(len(article_urls))]  # another article
        elif roll < 0.12 and related:
            item_url = related[0][url_key]  # the same story twice
        elif roll < 0.13:
            item_url = url  # the article itself
        else:
            item_url = _url(rng.choice(publishers)[0], rng, n * 100 + i)
        item_provider = _publisher(rng, publishers)
        item = {
            "title": _sentence(rng, rng.randint(8, 14)),
            "excerpt": _excerpt(rng),
            "publishedDateTime": published + timedelta(minutes=rng.randint(-600, 600)),
            url_key: item_url,
        }
        if rng.random() < 0.6:
            item[amp_key] = item_url + "amp/"
            item[cdn_key] = "https://cdn.ampproject.example/c/s/" + item_url.split("://")[1]
        item.update(
            {
                "type": "article",
                "provider": {"name": item_provider["name"], "domain": item_provider["domain"]},
                "quality": rng.randint(13, 187),
            }
        )
        if rng.random() < 0.75:
            item["images"] = [
                {
                    "url": f"https://cdn.{item_provider['domain']}/img/{n}-{i}.jpg",
                    "width": 1200,
                    "height": 630,
                }
            ]
        related.append(item)
    record["related"] = related
    body = rng.randbytes(16 * rng.randint(20, 40))
    record["secured"] = (
        base64.b64encode(body).decode() + ";" + base64.b64encode(rng.randbytes(16)).decode()
    )
    return record


def generate(
    directory,
    count,
    seed=0,
    publishers=PUBLISHERS,
    topics=TOPIC_COUNT,
    stories=0.0,
    published=0.05,
):
    """Write ``count`` seed files into ``directory``; return their paths. ``stories``:
    the share of files that are one more version of an earlier event (as many again
    start one), with the evidence ``bench_stories`` clusters; 0 leaves the files as
    they always were. ``published``: the share the feed marks published (the real
    feed's seeds mostly are not; a reader-site benchmark wants full pages)."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    topic_names = _topics(topics)
    publishers = _publishers(rng, publishers)
    article_urls = [_url(rng.choice(publishers)[0], rng, n) for n in range(count)]
    paths = []
    events = []
    for n in range(count):
        record = make_record(n, rng, publishers, article_urls, topic_names, published)
        if stories:
            roll = rng.random()
            if roll < stories and events:
                event = rng.choice(events[-200:])
            elif roll < 2 * stories:
                event = _event(rng, len(events))
                events.append(event)
            else:
                event = None
            if event:
                url_key = URL_KEYS["web" if n % 2 == 0 else "source"][0]
                _tell(record, event, rng, url_key)
                event["urls"].append(article_urls[n])
        text = render_mapping(record)
        path = directory / f"{n:05d}_{rng.getrandbits(64):016x}.txt"
        path.write_text(text, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--publishers", type=int, default=PUBLISHERS)
    parser.add_argument("--topics", type=int, default=TOPIC_COUNT)
    parser.add_argument("--stories", type=float, default=0.0, help="share of event versions")
    parser.add_argument("--published", type=float, default=0.05, help="share marked published")
    args = parser.parse_args()
    generate(
        args.directory,
        args.files,
        args.seed,
        args.publishers,
        args.topics,
        args.stories,
        args.published,
    )


if __name__ == "__main__":
    main()
