"""The storage engine of one data directory: lock, format, catalog, WAL, collections, recovery and flush.

Write path: rows arrive as Arrow tables and are serialised outside any lock; then, under the WAL's queue lock,
a timestamp is allocated and the change applied to memory and queued, so WAL order = timestamp order = apply
order; the call returns once its record is fsynced (writers that arrive together share one fsync). Writers pass
the gate together; flush and catalog changes pass it alone. Flush seals growing segments into Arrow files, persists delete side files, records
the new manifest and ``flushed_ts`` in the catalog, then drops WAL files that only hold flushed records.
Open replays only WAL records newer than each collection's ``flushed_ts``; nothing on disk is rewritten.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from azimuth.engine import compaction, records
from azimuth.engine.catalog import Catalog, CollectionMeta
from azimuth.engine.clock import HybridClock, physical_now
from azimuth.engine.collection import CollectionData, Snapshot
from azimuth.engine.gate import Gate
from azimuth.engine.indexing import IndexBuilder, load_segment_indexes
from azimuth.engine.records import RecordKind
from azimuth.engine.storage.format import init_or_check_format
from azimuth.engine.storage.lock import DirectoryLock
from azimuth.engine.storage.wal import WriteAheadLog
from azimuth.errors import Code, MilvusException, server_error

log = logging.getLogger("azimuth.engine")


def collection_dropped(collection_id: int) -> MilvusException:
    return server_error(Code.COLLECTION_NOT_FOUND, f"collection {collection_id} was dropped while writing")

SEAL_BYTES = 256 << 20


class Engine:
    """One open data directory. Thread-safe; one instance per directory per process."""

    def __init__(self, directory: str | Path, *, seal_bytes: int = SEAL_BYTES) -> None:
        self.directory = Path(directory).resolve()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.seal_bytes = seal_bytes
        self._lock = DirectoryLock(self.directory)
        try:
            init_or_check_format(self.directory)
            self.clock = HybridClock(physical_now())
            self.applied_ts = 0
            self.compactions: dict[int, int] = {}  # job id -> collection id
            self.pins = compaction.Pins()
            self.catalog = Catalog.load_or_create(self.directory, self.clock.allocate())
            self.collections: dict[int, CollectionData] = {}
            for meta in self.catalog.collections.values():
                self.clock.advance_to(meta.flushed_ts)
                self.collections[meta.id] = CollectionData(meta, self.directory)
            self.gate = Gate()
            self.wal = WriteAheadLog(self.directory / "wal")
            self._recover()
            self._load_indexes()
            self.builder = IndexBuilder(self)
            for meta in self.catalog.collections.values():
                self.builder.schedule(meta)
            self._closed = False
        except BaseException:
            self._lock.release()
            raise

    # ---- lifecycle ---------------------------------------------------------------------------------------
    def _recover(self) -> None:
        replayed = 0
        for ts, payload in self.wal.replay():
            self.clock.advance_to(ts)
            kind, collection_id, partition_id = records.peek(payload)
            data = self.collections.get(collection_id)
            if data is None or ts <= data.meta.flushed_ts:
                continue
            self._apply(records.decode(payload), ts, data)
            replayed += 1
        self.applied_ts = self.clock.allocate()
        if replayed:
            log.info("replayed %d WAL records from %s", replayed, self.directory)

    def _load_indexes(self) -> None:
        for data in self.collections.values():
            entries = {s.id: s.indexes for s in data.meta.segments}
            for part in data.partitions.values():
                for segment in part.sealed:
                    load_segment_indexes(data.meta, segment, entries.get(segment.id, {}))

    def close(self) -> None:
        if getattr(self, "_closed", True):
            return
        self.builder.stop()
        with self.gate.exclusive():
            self.flush_all()
            self.wal.close()
            self._closed = True
            self._lock.release()

    @property
    def closed(self) -> bool:
        return self._closed

    # ---- catalog changes ---------------------------------------------------------------------------------
    @contextmanager
    def ddl(self) -> Iterator[Catalog]:
        """Change the catalog alone (no write in flight); it is saved durably when the block exits cleanly."""
        with self.gate.exclusive():
            yield self.catalog
            self.catalog.save()

    def attach(self, meta: CollectionMeta) -> CollectionData:
        data = CollectionData(meta, self.directory)
        meta.flushed_ts = self.clock.allocate()
        self.collections[meta.id] = data
        return data

    def detach(self, collection_id: int) -> None:
        data = self.collections.pop(collection_id, None)
        if data is not None:
            shutil.rmtree(data.directory, ignore_errors=True)

    def data(self, collection_id: int) -> CollectionData:
        return self.collections[collection_id]

    def new_id(self) -> int:
        return self.catalog.new_id()

    # ---- writes ------------------------------------------------------------------------------------------
    def allocate_ids(self, count: int) -> int:
        """First of ``count`` fresh auto ids (unique for the life of the directory)."""
        return self.clock.allocate(count)

    def insert(self, collection_id: int, partition_id: int, table: pa.Table) -> tuple[int, int]:
        """Returns (rows inserted, timestamp)."""
        return self._write(RecordKind.INSERT, collection_id, partition_id, (table,))

    def delete(self, collection_id: int, partition_id: int, pks: pa.Array) -> tuple[int, int]:
        """Returns (rows deleted, timestamp)."""
        return self._write(RecordKind.DELETE, collection_id, partition_id, (pa.table({"pk": pks}),))

    def upsert(self, collection_id: int, partition_id: int, delete_pks: pa.Array, table: pa.Table) -> tuple[int, int]:
        return self._write(RecordKind.UPSERT, collection_id, partition_id, (pa.table({"pk": delete_pks}), table))

    def _write(self, kind: RecordKind, collection_id: int, partition_id: int,
               tables: tuple[pa.Table, ...]) -> tuple[int, int]:
        payload = records.encode(kind, collection_id, partition_id, tables)
        record = records.Record(kind, collection_id, partition_id, tables)
        outcome: list[int] = []

        def allocate() -> int:
            data = self.collections.get(collection_id)
            if data is None:
                raise collection_dropped(collection_id)
            ts = self.clock.allocate()
            outcome.extend((self._apply(record, ts, data), ts))
            self.applied_ts = ts  # every write at or below this timestamp is in memory
            return ts

        with self.gate.shared():
            self.wal.append_allocated(allocate, payload)
        data = self.collections.get(collection_id)
        if data is not None and data.growing_bytes() >= self.seal_bytes:
            self.flush(collection_id)
        return outcome[0], outcome[1]

    def _apply(self, record: records.Record, ts: int, data: CollectionData) -> int:
        if record.kind == RecordKind.INSERT:
            if record.partition_id not in data.partitions:
                return 0
            data.insert(record.partition_id, record.tables[0], ts, self.new_id)
            return record.tables[0].num_rows
        pks = record.tables[0].column("pk").combine_chunks()
        count = data.delete(pks, ts, record.partition_id if record.kind == RecordKind.DELETE else 0)
        if record.kind == RecordKind.UPSERT and record.partition_id in data.partitions:
            data.insert(record.partition_id, record.tables[1], ts, self.new_id)
            return record.tables[1].num_rows
        return count

    # ---- flush -------------------------------------------------------------------------------------------
    def flush(self, collection_id: int) -> None:
        with self.gate.exclusive():
            data = self.collections.get(collection_id)
            if data is None or data.pending_since is None:
                return
            flushed_ts = self.clock.allocate()
            data.meta.segments = data.seal(self.new_id, flushed_ts)
            data.meta.flushed_ts = flushed_ts
            self.catalog.save()
            self._truncate_wal()
        if not getattr(self, "_closed", True) and not self.builder._stop:
            compaction.compact(self, collection_id, only_if_needed=True)
            self.builder.schedule(data.meta)

    def compact(self, collection_id: int) -> int:
        """Flush and compact a collection now; returns a job id (compaction is synchronous, so it is done)."""
        self.flush(collection_id)
        compaction.compact(self, collection_id)
        job = self.clock.allocate()
        self.compactions[job] = collection_id
        return job

    def flush_all(self) -> None:
        with self.gate.exclusive():
            for collection_id in list(self.collections):
                self.flush(collection_id)

    def _truncate_wal(self) -> None:
        pending = [d.pending_since for d in self.collections.values() if d.pending_since is not None]
        self.wal.truncate_before(min(pending) if pending else self.clock.now() + 1)

    def truncate(self, collection_id: int) -> None:
        """Remove every row of a collection, keeping its definition."""
        with self.gate.exclusive():
            data = self.collections[collection_id]
            meta = data.meta
            shutil.rmtree(data.directory, ignore_errors=True)
            meta.segments = []
            meta.flushed_ts = self.clock.allocate()
            self.catalog.save()
            self.collections[collection_id] = CollectionData(meta, self.directory)
            self._truncate_wal()

    # ---- reads -------------------------------------------------------------------------------------------
    def snapshot(self, collection_id: int, partition_ids: list[int] | None = None, ts: int = 0,
                 pin: bool = False) -> Snapshot:
        """What a read sees; ``ts`` reads an earlier point (0 = now). ``pin`` (iterators) asks compaction to keep
        what this snapshot sees for a while."""
        snapshot = self.collections[collection_id].snapshot(ts or self.applied_ts, partition_ids)
        if pin:
            self.pins.touch(snapshot.ts)
        return snapshot
