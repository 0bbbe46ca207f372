"""Compaction: rewrite a partition's sealed segments into one, dropping deleted rows, so disk and memory are
reclaimed.

Rows deleted after the oldest pinned snapshot (an iterator in progress; pins lapse after a lease) are carried
over with their delete timestamps, so that snapshot still sees them. Old segment files are removed only after the catalog
points at the new segment; readers holding the old segment objects keep their memory maps.
"""

from __future__ import annotations

import shutil
import threading
import time
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from azimuth.engine.clock import MAX_TS
from azimuth.engine.segment import SealedSegment, write_segment

if TYPE_CHECKING:
    from azimuth.engine.collection import CollectionData, PartitionData
    from azimuth.engine.engine import Engine

PIN_LEASE_SECONDS = 600.0
SMALL_SEGMENT_ROWS = 100_000
DELETED_FRACTION = 0.2


class Pins:
    """Snapshot timestamps iterators are paging through, each with a lease renewed on every page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[int, float] = {}

    def touch(self, ts: int) -> None:
        with self._lock:
            self._seen[ts] = time.monotonic()

    def horizon(self, now_ts: int) -> int:
        """Deletes at or below this timestamp are invisible to every live snapshot."""
        cutoff = time.monotonic() - PIN_LEASE_SECONDS
        with self._lock:
            self._seen = {ts: t for ts, t in self._seen.items() if t >= cutoff}
            return min([now_ts, *self._seen])


def needs_compaction(part: PartitionData) -> bool:
    """Automatic trigger: many deleted rows, or several small segments."""
    total = sum(s.num_rows for s in part.sealed)
    deleted = sum(s.deleted_rows for s in part.sealed)
    small = sum(1 for s in part.sealed if s.num_rows < SMALL_SEGMENT_ROWS)
    return total > 0 and (deleted / total > DELETED_FRACTION or small >= 8)


def compact_partition(engine: Engine, data: CollectionData, part: PartitionData, now_ts: int) -> bool:
    """Merge the partition's sealed segments (gate held exclusively). Returns True when something changed."""
    segments = list(part.sealed)
    if not segments or (len(segments) == 1 and segments[0].deleted_rows == 0):
        return False
    horizon = engine.pins.horizon(now_ts)
    tables, deletes = [], []
    for segment in segments:
        n = segment.num_rows
        keep = (segment.deleted_ts[:n] == MAX_TS) | (segment.deleted_ts[:n] > horizon)
        rows = np.flatnonzero(keep)
        tables.append(segment.table.take(pa.array(rows)))
        deletes.append(segment.deleted_ts[:n][rows])
    merged = pa.concat_tables(tables, promote_options="default").combine_chunks()
    new_id = engine.new_id()
    directory = data.directory / str(new_id)
    write_segment(directory, merged)
    fresh = SealedSegment(new_id, part.id, data.pk_name, directory)
    fresh.deleted_ts[:] = np.concatenate(deletes) if deletes else fresh.deleted_ts
    fresh.deleted_rows = int(np.count_nonzero(fresh.deleted_ts != MAX_TS))
    fresh.dirty = fresh.deleted_rows > 0
    part.sealed = [fresh]
    return True


def compact(engine: Engine, collection_id: int, *, only_if_needed: bool = False) -> bool:
    """Compact the partitions of a collection (all of them, or only those past the automatic thresholds);
    returns True when anything was rewritten. Call after flushing."""
    with engine.gate.exclusive():
        data = engine.collections.get(collection_id)
        if data is None:
            return False
        now = engine.clock.allocate()
        old_dirs = {s.id: s.directory for p in data.partitions.values() for s in p.sealed}
        changed = False
        for part in data.partitions.values():
            if only_if_needed and not needs_compaction(part):
                continue
            changed |= compact_partition(engine, data, part, now)
        if not changed:
            return False
        data.meta.segments = data.manifest(now)
        engine.catalog.save()
        live = {s.id for p in data.partitions.values() for s in p.sealed}
        for segment_id, directory in old_dirs.items():
            if segment_id not in live:
                shutil.rmtree(directory, ignore_errors=True)
    engine.builder.schedule(data.meta)
    return True
