"""Construction of faiss indexes for dense vectors: one builder per implementation family, with tiny-n fallbacks.

Fallbacks (documented in CATALOGUE.md): an empty segment, or a segment with fewer than ``MIN_ROWS_TO_TRAIN`` rows
for a trained family (IVF*, *PQ*, *SQ*, RaBitQ, SCANN), or fewer rows than PQ centroids (2**nbits), gets an exact
``IndexFlat``; IVF ``nlist`` is capped at ``n // 39`` (faiss's minimum of 39 training points per centroid);
PQ ``nbits`` is capped at 16. HNSW never falls back (except for n == 0).
"""

from __future__ import annotations

from typing import Any

import faiss
import numpy as np

from azimuth.engine.index.spec import MIN_ROWS_TO_TRAIN, IndexSpec, impl_build_params

MAX_PQ_NBITS = 16
MAX_TRAIN_ROWS = 131072

_SQ_QTYPES = {"SQ6": "QT_6bit", "SQ8": "QT_8bit", "FP16": "QT_fp16", "BF16": "QT_bf16", "SQ4U": "QT_4bit_uniform"}
_TRAINED = frozenset({"IVF_FLAT", "IVF_SQ8", "IVF_PQ", "IVF_RABITQ", "IVF_RABITQ_FASTSCAN", "SCANN", "HNSW_SQ",
                      "HNSW_PQ", "HNSW_PRQ"})


def faiss_metric(spec: IndexSpec) -> int:
    return faiss.METRIC_L2 if spec.metric_type == "L2" else faiss.METRIC_INNER_PRODUCT


def _qtype(name: str) -> int:
    return int(getattr(faiss.ScalarQuantizer, _SQ_QTYPES[name]))


def _refine_index(refine_type: str, d: int, metric: int) -> faiss.Index:
    if refine_type == "FP32":
        return faiss.IndexFlat(d, metric)
    return faiss.IndexScalarQuantizer(d, _qtype(refine_type), metric)


def _wrap_refine(base: faiss.Index, refine_type: str, d: int, metric: int) -> faiss.Index:
    ref = _refine_index(refine_type, d, metric)
    out = faiss.IndexRefine(base, ref)
    out.own_fields = True
    out.own_refine_index = True
    base.this.disown()
    ref.this.disown()
    return out


def _sample(x: np.ndarray, limit: int) -> np.ndarray:
    if x.shape[0] <= limit:
        return x
    rows = np.random.default_rng(1234).choice(x.shape[0], size=limit, replace=False)
    rows.sort()
    return np.ascontiguousarray(x[rows])


