"""Encoding of data-change records in the WAL.

Layout: ``kind:u8 | collection_id:u64 | partition_id:u64 | part_count:u8 | (length:u64 | Arrow IPC stream)*``.
Insert carries one table; delete one single-column table of primary keys; upsert the keys to delete and the
rows to insert. ``partition_id`` 0 means "every partition" (deletes). The header is decodable without touching
the Arrow payload so recovery can skip records of dropped or already-flushed collections cheaply.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

import pyarrow as pa

from azimuth.errors import Code, StorageError

_HEADER = struct.Struct("<BQQB")
_LENGTH = struct.Struct("<Q")


class RecordKind(IntEnum):
    INSERT = 1
    DELETE = 2
    UPSERT = 3


@dataclass(frozen=True)
class Record:
    kind: RecordKind
    collection_id: int
    partition_id: int
    tables: tuple[pa.Table, ...]


def encode_header(kind: RecordKind, collection_id: int, partition_id: int, count: int) -> bytes:
    return _HEADER.pack(int(kind), collection_id, partition_id, count)


def _ipc_bytes(table: pa.Table) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def encode(kind: RecordKind, collection_id: int, partition_id: int, tables: tuple[pa.Table, ...]) -> list:
    """The record as buffers to write back to back (header, then each table as a length-prefixed Arrow IPC
    stream); Arrow buffers are passed as memoryviews, never copied."""
    parts: list = [encode_header(kind, collection_id, partition_id, len(tables))]
    for table in tables:
        buffer = _ipc_bytes(table)
        parts.append(_LENGTH.pack(buffer.size))
        parts.append(memoryview(buffer))
    return parts


def peek(payload: bytes | memoryview) -> tuple[RecordKind, int, int]:
    kind, collection_id, partition_id, _ = _HEADER.unpack_from(payload, 0)
    return RecordKind(kind), collection_id, partition_id


def decode(payload: bytes | memoryview) -> Record:
    try:
        kind, collection_id, partition_id, count = _HEADER.unpack_from(payload, 0)
        offset = _HEADER.size
        tables = []
        view = memoryview(payload)
        for _ in range(count):
            (length,) = _LENGTH.unpack_from(view, offset)
            offset += _LENGTH.size
            reader = pa.ipc.open_stream(pa.py_buffer(view[offset : offset + length]))
            tables.append(reader.read_all())
            offset += length
        return Record(RecordKind(kind), collection_id, partition_id, tuple(tables))
    except (struct.error, ValueError, pa.ArrowInvalid) as exc:
        raise StorageError(Code.STORAGE_CORRUPTED, f"undecodable WAL record ({exc})") from exc
