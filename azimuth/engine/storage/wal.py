"""Append-only write-ahead log with crash recovery and group commit.

The log is a directory of numbered files (``00000001.log``, ``00000002.log``, ...; layout in
:mod:`.wal_format`). Writes go to the newest file; once it has reached ``file_size_limit`` bytes the next
batch starts a new file (so a file exceeds the limit by at most one batch).

Invariants:
- **Durability.** ``append``/``append_with`` return only after their record has been written and, with
  ``sync=True``, flushed with ``fdatasync`` (``F_FULLFSYNC`` on macOS). With ``sync=False`` records survive a
  process crash (they are in the OS page cache) but not power loss.
- **Order.** Sequence numbers are strictly increasing in file order. They are checked when a record is
  queued, under the queue lock, and batches are written in queue order, so file order = ``seq`` order.
  Callers that allocate ``seq`` themselves should use :meth:`WriteAheadLog.append_with`, which calls the
  allocator under that lock, so that allocation order and log order cannot diverge.
- **Group commit.** Appenders queue their record; the first one to find no write in progress becomes the
  leader, writes the whole queue with one ``writev`` and one fsync, then wakes the followers whose records
  that fsync covered. Payloads are never copied by the log (header + payload go to ``writev`` as is).
- **Recovery** (in ``__init__``) verifies every record of every file. A bad record with nothing valid after it
  in the newest file is a torn write: the file is truncated there (and fsynced) and the event is reported in
  :attr:`WriteAheadLog.torn_tail`. Any other damage — a bad record followed by valid ones, damage in an older
  file, a missing file in the numbering — raises ``StorageError(code=STORAGE_CORRUPTED)`` naming file and
  offset; acknowledged data is never dropped silently.
- **I/O failure** poisons the log: the failing batch and every later append raise ``StorageError``; reopening
  the directory recovers whatever reached the disk (retrying an fsync after a failure is not safe).
"""

from __future__ import annotations

import os
import re
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from azimuth.errors import Code, StorageError

from .files import atomic_write, corrupted, fsync_dir, fsync_fd, writev_all
from .wal_format import (
    FILE_HEADER_SIZE,
    MAX_PAYLOAD,
    BadRecord,
    MappedFile,
    decode_file_header,
    encode_file_header,
    encode_record_header,
    find_valid_record,
    iter_records,
)

DEFAULT_FILE_SIZE_LIMIT = 64 << 20
_FILE_NAME = re.compile(r"^(\d{8})\.log$")

Payload = bytes | bytearray | memoryview


@dataclass
class _WalFile:
    number: int
    path: Path
    prev_seq: int
    size: int
    first_seq: int | None = None
    last_seq: int | None = None


def _file_name(number: int) -> str:
    return f"{number:08d}.log"


def _as_buffer(payload: Payload) -> bytes | bytearray | memoryview:
    if isinstance(payload, (bytes, bytearray)):
        return payload
    return memoryview(payload).cast("B")


def _as_parts(payload: Payload | Sequence[Payload]) -> tuple[bytes | bytearray | memoryview, ...]:
    """A payload given as one buffer or as several (written back to back, never joined)."""
    if isinstance(payload, (list, tuple)):
        return tuple(_as_buffer(part) for part in payload)
    return (_as_buffer(payload),)


def _crc(parts: tuple[bytes | bytearray | memoryview, ...]) -> int:
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    return crc


