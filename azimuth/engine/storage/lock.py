"""Exclusive ownership of a data directory: one writer process per directory.

``DirectoryLock(path)`` takes a non-blocking ``fcntl.flock`` on ``<path>/LOCK`` and records the holder (pid,
hostname, start time) in that file so that a refused opener can name it.

Invariants and behaviour:
- At most one ``DirectoryLock`` per directory is held across all processes on the host. A second attempt, from
  another process *or from the same process* (tracked in a process-global table, checked before ``flock``, so
  the error can say so), raises ``StorageError(code=STORAGE_LOCKED)`` naming the holder.
- The lock dies with the process: the kernel drops a ``flock`` when the last descriptor of the open file is
  closed, which includes ``kill -9``. Nothing stale is left to clean up; the ``LOCK`` file itself stays.
- The descriptor is close-on-exec, so programs started with ``exec`` never inherit the lock.
- After ``os.fork()`` the child closes its copy of the descriptor *without* unlocking (an ``LOCK_UN`` would
  release the parent's lock too, as both share one open file description) and forgets the lock. The parent
  keeps sole ownership; the lock is freed when the parent releases it or exits, even if the child lives on.
- ``release()`` is idempotent; the object is a context manager.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from pathlib import Path
from types import TracebackType

from azimuth.errors import Code, StorageError

LOCK_FILE_NAME = "LOCK"

_registry_guard = threading.Lock()
_held: dict[str, DirectoryLock] = {}  # realpath of directory -> holder, this process only


class DirectoryLock:
    """An exclusive, process-lifetime lock on a data directory (created if missing)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = Path(os.path.realpath(directory))
        self.lock_path = self.directory / LOCK_FILE_NAME
        self.pid = os.getpid()
        self.hostname = socket.gethostname()
        self.since = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self._fd: int | None = None
        key = str(self.directory)
        with _registry_guard:
            other = _held.get(key)
            if other is not None:
                raise _locked_error(self.directory, _describe(other._info()), same_process=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise _locked_error(self.directory, holder, same_process=False) from None
            except BaseException:
                os.close(fd)
                raise
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, json.dumps(self._info()).encode("utf-8"), 0)
            except OSError:  # the lock holds regardless; the holder description is best effort
                pass
            self._fd = fd
            _held[key] = self

    def _info(self) -> dict[str, object]:
        return {"pid": self.pid, "host": self.hostname, "since": self.since}

    @property
    def held(self) -> bool:
        """Whether this object still owns the lock."""
        return self._fd is not None

    def release(self) -> None:
        """Unlock and forget the directory; calling it again is a no-op."""
        with _registry_guard:
            fd, self._fd = self._fd, None
            if fd is None:
                return
            if _held.get(str(self.directory)) is self:
                del _held[str(self.directory)]
            try:
                os.ftruncate(fd, 0)  # so a racing opener never reports a stale holder
            except OSError:
                pass
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __enter__(self) -> DirectoryLock:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "held" if self.held else "released"
        return f"DirectoryLock({str(self.directory)!r}, {state})"


def _read_holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (OSError, ValueError):
        info = None
    if not isinstance(info, dict) or "pid" not in info:
        return "another process (it has not recorded its pid yet)"
    return _describe(info)


def _describe(info: dict[str, object]) -> str:
    return f"process {info.get('pid')} (host {info.get('host', '?')}, since {info.get('since', '?')})"


def _locked_error(directory: Path, holder: str, *, same_process: bool) -> StorageError:
    where = " — this same process already has it open" if same_process else ""
    return StorageError(
        Code.STORAGE_LOCKED,
        f"data directory {directory} is locked by {holder}{where}; close the other client or connect to it "
        "with `azimuth serve` (one process owns a data directory; others reach it through the server)",
    )


def _forget_locks_in_child() -> None:
    """After fork: drop inherited descriptors without unlocking, so the parent remains the only owner."""
    global _registry_guard
    _registry_guard = threading.Lock()  # the parent's guard may have been held by another thread
    for lock in list(_held.values()):
        fd, lock._fd = lock._fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks_in_child)


__all__ = ["LOCK_FILE_NAME", "DirectoryLock"]
