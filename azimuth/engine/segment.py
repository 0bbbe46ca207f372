"""Segments: the growing (in-memory, append-only) segment and immutable sealed segments on disk.

Both expose the same read view: an Arrow table of user columns plus the hidden ``$ts`` column (the hybrid
timestamp of the write that created each row), the primary keys, and ``deleted_ts`` — per row, the timestamp of
the delete that removed it (``MAX_TS`` while alive). A row is visible to a snapshot at ``t`` when
``ts <= t < deleted_ts``. Sealed segments are single Arrow IPC files read through a memory map (zero copy);
their deletes live in a small side file rewritten at flush.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.engine.clock import MAX_TS
from azimuth.engine.storage.files import fsync_dir
from azimuth.errors import Code, StorageError
from azimuth.types.arrays import from_numpy, pc, primitive_dtype, to_numpy

TS_COLUMN = "$ts"
DATA_FILE = "data.arrow"
_DELETE_DTYPE = np.dtype([("row", "<i8"), ("ts", "<i8")])


def pk_matches(pk_column: pa.Array | pa.ChunkedArray, pks: pa.Array) -> np.ndarray:
    """Bool mask of rows whose primary key is in ``pks``."""
    return to_numpy(pc.is_in(pk_column, value_set=pks))


class Segment:
    """Read view shared by growing and sealed segments."""

    id: int
    partition_id: int
    pk_name: str

    def __init__(self) -> None:
        self.deleted_ts = np.empty(0, dtype=np.int64)
        self.dirty = False  # deletes not yet persisted
        self.indexes: dict[str, Any] = {}  # index id -> built index over this segment
        self.filter_indexes: dict[str, Any] = {}  # field name or JSON path key -> scalar index
        self.mask_cache: dict[int, tuple] = {}  # compiled filter id -> (filter, indexes, mask); sealed only
        self.deleted_rows = 0  # rows with a delete timestamp (kept in step with deleted_ts)
        self.max_ts = 0
        self._vectors: dict[str, tuple[pa.Table, Any]] = {}

    def attach_index(self, key: str, index: Any) -> None:
        self.indexes = {**self.indexes, key: index}

    def detach_index(self, key: str) -> None:
        self.indexes = {k: v for k, v in self.indexes.items() if k != key}

    def vectors(self, field: str, dtype: Any) -> Any:
        """The field's vectors as index-ready arrays (cached while the segment's table is unchanged)."""
        table = self.table
        cached = self._vectors.get(field)
        if cached is not None and cached[0] is table:
            return cached[1]
        from azimuth.engine.vectors import column_array, vectors_of

        if field not in table.column_names:
            return None
        value = vectors_of(column_array(table, field), dtype)
        self._vectors[field] = (table, value)
        return value

    def all_visible(self, snapshot_ts: int) -> bool:
        """True when every row is visible at ``snapshot_ts`` (no mask needed). O(1)."""
        return self.deleted_rows == 0 and self.max_ts <= snapshot_ts

    @property
    def table(self) -> pa.Table:
        raise NotImplementedError

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    @property
    def ts(self) -> np.ndarray:
        return to_numpy(self.table.column(TS_COLUMN))

    def numeric_column(self, name: str) -> np.ndarray | None:
        """An integer or float column without nulls as numpy (a zero-copy view of one chunk); None for any other
        column or one the segment lacks."""
        table = self.table
        if name not in table.column_names:
            return None
        column = table.column(name)
        if column.null_count or primitive_dtype(column.type) is None:
            return None
        return to_numpy(column)

    @property
    def pk_column(self) -> pa.ChunkedArray:
        return self.table.column(self.pk_name)

    def visible(self, snapshot_ts: int) -> np.ndarray:
        n = self.num_rows
        return (self.ts <= snapshot_ts) & (self.deleted_ts[:n] > snapshot_ts)

    def live_count(self) -> int:
        return int(np.count_nonzero(self.deleted_ts[: self.num_rows] == MAX_TS))

    def apply_delete(self, pks: pa.Array, delete_ts: int) -> int:
        """Mark live rows with a key in ``pks`` written before ``delete_ts`` as deleted; returns how many."""
        n = self.num_rows
        if n == 0 or len(pks) == 0:
            return 0
        hit = pk_matches(self.pk_column, pks)
        hit &= self.ts < delete_ts
        hit &= self.deleted_ts[:n] == MAX_TS
        count = int(np.count_nonzero(hit))
        if count:
            self.deleted_ts[:n][hit] = delete_ts
            self.deleted_rows += count
            self.dirty = True
        return count


class GrowingSegment(Segment):
    """Appendable in-memory segment; the concatenated table is built lazily and cached until the next append."""

    def __init__(self, segment_id: int, partition_id: int, pk_name: str, schema: pa.Schema) -> None:
        super().__init__()
        self.id = segment_id
        self.partition_id = partition_id
        self.pk_name = pk_name
        self.schema = schema
        self._batches: list[pa.Table] = []
        self._rows = 0
        self._bytes = 0
        self._cached: pa.Table | None = None
        self._lock = threading.Lock()
        self.deleted_ts = np.full(1024, MAX_TS, dtype=np.int64)

    def append(self, table: pa.Table, ts: int) -> None:
        stamped = table.append_column(TS_COLUMN, from_numpy(np.full(table.num_rows, ts, dtype=np.int64)))
        with self._lock:
            self._batches.append(stamped)
            self.max_ts = max(self.max_ts, ts)
            self._rows += table.num_rows
            self._bytes += table.nbytes
            self._cached = None
            if self._rows > len(self.deleted_ts):
                grown = np.full(max(self._rows, 2 * len(self.deleted_ts)), MAX_TS, dtype=np.int64)
                grown[: len(self.deleted_ts)] = self.deleted_ts
                self.deleted_ts = grown

    @property
    def table(self) -> pa.Table:
        cached = self._cached
        if cached is not None:
            return cached
        with self._lock:
            if self._cached is None:
                if self._batches:
                    combined = pa.concat_tables(self._batches, promote_options="default").combine_chunks()
                    self._batches = [combined]
                else:
                    combined = self.schema.append(pa.field(TS_COLUMN, pa.int64())).empty_table()
                self._cached = combined
            return self._cached

    @property
    def num_rows(self) -> int:
        return self._rows

    @property
    def nbytes(self) -> int:
        return self._bytes

    def freeze(self) -> FrozenSegment:
        """An immutable view of the rows appended so far (what a snapshot reads)."""
        return FrozenSegment(self)


class FixedSegment(Segment):
    """A segment whose table never changes (sealed, or a growing segment frozen for a snapshot)."""

    _table: pa.Table
    _ts: np.ndarray
    _numeric: dict[str, np.ndarray | None] | None = None

    def numeric_column(self, name: str) -> np.ndarray | None:
        """As :meth:`Segment.numeric_column`, computed once (the table never changes)."""
        cache = self._numeric
        if cache is None:
            cache = self._numeric = {}
        if name not in cache:
            cache[name] = super().numeric_column(name)
        return cache[name]

    @property
    def table(self) -> pa.Table:
        return self._table

    @property
    def num_rows(self) -> int:
        return self._table.num_rows

    @property
    def ts(self) -> np.ndarray:
        return self._ts


class FrozenSegment(FixedSegment):
    """A growing segment as it was when a snapshot was taken: its table and row count never change, so one
    read sees consistent columns, timestamps and delete marks. Deletes after the snapshot carry later
    timestamps and stay invisible to it."""

    def __init__(self, growing: GrowingSegment) -> None:
        super().__init__()
        self.id = growing.id
        self.partition_id = growing.partition_id
        self.pk_name = growing.pk_name
        self.source = growing
        self._table = growing.table
        self.deleted_ts = growing.deleted_ts
        self.deleted_rows = growing.deleted_rows
        self.max_ts = growing.max_ts
        self._ts = to_numpy(self._table.column(TS_COLUMN))
        self._vectors = growing._vectors


class SealedSegment(FixedSegment):
    """An immutable segment memory-mapped from ``<directory>/data.arrow``."""

    def __init__(self, segment_id: int, partition_id: int, pk_name: str, directory: Path,
                 deletes_file: str = "") -> None:
        super().__init__()
        self.id = segment_id
        self.partition_id = partition_id
        self.pk_name = pk_name
        self.directory = Path(directory)
        path = self.directory / DATA_FILE
        try:
            source = pa.memory_map(str(path), "r")
            self._table = pa.ipc.open_file(source).read_all()
        except (OSError, pa.ArrowInvalid) as exc:
            raise StorageError(
                Code.STORAGE_CORRUPTED,
                f"segment file {path} is missing or corrupt ({exc}); restore the data directory from a backup",
            ) from exc
        self.deleted_ts = np.full(self._table.num_rows, MAX_TS, dtype=np.int64)
        self._ts = to_numpy(self._table.column(TS_COLUMN))
        self.max_ts = int(self._ts.max()) if len(self._ts) else 0
        if deletes_file:
            self._load_deletes(self.directory / deletes_file)

    def _load_deletes(self, path: Path) -> None:
        try:
            records = np.load(path, allow_pickle=False)
            if records.dtype != _DELETE_DTYPE:
                raise ValueError(f"unexpected dtype {records.dtype}")
            self.deleted_ts[records["row"]] = records["ts"]
            self.deleted_rows = len(records)
        except (OSError, ValueError, IndexError) as exc:
            raise StorageError(
                Code.STORAGE_CORRUPTED, f"delete file {path} is corrupt ({exc}); restore it from a backup"
            ) from exc

    def write_deletes(self, version: int) -> tuple[str, int]:
        """Persist the current deletes as a new side file; returns (file name, deleted row count)."""
        rows = np.flatnonzero(self.deleted_ts != MAX_TS)
        records = np.empty(len(rows), dtype=_DELETE_DTYPE)
        records["row"] = rows
        records["ts"] = self.deleted_ts[rows]
        name = f"deletes-{version}.npy"
        path = self.directory / name
        with open(path, "wb") as handle:
            np.save(handle, records, allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())
        fsync_dir(self.directory)
        return name, len(rows)


def write_segment(directory: Path, table: pa.Table) -> None:
    """Write ``table`` (including ``$ts``) as one uncompressed Arrow IPC file, durably."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DATA_FILE
    table = table.combine_chunks()
    with pa.OSFile(str(path), "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=max(table.num_rows, 1))
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
    fsync_dir(directory)
    fsync_dir(directory.parent)