class WriteAheadLog:
    """A durable, append-only log of ``(seq, payload)`` records (see the module docstring)."""

    def __init__(
        self, directory: str | os.PathLike[str], *, file_size_limit: int = DEFAULT_FILE_SIZE_LIMIT, sync: bool = True
    ) -> None:
        if file_size_limit <= FILE_HEADER_SIZE:
            raise ValueError(f"file_size_limit must exceed {FILE_HEADER_SIZE} bytes, got {file_size_limit}")
        self.directory = Path(directory)
        self.file_size_limit = file_size_limit
        self.sync = sync
        self.fsync_count = 0  # data fsyncs issued by group commits; for tests and metrics
        self.torn_tail: tuple[Path, int, int] | None = None  # (file, offset, bytes dropped) if recovery truncated
        self._cond = threading.Condition(threading.Lock())  # guards the queue and the counters below
        self._io_lock = threading.Lock()  # serialises file I/O: the leader's batch, rotation, truncation, snapshots
        self._queue: list[tuple[int, tuple[bytes | bytearray | memoryview, ...], int | None]] = []
        self._queued_seq = 0  # highest seq accepted into the queue
        self._durable_seq = 0  # highest seq written (and fsynced when sync=True)
        self._enqueued = 0  # tickets handed out
        self._durable = 0  # tickets completed
        self._leader = False
        self._closed = False
        self._failure: BaseException | None = None
        self.directory.mkdir(parents=True, exist_ok=True)
        self._files = self._recover()
        self._queued_seq = self._durable_seq
        self._fd: int | None = self._open_for_append(self._files[-1].path)

    # ------------------------------------------------------------------ recovery

    def _recover(self) -> list[_WalFile]:
        for entry in os.scandir(self.directory):  # leftovers of an interrupted atomic_write
            if entry.name.startswith(".") and ".tmp-" in entry.name:
                os.unlink(entry.path)
        numbers = sorted(int(m.group(1)) for name in os.listdir(self.directory) if (m := _FILE_NAME.match(name)))
        for before, after in zip(numbers, numbers[1:]):
            if after != before + 1:
                raise corrupted(
                    f"write-ahead log {self.directory} is missing {_file_name(before + 1)} (found "
                    f"{_file_name(before)} and {_file_name(after)}); restore the missing file from a backup"
                )
        files: list[_WalFile] = []
        last_seq = 0
        for index, number in enumerate(numbers):
            wal_file = self._recover_file(number, last_seq, is_last=index == len(numbers) - 1)
            files.append(wal_file)
            last_seq = wal_file.last_seq if wal_file.last_seq is not None else max(last_seq, wal_file.prev_seq)
        if not files:
            files.append(self._create_file(1, 0))
        self._durable_seq = last_seq
        return files

    def _recover_file(self, number: int, last_seq: int, *, is_last: bool) -> _WalFile:
        path = self.directory / _file_name(number)
        size = path.stat().st_size
        if size < FILE_HEADER_SIZE and is_last:  # created but never completed: recreate it empty
            return self._create_file(number, last_seq)
        with MappedFile.open(path, size) as mapped:
            try:
                prev_seq = decode_file_header(mapped.view)
            except BadRecord as exc:
                raise corrupted(f"write-ahead log file {path} is corrupt: {exc.reason}; {_ADVICE}") from None
            wal_file = _WalFile(number, path, prev_seq, size)
            previous = max(last_seq, prev_seq)
            try:
                for seq, _, _ in iter_records(mapped.view, FILE_HEADER_SIZE, size):
                    if seq <= previous:
                        raise corrupted(
                            f"write-ahead log file {path} has record seq {seq} after seq {previous}; {_ADVICE}"
                        )
                    if wal_file.first_seq is None:
                        wal_file.first_seq = seq
                    wal_file.last_seq = previous = seq
                return wal_file
            except BadRecord as exc:
                bad = exc
            following = find_valid_record(mapped, bad.resume)
        if not is_last or following is not None:
            detail = f"; a valid record follows at offset {following}" if following is not None else ""
            raise corrupted(
                f"write-ahead log file {path} is corrupt at offset {bad.offset}: {bad.reason}{detail}. This is not "
                f"a torn final write, so records after it cannot be trusted; {_ADVICE}"
            )
        with open(path, "r+b") as handle:
            handle.truncate(bad.offset)
            fsync_fd(handle.fileno())
        self.torn_tail = (path, bad.offset, size - bad.offset)
        wal_file.size = bad.offset
        return wal_file

    def _create_file(self, number: int, prev_seq: int) -> _WalFile:
        path = self.directory / _file_name(number)
        atomic_write(path, encode_file_header(prev_seq))
        return _WalFile(number, path, prev_seq, FILE_HEADER_SIZE)

    @staticmethod
    def _open_for_append(path: Path) -> int:
        return os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))

    # ------------------------------------------------------------------ appending

    def append(self, seq: int, payload: Payload) -> None:
        """Append one record; returns once it is durable. ``seq`` must exceed every seq appended before.

        ``payload`` may be any C-contiguous buffer (bytes, memoryview, a numpy array); it is not copied and
        must not be modified until the call returns. Raises ``ValueError`` for a non-increasing ``seq`` or a
        closed log, ``StorageError`` if writing failed.
        """
        parts = _as_parts(payload)
        crc = _crc(parts)  # outside the lock: zlib releases the GIL, so appenders checksum in parallel
        with self._cond:
            self._commit(self._enqueue(seq, parts, crc))

    def append_with(self, make_record: Callable[[], tuple[int, Payload]]) -> int:
        """Call ``make_record()`` under the log's queue lock and append what it returns; returns the seq.

        Use this when the caller allocates sequence numbers: allocation and queueing are one atomic step, so
        concurrent writers can never queue seq 8 before seq 7. ``make_record`` must be quick and must not call
        back into the log. If it raises, nothing is appended.
        """
        with self._cond:
            self._check_usable()
            seq, payload = make_record()
            self._commit(self._enqueue(seq, _as_parts(payload), None))
        return seq

    def append_allocated(self, allocate: Callable[[], int], payload: Payload | Sequence[Payload]) -> int:
        """Append a payload known in advance under a seq that ``allocate()`` picks under the queue lock.

        Like :meth:`append_with`, allocation order equals log order; unlike it, the payload (one buffer or a
        sequence of buffers written back to back) is checksummed before the lock is taken. Returns the seq.
        """
        parts = _as_parts(payload)
        crc = _crc(parts)
        with self._cond:
            self._check_usable()
            seq = allocate()
            self._commit(self._enqueue(seq, parts, crc))
        return seq

    def _enqueue(self, seq: int, data: tuple[bytes | bytearray | memoryview, ...], crc: int | None) -> int:
        self._check_usable()
        if seq <= self._queued_seq:
            raise ValueError(f"WAL sequence numbers must increase: got {seq} after {self._queued_seq}")
        if seq >= 1 << 64:
            raise ValueError(f"WAL sequence number {seq} does not fit in 64 bits")
        size = sum(len(part) for part in data)
        if size > MAX_PAYLOAD:
            raise ValueError(f"WAL record payload of {size} bytes exceeds the {MAX_PAYLOAD}-byte limit")
        self._queue.append((seq, data, crc))
        self._queued_seq = seq
        self._enqueued += 1
        return self._enqueued

    def _commit(self, ticket: int) -> None:
        """Wait (lock held) until ``ticket`` is durable, leading a group commit whenever nobody else is."""
        while self._durable < ticket:
            if self._failure is not None:
                raise self._failed_error()
            if self._leader:
                self._cond.wait()
                continue
            batch, self._queue = self._queue, []
            upto = self._enqueued
            self._leader = True
            self._cond.release()
            failure: BaseException | None = None
            try:
                with self._io_lock:
                    self._write_batch(batch)
            except BaseException as exc:  # the file state is unknown now: poison the log
                failure = exc
            finally:
                self._cond.acquire()
                self._leader = False
                if failure is None:
                    self._durable = upto
                    self._durable_seq = batch[-1][0]
                else:
                    self._failure = failure
                self._cond.notify_all()

    def _write_batch(self, batch: list[tuple[int, tuple[bytes | bytearray | memoryview, ...], int | None]]) -> None:
        current = self._files[-1]
        if current.size >= self.file_size_limit and current.last_seq is not None:
            self._rotate()
            current = self._files[-1]
        buffers: list[bytes | bytearray | memoryview] = []
        total = 0
        for seq, parts, crc in batch:
            length = sum(len(part) for part in parts)
            header = encode_record_header(seq, length, _crc(parts) if crc is None else crc)
            buffers.append(header)
            buffers.extend(parts)
            total += len(header) + length
        assert self._fd is not None
        writev_all(self._fd, buffers)
        if self.sync:
            fsync_fd(self._fd, data_only=True)
            self.fsync_count += 1
        if current.first_seq is None:
            current.first_seq = batch[0][0]
        current.last_seq = batch[-1][0]
        current.size += total

    def _rotate(self) -> None:
        """Start the next file (io lock held). The current file is already durable up to its last batch."""
        current = self._files[-1]
        new_file = self._create_file(current.number + 1, current.last_seq or current.prev_seq)
        new_fd = self._open_for_append(new_file.path)
        assert self._fd is not None
        os.close(self._fd)
        self._fd = new_fd
        self._files.append(new_file)

    def _check_usable(self) -> None:
        if self._closed:
            raise ValueError(f"write-ahead log {self.directory} is closed")
        if self._failure is not None:
            raise self._failed_error()

    def _failed_error(self) -> StorageError:
        error = StorageError(
            Code.UNEXPECTED,
            f"writing the write-ahead log in {self.directory} failed ({self._failure!r}); the log refuses further "
            "writes — reopen the database to recover the records that reached the disk",
        )
        error.__cause__ = self._failure
        return error

    # ------------------------------------------------------------------ reading and maintenance

    def replay(self, after_seq: int = 0) -> Iterator[tuple[int, bytes]]:
        """Yield ``(seq, payload)`` for every durable record with ``seq > after_seq``, in order.

        The set of records is fixed when ``replay`` is called; later appends and truncations do not affect it.
        """
        with self._io_lock:
            if self._fd is None:
                raise ValueError(f"write-ahead log {self.directory} is closed")
            maps = [
                (f.path, MappedFile.open(f.path, f.size))
                for f in self._files
                if f.last_seq is not None and f.last_seq > after_seq
            ]
        return self._replay_maps(maps, after_seq)

    @staticmethod
    def _replay_maps(maps: list[tuple[Path, MappedFile]], after_seq: int) -> Iterator[tuple[int, bytes]]:
        try:
            for path, mapped in maps:
                view = mapped.view
                try:
                    for seq, start, length in iter_records(view, FILE_HEADER_SIZE, mapped.size):
                        if seq > after_seq:
                            yield seq, view[start : start + length].tobytes()
                except BadRecord as exc:
                    raise corrupted(
                        f"write-ahead log file {path} changed on disk and is corrupt at offset {exc.offset}: "
                        f"{exc.reason}; {_ADVICE}"
                    ) from None
        finally:
            for _, mapped in maps:
                mapped.close()

    def truncate_before(self, seq: int) -> None:
        """Delete whole files whose records all have ``seq`` below ``seq``; the newest file is always kept."""
        with self._io_lock:
            removed = 0
            while len(self._files) > 1:
                oldest = self._files[0]
                if (oldest.last_seq if oldest.last_seq is not None else oldest.prev_seq) >= seq:
                    break
                os.unlink(oldest.path)
                self._files.pop(0)
                removed += 1
            if removed:
                fsync_dir(self.directory)

    def last_seq(self) -> int:
        """The highest durable sequence number (0 for an empty log)."""
        with self._cond:
            return self._durable_seq

    @property
    def size_bytes(self) -> int:
        """Total size of the log files on disk."""
        return sum(f.size for f in list(self._files))

    @property
    def file_count(self) -> int:
        return len(self._files)

    def close(self) -> None:
        """Wait for queued records to be written, then close the current file. Idempotent."""
        with self._cond:
            self._closed = True
            while self._queue and self._failure is None or self._leader:
                self._cond.wait()
        with self._io_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> WriteAheadLog:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


_ADVICE = "restore the data directory from a backup, or move the damaged file aside to recover the rest"

__all__ = ["DEFAULT_FILE_SIZE_LIMIT", "WriteAheadLog"]
