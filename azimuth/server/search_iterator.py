"""pymilvus's server-side search iterator (``search_iter_v2``) over plain Search ops.

Each page is a search of one query vector on the snapshot pinned by ``guarantee_timestamp``. The first page is a
top-``batch_size`` search; each later page is a range search from the last distance returned (inclusive)
outwards. The hits already returned at exactly that distance are remembered per iterator token, so ties are
neither repeated nor lost. A token the server no longer remembers (restart, eviction, or a repeated page) falls
back to Milvus's own rule: strictly beyond the last bound.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.codec.grpc import search as search_codec
from azimuth.errors import Code, server_error
from azimuth.ops import index as index_ops
from azimuth.ops import search as search_ops
from azimuth.ops.base import CallContext, Op

FAR = 3.0e38
MAX_PAGE = 16384
DESCENDING_METRICS = ("IP", "COSINE", "BM25")


@dataclass(frozen=True)
class _State:
    descending: bool
    last_bound: float
    at_bound: frozenset


class SearchIterators:
    """Remembers, per iterator token, the direction of the metric and the keys returned at the last bound."""

    def __init__(self, capacity: int = 4096) -> None:
        self._states: OrderedDict[str, _State] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def _get(self, token: str) -> _State | None:
        with self._lock:
            return self._states.get(token)

    def _put(self, token: str, state: _State) -> None:
        with self._lock:
            self._states[token] = state
            self._states.move_to_end(token)
            while len(self._states) > self._capacity:
                self._states.popitem(last=False)

    def run(self, execute: Callable[[Op, CallContext], Any], op: search_ops.Search, page: Any,
            ctx: CallContext) -> tuple[search_ops.SearchHits, str, float]:
        """One page: ``(hits, token, last_bound)``."""
        if op.offset:
            raise server_error(Code.INVALID_PARAMETER, "offset is not supported by the search iterator")
        if op.data is not None and len(op.data) != 1:
            raise server_error(Code.INVALID_PARAMETER, "the search iterator takes exactly one query vector")
        token = page.token or uuid.uuid4().hex
        state = self._get(token) if page.token else None
        descending = state.descending if state else self._descending(execute, op, ctx)
        batch = max(1, min(int(page.batch_size or op.limit), MAX_PAGE))
        seen: frozenset = frozenset()
        if page.last_bound is None:
            hits = execute(replace(op, limit=batch), ctx)
        else:
            bound = float(np.float32(page.last_bound))
            if state is not None and state.last_bound == bound:
                seen = state.at_bound
            else:  # unknown token: strictly beyond the bound, as Milvus does
                bound = float(np.nextafter(np.float32(bound), np.float32(-np.inf if descending else np.inf)))
            params = dict(op.search_params)
            inner = dict(params.get("params") or {})
            inner["range_filter"] = bound
            inner["radius"] = -FAR if descending else FAR
            if "ef" in inner:
                inner["ef"] = max(int(inner["ef"]), batch + len(seen))
            params.update(params=inner, range_filter=bound, radius=inner["radius"])
            hits = execute(replace(op, limit=min(batch + len(seen), MAX_PAGE), search_params=params), ctx)
        hits = _page(hits, seen, batch)
        distances = hits.distances[0] if hits.distances else np.empty(0, np.float32)
        if len(distances):
            last = float(np.float32(distances[-1]))
            ids = hits.ids[0][np.asarray(distances, np.float32) == np.float32(last)].tolist()
            carried = seen if page.last_bound is not None and last == float(np.float32(page.last_bound)) else ()
            self._put(token, _State(descending, last, frozenset(ids) | frozenset(carried)))
        else:
            last = float(page.last_bound) if page.last_bound is not None else 0.0
        return hits, token, last

    @staticmethod
    def _descending(execute: Callable[[Op, CallContext], Any], op: search_ops.Search, ctx: CallContext) -> bool:
        metric = str((op.search_params or {}).get("metric_type") or "").upper()
        if not metric:
            infos = execute(index_ops.DescribeIndex(collection_name=op.collection_name, db_name=op.db_name,
                                                    field_name=op.anns_field), ctx)
            for info in infos or ():
                metric = str(info.params.get("metric_type", "")).upper()
                if metric:
                    break
        return metric in DESCENDING_METRICS


def _page(hits: search_ops.SearchHits, seen: frozenset, batch: int) -> search_ops.SearchHits:
    """The first query's hits without the keys in ``seen``, at most ``batch`` of them."""
    ids = hits.ids[0] if hits.ids else np.empty(0, np.int64)
    keep = np.ones(len(ids), dtype=bool)
    if seen:
        keep = ~np.isin(ids, np.array(list(seen), dtype=ids.dtype if ids.dtype != object else object))
    positions = np.flatnonzero(keep)[:batch]
    entities = None
    if hits.entities is not None and hits.entities:
        entities = [hits.entities[0].take(pa.array(positions))]
    distances = hits.distances[0] if hits.distances else np.empty(0, np.float32)
    return replace(hits, ids=[ids[positions]], distances=[distances[positions]], entities=entities)


def iterator_page(request: Any) -> Any:
    return search_codec.iterator_v2(request)


__all__ = ["SearchIterators", "iterator_page"]
