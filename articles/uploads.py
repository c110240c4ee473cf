"""Seed files uploaded from the desk: checked, unpacked into a private folder, imported.

``import_upload(files, user)`` takes the uploaded files (``.txt`` seed files and ``.zip``
archives of them), refuses the whole upload with an ``UploadRefused`` naming the limit or
the fault, or runs the very importer ``import_seeds`` runs (``articles.seedfiles``) and
returns its ``ImportResult``, recorded as an ``ImportRun`` started by ``user``. Nothing is
imported from a refused upload, and the private folder is removed whatever happens.

The limits (settings, from the environment):

* ``SEED_UPLOAD_MAX_BYTES``: the request body of the upload page (the middleware's
  ``REQUEST_MAX_BYTES`` for that one path);
* ``SEED_UPLOAD_MAX_FILES``: seed files in one upload, loose and archived together; an
  archive may list three times as many entries (folders, ``__MACOSX`` and the like);
* ``SEED_UPLOAD_MAX_TOTAL_BYTES``: the seed files' total size once unpacked;
* ``SEED_MAX_BYTES``: one seed file, the importer's own limit.

Archives are untrusted. The end-of-central-directory record is read first, so a
directory too large for the entry limit is refused before ``zipfile`` reads it. Every
entry's name must stay inside the archive (no ``..``, no absolute or drive path), symbolic
links, devices and encrypted entries are refused, and the sizes the headers declare are
checked against the limits before anything is unpacked, then counted again while
unpacking, since a header can lie. Entries that are not seed files (folders,
``__MACOSX/``, ``.DS_Store`` and other dot files, anything not ``*.txt``) are skipped and
named in ``UploadResult.skipped``; an archive inside the archive is not opened.

Names are reported as the editor knows them: ``a.txt`` for a loose file,
``seeds.zip/2024/a.txt`` for an archived one, in the run's failures, its ``paths`` and
the articles' ``source_file``.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Substr

from .models import Article, ImportFailure, ImportRun
from .seedfiles import import_seeds
from .seedfiles.runs import safe_text

SEED_SUFFIX = ".txt"
ARCHIVE_SUFFIX = ".zip"
ENTRIES_PER_FILE = 3  # entries an archive may list per seed file allowed
CENTRAL_ENTRY_BYTES = 1024  # central directory bytes allowed per entry
CHUNK = 64 * 1024

_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"


class UploadRefused(Exception):
    """The upload as a whole is refused; the message says which file and why."""


@dataclass(frozen=True)
class UploadLimits:
    max_files: int
    max_total_bytes: int
    max_file_bytes: int

    @classmethod
    def from_settings(cls):
        return cls(
            max_files=settings.SEED_UPLOAD_MAX_FILES,
            max_total_bytes=settings.SEED_UPLOAD_MAX_TOTAL_BYTES,
            max_file_bytes=settings.SEED_MAX_BYTES,
        )

    @property
    def max_entries(self):
        return self.max_files * ENTRIES_PER_FILE


@dataclass
class UploadResult:
    """What an upload gave: the importer's result, the uploads' names, what was skipped."""

    result: object  # seedfiles.ImportResult
    names: list[str]
    skipped: list[str] = field(default_factory=list)

    @property
    def run(self):
        return self.result.run


def readable_size(size):
    """ "900 bytes", "1 MiB", "2.5 MiB"."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def _limit(size, setting):
    return f"{readable_size(size)} ({setting})"


def source_text(user, names, width=200):
    """``ImportRun.source``: "upload by alice: seeds.zip, extra.txt", cut to ``width``."""
    who = user.get_username() if user is not None else "someone"
    text = safe_text(f"upload by {who}: {', '.join(names)}")
    return text if len(text) <= width else text[: width - 1] + "…"


