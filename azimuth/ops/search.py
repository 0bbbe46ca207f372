"""Ops for vector search: single-vector search (plain, filtered, range, grouping, by primary keys) and hybrid
search; results are columnar per query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.ops.base import CollectionOp


@dataclass(frozen=True)
class Search(CollectionOp):
    """``data`` holds the query vectors as the client received them (list of vectors, 2-D array, bytes, sparse
    dicts...); ``ids`` searches with the stored vectors of these keys instead. ``search_params`` is the
    Milvus dict (``metric_type``, ``params``, ``radius``, ``range_filter``, ...), already merged."""

    name = "Search"
    anns_field: str = ""
    data: Any = None
    ids: tuple[Any, ...] | None = None
    filter: str = ""
    filter_params: dict[str, Any] = field(default_factory=dict)
    limit: int = 10
    offset: int = 0
    output_fields: tuple[str, ...] = ()
    partition_names: tuple[str, ...] = ()
    search_params: dict[str, Any] = field(default_factory=dict)
    group_by_field: str = ""
    group_size: int = 1
    strict_group_size: bool = False
    round_decimal: int = -1
    consistency_level: int | None = None
    snapshot_ts: int = 0
    ranker: dict[str, Any] = field(default_factory=dict)
    iterator: bool = False


@dataclass(frozen=True)
class AnnRequest:
    """One route of a hybrid search (the op-level twin of ``AnnSearchRequest``)."""

    anns_field: str
    data: Any
    search_params: dict[str, Any]
    limit: int
    filter: str = ""
    filter_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HybridSearch(CollectionOp):
    name = "HybridSearch"
    requests: tuple[AnnRequest, ...] = ()
    ranker: dict[str, Any] = field(default_factory=dict)  # {"strategy": "rrf"|"weighted"|..., "params": {...}}
    limit: int = 10
    offset: int = 0
    output_fields: tuple[str, ...] = ()
    partition_names: tuple[str, ...] = ()
    group_by_field: str = ""
    group_size: int = 1
    strict_group_size: bool = False
    round_decimal: int = -1
    consistency_level: int | None = None


@dataclass(frozen=True)
class SearchHits:
    """Per query: primary keys, distances (best first) and, when output fields were asked, their values as an
    Arrow table aligned with the hits (``$meta`` flattened at the edge using ``dynamic_keys``)."""

    pk_name: str
    ids: list[np.ndarray]
    distances: list[np.ndarray]
    entities: list[pa.Table] | None
    fields: tuple[str, ...] = ()
    dynamic_keys: tuple[str, ...] | None = ()
    snapshot_ts: int = 0
