"""The on-disk format version of a data directory, recorded in ``<dir>/FORMAT``.

Invariants:
- Every Azimuth data directory carries ``FORMAT`` = ``{"format": "azimuth", "version": N}``, written atomically
  the first time the directory is initialised. A directory that is missing, empty, or holds only the ``LOCK``
  file (and crash leftovers of atomic writes, ``.*.tmp-*``) counts as new.
- Opening a directory whose version is newer than :data:`FORMAT_VERSION` is refused (``Code.UNSUPPORTED``);
  a non-empty directory without ``FORMAT`` or with a foreign/garbled one is refused (``STORAGE_CORRUPTED``).
  Nothing in the directory is modified when it is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from azimuth.errors import Code, StorageError

from .files import corrupted, read_json, write_json_atomic
from .lock import LOCK_FILE_NAME

FORMAT_VERSION = 1
FORMAT_FILE_NAME = "FORMAT"
FORMAT_NAME = "azimuth"


def _is_new(directory: Path) -> bool:
    for entry in os.scandir(directory):
        if entry.name == LOCK_FILE_NAME or (entry.name.startswith(".") and ".tmp-" in entry.name):
            continue
        return False
    return True


def init_or_check_format(directory: str | os.PathLike[str]) -> int:
    """Initialise a new data directory or validate an existing one; returns the directory's format version."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    path = root / FORMAT_FILE_NAME
    if not path.exists():
        if not _is_new(root):
            raise corrupted(
                f"{root} is not an Azimuth data directory: it is not empty and has no {FORMAT_FILE_NAME} file; "
                "point Azimuth at an empty or new directory"
            )
        write_json_atomic(path, {"format": FORMAT_NAME, "version": FORMAT_VERSION})
        return FORMAT_VERSION
    doc = read_json(path)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise corrupted(
            f"{path} does not describe an Azimuth data directory (expected {{\"format\": \"azimuth\", ...}}); "
            "point Azimuth at an empty or new directory, or restore the file from a backup"
        )
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise corrupted(f"{path} has an invalid format version {version!r}; restore the file from a backup")
    if version > FORMAT_VERSION:
        raise StorageError(
            Code.UNSUPPORTED,
            f"data directory {root} uses on-disk format version {version}, but this Azimuth supports up to "
            f"version {FORMAT_VERSION}; upgrade Azimuth to open it",
        )
    return version


__all__ = ["FORMAT_FILE_NAME", "FORMAT_NAME", "FORMAT_VERSION", "init_or_check_format"]
