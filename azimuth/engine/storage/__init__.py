"""Durable storage for the embedded engine.

The primitives here are the ones everything else builds on: crash-safe file replacement (:mod:`.files`), the
one-writer-per-directory lock (:mod:`.lock`), the on-disk format version (:mod:`.format`) and the write-ahead
log (:mod:`.wal`, framing in :mod:`.wal_format`). Higher layers (memtable, segments, manifest, compaction,
recovery) live in sibling modules and import these.
"""

from __future__ import annotations

from .files import atomic_write, fsync_dir, read_json, write_json_atomic
from .format import FORMAT_VERSION, init_or_check_format
from .lock import DirectoryLock
from .wal import WriteAheadLog

__all__ = [
    "FORMAT_VERSION",
    "DirectoryLock",
    "WriteAheadLog",
    "atomic_write",
    "fsync_dir",
    "init_or_check_format",
    "read_json",
    "write_json_atomic",
]
