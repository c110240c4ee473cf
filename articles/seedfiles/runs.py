"""What an import run reports (``ImportResult``) and how a real run is recorded.

Every run that writes is recorded as an ``ImportRun`` as it starts (``start_run``) and
brought up to date after each chunk, with one ``ImportFailure`` per bad file
(``record_progress``); at its end it says whether it completed, was interrupted or lost
its database, and a run killed outright stays ``running`` with what it had done. A dry
run records nothing. Every file name and message is made one safe line (``safe_text``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.models import ImportFailure, ImportRun

# Characters that must not reach a terminal or a log as themselves: control characters
# (newlines forge output lines, ESC starts ANSI sequences), format characters (bidi
# overrides reorder what is shown), line and paragraph separators, and lone surrogates.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(char):
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe_text(value) -> str:
    """``value`` as one printable line: ``repr``-style escapes (``\\n``, ``\\x1b``,
    ``\\u202e``) for every control, format or separator character. Every file name and
    message the importer prints or stores goes through it (``Failure``, ``SeedWarning``,
    the command's lines)."""
    value = str(value)
    if value.isprintable():
        return value
    return "".join(
        _escape_char(char) if unicodedata.category(char) in _UNSAFE_CATEGORIES else char
        for char in value
    )


def path_text(path) -> str:
    """A file name as the run reports and stores it: ``safe_text``, with the bytes of
    a name that are not UTF-8 (Python keeps them as lone surrogates) as ``\\xNN``."""
    return safe_text(path)


@dataclass(slots=True)
class Failure:
    """One file refused, with the line where known; name and message made safe."""

    file: str
    line: int | None
    message: str

    def __post_init__(self):
        self.file, self.message = safe_text(self.file), safe_text(self.message)

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(slots=True)
class SeedWarning:
    file: str
    message: str

    def __post_init__(self):
        self.file, self.message = safe_text(self.file), safe_text(self.message)

    def __str__(self):
        return f"{self.file}: {self.message}"


@dataclass
class ImportResult:
    """Counts and lines of a run. ``status`` is an ``ImportRun.Status``; ``files_done``
    and ``last_file`` say where an interrupted or failed run stopped, ``error`` why a
    failed one did; ``skipped`` are the paths not imported (``discovery``)."""

    dry_run: bool = False
    files_seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[SeedWarning] = field(default_factory=list)
    skipped: list[SeedWarning] = field(default_factory=list)
    duration: float = 0.0
    status: str = ImportRun.Status.COMPLETED
    files_done: int = 0
    last_file: str = ""
    error: str = ""
    run: ImportRun | None = None

    @property
    def failed(self):
        return len(self.failures)

    def summary(self):
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"failed {self.failed} in {self.duration:.2f}s"
        )

    def where_it_stopped(self):
        """One line for a run that did not complete, or ''."""
        if self.status == ImportRun.Status.COMPLETED:
            return ""
        what = "interrupted" if self.status == ImportRun.Status.INTERRUPTED else "stopped"
        line = (
            f"{what} after {self.files_done} of {self.files_seen} files; "
            f"last file: {self.last_file or 'none'}; run again to finish"
        )
        return f"{safe_text(self.error)}; {line}" if self.error else line


def start_run(result, started_at, source, started_by, paths) -> ImportRun:
    """Store a run as it starts: ``running``, with the files it found."""
    return ImportRun.objects.create(
        started_at=started_at,
        started_by=started_by,
        source=source,
        paths="\n".join(path_text(p) for p in paths),
        files_seen=result.files_seen,
        status=ImportRun.Status.RUNNING,
    )


def record_progress(run, result, seconds, *, finished=False) -> ImportRun:
    """Bring the stored run up to date with ``result``: its counts, the failures not
    stored yet, and, ``finished``, how it ended; in one transaction."""
    fields = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "failed": result.failed,
        "files_done": result.files_done,
        "duration": timedelta(seconds=seconds),
    }
    if finished:
        fields.update(status=result.status, finished_at=timezone.now())
    stored = getattr(run, "failures_stored", 0)
    new = result.failures[stored:]
    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(**fields)
        ImportFailure.objects.bulk_create(
            ImportFailure(run=run, file=f.file[:1000], line=f.line, message=f.message) for f in new
        )
    run.failures_stored = stored + len(new)
    for name, value in fields.items():
        setattr(run, name, value)
    return run
