"""Crash-safe file primitives: atomic replace, directory fsync, durable JSON documents.

Invariants:
- ``atomic_write`` leaves either the old content or the complete new content at ``path``, never a mix, and
  returns only after the new content *and* the rename are durable (file fsynced, then its directory fsynced).
- Temporary files live in the target's directory (so ``os.replace`` is atomic) and are named ``.<name>.tmp-*``;
  they are removed on failure. A crash can leave one behind; it is never read and may be deleted.
- ``read_json`` never lets a decoding error escape: a truncated or garbled document becomes a
  ``StorageError(code=STORAGE_CORRUPTED)`` naming the file.
"""

from __future__ import annotations

import fcntl
import json as _json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from azimuth.errors import Code, StorageError

try:  # orjson is a declared dependency; the json fallback keeps this module importable without it
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised only without orjson
    _orjson = None  # type: ignore[assignment]

_F_FULLFSYNC: int | None = getattr(fcntl, "F_FULLFSYNC", None) if sys.platform == "darwin" else None


def fsync_fd(fd: int, *, data_only: bool = False) -> None:
    """Flush ``fd`` to stable storage (``F_FULLFSYNC`` on macOS, ``fdatasync`` when ``data_only`` on Linux)."""
    if _F_FULLFSYNC is not None:
        try:
            fcntl.fcntl(fd, _F_FULLFSYNC)
            return
        except OSError:  # some filesystems refuse F_FULLFSYNC; plain fsync is the best left
            pass
    if data_only and hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:
        os.fsync(fd)


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Make creations, renames and deletions of entries in directory ``path`` durable."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(os.fspath(path), flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """Write every byte of ``data`` to ``fd``, looping over short writes."""
    view = memoryview(data).cast("B")
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _iov_max() -> int:
    try:
        limit = os.sysconf("SC_IOV_MAX")
    except (AttributeError, ValueError, OSError):
        limit = -1
    return min(limit, 1024) if limit > 0 else 1024


_IOV_MAX = _iov_max()


def writev_all(fd: int, buffers: list[bytes | bytearray | memoryview]) -> None:
    """Write ``buffers`` back to back with as few ``writev`` calls as possible; ``buffers`` is consumed.

    Buffers are passed to the kernel as they are (no joining copy); short writes are resumed.
    """
    i = 0
    while i < len(buffers):
        written = os.writev(fd, buffers[i : i + _IOV_MAX])
        while i < len(buffers) and written >= len(buffers[i]):
            written -= len(buffers[i])
            i += 1
        if written:
            buffers[i] = memoryview(buffers[i]).cast("B")[written:]


def atomic_write(path: str | os.PathLike[str], data: bytes | bytearray | memoryview) -> None:
    """Replace ``path`` with ``data`` atomically and durably (tmp file, fsync, rename, fsync directory)."""
    target = Path(path)
    directory = target.parent
    tmp = directory / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o644)
    try:
        try:
            write_all(fd, data)
            fsync_fd(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(directory)


def dumps_json(obj: Any) -> bytes:
    """Serialise ``obj`` as indented UTF-8 JSON bytes (orjson when available)."""
    if _orjson is not None:
        return _orjson.dumps(obj, option=_orjson.OPT_INDENT_2 | _orjson.OPT_APPEND_NEWLINE)
    return (_json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_json_atomic(path: str | os.PathLike[str], obj: Any) -> None:
    """Write ``obj`` as JSON to ``path`` with :func:`atomic_write` semantics."""
    atomic_write(path, dumps_json(obj))


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON document written by :func:`write_json_atomic`.

    ``FileNotFoundError`` propagates unchanged (callers decide whether absence is an error); an empty,
    truncated or undecodable file raises ``StorageError(code=STORAGE_CORRUPTED)``.
    """
    p = Path(path)
    raw = p.read_bytes()
    try:
        if not raw.strip():
            raise ValueError("the file is empty")
        return _orjson.loads(raw) if _orjson is not None else _json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:  # orjson.JSONDecodeError subclasses ValueError
        raise corrupted(
            f"file {p} is corrupt: it is not valid JSON ({exc}); restore it from a backup, "
            "or move the data directory aside and recreate it"
        ) from exc


def corrupted(message: str) -> StorageError:
    """A ``StorageError`` with code ``STORAGE_CORRUPTED`` (not retriable, not an input error)."""
    return StorageError(Code.STORAGE_CORRUPTED, message)


__all__ = [
    "atomic_write",
    "corrupted",
    "dumps_json",
    "fsync_dir",
    "fsync_fd",
    "read_json",
    "write_all",
    "writev_all",
    "write_json_atomic",
]
