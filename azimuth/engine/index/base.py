"""The per-segment vector index contract (``VectorIndex``) and helpers shared by every index family.

Conventions every implementation keeps: ``search`` returns ``(distances float32 [nq, k], labels int64 [nq, k])``
best-first, in Milvus units (L2 squared, COSINE similarity, JACCARD = 1 - similarity), padded with label -1 and
distance +inf (ascending metrics) or -inf (descending metrics). ``allowed`` is a bool mask over the indexed rows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from azimuth.engine.index.spec import IndexSpec
from azimuth.errors import Code, StorageError, invalid_parameter
from azimuth.types.enums import DataType

FORMAT_VERSION = 1
META_FILE = "meta.json"


@runtime_checkable
class VectorIndex(Protocol):
    """What the engine needs from an index built over one sealed segment."""

    spec: IndexSpec
    ntotal: int

    def search(self, queries: Any, k: int, params: dict[str, Any],
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...

    def range_search(self, queries: Any, radius: float, range_filter: float | None, params: dict[str, Any],
                     allowed: np.ndarray | None = None,
                     max_results: int = 16384) -> list[tuple[np.ndarray, np.ndarray]]: ...

    def save(self, directory: str | os.PathLike[str]) -> None: ...

    def memory_bytes(self) -> int: ...


# ------------------------------------------------------------------------------------------------ conversions


def dense_to_float32(vectors: Any, dtype: DataType, dim: int) -> np.ndarray:
    """Dense vectors of any supported representation as a C-contiguous float32 [n, dim] array (no copy if possible).

    FLOAT16 accepts float16 arrays (or their uint16 bits); BFLOAT16 accepts uint16 bit patterns or
    ``ml_dtypes.bfloat16`` arrays; INT8 accepts int8 arrays.
    """
    arr = np.asarray(vectors)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1) if arr.size else arr.reshape(0, dim)
    if dtype == DataType.BFLOAT16_VECTOR and arr.dtype == np.uint16:
        out = (arr.astype(np.uint32) << 16).view(np.float32)
    elif dtype == DataType.FLOAT16_VECTOR and arr.dtype == np.uint16:
        out = arr.view(np.float16).astype(np.float32)
    else:
        out = np.ascontiguousarray(arr, dtype=np.float32)
    if out.ndim != 2 or out.shape[1] != dim:
        raise invalid_parameter(f"vector dimension mismatch: expected {dim}, got shape {tuple(arr.shape)}")
    return np.ascontiguousarray(out)


def l2_normalized(x: np.ndarray) -> np.ndarray:
    """Row-normalised float32 copy (zero rows stay zero)."""
    norms = np.sqrt(np.einsum("ij,ij->i", x, x, dtype=np.float32))
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(x / norms[:, None], dtype=np.float32)


def binary_as_uint8(vectors: Any, dim: int) -> np.ndarray:
    """Binary vectors as C-contiguous uint8 [n, dim/8] (accepts a list of ``bytes`` too)."""
    if isinstance(vectors, (list, tuple)) and vectors and isinstance(vectors[0], (bytes, bytearray)):
        arr = np.frombuffer(b"".join(vectors), dtype=np.uint8).reshape(len(vectors), -1)
    else:
        arr = np.asarray(vectors, dtype=np.uint8)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1) if arr.size else arr.reshape(0, dim // 8)
    if arr.ndim != 2 or arr.shape[1] * 8 != dim:
        raise invalid_parameter(f"binary vector dimension mismatch: expected {dim} bits, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


class MaskFacts:
    """What a search needs to know about an ``allowed`` mask (row count, faiss bitmap, row numbers), computed on
    first use. Read-only masks (the per-segment cache of filter masks hands those out) are remembered by identity,
    so a filter repeated over a large segment stops paying O(rows) per search."""

    __slots__ = ("mask", "_count", "_bits", "_rows")

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask
        self._count: int | None = None
        self._bits: np.ndarray | None = None
        self._rows: np.ndarray | None = None

    @property
    def count(self) -> int:
        if self._count is None:
            self._count = int(np.count_nonzero(self.mask))
        return self._count

    @property
    def bits(self) -> np.ndarray:
        if self._bits is None:
            self._bits = np.packbits(self.mask, bitorder="little")
        return self._bits

    @property
    def rows(self) -> np.ndarray:
        if self._rows is None:
            self._rows = np.flatnonzero(self.mask)
        return self._rows


class MaskMemo:
    """A few recent read-only masks and their :class:`MaskFacts` (per index; thread-safe enough: entries are
    replaced whole)."""

    SIZE = 8

    def __init__(self) -> None:
        self._entries: dict[int, MaskFacts] = {}

    def facts(self, mask: np.ndarray) -> MaskFacts:
        if mask.flags.writeable:  # could change in place under the same identity: never remembered
            return MaskFacts(mask)
        entries = self._entries
        found = entries.get(id(mask))
        if found is not None and found.mask is mask:
            return found
        facts = MaskFacts(mask)
        if len(entries) >= self.SIZE:
            entries.pop(next(iter(entries)), None)
        entries[id(mask)] = facts
        return facts


def fix_padding(distances: np.ndarray, labels: np.ndarray, descending: bool) -> np.ndarray:
    """Replace faiss's +-FLT_MAX padding by +-inf where the label is -1 (in place when possible)."""
    missing = labels < 0
    if missing.any():
        distances = np.array(distances, dtype=np.float32, copy=True)
        distances[missing] = -np.inf if descending else np.inf
    return distances


