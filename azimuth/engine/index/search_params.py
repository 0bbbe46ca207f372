"""Search-parameter validation: ``normalize_search_params`` maps Milvus search params to the implementation's knobs.

The result is a plain dict with implementation keys (``ef``, ``nprobe``, ``refine_k``, ``reorder_k``,
``rbq_query_bits``, ``drop_ratio_search``, ``radius``, ``range_filter``); unknown user keys are ignored.
Rules follow knowhere: HNSW ``ef`` defaults to ``max(k, 16)`` and must be >= k; IVF ``nprobe`` defaults to 8,
must lie in [1, 65536] and is clamped to the segment's nlist; SCANN ``reorder_k`` defaults to k and must be >= k.
``limit`` is the per-segment top-k (callers pass ``limit + offset``).
"""

from __future__ import annotations

from typing import Any

from azimuth.engine.index.spec import INT_MAX, IndexSpec, as_float, as_int, impl_build_params
from azimuth.errors import invalid_parameter

EF_FLOOR = 16
#: search-parameter name holding the graph beam width, per declared index type
_GRAPH_EF_KEY = {"DISKANN": "search_list", "AISAQ": "search_list", "SVS_VAMANA": "search_window_size",
                 "GPU_CAGRA": "itopk_size"}
_IVF_IMPLS = frozenset({"IVF_FLAT", "IVF_SQ8", "IVF_PQ", "IVF_RABITQ", "IVF_RABITQ_FASTSCAN", "SCANN",
                        "BIN_IVF_FLAT"})
_HNSW_IMPLS = frozenset({"HNSW", "HNSW_SQ", "HNSW_PQ", "HNSW_PRQ"})


def _graph_ef(spec: IndexSpec, p: dict[str, Any], k: int) -> int:
    key = _GRAPH_EF_KEY.get(spec.index_type, "ef")
    value = p.get(key, p.get("ef"))
    if value is None and spec.index_type == "AUTOINDEX" and "level" in p:
        level = as_int("level", p["level"], 1, 10)
        return max(k, EF_FLOOR << (level - 1))
    if value is None:
        return max(k, EF_FLOOR)
    ef = as_int(key, value, 1, INT_MAX)
    if ef < k:
        raise invalid_parameter(f"{key}({ef}) should be larger than k({k})")
    return ef


def _range_params(spec: IndexSpec, p: dict[str, Any], out: dict[str, Any]) -> None:
    if "radius" not in p:
        if p.get("range_filter") is not None:
            raise invalid_parameter("range_filter is set but radius is missing; range search needs a radius")
        return
    radius = as_float("radius", p["radius"], float("-inf"), float("inf"))
    out["radius"] = radius
    rf = p.get("range_filter")
    if rf is None:
        return
    range_filter = as_float("range_filter", rf, float("-inf"), float("inf"))
    if spec.descending and range_filter <= radius:
        raise invalid_parameter(f"range_filter({range_filter}) must be greater than radius({radius}) for "
                                f"{spec.metric_type}")
    if not spec.descending and range_filter >= radius:
        raise invalid_parameter(f"range_filter({range_filter}) must be less than radius({radius}) for "
                                f"{spec.metric_type}")
    out["range_filter"] = range_filter


def normalize_search_params(spec: IndexSpec, params: dict[str, Any] | None, limit: int) -> dict[str, Any]:
    """Validate ``params`` for a search of top-``limit`` on an index built from ``spec``; 1100 on bad values."""
    p = dict(params or {})
    nested = p.get("params")
    if isinstance(nested, dict):
        p = {**p, **nested}
    k = int(limit)
    if not 1 <= k <= 16384:
        raise invalid_parameter(f"topk [{k}] is invalid, it should be in range [1, 16384]")
    out: dict[str, Any] = {}
    impl = spec.impl
    if impl in _HNSW_IMPLS:
        out["ef"] = _graph_ef(spec, p, k)
        if impl != "HNSW":
            out["refine_k"] = as_float("refine_k", p.get("refine_k", 1.0), 1.0, float(INT_MAX))
    if impl in _IVF_IMPLS:
        nprobe = as_int("nprobe", p.get("nprobe", 8), 1, 65536)
        out["nprobe"] = min(nprobe, int(impl_build_params(spec).get("nlist", nprobe)))
    if impl in ("IVF_RABITQ", "IVF_RABITQ_FASTSCAN"):
        out["rbq_query_bits"] = as_int("rbq_query_bits", p.get("rbq_query_bits", 0), 0, 8)
        out["refine_k"] = as_float("refine_k", p.get("refine_k", 1.0), 1.0, float(INT_MAX))
    if impl == "SCANN":
        reorder_k = as_int("reorder_k", p.get("reorder_k", k), 1, INT_MAX)
        if reorder_k < k:
            raise invalid_parameter(f"reorder_k({reorder_k}) should be larger than k({k})")
        out["reorder_k"] = reorder_k
    if impl == "MINHASH_LSH" and "refine_k" in p:
        out["refine_k"] = as_int("refine_k", p["refine_k"], 1, INT_MAX)
    if impl == "SPARSE_INVERTED_INDEX":
        out["drop_ratio_search"] = as_float("drop_ratio_search", p.get("drop_ratio_search", 0.0), 0.0, 1.0,
                                            hi_open=True)
    _range_params(spec, p, out)
    return out
