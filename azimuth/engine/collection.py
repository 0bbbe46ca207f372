"""Runtime data of one collection: per partition a growing segment and a list of sealed segments.

Writers call ``insert`` / ``delete`` under the engine's write lock, in timestamp order. Readers take a
:class:`Snapshot` (a frozen list of segments plus a timestamp) and never block writers: MVCC by ``$ts`` and
``deleted_ts`` makes later writes invisible to an existing snapshot, and sealing or compaction replace segment
objects rather than mutating them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from azimuth.engine.catalog import CollectionMeta, SegmentMeta
from azimuth.engine.segment import TS_COLUMN, GrowingSegment, SealedSegment, Segment, write_segment
from azimuth.types.arrow import META_FIELD, arrow_type
from azimuth.types.enums import DataType
from azimuth.types.schema import CollectionSchema


def storage_schema(schema: CollectionSchema) -> pa.Schema:
    """The Arrow schema of a collection's stored rows (user fields, then ``$meta`` when dynamic)."""
    fields = []
    for f in schema.fields:
        params = f.params or {}
        fields.append(
            pa.field(f.name, arrow_type(f.dtype, params.get("dim"), getattr(f, "element_type", None)), nullable=True)
        )
    if schema.enable_dynamic_field:
        fields.append(pa.field(META_FIELD, pa.string()))
    return pa.schema(fields)


@dataclass(frozen=True)
class Snapshot:
    """What a read sees: segments as they were, filtered by ``ts``."""

    ts: int
    segments: tuple[Segment, ...]


class PartitionData:
    def __init__(self, partition_id: int) -> None:
        self.id = partition_id
        self.growing: GrowingSegment | None = None
        self.sealed: list[SealedSegment] = []


class CollectionData:
    def __init__(self, meta: CollectionMeta, root: Path) -> None:
        self.meta = meta
        self.root = Path(root)
        self.schema = CollectionSchema.from_storage(meta.schema)
        self.arrow_schema = storage_schema(self.schema)
        self.pk_name = self.schema.primary_field.name
        self.partitions: dict[int, PartitionData] = {p.id: PartitionData(p.id) for p in meta.partitions}
        self.pending_since: int | None = None
        self.specs: dict[int, object] = {}  # index id -> validated vector index spec (service cache)
        self.filter_cache: dict[object, object] = {}  # compiled filters (service cache, keyed by schema)
        self._lock = threading.Lock()
        for seg in meta.segments:
            part = self.partitions.get(seg.partition_id)
            if part is not None:
                part.sealed.append(
                    SealedSegment(seg.id, seg.partition_id, self.pk_name, self.root / seg.directory, seg.deletes_file)
                )

    def refresh_schema(self) -> None:
        self.schema = CollectionSchema.from_storage(self.meta.schema)
        self.arrow_schema = storage_schema(self.schema)

    @property
    def directory(self) -> Path:
        return self.root / "collections" / str(self.meta.id)

    # ---- writes (engine write lock held) -----------------------------------------------------------------
    def add_partition(self, partition_id: int) -> None:
        self.partitions.setdefault(partition_id, PartitionData(partition_id))

    def drop_partition(self, partition_id: int) -> list[Path]:
        part = self.partitions.pop(partition_id, None)
        return [s.directory for s in part.sealed] if part else []

    def insert(self, partition_id: int, table: pa.Table, ts: int, new_segment_id) -> None:
        part = self.partitions[partition_id]
        with self._lock:
            if part.growing is None:
                part.growing = GrowingSegment(new_segment_id(), partition_id, self.pk_name, table.schema)
            part.growing.append(table, ts)
        if self.pending_since is None:
            self.pending_since = ts

    def delete(self, pks: pa.Array, ts: int, partition_id: int = 0) -> int:
        """Delete live rows with these keys (in one partition, or all when ``partition_id`` is 0)."""
        count = 0
        for part in self._partitions(partition_id):
            for segment in self._segments_of(part):
                count += segment.apply_delete(pks, ts)
        if count and self.pending_since is None:
            self.pending_since = ts
        return count

    def _partitions(self, partition_id: int) -> list[PartitionData]:
        if partition_id:
            part = self.partitions.get(partition_id)
            return [part] if part else []
        return list(self.partitions.values())

    @staticmethod
    def _segments_of(part: PartitionData) -> list[Segment]:
        segments: list[Segment] = list(part.sealed)
        if part.growing is not None:
            segments.append(part.growing)
        return segments

    def growing_bytes(self) -> int:
        return sum(p.growing.nbytes for p in self.partitions.values() if p.growing is not None)

    def seal(self, new_segment_id, version: int) -> list[SegmentMeta]:
        """Write every growing segment to disk and persist dirty delete files; returns the new manifest."""
        for part in self.partitions.values():
            growing = part.growing
            if growing is None or growing.num_rows == 0:
                continue
            directory = self.directory / str(growing.id)
            write_segment(directory, growing.table)
            sealed = SealedSegment(growing.id, part.id, self.pk_name, directory)
            sealed.deleted_ts[:] = growing.deleted_ts[: growing.num_rows]
            sealed.deleted_rows = growing.deleted_rows
            sealed.dirty = growing.deleted_rows > 0
            with self._lock:
                part.sealed.append(sealed)
                part.growing = None
        manifest = self.manifest(version)
        self.pending_since = None
        return manifest

    def manifest(self, version: int) -> list[SegmentMeta]:
        """Catalog entries for the sealed segments, persisting delete side files that changed."""
        manifest: list[SegmentMeta] = []
        previous = {s.id: s for s in self.meta.segments}
        for part in self.partitions.values():
            for segment in part.sealed:
                old = previous.get(segment.id)
                meta = SegmentMeta(
                    id=segment.id,
                    partition_id=part.id,
                    num_rows=segment.num_rows,
                    directory=str(segment.directory.relative_to(self.root)),
                    deletes_file=old.deletes_file if old else "",
                    deleted_rows=old.deleted_rows if old else 0,
                    indexes=dict(old.indexes) if old else {},
                )
                if segment.dirty:
                    meta.deletes_file, meta.deleted_rows = segment.write_deletes(version)
                    segment.dirty = False
                manifest.append(meta)
        return manifest

    # ---- reads -------------------------------------------------------------------------------------------
    def snapshot(self, ts: int, partition_ids: list[int] | None = None) -> Snapshot:
        with self._lock:
            parts = self.partitions.values() if partition_ids is None else [
                self.partitions[p] for p in partition_ids if p in self.partitions
            ]
            segments: list[Segment] = []
            for part in parts:
                segments.extend(part.sealed)
                if part.growing is not None and part.growing.num_rows:
                    segments.append(part.growing.freeze())
        return Snapshot(ts, tuple(segments))

    def row_count(self, partition_ids: list[int] | None = None) -> int:
        """Stored rows not yet deleted (what ``get_collection_stats`` reports)."""
        snap = self.snapshot(np.iinfo(np.int64).max, partition_ids)
        return sum(s.live_count() for s in snap.segments)


def is_vector(dtype: DataType) -> bool:
    return int(dtype) >= 100 and dtype not in (DataType._ARRAY_OF_STRUCT, DataType.STRUCT, DataType.UNKNOWN)


__all__ = ["CollectionData", "PartitionData", "Snapshot", "TS_COLUMN", "storage_schema"]
