"""Exact (brute-force) search in numpy/scipy: the growing-segment search and the reference twin of every index.

Distances are computed straight from the definitions, in chunks that bound memory to ~64 MB of scores:
L2 = squared euclidean, IP = dot product, COSINE = dot product of normalised vectors, HAMMING = differing bits,
JACCARD = 1 - |a & b| / |a | b| (0 when both are empty), MHJACCARD = fraction of differing MinHash slots,
sparse IP/BM25 = dot product over documents that share at least one term with the query.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from azimuth.engine.index.base import (
    binary_as_uint8,
    dense_to_float32,
    empty_result,
    l2_normalized,
    merge_topk,
    select_topk,
)
from azimuth.engine.index.spec import DESCENDING_METRICS, IndexSpec
from azimuth.types.enums import DataType

_CHUNK_CELLS = 1 << 24


def _is_sparse(value: Any) -> bool:
    """scipy sparse matrix test without importing scipy (it is loaded only if sparse data exists)."""
    return type(value).__module__.startswith("scipy.sparse")


def _resolve(spec_or_metric: IndexSpec | str, vectors: Any) -> tuple[str, str, DataType, int, dict[str, Any]]:
    if isinstance(spec_or_metric, IndexSpec):
        s = spec_or_metric
        return s.metric_type, s.kind, s.dtype, s.dim, s.params
    metric = str(spec_or_metric).upper()
    if _is_sparse(vectors):
        return metric, "sparse", DataType.SPARSE_FLOAT_VECTOR, int(vectors.shape[1]), {}
    arr = np.asarray(vectors)
    if metric in ("HAMMING", "JACCARD", "MHJACCARD"):
        return metric, "binary", DataType.BINARY_VECTOR, int(arr.shape[1]) * 8, {}
    dtype = {np.dtype(np.float16): DataType.FLOAT16_VECTOR, np.dtype(np.uint16): DataType.BFLOAT16_VECTOR,
             np.dtype(np.int8): DataType.INT8_VECTOR}.get(arr.dtype, DataType.FLOAT_VECTOR)
    return metric, "dense", dtype, int(arr.shape[1]), {}


def exact_search(spec_or_metric: IndexSpec | str, vectors: Any, queries: Any, k: int,
                 allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` of ``queries`` against ``vectors`` with the index conventions (labels = row numbers).

    ``spec_or_metric`` is an ``IndexSpec`` or a metric name; with a bare metric, uint16 dense input is read as
    bfloat16 bits and uint8 input with HAMMING/JACCARD/MHJACCARD as packed binary vectors.
    """
    metric, kind, dtype, dim, params = _resolve(spec_or_metric, vectors)
    descending = metric in DESCENDING_METRICS
    nq = int(queries.shape[0]) if hasattr(queries, "shape") else len(queries)
    n = int(vectors.shape[0]) if hasattr(vectors, "shape") else len(vectors)
    rows = np.flatnonzero(allowed) if allowed is not None else None
    if k <= 0:
        return empty_result(nq, 0, descending)
    if nq == 0 or n == 0 or (rows is not None and rows.size == 0):
        return empty_result(nq, k, descending)
    if kind == "sparse":
        return _sparse_exact(vectors, queries, k, rows)
    if kind == "binary":
        x = binary_as_uint8(vectors, dim)
        q = binary_as_uint8(queries, dim)
        score = _minhash_scores if metric == "MHJACCARD" else binary_scores
        extra: dict[str, Any] = {"metric": metric, "width": int(params.get("mh_element_bit_width", 32))}
    else:
        x = dense_to_float32(vectors, dtype, dim)
        q = dense_to_float32(queries, dtype, dim)
        if metric == "COSINE":
            x, q = l2_normalized(x), l2_normalized(q)
        score = _dense_scores
        extra = {"metric": metric}
    if rows is not None:
        x = x[rows]
    parts = []
    per_row = nq * (x.shape[1] if metric == "MHJACCARD" else 1) + (dim if kind == "binary" else 0)
    step = max(1, _CHUNK_CELLS // per_row)
    for start in range(0, x.shape[0], step):
        block = score(q, x[start:start + step], **extra)
        d, i = select_topk(block, k, descending)
        parts.append((d, np.where(i >= 0, i + start, -1)))
    dist, labels = merge_topk(parts, k, descending)
    if rows is not None:
        labels = np.where(labels >= 0, rows[np.maximum(labels, 0)], -1)
    return dist, labels


def _dense_scores(q: np.ndarray, x: np.ndarray, metric: str) -> np.ndarray:
    ip = q @ x.T
    if metric != "L2":
        return ip
    qn = np.einsum("ij,ij->i", q, q)
    xn = np.einsum("ij,ij->i", x, x)
    return np.maximum(qn[:, None] + xn[None, :] - 2.0 * ip, 0.0)


def binary_scores(q: np.ndarray, x: np.ndarray, metric: str, width: int) -> np.ndarray:
    qb = np.unpackbits(q, axis=1).astype(np.float32)
    xb = np.unpackbits(x, axis=1).astype(np.float32)
    inter = qb @ xb.T
    qc = qb.sum(axis=1)[:, None]
    xc = xb.sum(axis=1)[None, :]
    if metric == "HAMMING":
        return qc + xc - 2.0 * inter
    union = qc + xc - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, 1.0 - inter / np.where(union > 0, union, 1.0), 0.0)
    return jac.astype(np.float32)


def minhash_view(x: np.ndarray, width: int) -> np.ndarray:
    """Packed MinHash signatures as an [n, num_hashes] array of unsigned ints of ``width`` bits."""
    dtype = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}[width]
    return np.ascontiguousarray(x).view(dtype)


def _minhash_scores(q: np.ndarray, x: np.ndarray, metric: str, width: int) -> np.ndarray:
    qs, xs = minhash_view(q, width), minhash_view(x, width)
    equal = (qs[:, None, :] == xs[None, :, :]).sum(axis=2, dtype=np.float32)
    return (1.0 - equal / qs.shape[1]).astype(np.float32)


def _sparse_exact(vectors: Any, queries: Any, k: int, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    import scipy.sparse as sp

    x = sp.csr_matrix(vectors, dtype=np.float32)
    q = sp.csr_matrix(queries, dtype=np.float32)
    width = max(x.shape[1], q.shape[1])
    x.resize((x.shape[0], width))
    q.resize((q.shape[0], width))
    if rows is not None:
        x = x[rows]
    scores = (q @ x.T).toarray()
    overlap = ((q != 0).astype(np.float32) @ (x != 0).astype(np.float32).T).toarray() > 0
    dist, labels = select_topk(scores, k, True, valid=overlap)
    if rows is not None:
        labels = np.where(labels >= 0, rows[np.maximum(labels, 0)], -1)
    return dist, labels
