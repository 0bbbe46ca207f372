"""Every index type builds, searches, honours ``allowed``, pads, saves and loads; tiny and empty segments."""

from __future__ import annotations

import numpy as np
import pytest

from azimuth.engine.index import build_index, exact_search, load_index, normalize_build, normalize_search_params
from azimuth.engine.index.base import VectorIndex
from azimuth.errors import MilvusException
from azimuth.types.enums import DataType

from tests.unit.index._index_testdata import binary, clustered, sparse

F = DataType.FLOAT_VECTOR
SMALL = {"M": 8, "efConstruction": 40}
DENSE_TYPES = {
    "FLAT": {}, "BRUTE_FORCE": {}, "IVF_FLAT": {"nlist": 16}, "IVF_SQ8": {"nlist": 16},
    "IVF_PQ": {"nlist": 16, "m": 4, "nbits": 6}, "IVF_RABITQ": {"nlist": 16, "refine": True},
    "IVF_RABITQ_FASTSCAN": {"nlist": 16}, "SCANN": {"nlist": 16}, "HNSW": SMALL, "HNSW_SQ": {**SMALL, "refine": True},
    "HNSW_PQ": {**SMALL, "m": 4, "nbits": 6}, "HNSW_PRQ": {**SMALL, "m": 4, "nbits": 4}, "DISKANN": {},
    "AISAQ": {}, "SVS_VAMANA": {}, "GPU_CAGRA": {"graph_degree": 16, "intermediate_graph_degree": 32},
    "AUTOINDEX": {}, "GPU_IVF_FLAT": {"nlist": 16}, "GPU_IVF_PQ": {"nlist": 16, "m": 4, "nbits": 6},
    "GPU_BRUTE_FORCE": {},
}
X = clustered(1500, 16)
Q = clustered(5, 16, seed=1)


@pytest.fixture(scope="module")
def allowed() -> np.ndarray:
    return np.random.default_rng(3).random(X.shape[0]) < 0.3


@pytest.mark.parametrize("index_type", sorted(DENSE_TYPES))
def test_dense_type_roundtrip(index_type, allowed, tmp_path):
    spec = normalize_build(index_type, "L2", F, 16, DENSE_TYPES[index_type])
    index = build_index(spec, X)
    assert isinstance(index, VectorIndex) and index.ntotal == X.shape[0] and index.memory_bytes() > 0
    params = normalize_search_params(spec, {"nprobe": 16, "ef": 32}, 10)
    dist, labels = index.search(Q, 10, params)
    assert dist.shape == labels.shape == (5, 10) and dist.dtype == np.float32 and labels.dtype == np.int64
    assert (labels >= 0).all() and (np.diff(dist, axis=1) >= -1e-5).all()
    fd, fl = index.search(Q, 10, params, allowed)
    assert allowed[fl[fl >= 0]].all() and (fl >= 0).all()
    index.save(tmp_path)
    loaded = load_index(spec, tmp_path)
    ld, ll = loaded.search(Q, 10, params)
    np.testing.assert_array_equal(ll, labels)
    np.testing.assert_allclose(ld, dist, rtol=1e-5)


def test_padding_and_k_larger_than_n():
    spec = normalize_build("HNSW", "IP", F, 16, SMALL)
    index = build_index(spec, X[:7])
    dist, labels = index.search(Q, 10, normalize_search_params(spec, {}, 10))
    assert (labels[:, 7:] == -1).all() and np.isneginf(dist[:, 7:]).all()
    assert sorted(labels[0, :7]) == list(range(7))
    mask = np.zeros(7, dtype=bool)
    mask[[1, 4]] = True
    dist, labels = index.search(Q, 10, {}, mask)
    assert set(labels[0, :2]) == {1, 4} and (labels[:, 2:] == -1).all() and np.isneginf(dist[:, 2:]).all()
    dist, labels = index.search(Q, 3, {}, np.zeros(7, dtype=bool))
    assert (labels == -1).all() and np.isneginf(dist).all()


@pytest.mark.parametrize("index_type", ["IVF_PQ", "IVF_FLAT", "SCANN", "HNSW", "HNSW_PQ", "IVF_RABITQ"])
@pytest.mark.parametrize("n", [0, 1, 5, 300])
def test_tiny_segments(index_type, n, tmp_path):
    spec = normalize_build(index_type, "L2", F, 16, {"nlist": 128, **({"m": 4} if "PQ" in index_type else {})})
    index = build_index(spec, X[:n])
    dist, labels = index.search(Q, 4, normalize_search_params(spec, {}, 4))
    ref_d, ref_l = exact_search(spec, X[:n], Q, 4)
    if index_type != "HNSW" or n < 50:
        np.testing.assert_array_equal(labels, ref_l)
    index.save(tmp_path)
    assert load_index(spec, tmp_path).ntotal == n


@pytest.mark.parametrize("dtype", [DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR, DataType.INT8_VECTOR])
def test_dense_dtypes(dtype):
    if dtype == DataType.FLOAT16_VECTOR:
        data, queries = X.astype(np.float16), Q.astype(np.float16)
    elif dtype == DataType.BFLOAT16_VECTOR:
        data, queries = (X.view(np.uint32) >> 16).astype(np.uint16), (Q.view(np.uint32) >> 16).astype(np.uint16)
    else:
        data, queries = np.clip(X * 10, -127, 127).astype(np.int8), np.clip(Q * 10, -127, 127).astype(np.int8)
    spec = normalize_build("HNSW", "COSINE", dtype, 16, SMALL)
    index = build_index(spec, data)
    dist, labels = index.search(queries, 5, normalize_search_params(spec, {"ef": 64}, 5))
    ref_d, ref_l = exact_search(spec, data, queries, 5)
    assert np.mean([len(set(a) & set(b)) / 5 for a, b in zip(labels, ref_l)]) >= 0.9
    assert (dist <= 1.0001).all() and (dist >= -1.0001).all()


