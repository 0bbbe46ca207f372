"""Binary-vector indexes: BIN_FLAT, BIN_IVF_FLAT (HAMMING / JACCARD) and MINHASH_LSH (MHJACCARD).

* HAMMING uses faiss (``IndexBinaryFlat``; ``IndexBinaryIVF`` when unfiltered).
* JACCARD is computed exactly in numpy from popcounts (faiss binary indexes only know Hamming).
* BIN_IVF_FLAT with JACCARD or with an ``allowed`` mask: the faiss coarse quantizer picks the ``nprobe`` lists per
  query, then the rows of those lists (stored assignment ``assign.npy``) are scored exactly in numpy.
* MINHASH_LSH is served by exact MHJACCARD brute force over the signatures (recall 1.0; no LSH banding yet).
The raw bits are always kept in ``vectors.npy`` (memory-mapped on load).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from azimuth.engine.index.base import (
    binary_as_uint8,
    empty_result,
    iterative_range_search,
    read_meta,
    select_topk,
    write_meta,
)
from azimuth.engine.index.exact import binary_scores, exact_search
from azimuth.engine.index.spec import MIN_ROWS_TO_TRAIN, IndexSpec
from azimuth.errors import invalid_parameter

FAMILY = "binary"
INDEX_FILE = "index.faiss"
VECTORS_FILE = "vectors.npy"
ASSIGN_FILE = "assign.npy"


class BinaryIndex:
    """Index over packed binary vectors (uint8 [n, dim/8])."""

    family = FAMILY

    def __init__(self, spec: IndexSpec, vectors: np.ndarray, layout: dict[str, Any],
                 index: Any = None, assign: np.ndarray | None = None) -> None:
        self.spec = spec
        self.ntotal = int(vectors.shape[0])
        self._x = vectors
        self._layout = layout
        self._structure: str = layout["structure"]
        self._index = index
        self._assign = assign
        self._nlist = int(layout.get("nlist", 1))
        self._hamming = spec.metric_type == "HAMMING"

    def search(self, queries: Any, k: int, params: dict[str, Any],
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        q = binary_as_uint8(queries, self.spec.dim)
        nq = q.shape[0]
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=bool)
            if allowed.shape[0] != self.ntotal:
                raise invalid_parameter(f"allowed mask has {allowed.shape[0]} entries, index has {self.ntotal} rows")
            if allowed.all():
                allowed = None
        if nq == 0 or self.ntotal == 0 or k <= 0 or (allowed is not None and not allowed.any()):
            return empty_result(nq, max(k, 0), False)
        s = self._structure
        if s == "MINHASH_LSH" or (s == "BIN_FLAT" and not self._hamming):
            return exact_search(self.spec, self._x, q, k, allowed)
        if s == "BIN_FLAT":
            return self._faiss_search(q, k, allowed, None)
        nprobe = max(1, min(int(params.get("nprobe", 8)), self._nlist))
        if self._hamming and allowed is None:
            return self._faiss_search(q, k, None, nprobe)
        return self._probe_exact(q, k, nprobe, allowed)

    def _faiss_search(self, q: np.ndarray, k: int, allowed: np.ndarray | None,
                      nprobe: int | None) -> tuple[np.ndarray, np.ndarray]:
        bits = sel = fp = None
        if allowed is not None:
            bits = np.packbits(allowed, bitorder="little")
            sel = faiss.IDSelectorBitmap(self.ntotal, faiss.swig_ptr(bits))
            fp = faiss.SearchParameters(sel=sel)
        elif nprobe is not None:
            fp = faiss.SearchParametersIVF(nprobe=nprobe)
        dist, labels = self._index.search(q, k, params=fp)
        del fp, sel, bits
        out = dist.astype(np.float32)
        out[labels < 0] = np.inf
        return out, labels.astype(np.int64)

    def _probe_exact(self, q: np.ndarray, k: int, nprobe: int,
                     allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """IVF semantics with exact metric: score the rows of each query's ``nprobe`` nearest lists."""
        assert self._assign is not None
        quantizer = faiss.downcast_IndexBinary(self._index.quantizer)
        _, lists = quantizer.search(q, nprobe)
        probe = np.zeros((q.shape[0], self._nlist), dtype=bool)
        np.put_along_axis(probe, np.maximum(lists, 0), True, axis=1)
        candidate = probe.any(axis=0)[self._assign]
        if allowed is not None:
            candidate &= allowed
        rows = np.flatnonzero(candidate)
        if rows.size == 0:
            return empty_result(q.shape[0], k, False)
        scores = binary_scores(q, np.asarray(self._x[rows]), self.spec.metric_type, 0)
        valid = probe[:, self._assign[rows]]
        dist, pos = select_topk(scores, k, False, valid=valid)
        return dist, np.where(pos >= 0, rows[np.maximum(pos, 0)], -1).astype(np.int64)

    def range_search(self, queries: Any, radius: float, range_filter: float | None, params: dict[str, Any],
                     allowed: np.ndarray | None = None,
                     max_results: int = 16384) -> list[tuple[np.ndarray, np.ndarray]]:
        q = binary_as_uint8(queries, self.spec.dim)
        return iterative_range_search(self, q, q.shape[0], radius, range_filter, params, allowed, max_results)

    def save(self, directory: str | os.PathLike[str]) -> None:
        path = write_meta(directory, self.spec, FAMILY, self.ntotal, {"layout": self._layout})
        np.save(path / VECTORS_FILE, np.asarray(self._x))
        if self._assign is not None:
            np.save(path / ASSIGN_FILE, np.asarray(self._assign))
        if self._index is not None:
            faiss.write_index_binary(self._index, str(path / INDEX_FILE))

    def memory_bytes(self) -> int:
        extra = 0 if self._assign is None else self._assign.nbytes
        if self._index is not None:
            extra += self.ntotal * (self.spec.dim // 8) + (8 * self.ntotal if self._structure != "BIN_FLAT" else 0)
        return int(self._x.nbytes) + extra


def build_binary(spec: IndexSpec, vectors: Any) -> BinaryIndex:
    x = binary_as_uint8(vectors, spec.dim)
    n = x.shape[0]
    structure = spec.impl
    layout: dict[str, Any] = {"structure": structure}
    if structure == "BIN_IVF_FLAT" and n < MIN_ROWS_TO_TRAIN:
        structure = layout["structure"] = "BIN_FLAT"
    index = assign = None
    if structure == "BIN_FLAT" and spec.metric_type == "HAMMING":
        index = faiss.IndexBinaryFlat(spec.dim)
        index.add(x)
    elif structure == "BIN_IVF_FLAT":
        nlist = max(1, min(int(spec.params["nlist"]), n // 39))
        layout["nlist"] = nlist
        index = faiss.index_binary_factory(spec.dim, f"BIVF{nlist}")
        index.train(x)
        index.add(x)
        quantizer = faiss.downcast_IndexBinary(index.quantizer)
        assign = quantizer.search(x, 1)[1][:, 0].astype(np.int32)
    return BinaryIndex(spec, x, layout, index, assign)


def load_binary(spec: IndexSpec, directory: str | os.PathLike[str]) -> BinaryIndex:
    path = Path(directory)
    meta = read_meta(path)
    x = np.load(path / VECTORS_FILE, mmap_mode="r")
    assign = np.load(path / ASSIGN_FILE, mmap_mode="r") if (path / ASSIGN_FILE).exists() else None
    index = None
    if (path / INDEX_FILE).exists():
        try:
            index = faiss.read_index_binary(str(path / INDEX_FILE), faiss.IO_FLAG_MMAP_IFC)
        except RuntimeError:
            index = faiss.read_index_binary(str(path / INDEX_FILE))
    return BinaryIndex(spec, x, meta["layout"], index, assign)
