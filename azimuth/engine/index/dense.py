"""Dense-vector index over faiss: search with Milvus params, filtered search, persistence.

Filtered search: the ``allowed`` mask becomes a faiss ``IDSelectorBitmap``. When the filter is selective enough
that scanning the allowed rows is cheaper than a filtered ANN search (see ``prefer_exact``), the allowed rows are
searched exactly (gathered from the raw/flat-codes store and scanned with ``faiss.knn``; IVF indexes without a
row store scan every list with the selector), which gives recall 1.0 for selective filters. Otherwise HNSW's
``ef`` is raised with the selectivity (``ef * fraction ** -0.3``, capped) so filtered recall stays close to
unfiltered recall.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from azimuth.engine.index.base import (
    MaskMemo,
    dense_to_float32,
    empty_result,
    fix_padding,
    iterative_range_search,
    l2_normalized,
    read_meta,
    write_meta,
)
from azimuth.engine.index.dense_build import (
    base_of,
    build_faiss,
    exact_store,
    faiss_bytes,
    faiss_metric,
    plan,
    read_faiss,
)
from azimuth.engine.index.search_params import EF_FLOOR
from azimuth.engine.index.spec import IndexSpec
from azimuth.errors import invalid_parameter

FAMILY = "faiss-dense"
INDEX_FILE = "index.faiss"
#: allowed-row counts at or below this are always searched exactly
EXACT_MAX_ROWS = 2048
#: graph indexes search exactly when ``allowed_rows <= EXACT_COST_RATIO * ef / fraction``; measured break-even on
#: 100k x 128 (HNSW M=16, ef=64): exact wins below ~5% selectivity, filtered HNSW above
EXACT_COST_RATIO = 4.0
#: cap on the selectivity boost of ``ef`` for filtered HNSW search
EF_BOOST_CAP = 8.0


def prefer_exact(allowed_rows: int, ntotal: int, k: int, ef: int, graph: bool) -> bool:
    """Cost model: exact scan costs ``allowed_rows`` distance computations; a filtered graph search visits about
    ``ef / fraction`` nodes; a filtered IVF search scans ``nprobe/nlist`` of the rows (cheap) but may return too
    few hits, so IVF switches to exact only for small candidate sets."""
    if allowed_rows <= max(EXACT_MAX_ROWS, 4 * k):
        return True
    if not graph:
        return False
    fraction = allowed_rows / ntotal
    return allowed_rows <= EXACT_COST_RATIO * max(ef, k) / fraction


class DenseIndex:
    """A faiss index over the float32 (COSINE: normalised) rows of one segment."""

    family = FAMILY

    def __init__(self, spec: IndexSpec, index: faiss.Index, layout: dict[str, Any]) -> None:
        self.spec = spec
        self.ntotal = int(index.ntotal)
        self._index = index
        self._layout = layout
        self._structure: str = layout["structure"]
        self._graph = self._structure.startswith("HNSW")
        self._ivf = not self._graph and self._structure != "FLAT"
        self._rabitq = self._structure.startswith("IVF_RABITQ")
        self._refined = isinstance(faiss.downcast_index(index), faiss.IndexRefine)
        self._nlist = int(layout["params"].get("nlist", 1))
        self._metric = faiss_metric(spec)
        self._cosine = spec.metric_type == "COSINE"
        self._desc = spec.descending
        self._base = base_of(index)
        store = exact_store(index)
        self._store = store
        self._raw: np.ndarray | None = None
        if isinstance(store, faiss.IndexFlat) and self.ntotal:
            self._raw = faiss.rev_swig_ptr(store.get_xb(), self.ntotal * spec.dim).reshape(self.ntotal, spec.dim)
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._masks = MaskMemo()

    # -------------------------------------------------------------------------------------------- search

    def _queries(self, queries: Any) -> np.ndarray:
        q = dense_to_float32(queries, self.spec.dtype, self.spec.dim)
        return l2_normalized(q) if self._cosine else q

    def search(self, queries: Any, k: int, params: dict[str, Any],
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        q = self._queries(queries)
        nq = q.shape[0]
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=bool)
        if nq == 0 or self.ntotal == 0 or k <= 0 or (allowed is not None and not allowed.any()):
            return empty_result(nq, max(k, 0), self._desc)
        if allowed is None or (allowed.shape[0] == self.ntotal and allowed.all()):
            fp = self._params(params, k, None, 1.0)
            dist, labels = self._index.search(q, k, params=fp[0] if fp else None)
            return fix_padding(dist, labels, self._desc), labels
        return self._filtered(q, k, params, allowed)

    def _filtered(self, q: np.ndarray, k: int, params: dict[str, Any],
                  allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if allowed.shape[0] != self.ntotal:
            raise invalid_parameter(f"allowed mask has {allowed.shape[0]} entries, index has {self.ntotal} rows")
        facts = self._masks.facts(allowed)
        rows_allowed = facts.count
        ef = int(params.get("ef") or max(k, EF_FLOOR))
        if (rows_allowed * 2 <= self.ntotal if self._structure == "FLAT"
                else prefer_exact(rows_allowed, self.ntotal, k, ef, self._graph)):
            return self._exact_subset(q, k, allowed, params, facts.rows)
        bits = facts.bits
        sel = faiss.IDSelectorBitmap(self.ntotal, faiss.swig_ptr(bits))
        fp = self._params(params, k, sel, rows_allowed / self.ntotal)
        dist, labels = self._index.search(q, k, params=fp[0])
        del fp, sel, bits
        return fix_padding(dist, labels, self._desc), labels

    def _exact_subset(self, q: np.ndarray, k: int, allowed: np.ndarray,
                      params: dict[str, Any], rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if rows is None:
            rows = np.flatnonzero(allowed)
        if self._raw is not None:
            x = self._raw[rows]
        elif self._store is not None:
            x = self._store.reconstruct_batch(rows)
        else:  # IVF without a row store: scan every list with the selector
            bits = np.packbits(allowed, bitorder="little")
            sel = faiss.IDSelectorBitmap(self.ntotal, faiss.swig_ptr(bits))
            fp = self._params({**params, "nprobe": self._nlist}, k, sel, 1.0)
            dist, labels = self._index.search(q, k, params=fp[0])
            del fp, sel, bits
            return fix_padding(dist, labels, self._desc), labels
        kk = min(k, rows.size)
        dist, pos = faiss.knn(q, np.ascontiguousarray(x, dtype=np.float32), kk, metric=self._metric)
        labels = np.where(pos >= 0, rows[np.maximum(pos, 0)], -1).astype(np.int64)
        if kk < k:
            pad_d, pad_i = empty_result(q.shape[0], k - kk, self._desc)
            dist, labels = np.hstack([dist, pad_d]), np.hstack([labels, pad_i])
        return fix_padding(dist, labels, self._desc), labels

    def _params(self, params: dict[str, Any], k: int, sel: Any, fraction: float) -> tuple[Any, ...] | None:
        """faiss SearchParameters (plus objects they point to, kept alive by the returned tuple)."""
        s = self._structure
        if s == "FLAT":
            return (faiss.SearchParameters(sel=sel),) if sel is not None else None
        kf = 1.0
        if self._graph:
            knob = max(int(params.get("ef") or max(k, EF_FLOOR)), k)
            kf = float(params.get("refine_k", 1.0))
            knob = max(knob, int(np.ceil(k * kf)))
            if sel is not None and fraction < 1.0:
                knob = int(knob * min(EF_BOOST_CAP, fraction ** -0.3))
        else:
            knob = max(1, min(int(params.get("nprobe", 8)), self._nlist))
            if s == "SCANN":
                kf = max(1.0, float(params.get("reorder_k", k)) / k)
            elif self._rabitq:
                kf = float(params.get("refine_k", 1.0))
        qb = int(params.get("rbq_query_bits", 0))
        key = (knob, kf, qb)
        if sel is None and key in self._cache:
            return self._cache[key]
        if self._graph:
            base = faiss.SearchParametersHNSW(efSearch=knob, sel=sel) if sel is not None else \
                faiss.SearchParametersHNSW(efSearch=knob)
        elif self._rabitq:
            base = faiss.IVFRaBitQSearchParameters(nprobe=knob, qb=qb)
            if sel is not None:
                base.sel = sel
        else:
            base = faiss.SearchParametersIVF(nprobe=knob, sel=sel) if sel is not None else \
                faiss.SearchParametersIVF(nprobe=knob)
        out: tuple[Any, ...] = (base,)
        if self._refined:
            out = (faiss.IndexRefineSearchParameters(k_factor=kf, base_index_params=base), base)
        if sel is None:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = out
        return out

    def range_search(self, queries: Any, radius: float, range_filter: float | None, params: dict[str, Any],
                     allowed: np.ndarray | None = None,
                     max_results: int = 16384) -> list[tuple[np.ndarray, np.ndarray]]:
        q = self._queries(queries)
        return iterative_range_search(self, q, q.shape[0], radius, range_filter, params, allowed, max_results)

    # -------------------------------------------------------------------------------------------- persistence

    def save(self, directory: str | os.PathLike[str]) -> None:
        path = write_meta(directory, self.spec, FAMILY, self.ntotal, {"layout": self._layout})
        tmp = str(path / (INDEX_FILE + ".tmp"))
        faiss.write_index(self._index, tmp)
        os.replace(tmp, path / INDEX_FILE)

    def memory_bytes(self) -> int:
        return faiss_bytes(self._index)


def build_dense(spec: IndexSpec, vectors: Any) -> DenseIndex:
    x = dense_to_float32(vectors, spec.dtype, spec.dim)
    if spec.metric_type == "COSINE":
        x = l2_normalized(x)
    layout = plan(spec, x.shape[0])
    return DenseIndex(spec, build_faiss(spec, x, layout), layout)


def load_dense(spec: IndexSpec, directory: str | os.PathLike[str]) -> DenseIndex:
    meta = read_meta(directory)
    index = read_faiss(str(Path(directory) / INDEX_FILE))
    return DenseIndex(spec, index, meta["layout"])
