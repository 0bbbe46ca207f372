"""Index builds per sealed segment, in a background thread, persisted beside the segment.

An index definition (``IndexMeta``) applies to every sealed segment of its collection. Each (segment, index)
pair is built once from the segment's immutable column, saved under ``<segment>/index-<index id>/`` and recorded
in the segment's manifest entry, so reopening loads it (memory-mapped where possible) instead of rebuilding.
Builds never block inserts or searches: until a segment's index exists, searches scan that segment exactly.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import threading
import weakref
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azimuth.engine.catalog import CollectionMeta, IndexMeta
from azimuth.engine.segment import SealedSegment
from azimuth.engine.vectors import column_array, vectors_of
from azimuth.types.enums import VECTOR_TYPES, DataType

if TYPE_CHECKING:
    from azimuth.engine.engine import Engine

log = logging.getLogger("azimuth.engine.indexing")

_LIVE_BUILDERS: weakref.WeakSet[IndexBuilder] = weakref.WeakSet()


@atexit.register
def _finish_builds_at_exit() -> None:
    """Let running builds finish before the interpreter finalizes, and start no new ones.

    A build runs inside faiss with the GIL released; a daemon thread still in there when the interpreter tears
    down aborts the whole process ("terminate called without an active exception"). Waiting also keeps the work:
    the next open finds the index saved instead of building it again."""
    for builder in list(_LIVE_BUILDERS):
        builder.stop()


def index_dir_name(index: IndexMeta) -> str:
    return f"index-{index.id}"


def field_of(meta: CollectionMeta, name: str) -> dict[str, Any]:
    for field in meta.schema["fields"]:
        if field["name"] == name:
            return field
    raise KeyError(name)


def vector_spec(meta: CollectionMeta, index: IndexMeta):
    from azimuth.engine.index import normalize_build

    field = field_of(meta, index.field_name)
    dtype = DataType(field["dtype"] if "dtype" in field else field["type"])
    dim = int((field.get("params") or {}).get("dim", 0) or 0)
    return normalize_build(index.index_type, index.metric_type or None, dtype, dim, dict(index.params))


def is_vector_index(meta: CollectionMeta, index: IndexMeta) -> bool:
    field = field_of(meta, index.field_name)
    return DataType(field["dtype"] if "dtype" in field else field["type"]) in VECTOR_TYPES


def field_dtype(meta: CollectionMeta, name: str) -> DataType:
    field = field_of(meta, name)
    return DataType(field["dtype"] if "dtype" in field else field["type"])


def filter_key(index: IndexMeta) -> str:
    """The name the filter evaluator looks a scalar index up by: the field, or its JSON path."""
    from azimuth.engine.scalar_index import json_path_key, parse_json_path

    path = index.params.get("json_path")
    if not path:
        return index.field_name
    field, parts = parse_json_path(str(path))
    return json_path_key(field or index.field_name, parts)


def build_for(meta: CollectionMeta, index: IndexMeta, segment: SealedSegment) -> Any | None:
    """Build ``index`` over one sealed segment (None when the segment predates the field)."""
    if index.field_name not in segment.table.column_names:
        return None
    if is_vector_index(meta, index):
        from azimuth.engine.index import build_index

        spec = vector_spec(meta, index)
        return build_index(spec, vectors_of(column_array(segment.table, index.field_name), spec.dtype))
    from azimuth.engine.scalar_index import build_scalar_index

    built = build_scalar_index(index.index_type, field_dtype(meta, index.field_name),
                               segment.table.column(index.field_name), dict(index.params))
    built.field_name = index.field_name
    return built


def load_for(meta: CollectionMeta, index: IndexMeta, path: Path) -> Any:
    if is_vector_index(meta, index):
        from azimuth.engine.index import load_index

        return load_index(vector_spec(meta, index), path)
    from azimuth.engine.scalar_index import load_scalar_index

    return load_scalar_index(path)


def attach(meta: CollectionMeta, index: IndexMeta, segment: SealedSegment, built: Any) -> None:
    segment.attach_index(str(index.id), built)
    if not is_vector_index(meta, index):
        segment.filter_indexes = {**segment.filter_indexes, filter_key(index): built}


@dataclass(frozen=True)
class Job:
    collection_id: int
    segment_id: int
    index_id: int


class IndexBuilder:
    """Queue of pending (segment, index) builds and the thread that works through it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: deque[Job] = deque()
        self._queued: set[Job] = set()
        self._cond = threading.Condition()
        self._running: Job | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="azimuth-index-builder", daemon=True)
        self._thread.start()
        _LIVE_BUILDERS.add(self)

    # ---- scheduling ----------------------------------------------------------------------------------------
    def schedule(self, meta: CollectionMeta) -> None:
        """Queue every missing (sealed segment, index) pair of a collection."""
        data = self.engine.collections.get(meta.id)
        if data is None:
            return
        with self._cond:
            for part in data.partitions.values():
                for segment in part.sealed:
                    for index in meta.indexes:
                        if str(index.id) in segment.indexes:
                            continue
                        job = Job(meta.id, segment.id, index.id)
                        if job not in self._queued and job != self._running:
                            self._queue.append(job)
                            self._queued.add(job)
            self._cond.notify_all()

    def pending(self, collection_id: int) -> bool:
        with self._cond:
            return any(j.collection_id == collection_id for j in self._queued) or (
                self._running is not None and self._running.collection_id == collection_id
            )

    def wait(self, collection_id: int, timeout: float | None = None) -> bool:
        """Block until no build of this collection is queued or running."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending_locked(collection_id), timeout)

    def _pending_locked(self, collection_id: int) -> bool:
        return any(j.collection_id == collection_id for j in self._queued) or (
            self._running is not None and self._running.collection_id == collection_id
        )

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._queue.clear()
            self._queued.clear()
            self._cond.notify_all()
        self._thread.join(timeout=60)

    # ---- the worker ----------------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                job = self._queue.popleft()
                self._queued.discard(job)
                self._running = job
            try:
                self._build(job)
            except Exception:  # a failed build leaves the segment searchable exactly; log and go on
                log.exception("index build failed for %s", job)
            finally:
                with self._cond:
                    self._running = None
                    self._cond.notify_all()

    def _locate(self, job: Job) -> tuple[CollectionMeta, IndexMeta, SealedSegment] | None:
        data = self.engine.collections.get(job.collection_id)
        if data is None:
            return None
        index = next((i for i in data.meta.indexes if i.id == job.index_id), None)
        segment = _sealed(data, job.segment_id)
        if index is None or segment is None:
            return None
        return data.meta, index, segment

    def _build(self, job: Job) -> None:
        located = self._locate(job)
        if located is None:
            return
        meta, index, segment = located
        built = build_for(meta, index, segment)
        if built is None:
            return
        attach(meta, index, segment, built)  # searchable with the index from here on; persisting follows
        if self._locate(job) is None:  # compacted or dropped while building: nothing to persist
            return
        directory = segment.directory / index_dir_name(index)
        shutil.rmtree(directory, ignore_errors=True)
        built.save(directory)
        with self.engine.gate.exclusive():
            if self._locate(job) is None:  # dropped meanwhile: remove what the save wrote
                data = self.engine.collections.get(job.collection_id)
                retired = data is None or _sealed(data, job.segment_id) is None
                shutil.rmtree(segment.directory if retired else directory, ignore_errors=True)
                return
            for entry in meta.segments:
                if entry.id == segment.id:
                    entry.indexes[str(index.id)] = index_dir_name(index)
            self.engine.catalog.save()


def _sealed(data: Any, segment_id: int) -> SealedSegment | None:
    return next((s for p in data.partitions.values() for s in p.sealed if s.id == segment_id), None)


def load_segment_indexes(meta: CollectionMeta, segment: SealedSegment, entries: dict[str, str]) -> None:
    """Attach the persisted indexes of a sealed segment (called on open)."""
    for index in meta.indexes:
        name = entries.get(str(index.id))
        if not name:
            continue
        path = Path(segment.directory) / name
        if path.exists():
            attach(meta, index, segment, load_for(meta, index, path))


def drop_index_files(meta: CollectionMeta, data: Any, index: IndexMeta) -> None:
    key = str(index.id)
    scalar_key = None if is_vector_index(meta, index) else filter_key(index)
    for part in data.partitions.values():
        for segment in part.sealed:
            segment.detach_index(key)
            if scalar_key is not None:
                segment.filter_indexes = {k: v for k, v in segment.filter_indexes.items() if k != scalar_key}
            shutil.rmtree(segment.directory / index_dir_name(index), ignore_errors=True)
    for entry in meta.segments:
        entry.indexes.pop(key, None)
