"""Finding seed files, reading them within the size limit and hashing their bytes.

``find_seed_files(paths, skipped)`` lists the files to import; ``shard_of(files, k, n)``
takes the k-th of n slices of that list, for one import split across processes or
machines; ``read_seed_files(paths, ...)`` reads a chunk of them into ``SeedFile``s,
reporting each unreadable or oversized file as a ``Failure`` without reading more of it
than the limit.

What is imported, and what is skipped with a line (a ``SeedWarning`` in ``skipped``):

* A path named on the command line is taken as named: a file (or a symlink to one) is
  imported, a folder (or a symlink to one) is searched. A name that does not exist, or a
  symlink loop or a broken symlink, is a ``SeedPathError``; a FIFO, device or socket is
  skipped with a line.
* Inside a folder, every ``*.txt`` regular file, recursively, in name order. Symlinked
  folders are not followed ("symlinked folder, not followed"), so there are no loops to
  walk into; a symlinked file is imported only when it points at a regular file inside
  the folder searched ("points outside …", "broken symlink", "symlink loop" otherwise);
  FIFOs, devices and sockets are skipped ("not a regular file: a FIFO") and never opened
  (opening a FIFO blocks). A folder that cannot be listed is skipped with a line.
* Each file is read at most once, whatever the spellings or links leading to it. A file
  replaced by something else after it was found is refused when read: it is opened
  without blocking and read only if it is (still) a regular file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .runs import Failure, SeedWarning, path_text


class SeedPathError(Exception):
    """A path given to the importer that is neither a file nor a folder of seed files."""


class RefusedSeed(Exception):
    """A file refused unread: over the size limit (read no further), or not a regular file."""


@dataclass(slots=True)
class SeedFile:
    """The bytes of one file as read, named as the run reports it."""

    name: str
    data: bytes
    content_hash: str


_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def _kind(mode):
    return next((name for test, name in _SPECIAL if test(mode)), "not a regular file")


def find_seed_files(paths, skipped=None) -> list[Path]:
    """Files as given, and every ``*.txt`` under each folder, as the module says; a
    ``SeedWarning`` for each thing skipped goes into ``skipped``."""
    skipped = [] if skipped is None else skipped
    found, seen = [], set()
    for raw in paths:
        if not os.fspath(raw):
            # Path("") is the current folder: an unset "$DIR" would import all below it.
            raise SeedPathError("an empty path: name a seed file or folder")
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise SeedPathError(f"symlink loop: {path_text(raw)}") from None
            if path.is_symlink():
                raise SeedPathError(f"broken symlink: {path_text(raw)}") from None
            raise SeedPathError(f"no such file or folder: {path_text(raw)}") from None
        if stat.S_ISDIR(mode):
            before = len(skipped)
            candidates = _walk(path, skipped)
            if not candidates and len(skipped) == before:
                raise SeedPathError(f"no seed files (*.txt) under {path_text(raw)}")
        elif stat.S_ISREG(mode):
            candidates = [path]
        else:
            skipped.append(SeedWarning(path_text(path), f"not a regular file: {_kind(mode)}"))
            continue
        for candidate in candidates:
            key = os.path.realpath(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def shard_of(files, k, n):
    """The ``k``-th (from 1) of ``n`` contiguous slices of ``files``, their sizes within
    one of each other. The n shards of one list hold each file exactly once: the same
    PATHs over the same files give every process or machine the same list to slice."""
    if not 1 <= k <= n:
        raise ValueError(f"shard {k} of {n}: K must be from 1 to N")
    return files[len(files) * (k - 1) // n : len(files) * k // n]


def _walk(root, skipped):
    """The ``*.txt`` regular files under ``root``, sorted, symlinks as the module says."""
    inside = os.path.realpath(root)
    files = []

    def unreadable(exc):
        skipped.append(SeedWarning(path_text(exc.filename), f"cannot list it: {exc.strerror}"))

    for folder, dirnames, filenames in _listings(root, unreadable):
        for name in dirnames:
            if os.path.islink(os.path.join(folder, name)):
                path = Path(folder, name)
                skipped.append(SeedWarning(path_text(path), "symlinked folder, not followed"))
        for name in filenames:
            if name.endswith(".txt"):
                path = Path(folder, name)
                reason = _refusal(path, inside)
                if reason:
                    skipped.append(SeedWarning(path_text(path), reason))
                else:
                    files.append(path)
    return sorted(files)


def _listings(root, onerror):
    """What ``os.walk(root, onerror=onerror)`` yields, in another order, without its
    recursion: Python 3.11's walk recurses once a folder level, and a tree about 1,000
    folders deep raised ``RecursionError``. Symlinked folders are listed, not entered."""
    stack = [os.fspath(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            onerror(exc)
            continue
        dirnames, filenames = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirnames if is_dir else filenames).append(entry.name)
        yield folder, dirnames, filenames
        for name in dirnames:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                stack.append(path)


def _refusal(path, inside):
    """Why ``path``, found inside the folder ``inside``, is not imported, or None."""
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            mode = path.stat().st_mode
            target = os.path.realpath(path)
            if os.path.commonpath([inside, target]) != inside:
                return f"symlink points outside {path_text(inside)}, skipped"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop, skipped"
        if exc.errno == errno.ENOENT:
            return "broken symlink, skipped"
        return f"cannot read it: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return f"not a regular file: {_kind(mode)}, skipped"
    return None


def read_seed_file(path, max_bytes) -> bytes:
    """The bytes of ``path``; ``OSError`` or ``RefusedSeed`` says why not. Opened without
    blocking, and read only if it is a regular file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb", closefd=True) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedSeed(f"not a regular file: {_kind(info.st_mode)}")
        if info.st_size > max_bytes:
            raise RefusedSeed(f"file is {info.st_size} bytes, over the {max_bytes} byte limit")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RefusedSeed(f"file is over the {max_bytes} byte limit")
    return data


def read_seed_files(paths, max_bytes, failures) -> list[SeedFile]:
    """The readable files of ``paths``, hashed; a ``Failure`` in ``failures`` for each other."""
    loaded = []
    for path in paths:
        name = path_text(path)
        try:
            data = read_seed_file(path, max_bytes)
        except OSError as exc:
            failures.append(Failure(name, None, f"cannot read it: {exc.strerror or exc}"))
            continue
        except RefusedSeed as exc:
            failures.append(Failure(name, None, str(exc)))
            continue
        loaded.append(SeedFile(name, data, hashlib.sha256(data).hexdigest()))
    return loaded
