"""Index catalogue and build-parameter validation: ``normalize_build`` turns user input into a frozen ``IndexSpec``.

The catalogue mirrors Milvus 3.0 (api-surface §5.2). Every declared index type maps to one *implementation family*
(``IndexSpec.impl``); aliases such as ``BRUTE_FORCE``, ``DISKANN`` or ``AUTOINDEX`` keep their declared name in
``IndexSpec.index_type`` while ``impl_build_params`` translates their parameters to the implementation's.
Validation errors are ``MilvusException`` with code 1100 (bad value) or 701 (index type not supported).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from azimuth.errors import Code, MilvusException, invalid_parameter, server_error
from azimuth.types.enums import DataType

INT_MAX = 2**31 - 1

DENSE_TYPES = frozenset(
    {DataType.FLOAT_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR, DataType.INT8_VECTOR}
)
KIND_DENSE, KIND_BINARY, KIND_SPARSE = "dense", "binary", "sparse"

METRICS: dict[str, tuple[str, ...]] = {
    KIND_DENSE: ("L2", "IP", "COSINE"),
    KIND_BINARY: ("HAMMING", "JACCARD"),
    KIND_SPARSE: ("IP", "BM25"),
}
DEFAULT_METRIC = {KIND_DENSE: "COSINE", KIND_BINARY: "HAMMING", KIND_SPARSE: "IP"}
#: metrics where a larger value is closer (results sorted descending)
DESCENDING_METRICS = frozenset({"IP", "COSINE", "BM25"})

#: declared index type -> (vector kinds it accepts, implementation family per kind)
_GRAPH_ALIASES = ("DISKANN", "AISAQ", "SVS_VAMANA", "GPU_CAGRA")
CATALOGUE: dict[str, dict[str, str]] = {
    "FLAT": {KIND_DENSE: "FLAT"},
    "BRUTE_FORCE": {KIND_DENSE: "FLAT", KIND_BINARY: "BIN_FLAT"},
    "GPU_BRUTE_FORCE": {KIND_DENSE: "FLAT"},
    "IVF_FLAT": {KIND_DENSE: "IVF_FLAT"},
    "GPU_IVF_FLAT": {KIND_DENSE: "IVF_FLAT"},
    "IVF_SQ8": {KIND_DENSE: "IVF_SQ8"},
    "IVF_PQ": {KIND_DENSE: "IVF_PQ"},
    "GPU_IVF_PQ": {KIND_DENSE: "IVF_PQ"},
    "IVF_RABITQ": {KIND_DENSE: "IVF_RABITQ"},
    "IVF_RABITQ_FASTSCAN": {KIND_DENSE: "IVF_RABITQ_FASTSCAN"},
    "SCANN": {KIND_DENSE: "SCANN"},
    "HNSW": {KIND_DENSE: "HNSW"},
    "HNSW_SQ": {KIND_DENSE: "HNSW_SQ"},
    "HNSW_PQ": {KIND_DENSE: "HNSW_PQ"},
    "HNSW_PRQ": {KIND_DENSE: "HNSW_PRQ"},
    **{name: {KIND_DENSE: "HNSW"} for name in _GRAPH_ALIASES},
    "AUTOINDEX": {KIND_DENSE: "HNSW", KIND_BINARY: "BIN_FLAT", KIND_SPARSE: "SPARSE_INVERTED_INDEX"},
    "BIN_FLAT": {KIND_BINARY: "BIN_FLAT"},
    "BIN_IVF_FLAT": {KIND_BINARY: "BIN_IVF_FLAT"},
    "MINHASH_LSH": {KIND_BINARY: "MINHASH_LSH"},
    "SPARSE_INVERTED_INDEX": {KIND_SPARSE: "SPARSE_INVERTED_INDEX"},
    "SPARSE_WAND": {KIND_SPARSE: "SPARSE_INVERTED_INDEX"},
}
#: index types limited to FLOAT_VECTOR among the dense types
_FLOAT32_ONLY = frozenset({"IVF_RABITQ", "IVF_RABITQ_FASTSCAN"})
#: index types INT8_VECTOR accepts (Milvus: exact search and the HNSW family)
_INT8_OK = frozenset({"FLAT", "BRUTE_FORCE", "AUTOINDEX", "HNSW", "HNSW_SQ", "HNSW_PQ", "HNSW_PRQ", "IVF_FLAT",
                      "IVF_SQ8", "IVF_PQ"})

#: Milvus AUTOINDEX defaults for dense vectors (milvus.yaml autoIndex.params.build)
AUTOINDEX_HNSW = {"M": 18, "efConstruction": 240}
#: segments with fewer rows than this are not trained (IVF/PQ/SQ/RaBitQ): they use exact FLAT search, like Milvus,
#: which does not build indexes for segments below ``minSegmentNumRowsToEnableIndex`` (1024) rows
MIN_ROWS_TO_TRAIN = 1024

SQ_TYPES = ("SQ6", "SQ8", "BF16", "FP16", "SQ4U")
REFINE_TYPES = ("SQ6", "SQ8", "FP16", "BF16", "FP32")
SPARSE_ALGOS = ("DAAT_MAXSCORE", "DAAT_WAND", "TAAT_NAIVE")


def vector_kind(dtype: DataType) -> str:
    """``dense``, ``binary`` or ``sparse`` for a vector data type; 1100 for anything else."""
    if dtype in DENSE_TYPES:
        return KIND_DENSE
    if dtype == DataType.BINARY_VECTOR:
        return KIND_BINARY
    if dtype == DataType.SPARSE_FLOAT_VECTOR:
        return KIND_SPARSE
    raise invalid_parameter(f"data type {DataType(dtype).name} is not a vector type; it cannot carry a vector index")


@dataclass(frozen=True)
class IndexSpec:
    """A validated index definition: declared type, metric, build params with defaults, vector type and dim."""

    index_type: str
    metric_type: str
    params: dict[str, Any] = field(hash=False)
    dtype: DataType
    dim: int

    @property
    def kind(self) -> str:
        return vector_kind(self.dtype)

    @property
    def impl(self) -> str:
        """The implementation family (e.g. ``HNSW`` for ``DISKANN``)."""
        return CATALOGUE[self.index_type][self.kind]

    @property
    def descending(self) -> bool:
        """True when larger distances are better (IP, COSINE, BM25)."""
        return self.metric_type in DESCENDING_METRICS

    def to_json(self) -> dict[str, Any]:
        return {"index_type": self.index_type, "metric_type": self.metric_type, "params": self.params,
                "dtype": int(self.dtype), "dim": int(self.dim)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndexSpec:
        return cls(data["index_type"], data["metric_type"], dict(data["params"]), DataType(data["dtype"]),
                   int(data["dim"]))

    def __hash__(self) -> int:
        return hash((self.index_type, self.metric_type, self.dtype, self.dim,
                     json.dumps(self.params, sort_keys=True, default=str)))


# ---------------------------------------------------------------------------------------------- value coercion


def _bad(name: str, value: Any, expect: str) -> MilvusException:
    return invalid_parameter(f"invalid index param '{name}' ({value!r}): {expect}")


def as_int(name: str, value: Any, lo: int, hi: int) -> int:
    """An integer param (ints, integral floats and numeric strings accepted) checked against [lo, hi]."""
    if isinstance(value, bool):
        raise _bad(name, value, "should be an integer")
    try:
        if isinstance(value, str):
            value_f = float(value.strip())
        else:
            value_f = float(value)
    except (TypeError, ValueError):
        raise _bad(name, value, "should be an integer") from None
    if not value_f.is_integer():
        raise _bad(name, value, "should be an integer")
    out = int(value_f)
    if not lo <= out <= hi:
        raise invalid_parameter(f"param '{name}' ({value}) should be in range [{lo}, {hi}]")
    return out


def as_float(name: str, value: Any, lo: float, hi: float, *, hi_open: bool = False, lo_open: bool = False) -> float:
    """A float param checked against a closed or half-open range."""
    if isinstance(value, bool):
        raise _bad(name, value, "should be a number")
    try:
        out = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _bad(name, value, "should be a number") from None
    if out != out or (out < lo or (lo_open and out == lo)) or (out > hi or (hi_open and out == hi)):
        left, right = "(" if lo_open else "[", ")" if hi_open else "]"
        raise invalid_parameter(f"param '{name}' ({value}) should be in range {left}{lo}, {hi}{right}")
    return out


def as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _bad(name, value, "should be a boolean (true or false)")


def as_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).strip().upper()
    if text not in choices:
        raise invalid_parameter(f"param '{name}' ({value}) should be one of {list(choices)}")
    return text


# ------------------------------------------------------------------------------------------- build validation


def _default_pq_m(dim: int) -> int:
    """Default PQ sub-quantizer count: the largest divisor of dim not above dim/4 (sub-vectors of >= 4 dims)."""
    best = 1
    for m in range(1, max(1, dim // 4) + 1):
        if dim % m == 0:
            best = m
    return best


def _pq_params(p: dict[str, Any], out: dict[str, Any], dim: int) -> None:
    m = as_int("m", p["m"], 1, 65536) if "m" in p else _default_pq_m(dim)
    if dim % m:
        raise invalid_parameter(
            f"The dimension of the vector (dim) should be a multiple of the number of subquantizers (m). "
            f"Dimension: {dim}, m: {m}")
    out["m"] = m
    out["nbits"] = as_int("nbits", p.get("nbits", 8), 1, 64)


def _refine_params(p: dict[str, Any], out: dict[str, Any], default_type: str) -> None:
    out["refine"] = as_bool("refine", p.get("refine", False))
    if "refine_type" in p or out["refine"]:
        out["refine_type"] = as_choice("refine_type", p.get("refine_type", default_type), REFINE_TYPES)


def _hnsw_params(p: dict[str, Any], out: dict[str, Any]) -> None:
    out["M"] = as_int("M", p.get("M", 30), 2, 2048)
    out["efConstruction"] = as_int("efConstruction", p.get("efConstruction", 360), 1, INT_MAX)


def _impl_params(index_type: str, impl: str, p: dict[str, Any], dim: int) -> dict[str, Any]:
    """Validated build params with defaults for one declared index type."""
    out: dict[str, Any] = {}
    if index_type == "AUTOINDEX":
        return out
    if index_type in ("DISKANN", "AISAQ"):
        out["max_degree"] = as_int("max_degree", p.get("max_degree", 56), 1, 2048)
        out["search_list_size"] = as_int("search_list_size", p.get("search_list_size", 100), 1, INT_MAX)
        for key in ("pq_code_budget_gb_ratio", "search_cache_budget_gb_ratio"):
            if key in p:
                out[key] = as_float(key, p[key], 0.0, float("inf"))
        return out
    if index_type == "SVS_VAMANA":
        out["graph_max_degree"] = as_int("graph_max_degree", p.get("graph_max_degree", 32), 2, 4096)
        out["construction_window_size"] = as_int(
            "construction_window_size", p.get("construction_window_size", 200), 1, INT_MAX)
        return out
    if index_type == "GPU_CAGRA":
        out["intermediate_graph_degree"] = as_int(
            "intermediate_graph_degree", p.get("intermediate_graph_degree", 128), 1, 4096)
        out["graph_degree"] = as_int("graph_degree", p.get("graph_degree", 64), 1, 4096)
        if out["graph_degree"] > out["intermediate_graph_degree"]:
            raise invalid_parameter("param 'graph_degree' should not be larger than 'intermediate_graph_degree'")
        out["build_algo"] = as_choice("build_algo", p.get("build_algo", "IVF_PQ"), ("IVF_PQ", "NN_DESCENT"))
        return out
    if impl in ("IVF_FLAT", "IVF_SQ8", "IVF_PQ", "IVF_RABITQ", "IVF_RABITQ_FASTSCAN", "SCANN", "BIN_IVF_FLAT"):
        out["nlist"] = as_int("nlist", p.get("nlist", 128), 1, 65536)
    if impl == "IVF_PQ":
        _pq_params(p, out, dim)
    elif impl in ("IVF_RABITQ", "IVF_RABITQ_FASTSCAN"):
        _refine_params(p, out, "SQ8")
    elif impl == "SCANN":
        out["with_raw_data"] = as_bool("with_raw_data", p.get("with_raw_data", True))
    elif impl == "HNSW":
        _hnsw_params(p, out)
    elif impl == "HNSW_SQ":
        _hnsw_params(p, out)
        out["sq_type"] = as_choice("sq_type", p.get("sq_type", "SQ8"), SQ_TYPES)
        _refine_params(p, out, "FP32")
    elif impl in ("HNSW_PQ", "HNSW_PRQ"):
        _hnsw_params(p, out)
        _pq_params(p, out, dim)
        if impl == "HNSW_PRQ":
            out["nrq"] = as_int("nrq", p.get("nrq", 2), 1, 16)
        _refine_params(p, out, "FP32")
    elif impl == "MINHASH_LSH":
        width = as_int("mh_element_bit_width", p.get("mh_element_bit_width", 32), 8, 64)
        if width not in (8, 16, 32, 64):
            raise invalid_parameter(f"param 'mh_element_bit_width' ({width}) should be one of [8, 16, 32, 64]")
        if dim % width:
            raise invalid_parameter(f"the dim ({dim}) of a MINHASH_LSH field should be a multiple of "
                                    f"mh_element_bit_width ({width})")
        out["mh_element_bit_width"] = width
        out["mh_lsh_band"] = as_int("mh_lsh_band", p.get("mh_lsh_band", 1), 1, max(1, dim // width))
        out["with_raw_data"] = as_bool("with_raw_data", p.get("with_raw_data", True))
        if "mh_lsh_bloom_false_positive_prob" in p:
            out["mh_lsh_bloom_false_positive_prob"] = as_float(
                "mh_lsh_bloom_false_positive_prob", p["mh_lsh_bloom_false_positive_prob"], 0.0, 1.0,
                lo_open=True, hi_open=True)
    elif impl == "SPARSE_INVERTED_INDEX":
        algo = "DAAT_WAND" if index_type == "SPARSE_WAND" else "DAAT_MAXSCORE"
        out["inverted_index_algo"] = as_choice("inverted_index_algo", p.get("inverted_index_algo", algo),
                                               SPARSE_ALGOS)
        out["bm25_k1"] = as_float("bm25_k1", p.get("bm25_k1", 1.2), 0.0, 3.0)
        out["bm25_b"] = as_float("bm25_b", p.get("bm25_b", 0.75), 0.0, 1.0)
        if "drop_ratio_build" in p:
            out["drop_ratio_build"] = as_float("drop_ratio_build", p["drop_ratio_build"], 0.0, 1.0, hi_open=True)
    return out


_RESERVED_KEYS = frozenset({"index_type", "metric_type", "params"})


def normalize_build(index_type: str | None, metric_type: str | None, dtype: DataType, dim: int,
                    params: dict[str, Any] | None) -> IndexSpec:
    """Validate an index definition against the catalogue and return its ``IndexSpec``.

    Unknown params are kept verbatim (Milvus ignores them); known ones are type-checked, range-checked and
    defaulted. A missing index type means ``AUTOINDEX``; a missing metric takes the vector type's default.
    """
    dtype = DataType(dtype)
    kind = vector_kind(dtype)
    name = (index_type or "AUTOINDEX").strip().upper()
    entry = CATALOGUE.get(name)
    if entry is None:
        raise server_error(Code.INDEX_NOT_SUPPORTED, f"invalid index type: {index_type}")
    supported = sorted(t for t, kinds in CATALOGUE.items() if kind in kinds and _dtype_ok(t, dtype))
    if kind not in entry or not _dtype_ok(name, dtype):
        raise server_error(Code.INDEX_NOT_SUPPORTED,
                           f"index type {name} is not supported for {dtype.name} fields; supported: {supported}")
    metric = (metric_type or DEFAULT_METRIC[kind]).strip().upper()
    allowed_metrics = ("MHJACCARD",) if entry[kind] == "MINHASH_LSH" else METRICS[kind]
    if metric not in allowed_metrics:
        raise invalid_parameter(f"metric type {metric_type} not found or not supported for index {name} on "
                                f"{dtype.name}, supported: {list(allowed_metrics)}")
    dim = int(dim)
    if kind == KIND_DENSE and not 1 <= dim <= 32768:
        raise invalid_parameter(f"invalid dimension: {dim}. should be in range [1, 32768]")
    if kind == KIND_BINARY and (dim <= 0 or dim % 8):
        raise invalid_parameter(f"invalid dimension: {dim}. binary vector dimension should be a positive "
                                f"multiple of 8")
    raw = {k: v for k, v in (params or {}).items() if k not in _RESERVED_KEYS}
    nested = (params or {}).get("params")
    if isinstance(nested, str) and nested.strip():
        nested = json.loads(nested)
    if isinstance(nested, dict):
        raw = {**nested, **raw}
    out = dict(raw)
    out.update(_impl_params(name, entry[kind], raw, dim))
    return IndexSpec(name, metric, out, dtype, dim)


def _dtype_ok(name: str, dtype: DataType) -> bool:
    if dtype == DataType.INT8_VECTOR:
        return name in _INT8_OK
    if name in _FLOAT32_ONLY:
        return dtype == DataType.FLOAT_VECTOR
    return True


def impl_build_params(spec: IndexSpec) -> dict[str, Any]:
    """Build params for the implementation family (aliases translated: DISKANN ``max_degree`` -> HNSW ``M``...)."""
    p = spec.params
    name = spec.index_type
    if name == "AUTOINDEX" and spec.kind == KIND_DENSE:
        return dict(AUTOINDEX_HNSW)
    if name in ("DISKANN", "AISAQ"):
        return {"M": max(2, p["max_degree"] // 2), "efConstruction": p["search_list_size"]}
    if name == "SVS_VAMANA":
        return {"M": max(2, p["graph_max_degree"] // 2), "efConstruction": p["construction_window_size"]}
    if name == "GPU_CAGRA":
        return {"M": max(2, p["graph_degree"] // 2), "efConstruction": p["intermediate_graph_degree"]}
    return p
