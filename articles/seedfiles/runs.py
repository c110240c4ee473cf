"""What an import run reports (``ImportResult``) and how a real run is recorded.

Every run that writes is recorded as an ``ImportRun`` with one ``ImportFailure`` per bad
file (``record_run``); a dry run records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.models import ImportFailure, ImportRun


def path_text(path) -> str:
    """``path`` as text a database accepts: bytes that are not UTF-8 in a file name
    (Python keeps them as lone surrogates) become U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass(slots=True)
class Failure:
    file: str
    line: int | None
    message: str

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(slots=True)
class SeedWarning:
    file: str
    message: str

    def __str__(self):
        return f"{self.file}: {self.message}"


@dataclass
class ImportResult:
    dry_run: bool = False
    files_seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[SeedWarning] = field(default_factory=list)
    duration: float = 0.0
    run: ImportRun | None = None

    @property
    def failed(self):
        return len(self.failures)

    def summary(self):
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"failed {self.failed} in {self.duration:.2f}s"
        )


def record_run(result, started_at, source, started_by, paths) -> ImportRun:
    """Store a finished run and its failures in one transaction."""
    with transaction.atomic():
        run = ImportRun.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            started_by=started_by,
            source=source,
            paths="\n".join(path_text(p) for p in paths),
            files_seen=result.files_seen,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            failed=result.failed,
            duration=timedelta(seconds=result.duration),
        )
        ImportFailure.objects.bulk_create(
            ImportFailure(run=run, file=f.file[:1000], line=f.line, message=f.message)
            for f in result.failures
        )
    return run