def import_upload(files, user, limits=None) -> UploadResult:
    """Check and unpack ``files`` (Django ``UploadedFile``s), then import them as one run.

    Raises ``UploadRefused`` before anything is imported; the importer's own errors
    (``DatabaseUnavailable``) pass through. The private folder is always removed.
    """
    limits = limits or UploadLimits.from_settings()
    if not files:
        raise UploadRefused("Choose at least one seed file (.txt) or zip archive.")
    folder = Path(tempfile.mkdtemp(prefix="newsroom-upload-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        unpacked = Unpacker(folder, limits)
        for upload in files:
            unpacked.add(upload)
        if not unpacked.paths:
            raise UploadRefused(
                "There are no seed files (.txt) in this upload"
                + (f"; skipped: {', '.join(unpacked.skipped)}." if unpacked.skipped else ".")
            )
        result = import_seeds(
            sorted(unpacked.paths),
            source=source_text(user, unpacked.names),
            started_by=user,
        )
        if result.run is not None:
            _name_as_uploaded(result, folder, unpacked.names)
        return UploadResult(result, unpacked.names, unpacked.skipped)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _name_as_uploaded(result, folder, names):
    """The importer named files by their path in the private folder: drop the folder."""
    prefix = f"{folder}{os.sep}"
    start = len(prefix) + 1
    with transaction.atomic():
        ImportRun.objects.filter(pk=result.run.pk).update(paths="\n".join(names))
        ImportFailure.objects.filter(run=result.run, file__startswith=prefix).update(
            file=Substr("file", start)
        )
        Article.objects.filter(source_file__startswith=prefix).update(
            source_file=Substr("source_file", start)
        )
    for line in (*result.failures, *result.warnings):
        line.file = line.file.removeprefix(prefix)
    result.last_file = result.last_file.removeprefix(prefix)
    result.run.refresh_from_db()


class Unpacker:
    """Writes uploads into ``folder``, refusing anything over ``limits``."""

    def __init__(self, folder, limits):
        self.folder = folder
        self.limits = limits
        self.paths = []  # the seed files written
        self.names = []  # the uploads, as named by the browser
        self.skipped = []
        self.count = 0  # seed files counted against the limits, written or about to be
        self.total = 0

    def add(self, upload):
        name = safe_text(os.path.basename(upload.name or "")).strip()
        if name in ("", ".", ".."):
            raise UploadRefused("A file without a name was sent; choose the files again.")
        if name in self.names:
            raise UploadRefused(f"Two uploads are named {name}; rename one of them.")
        self.names.append(name)
        lower = name.lower()
        if lower.endswith(ARCHIVE_SUFFIX):
            self._add_archive(name, upload)
        elif lower.endswith(SEED_SUFFIX):
            self._count(name, upload.size)
            self._write(PurePosixPath(name), upload.chunks(), name)
        else:
            raise UploadRefused(f"{name} is neither a seed file (.txt) nor a zip archive.")

    def _count(self, name, size):
        """Count one more seed file of ``size`` bytes against the limits."""
        limits = self.limits
        self.count += 1
        if self.count > limits.max_files:
            raise UploadRefused(
                f"This upload has more than {limits.max_files} seed files, the limit "
                "(SEED_UPLOAD_MAX_FILES); upload them in several goes."
            )
        if size > limits.max_file_bytes:
            raise UploadRefused(
                f"{name} is {readable_size(size)}, over the limit for one seed file, "
                f"{_limit(limits.max_file_bytes, 'SEED_MAX_BYTES')}."
            )
        self.total += size
        if self.total > limits.max_total_bytes:
            raise UploadRefused(
                f"The seed files come to more than "
                f"{_limit(limits.max_total_bytes, 'SEED_UPLOAD_MAX_TOTAL_BYTES')} unpacked."
            )

    def _write(self, relative, chunks, name, declared=None):
        """Write ``chunks`` to ``folder/relative``, counting bytes as they come: a file
        larger than ``declared`` (an archive header's size) or than the limits is refused."""
        limits = self.limits
        target = self.folder.joinpath(*relative.parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(target, flags, 0o600)
        except OSError as exc:
            raise UploadRefused(f"{name} cannot be unpacked: {exc.strerror}.") from None
        written = 0
        with open(fd, "wb") as out:
            for chunk in chunks:
                written += len(chunk)
                if declared is not None and written > declared:
                    raise UploadRefused(
                        f"{name} unpacks to more than the {readable_size(declared)} its "
                        "archive header declares; the archive is refused."
                    )
                if written > limits.max_file_bytes:
                    raise UploadRefused(
                        f"{name} is over the limit for one seed file, "
                        f"{_limit(limits.max_file_bytes, 'SEED_MAX_BYTES')}."
                    )
                try:
                    out.write(chunk)
                except OSError as exc:  # a full disk, say: not the upload's fault
                    raise UploadRefused(
                        f"{name} cannot be unpacked here: {exc.strerror}; nothing was imported."
                    ) from None
        self.paths.append(target)

    def _add_archive(self, name, upload):
        handle = upload.open("rb")
        entries, directory_size = _central_directory(handle, name)
        limits = self.limits
        too_many = UploadRefused(
            f"{name} lists more entries than an upload of at most {limits.max_files} "
            "seed files (SEED_UPLOAD_MAX_FILES) may have; upload it in several parts."
        )
        if entries > limits.max_entries or directory_size > limits.max_entries * (
            CENTRAL_ENTRY_BYTES
        ):
            raise too_many
        try:
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                infos = archive.infolist()
                if len(infos) > limits.max_entries:  # the end record understated them
                    raise too_many
                members = self._seed_members(name, infos)
                for info, relative in members:
                    member_name = f"{name}/{relative}"
                    self._write(
                        PurePosixPath(name, relative),
                        _chunks(archive, info),
                        member_name,
                        declared=info.file_size,
                    )
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise UploadRefused(f"{name} is damaged and cannot be unpacked ({exc}).") from None
        except NotImplementedError as exc:
            raise UploadRefused(
                f"{name} uses a compression this site cannot read ({exc})."
            ) from None

    def _seed_members(self, name, infos):
        """The seed files among ``infos`` with their safe relative paths, every one
        checked (names, kinds, sizes as declared) before anything is written."""
        members, seen = [], set()
        for info in infos:
            relative = _member_path(name, info.filename)
            if relative is None:  # the archive's root folder entry
                continue
            shown = f"{name}/{relative}"
            mode = info.external_attr >> 16
            kind = stat.S_IFMT(mode)
            if kind == stat.S_IFLNK:
                raise UploadRefused(f"{shown} is a symbolic link; archives with links are refused.")
            if info.is_dir() or kind == stat.S_IFDIR:
                continue
            if kind not in (0, stat.S_IFREG):
                raise UploadRefused(f"{shown} is not a regular file; the archive is refused.")
            if _not_a_seed(relative):
                self.skipped.append(shown)
                continue
            if info.flag_bits & 0x1:
                raise UploadRefused(f"{shown} is encrypted; upload an archive without a password.")
            key = str(relative).casefold()
            if key in seen:
                raise UploadRefused(f"{shown} appears twice in the archive.")
            seen.add(key)
            self._count(shown, info.file_size)
            members.append((info, relative))
        return members


def _chunks(archive, info):
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            yield chunk


def _not_a_seed(relative):
    parts = relative.parts
    return any(
        part == "__MACOSX" or part.startswith(".") for part in parts
    ) or not relative.name.lower().endswith(SEED_SUFFIX)


def _member_path(name, filename):
    """An archive entry's path as a relative ``PurePosixPath``, or ``None`` for the root;
    ``UploadRefused`` for one that would land outside the archive's folder."""
    raw = filename.replace("\\", "/")
    shown = safe_text(filename)
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":") or "\x00" in raw:
        raise UploadRefused(
            f"{name}: the entry {shown} has an absolute path; the archive is refused."
        )
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UploadRefused(
            f"{name}: the entry {shown} points outside the archive; the archive is refused."
        )
    return PurePosixPath(*parts) if parts else None


def _central_directory(handle, name):
    """(entries, bytes) of the archive's central directory, from its end record (and the
    ZIP64 one where it points to it); ``UploadRefused`` if there is no end record."""
    not_a_zip = UploadRefused(f"{name} is not a zip archive (or it is damaged).")
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    tail_start = max(0, size - _EOCD.size - 0xFFFF)
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        raise not_a_zip
    _, _, _, _, entries, directory_size, _, _ = _EOCD.unpack_from(tail, at)
    if entries != 0xFFFF and directory_size != 0xFFFFFFFF:
        return entries, directory_size
    # ZIP64: the locator sits just before the end record and says where the real one is.
    locator_at = tail_start + at - _ZIP64_LOCATOR.size
    if locator_at < 0:
        raise not_a_zip
    handle.seek(locator_at)
    signature, _, record_at, _ = _ZIP64_LOCATOR.unpack(handle.read(_ZIP64_LOCATOR.size))
    if signature != _ZIP64_LOCATOR_SIGNATURE or record_at + _ZIP64_EOCD.size > size:
        raise not_a_zip
    handle.seek(record_at)
    record = _ZIP64_EOCD.unpack(handle.read(_ZIP64_EOCD.size))
    if record[0] != _ZIP64_EOCD_SIGNATURE:
        raise not_a_zip
    return record[7], record[8]
