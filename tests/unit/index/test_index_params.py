"""Build- and search-parameter validation of the vector index catalogue (codes 1100 / 701, defaults)."""

from __future__ import annotations

import pytest

from azimuth.engine.index import CATALOGUE, normalize_build, normalize_search_params
from azimuth.errors import MilvusException
from azimuth.types.enums import DataType

F = DataType.FLOAT_VECTOR


def _code(fn, *args) -> tuple[int, str]:
    with pytest.raises(MilvusException) as info:
        fn(*args)
    return info.value.code, info.value.message


@pytest.mark.parametrize("dtype,metric", [(F, "COSINE"), (DataType.FLOAT16_VECTOR, "COSINE"),
                                          (DataType.INT8_VECTOR, "COSINE"), (DataType.BINARY_VECTOR, "HAMMING"),
                                          (DataType.SPARSE_FLOAT_VECTOR, "IP")])
def test_default_metric_and_autoindex(dtype, metric):
    spec = normalize_build(None, None, dtype, 64, {})
    assert spec.index_type == "AUTOINDEX" and spec.metric_type == metric


def test_defaults_filled_and_canonical_case():
    spec = normalize_build("hnsw", "l2", F, 8, {})
    assert (spec.index_type, spec.metric_type) == ("HNSW", "L2")
    assert spec.params == {"M": 30, "efConstruction": 360}
    pq = normalize_build("IVF_PQ", "L2", F, 128, {"nlist": "64"})
    assert pq.params["nlist"] == 64 and pq.params["nbits"] == 8 and 128 % pq.params["m"] == 0
    sparse = normalize_build("SPARSE_WAND", None, DataType.SPARSE_FLOAT_VECTOR, 0, {})
    assert sparse.params["inverted_index_algo"] == "DAAT_WAND" and sparse.impl == "SPARSE_INVERTED_INDEX"
    assert normalize_build("BRUTE_FORCE", None, DataType.BINARY_VECTOR, 64, {}).impl == "BIN_FLAT"
    assert normalize_build("DISKANN", None, F, 8, {}).impl == "HNSW"


@pytest.mark.parametrize("index_type,params,needle", [
    ("IVF_FLAT", {"nlist": 0}, "nlist"), ("IVF_FLAT", {"nlist": 65537}, "[1, 65536]"),
    ("IVF_FLAT", {"nlist": "abc"}, "nlist"), ("HNSW", {"M": 1}, "M"), ("HNSW", {"M": 4096}, "[2, 2048]"),
    ("HNSW", {"efConstruction": 0}, "efConstruction"), ("IVF_PQ", {"m": 7}, "m: 7"),
    ("IVF_PQ", {"m": 8, "nbits": 0}, "nbits"), ("HNSW_SQ", {"sq_type": "SQ3"}, "sq_type"),
    ("HNSW_PQ", {"refine": "maybe"}, "refine"), ("IVF_RABITQ", {"refine": True, "refine_type": "X"}, "refine_type"),
])
def test_bad_build_params(index_type, params, needle):
    code, message = _code(normalize_build, index_type, "L2", F, 128, params)
    assert code == 1100 and needle in message


def test_bad_sparse_and_minhash_params():
    code, msg = _code(normalize_build, "SPARSE_INVERTED_INDEX", "IP", DataType.SPARSE_FLOAT_VECTOR, 0,
                      {"bm25_k1": 5})
    assert code == 1100 and "bm25_k1" in msg
    code, msg = _code(normalize_build, "MINHASH_LSH", "MHJACCARD", DataType.BINARY_VECTOR, 64,
                      {"mh_element_bit_width": 12})
    assert code == 1100


