"""Sparse inverted index (SPARSE_INVERTED_INDEX, SPARSE_WAND) written on numpy/scipy.

Layout: the used term ids are remapped to ``0..T-1`` (``terms``, sorted) and the postings are the CSC form of the
document matrix: ``post_ptr`` [T+1], ``post_doc`` (doc ids, ascending per term) and ``post_val``. A search maps
the query terms onto ``terms``, drops the smallest ``drop_ratio_search`` fraction of each query's values (by
magnitude, like knowhere), and scores with one sparse product ``Q @ P`` (term-at-a-time accumulation, exact).
Only documents sharing at least one term with the query are candidates. The DAAT_MAXSCORE / DAAT_WAND / TAAT_NAIVE
choice is recorded but all three give the same (exact) scores here. BM25 is scored as IP over the stored
(already BM25-weighted) document vectors. Arrays are saved as ``.npy`` and memory-mapped on load.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from azimuth.engine.index.base import empty_result, iterative_range_search, read_meta, write_meta
from azimuth.engine.index.spec import IndexSpec
from azimuth.errors import invalid_parameter

FAMILY = "sparse"
_ARRAYS = ("terms", "post_ptr", "post_doc", "post_val")


def as_csr(vectors: Any) -> sp.csr_matrix:
    """Any scipy sparse matrix (or dense 2-D array) as a canonical float32 CSR matrix."""
    m = sp.csr_matrix(vectors, dtype=np.float32)
    if not m.has_canonical_format:
        m = m.copy()
        m.sum_duplicates()
    return m


def drop_small_values(q: sp.csr_matrix, ratio: float) -> sp.csr_matrix:
    """Drop, in each row, the ``floor(nnz * ratio)`` values of smallest magnitude."""
    if ratio <= 0 or q.nnz == 0:
        return q
    counts = np.diff(q.indptr)
    row = np.repeat(np.arange(q.shape[0]), counts)
    order = np.lexsort((np.abs(q.data), row))
    rank = np.arange(q.nnz) - q.indptr[row[order]]
    keep = np.empty(q.nnz, dtype=bool)
    keep[order] = rank >= np.floor(counts * ratio).astype(np.int64)[row[order]]
    return sp.csr_matrix((q.data[keep], (row[keep], q.indices[keep])), shape=q.shape, dtype=np.float32)


def sparse_topk(scores: sp.csr_matrix, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` (descending; ties by doc id) of each row's stored entries of a sparse score matrix."""
    nq = scores.shape[0]
    dist, labels = empty_result(nq, k, True)
    row = np.repeat(np.arange(nq), np.diff(scores.indptr))
    data, cols = scores.data, scores.indices
    if allowed is not None:
        keep = allowed[cols]
        row, data, cols = row[keep], data[keep], cols[keep]
    if data.size == 0:
        return dist, labels
    order = np.lexsort((cols, -data, row))
    row_s = row[order]
    starts = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=nq))[:-1]))
    rank = np.arange(order.size) - starts[row_s]
    top = rank < k
    dist[row_s[top], rank[top]] = data[order][top]
    labels[row_s[top], rank[top]] = cols[order][top]
    return dist, labels


class SparseIndex:
    """Inverted index over the sparse rows of one segment."""

    family = FAMILY

    def __init__(self, spec: IndexSpec, ntotal: int, arrays: dict[str, np.ndarray]) -> None:
        self.spec = spec
        self.ntotal = int(ntotal)
        self._arrays = arrays
        self._terms = arrays["terms"]
        self._postings = sp.csr_matrix((arrays["post_val"], arrays["post_doc"], arrays["post_ptr"]),
                                       shape=(self._terms.size, self.ntotal), copy=False)

    def _mapped_queries(self, queries: Any, ratio: float) -> sp.csr_matrix:
        q = drop_small_values(as_csr(queries), ratio)
        pos = np.searchsorted(self._terms, q.indices)
        pos_c = np.minimum(pos, max(self._terms.size - 1, 0))
        hit = (pos < self._terms.size) & (self._terms[pos_c] == q.indices) if self._terms.size else \
            np.zeros(q.nnz, dtype=bool)
        row = np.repeat(np.arange(q.shape[0]), np.diff(q.indptr))
        return sp.csr_matrix((q.data[hit], (row[hit], pos_c[hit])), shape=(q.shape[0], self._terms.size),
                             dtype=np.float32)

    def search(self, queries: Any, k: int, params: dict[str, Any],
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        q = self._mapped_queries(queries, float(params.get("drop_ratio_search", 0.0)))
        nq = q.shape[0]
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=bool)
            if allowed.shape[0] != self.ntotal:
                raise invalid_parameter(f"allowed mask has {allowed.shape[0]} entries, index has {self.ntotal} rows")
        if nq == 0 or self.ntotal == 0 or k <= 0:
            return empty_result(nq, max(k, 0), True)
        scores = (q @ self._postings).tocsr()
        return sparse_topk(scores, k, allowed)

    def range_search(self, queries: Any, radius: float, range_filter: float | None, params: dict[str, Any],
                     allowed: np.ndarray | None = None,
                     max_results: int = 16384) -> list[tuple[np.ndarray, np.ndarray]]:
        q = as_csr(queries)
        return iterative_range_search(self, q, q.shape[0], radius, range_filter, params, allowed, max_results)

    def save(self, directory: str | os.PathLike[str]) -> None:
        path = write_meta(directory, self.spec, FAMILY, self.ntotal)
        for name in _ARRAYS:
            np.save(path / f"{name}.npy", np.asarray(self._arrays[name]))

    def memory_bytes(self) -> int:
        return int(sum(np.asarray(a).nbytes for a in self._arrays.values()))


def build_sparse(spec: IndexSpec, vectors: Any) -> SparseIndex:
    x = as_csr(vectors)
    n = x.shape[0]
    terms, inverse = np.unique(x.indices, return_inverse=True)
    big = x.nnz >= 2**31 or n >= 2**31
    idx_dtype = np.int64 if big else np.int32
    remapped = sp.csr_matrix((x.data, inverse.astype(idx_dtype), x.indptr.astype(idx_dtype)),
                             shape=(n, terms.size))
    csc = remapped.tocsc()
    csc.sort_indices()
    arrays = {"terms": terms.astype(np.int64), "post_ptr": csc.indptr.astype(idx_dtype),
              "post_doc": csc.indices.astype(idx_dtype), "post_val": csc.data.astype(np.float32)}
    return SparseIndex(spec, n, arrays)


def load_sparse(spec: IndexSpec, directory: str | os.PathLike[str]) -> SparseIndex:
    path = Path(directory)
    meta = read_meta(path)
    arrays = {name: np.load(path / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    return SparseIndex(spec, meta["ntotal"], arrays)
