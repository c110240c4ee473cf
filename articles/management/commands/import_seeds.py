"""``manage.py import_seeds PATH [PATH ...]``: the command line of ``articles.seedfiles``.

``--shard K/N`` imports the K-th of N slices of the files found, so that N processes or
machines given the same PATHs over the same files share one import between them.

SIGINT and SIGTERM stop the run between chunks (a second one at once, rolling back the
chunk being written); the run is recorded as interrupted, one line says where it stopped,
and the command exits with 130 (SIGINT) or 143 (SIGTERM), with no traceback. A database
lost for good is one line and exit status 1. Every line is one line: names and messages
are escaped (``seedfiles.runs.safe_text``).
"""

import argparse
import re
import signal
import sys
import threading
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from articles.seedfiles import SeedPathError, import_seeds
from articles.seedfiles.importer import DatabaseUnavailable, RunInterrupted
from articles.seedfiles.runs import safe_text

STOP_SIGNALS = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


def shard_spec(value):
    """``--shard``'s ``K/N``, as ``(k, n)`` with 1 <= k <= n."""
    match = re.fullmatch(r"([0-9]+)/([0-9]+)", value.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not K/N: two whole numbers with 1 <= K <= N, such as 2/4"
        )
    return int(match[1]), int(match[2])


class ProgressBar:
    """A one-line, carriage-return progress bar for an interactive terminal."""

    width = 30
    interval = 0.1  # seconds between redraws

    def __init__(self, stream):
        self.stream = stream
        self.last = 0.0
        self.drawn = False

    def __call__(self, done, total):
        now = time.monotonic()
        if done < total and now - self.last < self.interval:
            return
        self.last = now
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} files", ending="")
        self.stream.flush()
        self.drawn = True

    def clear(self):
        if self.drawn:
            self.stream.write("\r" + " " * (self.width + 40) + "\r", ending="")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import seed files (YAML article records). Each PATH is a seed file or a folder "
        "searched recursively for *.txt. Unchanged files are skipped; a bad file is "
        "reported and skipped, never half-written. Exits non-zero if any file failed."
    )
    # Show a progress bar on a terminal when there are at least this many files.
    progress_threshold = 200

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="seed file or folder")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every file and count what would change; write nothing at all "
            "(no articles, no import run record).",
        )
        parser.add_argument(
            "--restore-decisions",
            action="store_true",
            help="Restore the editor decisions a Newsroom export records (newsroomStatus, "
            "newsroomPublishAt, newsroomModeratedAt); without it they are ignored.",
        )
        parser.add_argument(
            "--shard",
            type=shard_spec,
            metavar="K/N",
            help="Import only the K-th of N equal slices of the files found, to split one "
            "import across N processes or machines: give each the same PATHs and one K "
            "from 1 to N.",
        )

    def handle(self, *args, paths, dry_run, restore_decisions, shard, verbosity, **options):
        bar = None
        if verbosity >= 1 and self.stdout.isatty():
            bar = ProgressBar(self.stdout)
        self.stop_signal = None
        try:
            with self._stop_on_signals():
                result = import_seeds(
                    paths,
                    dry_run=dry_run,
                    restore_decisions=restore_decisions,
                    shard=shard,
                    source="import_seeds command"
                    + (f", shard {shard[0]}/{shard[1]}" if shard else ""),
                    progress=self._progress(bar),
                    should_stop=lambda: self.stop_signal is not None,
                )
        except SeedPathError as exc:
            raise CommandError(safe_text(exc)) from None
        except DatabaseUnavailable as exc:
            raise CommandError(f"{safe_text(exc)}; the run could not be recorded") from None
        finally:
            if bar:
                bar.clear()

        for skipped in result.skipped:
            self.stderr.write(self.style.WARNING(f"skipped {skipped}"))
        if verbosity >= 2:
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        for failure in result.failures:
            self.stderr.write(self.style.ERROR(str(failure)))
        if verbosity >= 1:
            if result.warnings and verbosity < 2:
                self.stdout.write(
                    self.style.WARNING(f"{len(result.warnings)} warnings (-v 2 lists them)")
                )
            if dry_run:
                self.stdout.write("dry run: nothing was written")
            style = self.style.ERROR if result.failed else self.style.SUCCESS
            self.stdout.write(style(result.summary()))
        if result.where_it_stopped():
            # One line, no traceback: 130 for SIGINT, 143 for SIGTERM, 1 for a lost database.
            self.stderr.write(self.style.ERROR(result.where_it_stopped()))
            sys.exit(128 + self.stop_signal if self.stop_signal is not None else 1)
        if result.failed:
            raise CommandError(f"{result.failed} of {result.files_seen} files failed")

    @contextmanager
    def _stop_on_signals(self):
        """SIGINT/SIGTERM ask the run to stop; a second one stops it at once."""
        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers can only be set from the main thread
            return

        def on_signal(signum, frame):
            first = self.stop_signal is None
            self.stop_signal = signum
            if not first:
                raise RunInterrupted(STOP_SIGNALS[signum])

        previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _progress(self, bar):
        if bar is None:
            return None

        def progress(done, total):
            if total >= self.progress_threshold:
                bar(done, total)

        return progress