def plan(spec: IndexSpec, n: int) -> dict[str, Any]:
    """The concrete structure to build for ``n`` rows: family plus effective parameters."""
    impl = spec.impl
    p = dict(impl_build_params(spec))
    structure = impl
    if n == 0 or (impl in _TRAINED and n < MIN_ROWS_TO_TRAIN):
        structure = "FLAT"
    if "nbits" in p:
        p["nbits"] = min(int(p["nbits"]), MAX_PQ_NBITS)
        if n < 2 ** p["nbits"]:
            structure = "FLAT"
    if "nlist" in p:
        p["nlist"] = max(1, min(int(p["nlist"]), n // 39))
    if structure == "SCANN":
        p["pq_m"] = spec.dim // 2 if spec.dim % 2 == 0 else spec.dim
    return {"structure": structure, "params": p}


def build_faiss(spec: IndexSpec, x: np.ndarray, layout: dict[str, Any]) -> faiss.Index:
    """Create, train and fill the faiss index described by ``layout`` (see ``plan``) with float32 rows ``x``."""
    d = spec.dim
    metric = faiss_metric(spec)
    structure, p = layout["structure"], layout["params"]
    train = _sample(x, MAX_TRAIN_ROWS)
    refine_type = p.get("refine_type") if p.get("refine") else None
    if structure == "FLAT":
        index = faiss.IndexFlat(d, metric)
        refine_type = None
    elif structure == "HNSW":
        index = faiss.IndexHNSWFlat(d, int(p["M"]), metric)
    elif structure == "HNSW_SQ":
        index = faiss.IndexHNSWSQ(d, _qtype(p["sq_type"]), int(p["M"]), metric)
    elif structure == "HNSW_PQ":
        index = faiss.IndexHNSWPQ(d, int(p["m"]), int(p["M"]), int(p["nbits"]), metric)
    elif structure == "HNSW_PRQ":
        storage = faiss.index_factory(d, f"PRQ{p['m']}x{p['nrq']}x{p['nbits']}", metric)
        for split in range(storage.prq.nsplits):  # plain k-means per step: ~10x faster training than the default
            rq = faiss.downcast_Quantizer(storage.prq.subquantizer(split))
            rq.train_type = 0
            rq.cp.niter = 10
        storage.train(_sample(train, 32768))
        index = faiss.IndexHNSW(storage, int(p["M"]))
        index.own_fields = True
        storage.this.disown()
    else:
        nlist = int(p["nlist"])
        code = {"IVF_FLAT": "Flat", "IVF_SQ8": "SQ8", "IVF_RABITQ": "RaBitQ", "IVF_RABITQ_FASTSCAN": "RaBitQfs",
                "IVF_PQ": f"PQ{p.get('m')}x{p.get('nbits')}", "SCANN": f"PQ{p.get('pq_m')}x4fs"}[structure]
        index = faiss.index_factory(d, f"IVF{nlist},{code}", metric)
        if structure == "IVF_PQ":
            faiss.downcast_index(index).do_polysemous_training = False
        if structure == "SCANN" and p.get("with_raw_data", True):
            refine_type = "FP32"
    if structure.startswith("HNSW"):
        faiss.downcast_index(index).hnsw.efConstruction = int(p["efConstruction"])
    if refine_type:
        index = _wrap_refine(index, refine_type, d, metric)
    if not index.is_trained:
        index.train(train)
    if x.shape[0]:
        index.add(x)
    return index


def read_faiss(path: str) -> faiss.Index:
    """Read an index file memory-mapped where faiss allows it (flat codes and inverted lists), never rebuilding."""
    flags = (faiss.IO_FLAG_MMAP_IFC, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY, 0)
    last: Exception | None = None
    for flag in flags:
        try:
            return faiss.read_index(path, flag)
        except RuntimeError as exc:
            last = exc
    raise RuntimeError(f"cannot read faiss index {path}: {last}")


def faiss_bytes(index: faiss.Index) -> int:
    """Approximate resident size of a faiss index (codes, graph links, centroids)."""
    idx = faiss.downcast_index(index)
    if isinstance(idx, faiss.IndexRefine):
        return faiss_bytes(idx.base_index) + faiss_bytes(idx.refine_index)
    if isinstance(idx, faiss.IndexHNSW):
        links = int(idx.hnsw.neighbors.size()) * 4 + int(idx.hnsw.offsets.size()) * 8
        return faiss_bytes(idx.storage) + links + int(idx.hnsw.levels.size()) * 4
    if isinstance(idx, faiss.IndexIVF):
        return int(idx.ntotal) * (int(idx.code_size) + 8) + int(idx.nlist) * idx.d * 4
    if isinstance(idx, faiss.IndexFlatCodes):
        return int(idx.ntotal) * int(idx.code_size)
    return int(idx.ntotal) * idx.d * 4


def exact_store(index: faiss.Index) -> faiss.Index | None:
    """The flat-codes index holding every row in insertion order (refine store, HNSW storage, or the flat index)."""
    idx = faiss.downcast_index(index)
    if isinstance(idx, faiss.IndexRefine):
        return faiss.downcast_index(idx.refine_index)
    if isinstance(idx, faiss.IndexHNSW):
        return faiss.downcast_index(idx.storage)
    if isinstance(idx, faiss.IndexFlatCodes):
        return idx
    return None


def base_of(index: faiss.Index) -> faiss.Index:
    idx = faiss.downcast_index(index)
    if isinstance(idx, faiss.IndexRefine):
        return faiss.downcast_index(idx.base_index)
    return idx
