"""Finding seed files, reading them within the size limit and hashing their bytes.

``find_seed_files(paths)`` lists the files to import; ``read_seed_files(paths, ...)``
reads a chunk of them into ``SeedFile``s, reporting each unreadable or oversized file
as a ``Failure`` without reading more of it than the limit.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .runs import Failure, path_text


class SeedPathError(Exception):
    """A path given to the importer that is neither a file nor a folder of seed files."""


class OversizedSeed(Exception):
    """A file over the size limit, refused without reading more than the limit."""


@dataclass(slots=True)
class SeedFile:
    """The bytes of one file as read, named as the run reports it."""

    name: str
    data: bytes
    content_hash: str


def find_seed_files(paths) -> list[Path]:
    """Files as given, and every ``*.txt`` under each folder (recursively), in order."""
    found, seen = [], set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not candidates:
                raise SeedPathError(f"no seed files (*.txt) under {raw}")
        elif path.is_file():
            candidates = [path]
        else:
            raise SeedPathError(f"no such file or folder: {raw}")
        for candidate in candidates:
            key = os.path.realpath(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def read_seed_file(path, max_bytes) -> bytes:
    """The bytes of ``path``; ``OSError`` or ``OversizedSeed`` says why not."""
    size = path.stat().st_size
    if size > max_bytes:
        raise OversizedSeed(f"file is {size} bytes, over the {max_bytes} byte limit")
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OversizedSeed(f"file is over the {max_bytes} byte limit")
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
        except OversizedSeed as exc:
            failures.append(Failure(name, None, str(exc)))
            continue
        loaded.append(SeedFile(name, data, hashlib.sha256(data).hexdigest()))
    return loaded
