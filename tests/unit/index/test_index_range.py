"""Range search follows Milvus semantics per metric and matches a brute-force filter of all distances."""

from __future__ import annotations

import numpy as np
import pytest
from tests.unit.index._index_testdata import binary, clustered, sparse

from azimuth.engine.index import build_index, exact_search, normalize_build, normalize_search_params
from azimuth.types.enums import DataType

CASES = [
    ("FLAT", "L2", DataType.FLOAT_VECTOR), ("FLAT", "IP", DataType.FLOAT_VECTOR),
    ("FLAT", "COSINE", DataType.FLOAT_VECTOR), ("IVF_FLAT", "L2", DataType.FLOAT_VECTOR),
    ("BIN_FLAT", "HAMMING", DataType.BINARY_VECTOR), ("BIN_FLAT", "JACCARD", DataType.BINARY_VECTOR),
    ("SPARSE_INVERTED_INDEX", "IP", DataType.SPARSE_FLOAT_VECTOR),
]


def _data(dtype):
    if dtype == DataType.BINARY_VECTOR:
        return binary(1200, 64), binary(3, 64, seed=5), 64
    if dtype == DataType.SPARSE_FLOAT_VECTOR:
        return sparse(1200, vocab=60), sparse(3, vocab=60, seed=5), 0
    return clustered(1200, 8), clustered(3, 8, seed=5), 8


@pytest.mark.parametrize("index_type,metric,dtype", CASES)
def test_range_semantics(index_type, metric, dtype):
    data, queries, dim = _data(dtype)
    spec = normalize_build(index_type, metric, dtype, dim, {"nlist": 4})
    index = build_index(spec, data)
    all_d, all_l = exact_search(spec, data, queries, data.shape[0])
    valid = all_l >= 0
    lo, hi = np.quantile(all_d[valid], [0.2, 0.6]) if spec.descending else np.quantile(all_d[valid], [0.05, 0.4])
    lo, hi = float(lo), float(hi)
    radius, range_filter = (lo, hi) if spec.descending else (hi, lo)
    params = normalize_search_params(spec, {"nprobe": 4, "radius": radius, "range_filter": range_filter}, 10)
    results = index.range_search(queries, radius, range_filter, params)
    assert len(results) == 3
    for row, (dist, labels) in enumerate(results):
        d, lab = all_d[row][valid[row]], all_l[row][valid[row]]
        keep = (d > radius) & (d <= range_filter) if spec.descending else (d < radius) & (d >= range_filter)
        assert set(labels.tolist()) == set(lab[keep].tolist())
        step = np.diff(dist)
        assert ((step <= 1e-6) if spec.descending else (step >= -1e-6)).all()
    mask = np.zeros(data.shape[0], dtype=bool)
    mask[::3] = True
    for dist, labels in index.range_search(queries, radius, range_filter, params, mask, max_results=5):
        assert mask[labels].all() and labels.size <= 5


def test_range_without_filter_and_boundaries():
    spec = normalize_build("FLAT", "L2", DataType.FLOAT_VECTOR, 1, {})
    data = np.arange(10, dtype=np.float32).reshape(-1, 1)
    index = build_index(spec, data)
    dist, labels = index.range_search(np.zeros((1, 1), np.float32), 9.0, None, {})[0]
    assert labels.tolist() == [0, 1, 2]  # squared distances 0, 1, 4 are < 9; 9 is excluded
    dist, labels = index.range_search(np.zeros((1, 1), np.float32), 9.0, 1.0, {})[0]
    assert labels.tolist() == [1, 2]  # range_filter is inclusive
    ip = build_index(normalize_build("FLAT", "IP", DataType.FLOAT_VECTOR, 1, {}), data)
    dist, labels = ip.range_search(np.ones((1, 1), np.float32), 6.0, 8.0, {})[0]
    assert labels.tolist() == [8, 7]  # 6 < d <= 8, best first