def empty_result(nq: int, k: int, descending: bool) -> tuple[np.ndarray, np.ndarray]:
    return (np.full((nq, k), -np.inf if descending else np.inf, dtype=np.float32),
            np.full((nq, k), -1, dtype=np.int64))


def select_topk(scores: np.ndarray, k: int, descending: bool,
                valid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Best ``k`` columns per row of a dense score matrix; invalid cells never selected (padding instead)."""
    nq, m = scores.shape
    key = np.asarray(-scores if descending else scores, dtype=np.float32)
    if valid is not None:
        key = np.where(valid, key, np.float32(np.inf))
    kk = min(k, m)
    if kk == 0:
        return empty_result(nq, k, descending)
    if kk < m:
        part = np.argpartition(key, kk - 1, axis=1)[:, :kk]
    else:
        part = np.broadcast_to(np.arange(m), (nq, m))
    part_keys = np.take_along_axis(key, part, axis=1)
    order = np.argsort(part_keys, axis=1, kind="stable")
    labels = np.take_along_axis(part, order, axis=1).astype(np.int64)
    best = np.take_along_axis(part_keys, order, axis=1)
    dist = (-best if descending else best).astype(np.float32)
    bad = np.isposinf(best)
    labels[bad] = -1
    dist[bad] = -np.inf if descending else np.inf
    if kk < k:
        pad_d, pad_i = empty_result(nq, k - kk, descending)
        dist, labels = np.hstack([dist, pad_d]), np.hstack([labels, pad_i])
    return dist, labels


def merge_topk(parts: list[tuple[np.ndarray, np.ndarray]], k: int,
               descending: bool) -> tuple[np.ndarray, np.ndarray]:
    """Merge several (distances, labels) blocks of the same queries into one best-first top-k."""
    if len(parts) == 1:
        return parts[0]
    dist = np.hstack([p[0] for p in parts])
    labels = np.hstack([p[1] for p in parts])
    d, pos = select_topk(dist, k, descending, valid=labels >= 0)
    safe = np.where(pos >= 0, pos, 0)
    out_labels = np.where(pos >= 0, np.take_along_axis(labels, safe, axis=1), -1)
    return d, out_labels


# ------------------------------------------------------------------------------------------------ range search


def in_range(distances: np.ndarray, radius: float, range_filter: float | None, descending: bool) -> np.ndarray:
    """Milvus range semantics: L2/HAMMING/JACCARD ``range_filter <= d < radius``; IP/COSINE ``radius < d <= rf``."""
    if descending:
        mask = distances > radius
        if range_filter is not None:
            mask &= distances <= range_filter
    else:
        mask = distances < radius
        if range_filter is not None:
            mask &= distances >= range_filter
    return mask


def iterative_range_search(index: VectorIndex, queries: Any, nq: int, radius: float, range_filter: float | None,
                           params: dict[str, Any], allowed: np.ndarray | None,
                           max_results: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Range search by growing top-k: queries whose k-th hit is still inside ``radius`` and that have fewer than
    ``max_results`` hits in range are re-searched with 4k (k may exceed ``max_results``: hits better than
    ``range_filter`` take places in the top-k without counting).

    Exact for exact indexes; for ANN indexes it inherits the index's recall (as Milvus's iterator-based range
    search on graph indexes does).
    """
    descending = index.spec.descending
    total = index.ntotal
    results: list[tuple[np.ndarray, np.ndarray]] = [
        (np.empty(0, np.float32), np.empty(0, np.int64)) for _ in range(nq)]
    if total <= 0 or max_results <= 0 or nq == 0:
        return results
    pending = np.arange(nq)
    k = min(total, max(64, max_results))
    while pending.size:
        sub = queries[pending]
        dist, labels = index.search(sub, k, params, allowed)
        last = dist[:, -1]
        inside_radius = (last > radius) if descending else (last < radius)
        mask = in_range(dist, radius, range_filter, descending) & (labels >= 0)
        enough = mask.sum(axis=1) >= max_results
        more = inside_radius & ~enough & (labels[:, -1] >= 0) & (k < total)
        for row in np.flatnonzero(~more):
            keep = mask[row]
            results[pending[row]] = (dist[row][keep][:max_results], labels[row][keep][:max_results])
        pending = pending[more]
        k = min(total, k * 4)
    return results


# ------------------------------------------------------------------------------------------------ persistence


def write_meta(directory: str | os.PathLike[str], spec: IndexSpec, family: str, ntotal: int,
               extra: dict[str, Any] | None = None) -> Path:
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    meta = {"format_version": FORMAT_VERSION, "family": family, "ntotal": int(ntotal), "spec": spec.to_json(),
            **(extra or {})}
    tmp = path / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta, sort_keys=True))
    os.replace(tmp, path / META_FILE)
    return path


def read_meta(directory: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(directory) / META_FILE
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise StorageError(Code.STORAGE_CORRUPTED, f"cannot read index metadata {path}: {exc}") from exc
    if meta.get("format_version") != FORMAT_VERSION:
        raise StorageError(Code.STORAGE_CORRUPTED,
                           f"unsupported index format version {meta.get('format_version')} in {path}")
    return meta
