"""Per-segment vector index library: catalogue validation, build, search, range search, save/load.

Public API: ``normalize_build`` -> ``IndexSpec``; ``build_index(spec, vectors)`` / ``load_index(spec, dir)`` ->
``VectorIndex``; ``normalize_search_params(spec, params, limit)``; ``exact_search`` (numpy brute force, the
growing-segment search and the reference twin). Distances are in Milvus units (see ``base``).

Index type -> implementation (full table with parameters in CATALOGUE.md):

=====================================  ==============================================================
FLAT, BRUTE_FORCE, GPU_BRUTE_FORCE     faiss IndexFlat (exact)
IVF_FLAT, GPU_IVF_FLAT                 faiss IndexIVFFlat
IVF_SQ8                                faiss IndexIVFScalarQuantizer (SQ8)
IVF_PQ, GPU_IVF_PQ                     faiss IndexIVFPQ (m x nbits)
IVF_RABITQ / IVF_RABITQ_FASTSCAN       faiss IndexIVFRaBitQ / IndexIVFRaBitQFastScan (+ IndexRefine)
SCANN                                  faiss IndexIVFPQFastScan (4-bit PQ, dim/2 sub-vectors) + IndexRefineFlat
HNSW                                   faiss IndexHNSWFlat
HNSW_SQ / HNSW_PQ / HNSW_PRQ           faiss IndexHNSWSQ / IndexHNSWPQ / IndexHNSW over a PRQ store (+ IndexRefine)
DISKANN, AISAQ, SVS_VAMANA, GPU_CAGRA  faiss IndexHNSWFlat (graph degree / 2 -> M, build list -> efConstruction)
AUTOINDEX                              dense: HNSW M=18 efConstruction=240; binary: BIN_FLAT; sparse: inverted
BIN_FLAT / BIN_IVF_FLAT                faiss IndexBinaryFlat / IndexBinaryIVF (HAMMING); JACCARD exact in numpy
MINHASH_LSH                            exact MHJACCARD brute force in numpy
SPARSE_INVERTED_INDEX, SPARSE_WAND     own inverted index on numpy/scipy
=====================================  ==============================================================
"""

from __future__ import annotations

from azimuth.engine.index.base import VectorIndex
from azimuth.engine.index.exact import exact_search
from azimuth.engine.index.registry import build_index, load_index
from azimuth.engine.index.search_params import normalize_search_params
from azimuth.engine.index.spec import CATALOGUE, IndexSpec, normalize_build

__all__ = ["CATALOGUE", "IndexSpec", "VectorIndex", "build_index", "exact_search", "load_index",
           "normalize_build", "normalize_search_params"]
