"""Dispatch from an ``IndexSpec`` to its index family: ``build_index`` and ``load_index``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from azimuth.engine.index.base import VectorIndex, read_meta
from azimuth.engine.index.binary import FAMILY as BINARY_FAMILY
from azimuth.engine.index.binary import build_binary, load_binary
from azimuth.engine.index.dense import FAMILY as DENSE_FAMILY
from azimuth.engine.index.dense import build_dense, load_dense
from azimuth.engine.index.spec import KIND_BINARY, KIND_DENSE, IndexSpec
from azimuth.errors import Code, StorageError

SPARSE_FAMILY = "sparse"  # its module needs scipy: imported only when a sparse index is built or loaded


def build_sparse(spec: IndexSpec, vectors: Any) -> VectorIndex:
    from azimuth.engine.index.sparse import build_sparse as build

    return build(spec, vectors)


def load_sparse(spec: IndexSpec, directory: str | os.PathLike[str]) -> VectorIndex:
    from azimuth.engine.index.sparse import load_sparse as load

    return load(spec, directory)


_BUILDERS = {KIND_DENSE: build_dense, KIND_BINARY: build_binary}
_LOADERS = {DENSE_FAMILY: load_dense, BINARY_FAMILY: load_binary, SPARSE_FAMILY: load_sparse}


def build_index(spec: IndexSpec, vectors: Any) -> VectorIndex:
    """Build the index ``spec`` describes over the rows of one segment (row i gets label i)."""
    return _BUILDERS.get(spec.kind, build_sparse)(spec, vectors)


def load_index(spec: IndexSpec, directory: str | os.PathLike[str]) -> VectorIndex:
    """Open an index saved by ``VectorIndex.save`` (memory-mapped where possible; never rebuilds)."""
    meta = read_meta(directory)
    loader = _LOADERS.get(meta.get("family", ""))
    if loader is None:
        raise StorageError(Code.STORAGE_CORRUPTED, f"unknown index family {meta.get('family')!r} in "
                                                   f"{Path(directory)}")
    if meta["spec"]["index_type"] != spec.index_type or meta["spec"]["metric_type"] != spec.metric_type:
        raise StorageError(Code.STORAGE_CORRUPTED,
                           f"index in {Path(directory)} is {meta['spec']['index_type']}/"
                           f"{meta['spec']['metric_type']}, expected {spec.index_type}/{spec.metric_type}")
    try:
        return loader(spec, directory)
    except (OSError, RuntimeError, ValueError) as exc:
        raise StorageError(Code.STORAGE_CORRUPTED, f"cannot load index from {Path(directory)}: {exc}") from exc
