"""Shared data generators for the vector index tests."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def clustered(n: int, dim: int, seed: int = 0, clusters: int = 16) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32) * 3
    return (centres[rng.integers(0, clusters, n)] + rng.standard_normal((n, dim))).astype(np.float32)


def binary(n: int, dim: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, dim // 8), dtype=np.uint8)


def sparse(n: int, vocab: int = 500, nnz: int = 8, seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), nnz)
    cols = rng.integers(0, vocab, n * nnz) * 7919  # spread ids to exercise term remapping
    vals = rng.random(n * nnz).astype(np.float32) + 0.01
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, vocab * 7919), dtype=np.float32)