def test_unsupported_index_type_codes():
    assert _code(normalize_build, "NOPE", None, F, 8, {})[0] == 701
    assert _code(normalize_build, "BIN_FLAT", None, F, 8, {})[0] == 701
    assert _code(normalize_build, "HNSW", None, DataType.BINARY_VECTOR, 64, {})[0] == 701
    assert _code(normalize_build, "IVF_RABITQ", None, DataType.FLOAT16_VECTOR, 8, {})[0] == 701
    assert _code(normalize_build, "SCANN", None, DataType.INT8_VECTOR, 8, {})[0] == 701
    assert _code(normalize_build, "HNSW", "HAMMING", F, 8, {})[0] == 1100
    assert _code(normalize_build, "BIN_FLAT", "L2", DataType.BINARY_VECTOR, 64, {})[0] == 1100
    assert _code(normalize_build, "BIN_FLAT", None, DataType.BINARY_VECTOR, 60, {})[0] == 1100


def test_every_catalogue_entry_normalizes():
    kinds = {"dense": (F, 16, "L2"), "binary": (DataType.BINARY_VECTOR, 64, "HAMMING"),
             "sparse": (DataType.SPARSE_FLOAT_VECTOR, 0, "IP")}
    for name, entry in CATALOGUE.items():
        for kind in entry:
            dtype, dim, metric = kinds[kind]
            metric = "MHJACCARD" if name == "MINHASH_LSH" else metric
            assert normalize_build(name, metric, dtype, dim, {}).index_type == name


def test_search_params_hnsw_ef():
    spec = normalize_build("HNSW", "L2", F, 8, {})
    assert normalize_search_params(spec, {}, 10)["ef"] == 16
    assert normalize_search_params(spec, {}, 50)["ef"] == 50
    assert normalize_search_params(spec, {"params": {"ef": 64}}, 10)["ef"] == 64
    code, msg = _code(normalize_search_params, spec, {"ef": 5}, 10)
    assert code == 1100 and msg == "ef(5) should be larger than k(10)"
    diskann = normalize_build("DISKANN", "L2", F, 8, {})
    assert normalize_search_params(diskann, {"search_list": 40}, 10)["ef"] == 40


def test_search_params_ivf_and_others():
    spec = normalize_build("IVF_FLAT", "L2", F, 8, {"nlist": 16})
    assert normalize_search_params(spec, {}, 10)["nprobe"] == 8
    assert normalize_search_params(spec, {"nprobe": 100}, 10)["nprobe"] == 16
    assert _code(normalize_search_params, spec, {"nprobe": 0}, 10)[0] == 1100
    assert _code(normalize_search_params, spec, {}, 0)[0] == 1100
    scann = normalize_build("SCANN", "L2", F, 8, {})
    assert normalize_search_params(scann, {}, 10)["reorder_k"] == 10
    assert _code(normalize_search_params, scann, {"reorder_k": 5}, 10)[0] == 1100
    sparse = normalize_build("SPARSE_INVERTED_INDEX", "IP", DataType.SPARSE_FLOAT_VECTOR, 0, {})
    assert normalize_search_params(sparse, {"drop_ratio_search": 0.2, "junk": 1}, 10) == {"drop_ratio_search": 0.2}
    assert _code(normalize_search_params, sparse, {"drop_ratio_search": 1.0}, 10)[0] == 1100
    rabitq = normalize_build("IVF_RABITQ", "L2", F, 8, {})
    assert _code(normalize_search_params, rabitq, {"rbq_query_bits": 9}, 10)[0] == 1100


def test_search_params_range():
    l2 = normalize_build("FLAT", "L2", F, 8, {})
    assert normalize_search_params(l2, {"radius": 2.0, "range_filter": 1.0}, 10)["range_filter"] == 1.0
    assert _code(normalize_search_params, l2, {"radius": 1.0, "range_filter": 2.0}, 10)[0] == 1100
    ip = normalize_build("FLAT", "IP", F, 8, {})
    assert normalize_search_params(ip, {"radius": 0.1, "range_filter": 0.9}, 10)["radius"] == 0.1
    assert _code(normalize_search_params, ip, {"radius": 0.9, "range_filter": 0.1}, 10)[0] == 1100
