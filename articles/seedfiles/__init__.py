"""Seed files in and out: the YAML article records of the feed.

One module a job, dependencies pointing down the list:

* ``importer`` — ``import_seeds(paths)``, the coordinator: chunks of files through the
  jobs below, each chunk in one transaction, returning an ``ImportResult``;
* ``discovery`` — finding the files, reading them within the size limit, hashing them;
* ``records`` — one file's bytes to a checked ``SeedRecord`` (``load_seed``), or a
  ``SeedError`` with a line; values checked by ``checks``;
* ``lookups`` — publishers and topics: the run's caches, bulk creation, and PostgreSQL's
  case folding of topic names;
* ``writer`` — the bulk SQL that writes a batch of records, and SQLite's bulk pragmas;
* ``runs`` — the result types and the ``ImportRun``/``ImportFailure`` record of a run;
* ``exporter`` — ``export_seeds(directory)``, articles written back as seed files;
* ``format`` — the format itself: key names, the two URL spellings, layout, quoting;
* ``yamlload`` — a fast, guarded YAML loader that knows nothing of seeds.

``format``, ``yamlload``, ``checks`` and ``records`` need no database, nor Django set up
(``fixtures/make_demo_seeds.py`` and ``bench/seedgen.py`` run without it), so the names
from the other modules, which import the models, are loaded on first use.
"""

from importlib import import_module

from .format import SOURCE, URL_KEYS, WEB
from .records import (
    SeedDecision,
    SeedError,
    SeedImage,
    SeedRecord,
    SeedRelated,
    build_record,
    load_seed,
)

_NEEDS_MODELS = {
    "import_seeds": "importer",
    "SeedImporter": "importer",
    "ImportResult": "runs",
    "Failure": "runs",
    "SeedWarning": "runs",
    "SeedPathError": "discovery",
    "find_seed_files": "discovery",
    "export_seeds": "exporter",
    "ExportResult": "exporter",
    "render_seed": "exporter",
}

__all__ = [
    "SOURCE",
    "URL_KEYS",
    "WEB",
    "SeedDecision",
    "SeedError",
    "SeedImage",
    "SeedRecord",
    "SeedRelated",
    "build_record",
    "load_seed",
    *_NEEDS_MODELS,
]


def __getattr__(name):
    try:
        module = _NEEDS_MODELS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(import_module(f".{module}", __name__), name)
