"""Byte layout of write-ahead-log files, and the record scanner shared by recovery and replay.

A WAL file is ``FILE_HEADER`` followed by records; every integer is little-endian::

    file header (24 B)  = magic b"AZIMWAL\\0" | version u32 | prev_seq u64 | crc32(previous 20 bytes) u32
    record header (24 B) = magic b"AZRC" | payload length u32 | seq u64 | crc32(payload) u32
                          | crc32(previous 20 bytes of this header) u32
    record              = record header | payload

Invariants:
- ``prev_seq`` is the last sequence number written before the file was created, so ``last_seq`` survives even
  when every older file has been deleted and the newest file is still empty. Records in a file have
  ``seq > prev_seq`` and strictly increasing ``seq``.
- The header checksum is separate from the payload checksum, so a damaged length field is recognised as damage
  rather than trusted (a trusted bogus length could make valid records after it look like a torn tail).
- Scanning is per record, never per byte: headers are unpacked with ``struct`` and checksums computed by zlib on
  zero-copy memoryviews of a memory map.
"""

from __future__ import annotations

import mmap
import os
import struct
import zlib
from collections.abc import Iterator
from types import TracebackType

WAL_VERSION = 1
FILE_MAGIC = b"AZIMWAL\x00"
RECORD_MAGIC = b"AZRC"
MAX_PAYLOAD = 0xFFFFFFFF

_FILE_HEAD = struct.Struct("<8sIQ")
_RECORD_HEAD = struct.Struct("<4sIQI")
_CRC = struct.Struct("<I")
FILE_HEADER_SIZE = _FILE_HEAD.size + _CRC.size
RECORD_HEADER_SIZE = _RECORD_HEAD.size + _CRC.size


class BadRecord(Exception):
    """The bytes at ``offset`` are not a valid record (or file header); ``reason`` says why.

    ``resume`` matters for telling torn tails from damage: when the header itself is valid its length can be
    trusted, so the search for later records starts after the claimed payload (which may legitimately contain
    bytes that look like records); otherwise it starts at the next byte.
    """

    def __init__(self, offset: int, reason: str, resume: int) -> None:
        super().__init__(f"offset {offset}: {reason}")
        self.offset = offset
        self.reason = reason
        self.resume = resume  # first offset where a later valid record could start


def encode_file_header(prev_seq: int) -> bytes:
    head = _FILE_HEAD.pack(FILE_MAGIC, WAL_VERSION, prev_seq)
    return head + _CRC.pack(zlib.crc32(head))


def encode_record_header(seq: int, length: int, payload_crc: int) -> bytes:
    head = _RECORD_HEAD.pack(RECORD_MAGIC, length, seq, payload_crc)
    return head + _CRC.pack(zlib.crc32(head))


def decode_file_header(view: memoryview | bytes) -> int:
    """Validate a file header and return its ``prev_seq``; raises :class:`BadRecord` at offset 0 otherwise."""
    if len(view) < FILE_HEADER_SIZE:
        raise BadRecord(0, f"file header is incomplete ({len(view)} of {FILE_HEADER_SIZE} bytes)", len(view))
    magic, version, prev_seq = _FILE_HEAD.unpack_from(view, 0)
    (crc,) = _CRC.unpack_from(view, _FILE_HEAD.size)
    if magic != FILE_MAGIC or zlib.crc32(view[: _FILE_HEAD.size]) != crc:
        raise BadRecord(0, "not an Azimuth WAL file header (bad magic or checksum)", 1)
    if version > WAL_VERSION:
        raise BadRecord(0, f"WAL format version {version} is newer than supported ({WAL_VERSION})", 1)
    return int(prev_seq)


def _check_header(view: memoryview, pos: int, end: int) -> tuple[int, int, int]:
    """Return ``(seq, length, payload_crc)`` of a record header whose own checksum is valid, else raise."""
    if end - pos < RECORD_HEADER_SIZE:
        raise BadRecord(pos, f"record header is incomplete ({end - pos} bytes left in the file)", end)
    magic, length, seq, payload_crc = _RECORD_HEAD.unpack_from(view, pos)
    (head_crc,) = _CRC.unpack_from(view, pos + _RECORD_HEAD.size)
    if magic != RECORD_MAGIC or zlib.crc32(view[pos : pos + _RECORD_HEAD.size]) != head_crc:
        raise BadRecord(pos, "bad record header (wrong magic or header checksum)", pos + 1)
    return int(seq), int(length), int(payload_crc)


def iter_records(view: memoryview, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """Yield ``(seq, payload_offset, payload_length)`` for each valid record in ``view[start:end]``.

    Raises :class:`BadRecord` at the first record that is incomplete or fails a checksum.
    """
    pos = start
    crc32 = zlib.crc32
    while pos < end:
        seq, length, payload_crc = _check_header(view, pos, end)
        body = pos + RECORD_HEADER_SIZE
        if body + length > end:
            raise BadRecord(pos, f"record payload of {length} bytes runs past the end of the file", end)
        if crc32(view[body : body + length]) != payload_crc:
            raise BadRecord(pos, "payload checksum mismatch", body + length)
        yield seq, body, length
        pos = body + length


def find_valid_record(mapped: MappedFile, start: int) -> int | None:
    """Offset of the first fully valid record at or after ``start``, or None (the damage is a torn tail)."""
    if mapped.mm is None:
        return None
    pos = mapped.mm.find(RECORD_MAGIC, start)
    while pos >= 0:
        try:
            next(iter_records(mapped.view, pos, mapped.size))
            return pos
        except (BadRecord, StopIteration):
            pos = mapped.mm.find(RECORD_MAGIC, pos + 1)
    return None


class MappedFile:
    """A read-only memory map of the first ``size`` bytes of a file, as a zero-copy memoryview."""

    def __init__(self, fd: int, size: int) -> None:
        self.size = size
        self.mm: mmap.mmap | None = mmap.mmap(fd, size, access=mmap.ACCESS_READ) if size > 0 else None
        self.view = memoryview(self.mm) if self.mm is not None else memoryview(b"")

    @classmethod
    def open(cls, path: str | os.PathLike[str], size: int | None = None) -> MappedFile:
        fd = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            return cls(fd, os.fstat(fd).st_size if size is None else size)
        finally:
            os.close(fd)  # the map keeps its own reference to the file

    def close(self) -> None:
        self.view.release()
        if self.mm is not None:
            self.mm.close()
            self.mm = None

    def __enter__(self) -> MappedFile:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