def test_cosine_values_are_similarities():
    spec = normalize_build("FLAT", "COSINE", F, 16, {})
    index = build_index(spec, X)
    dist, labels = index.search(X[:3] * 5.0, 1, {})
    np.testing.assert_array_equal(labels[:, 0], [0, 1, 2])
    np.testing.assert_allclose(dist[:, 0], 1.0, rtol=1e-5)


def test_dimension_mismatch():
    spec = normalize_build("FLAT", "L2", F, 16, {})
    index = build_index(spec, X)
    with pytest.raises(MilvusException):
        index.search(np.zeros((1, 8), np.float32), 1, {})


@pytest.mark.parametrize("index_type,metric", [("BIN_FLAT", "HAMMING"), ("BIN_FLAT", "JACCARD"),
                                               ("BIN_IVF_FLAT", "HAMMING"), ("BIN_IVF_FLAT", "JACCARD"),
                                               ("BRUTE_FORCE", "HAMMING"), ("AUTOINDEX", "JACCARD"),
                                               ("MINHASH_LSH", "MHJACCARD")])
def test_binary_types(index_type, metric, tmp_path):
    data, queries = binary(2000, 128), binary(4, 128, seed=9)
    spec = normalize_build(index_type, metric, DataType.BINARY_VECTOR, 128, {"nlist": 8, "mh_element_bit_width": 16})
    index = build_index(spec, data)
    params = normalize_search_params(spec, {"nprobe": 8}, 10)
    dist, labels = index.search(queries, 10, params)
    ref_d, ref_l = exact_search(spec, data, queries, 10)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-5)
    mask = np.random.default_rng(1).random(2000) < 0.1
    fd, fl = index.search(queries, 10, params, mask)
    rd, rl = exact_search(spec, data, queries, 10, mask)
    np.testing.assert_allclose(fd, rd, rtol=1e-5)
    assert mask[fl[fl >= 0]].all()
    index.save(tmp_path)
    np.testing.assert_allclose(load_index(spec, tmp_path).search(queries, 10, params)[0], dist, rtol=1e-6)


def test_jaccard_values():
    spec = normalize_build("BIN_FLAT", "JACCARD", DataType.BINARY_VECTOR, 16, {})
    data = np.array([[0b11110000, 0], [0b11000000, 0], [0, 0]], dtype=np.uint8)
    index = build_index(spec, data)
    dist, labels = index.search(np.array([[0b11110000, 0]], np.uint8), 3, {})
    np.testing.assert_array_equal(labels[0], [0, 1, 2])
    np.testing.assert_allclose(dist[0], [0.0, 0.5, 1.0])


@pytest.mark.parametrize("index_type,metric", [("SPARSE_INVERTED_INDEX", "IP"), ("SPARSE_WAND", "BM25"),
                                               ("AUTOINDEX", "IP")])
def test_sparse_types(index_type, metric, tmp_path):
    data, queries = sparse(800), sparse(6, seed=4)
    spec = normalize_build(index_type, metric, DataType.SPARSE_FLOAT_VECTOR, 0, {})
    index = build_index(spec, data)
    params = normalize_search_params(spec, {}, 10)
    dist, labels = index.search(queries, 10, params)
    ref_d, ref_l = exact_search(spec, data, queries, 10)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-5)
    mask = np.random.default_rng(2).random(800) < 0.2
    fd, fl = index.search(queries, 10, params, mask)
    np.testing.assert_allclose(fd, exact_search(spec, data, queries, 10, mask)[0], rtol=1e-5)
    assert mask[fl[fl >= 0]].all()
    index.save(tmp_path)
    np.testing.assert_array_equal(load_index(spec, tmp_path).search(queries, 10, params)[1], labels)


def test_sparse_drop_ratio_and_unknown_terms():
    import scipy.sparse as sp

    spec = normalize_build("SPARSE_INVERTED_INDEX", "IP", DataType.SPARSE_FLOAT_VECTOR, 0, {})
    data = sp.csr_matrix(np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 0, 2.0]], np.float32))
    index = build_index(spec, data)
    query = sp.csr_matrix(np.array([[0.1, 0.9, 0.5, 0, 0, 7.0]], np.float32))  # term 5 unknown to the index
    dist, labels = index.search(query, 3, {})
    assert labels[0].tolist() == [1, 0, -1] and np.isneginf(dist[0, 2])
    dist, labels = index.search(query, 3, {"drop_ratio_search": 0.5})  # drops 0.1 and 0.5
    assert labels[0].tolist() == [1, -1, -1]


def test_load_errors(tmp_path):
    spec = normalize_build("FLAT", "L2", F, 16, {})
    with pytest.raises(MilvusException):
        load_index(spec, tmp_path)
    build_index(spec, X[:10]).save(tmp_path)
    with pytest.raises(MilvusException):
        load_index(normalize_build("FLAT", "IP", F, 16, {}), tmp_path)
