"""Differential tests: every vector index against numpy brute force (``exact_search``), the reference twin.

FLAT-like indexes must match exactly (ids; distances to 1e-4 relative); approximate indexes must meet recall
floors on small clustered data, for every metric, with and without ``allowed`` masks.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from azimuth.engine.index import build_index, exact_search, normalize_build, normalize_search_params
from azimuth.types.enums import DataType

F = DataType.FLOAT_VECTOR
K = 10


def _clustered(n: int, nq: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian mixture data and queries drawn from the same mixture."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((24, dim)).astype(np.float32) * 2
    rows = (centres[rng.integers(0, 24, n + nq)] + rng.standard_normal((n + nq, dim))).astype(np.float32)
    return rows[:n], rows[n:]


X, Q = _clustered(4000, 40, 32, 0)
MASKS = {"none": None, "half": np.random.default_rng(7).random(4000) < 0.5,
         "sel10": np.random.default_rng(8).random(4000) < 0.1, "sel1": np.random.default_rng(9).random(4000) < 0.01}


def recall(labels: np.ndarray, truth: np.ndarray) -> float:
    hits = [len(set(a[a >= 0].tolist()) & set(b[b >= 0].tolist())) / max(1, int((b >= 0).sum()))
            for a, b in zip(labels, truth)]
    return float(np.mean(hits))


def _check_exact(dist, labels, ref_d, ref_l):
    # ids must match except where distances tie at the k-th boundary
    mismatch = labels != ref_l
    if mismatch.any():
        np.testing.assert_allclose(dist[mismatch], ref_d[mismatch], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("mask", sorted(MASKS))
@pytest.mark.parametrize("metric", ["L2", "IP", "COSINE"])
@pytest.mark.parametrize("index_type", ["FLAT", "BRUTE_FORCE"])
def test_flat_matches_brute_force(index_type, metric, mask):
    spec = normalize_build(index_type, metric, F, 32, {})
    index = build_index(spec, X)
    dist, labels = index.search(Q, K, normalize_search_params(spec, {}, K), MASKS[mask])
    ref_d, ref_l = exact_search(metric, X, Q, K, MASKS[mask])
    _check_exact(dist, labels, ref_d, ref_l)


FLOORS = {
    # index type: (build params, search params, recall floor)
    "IVF_FLAT": ({"nlist": 32}, {"nprobe": 32}, 0.99),
    "IVF_SQ8": ({"nlist": 32}, {"nprobe": 32}, 0.85),
    "IVF_PQ": ({"nlist": 32, "m": 16}, {"nprobe": 32}, 0.6),
    "IVF_RABITQ": ({"nlist": 32, "refine": True, "refine_type": "FP32"}, {"nprobe": 32, "refine_k": 8,
                                                                           "rbq_query_bits": 8}, 0.9),
    "SCANN": ({"nlist": 32}, {"nprobe": 32, "reorder_k": 100}, 0.9),
    "HNSW": ({"M": 16, "efConstruction": 100}, {"ef": 64}, 0.95),
    "HNSW_SQ": ({"M": 16, "efConstruction": 100}, {"ef": 64}, 0.85),
    "HNSW_PQ": ({"M": 16, "efConstruction": 100, "m": 16, "refine": True}, {"ef": 64, "refine_k": 4}, 0.75),
    "DISKANN": ({}, {"search_list": 64}, 0.95),
    "AUTOINDEX": ({}, {"ef": 64}, 0.95),
}


@pytest.fixture(scope="module")
def built():
    cache: dict = {}

    def get(index_type: str, metric: str):
        key = (index_type, metric)
        if key not in cache:
            spec = normalize_build(index_type, metric, F, 32, FLOORS[index_type][0])
            cache[key] = (spec, build_index(spec, X))
        return cache[key]

    return get


@pytest.mark.parametrize("mask", sorted(MASKS))
@pytest.mark.parametrize("metric", ["L2", "IP", "COSINE"])
@pytest.mark.parametrize("index_type", sorted(FLOORS))
def test_recall_floors(built, index_type, metric, mask):
    spec, index = built(index_type, metric)
    allowed = MASKS[mask]
    params = normalize_search_params(spec, FLOORS[index_type][1], K)
    dist, labels = index.search(Q, K, params, allowed)
    ref_d, ref_l = exact_search(spec, X, Q, K, allowed)
    if allowed is not None:
        assert allowed[labels[labels >= 0]].all()
    floor = FLOORS[index_type][2]
    if metric == "IP" and (index_type.startswith("HNSW") or index_type in ("DISKANN", "AUTOINDEX")):
        floor -= 0.1  # graph search under raw inner product is harder (no triangle inequality)
    assert recall(labels, ref_l) >= floor, (index_type, metric, mask, recall(labels, ref_l))
    if mask == "sel1" and index_type not in ("IVF_PQ", "IVF_SQ8"):
        # selective filters fall back to an exhaustive scan of the allowed rows (exact with a raw-vector store;
        # IVF_PQ / IVF_SQ8 keep only codes, so their scan is exhaustive but quantized)
        assert recall(labels, ref_l) >= 0.99


@pytest.mark.parametrize("mask", ["none", "sel10"])
@pytest.mark.parametrize("index_type,metric", [("BIN_FLAT", "HAMMING"), ("BIN_FLAT", "JACCARD"),
                                               ("BIN_IVF_FLAT", "HAMMING"), ("BIN_IVF_FLAT", "JACCARD")])
def test_binary_against_brute_force(index_type, metric, mask):
    rng = np.random.default_rng(3)
    data = rng.integers(0, 256, (3000, 16), dtype=np.uint8)
    queries = rng.integers(0, 256, (20, 16), dtype=np.uint8)
    allowed = None if mask == "none" else rng.random(3000) < 0.1
    spec = normalize_build(index_type, metric, DataType.BINARY_VECTOR, 128, {"nlist": 16})
    index = build_index(spec, data)
    dist, labels = index.search(queries, K, normalize_search_params(spec, {"nprobe": 16}, K), allowed)
    ref_d, ref_l = exact_search(metric, data, queries, K, allowed)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-5)  # nprobe == nlist: exact


def _bitwise_twin(data: np.ndarray, queries: np.ndarray, metric: str) -> np.ndarray:
    """Plain per-pair definition of HAMMING / JACCARD (independent of the matmul formulation)."""
    out = np.zeros((len(queries), len(data)), np.float32)
    for i, q in enumerate(queries):
        inter = np.unpackbits(q & data, axis=1).sum(axis=1)
        union = np.unpackbits(q | data, axis=1).sum(axis=1)
        xor = np.unpackbits(q ^ data, axis=1).sum(axis=1)
        out[i] = xor if metric == "HAMMING" else np.where(union > 0, 1 - inter / np.maximum(union, 1), 0)
    return out


@pytest.mark.parametrize("metric", ["HAMMING", "JACCARD"])
def test_binary_exact_matches_definition(metric):
    rng = np.random.default_rng(4)
    data = rng.integers(0, 256, (500, 8), dtype=np.uint8)
    queries = rng.integers(0, 256, (5, 8), dtype=np.uint8)
    dist, labels = exact_search(metric, data, queries, 5)
    full = _bitwise_twin(data, queries, metric)
    np.testing.assert_allclose(dist, np.sort(full, axis=1)[:, :5], rtol=1e-6)
    np.testing.assert_allclose(np.take_along_axis(full, labels, axis=1), dist, rtol=1e-6)


def test_dense_exact_matches_definition():
    data, queries = X[:300], Q[:4]
    for metric in ("L2", "IP", "COSINE"):
        dist, labels = exact_search(metric, data, queries, 5)
        if metric == "L2":
            full = ((queries[:, None, :].astype(np.float64) - data[None, :, :]) ** 2).sum(axis=2)
        else:
            a, b = queries.astype(np.float64), data.astype(np.float64)
            if metric == "COSINE":
                a = a / np.linalg.norm(a, axis=1, keepdims=True)
                b = b / np.linalg.norm(b, axis=1, keepdims=True)
            full = a @ b.T
        np.testing.assert_allclose(np.take_along_axis(full, labels, axis=1), dist, rtol=1e-4, atol=1e-3)
        best = np.sort(full, axis=1)[:, :5] if metric == "L2" else -np.sort(-full, axis=1)[:, :5]
        np.testing.assert_allclose(dist, best, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("mask", ["none", "sel10"])
def test_sparse_against_dense_products(mask):
    rng = np.random.default_rng(5)
    data = sp.random(2000, 300, density=0.02, format="csr", dtype=np.float32, random_state=1)
    queries = sp.random(10, 300, density=0.05, format="csr", dtype=np.float32, random_state=2)
    allowed = None if mask == "none" else rng.random(2000) < 0.1
    spec = normalize_build("SPARSE_INVERTED_INDEX", "IP", DataType.SPARSE_FLOAT_VECTOR, 0, {})
    dist, labels = build_index(spec, data).search(queries, K, {}, allowed)
    dense = queries.toarray() @ data.toarray().T
    overlap = (queries.toarray() != 0).astype(np.float32) @ (data.toarray() != 0).T.astype(np.float32) > 0
    if allowed is not None:
        overlap &= allowed[None, :]
    for row in range(10):
        cand = np.flatnonzero(overlap[row])
        best = np.sort(dense[row, cand])[::-1][:K]
        np.testing.assert_allclose(dist[row, : best.size], best, rtol=1e-5)
        assert (labels[row, best.size:] == -1).all()
