"""Vector search over a snapshot: per segment, the visible-and-filtered rows become an ``allowed`` bitmap passed
into the segment's index (or exact search when the segment has no index yet, e.g. the growing segment); the
per-segment top-k lists are merged into one top-k per query, best first.

Hits are reported as (segment number in the snapshot, row in that segment, distance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from azimuth.engine.collection import Snapshot
from azimuth.engine.segment import SealedSegment, Segment

Predicate = Callable[..., np.ndarray]  # (table, scalar indexes) -> bool mask


@dataclass(frozen=True)
class Candidates:
    """Merged hits: arrays [nq, k] of segment numbers, rows and distances (padding: segment -1)."""

    segments: np.ndarray
    rows: np.ndarray
    distances: np.ndarray


def allowed_rows(segment: Segment, ts: int, predicate: Predicate | None) -> np.ndarray | None:
    """Bool mask of rows a search may return, or None when every row qualifies."""
    mask = None if segment.all_visible(ts) else segment.visible(ts)
    if predicate is not None:
        passed = filter_mask(segment, predicate)
        mask = passed if mask is None else (mask & passed)
    return mask


MASK_CACHE_SIZE = 8


def filter_mask(segment: Segment, predicate: Predicate) -> np.ndarray:
    """The filter's mask over a segment. For a sealed segment (immutable rows) and a compiled filter that is
    deterministic, the mask is kept in a small per-segment cache, so repeated searches skip re-evaluating it."""
    owner = getattr(predicate, "__self__", None)
    cacheable = isinstance(segment, SealedSegment) and owner is not None and getattr(owner, "deterministic", False)
    if not cacheable:
        return predicate(segment.table, segment.filter_indexes or None)
    cache = segment.mask_cache
    hit = cache.get(id(owner))
    if hit is not None and hit[0] is owner and hit[1] is segment.filter_indexes:
        return hit[2]
    mask = predicate(segment.table, segment.filter_indexes or None)
    mask.setflags(write=False)
    if len(cache) >= MASK_CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[id(owner)] = (owner, segment.filter_indexes, mask)
    return mask


def search_segment(segment: Segment, field: str, spec: Any, index_key: str | None, queries: Any, k: int,
                   params: dict[str, Any], allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    from azimuth.engine.index import exact_search

    index = segment.indexes.get(index_key) if index_key else None
    if index is not None:
        return index.search(queries, k, params, allowed)
    vectors = segment.vectors(field, spec.dtype)
    if vectors is None:
        nq = _count(queries)
        return _empty(nq, k, spec.descending)
    return exact_search(spec, vectors, queries, k, allowed)


def range_segment(segment: Segment, field: str, spec: Any, index_key: str | None, queries: Any,
                  params: dict[str, Any], allowed: np.ndarray | None, cap: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from azimuth.engine.index import build_index

    index = segment.indexes.get(index_key) if index_key else None
    if index is None:
        vectors = segment.vectors(field, spec.dtype)
        if vectors is None:
            return [(np.empty(0, np.float32), np.empty(0, np.int64)) for _ in range(_count(queries))]
        flat = type(spec)("FLAT" if spec.kind == "dense" else ("BIN_FLAT" if spec.kind == "binary"
                                                             else spec.index_type),
                          spec.metric_type, {}, spec.dtype, spec.dim) if spec.kind != "sparse" else spec
        index = build_index(flat, vectors)
    return index.range_search(queries, params["radius"], params.get("range_filter"), params, allowed, cap)


def _count(queries: Any) -> int:
    return int(queries.shape[0]) if hasattr(queries, "shape") else len(queries)


def _empty(nq: int, k: int, descending: bool) -> tuple[np.ndarray, np.ndarray]:
    fill = -np.inf if descending else np.inf
    return np.full((nq, k), fill, dtype=np.float32), np.full((nq, k), -1, dtype=np.int64)


def knn(snapshot: Snapshot, field: str, spec: Any, index_key: str | None, queries: Any, k: int,
        params: dict[str, Any], predicate: Predicate | None) -> Candidates:
    nq = _count(queries)
    parts_d, parts_s, parts_r = [], [], []
    for number, segment in enumerate(snapshot.segments):
        if segment.num_rows == 0:
            continue
        allowed = allowed_rows(segment, snapshot.ts, predicate)
        if allowed is not None and not allowed.any():
            continue
        dist, rows = search_segment(segment, field, spec, index_key, queries, k, params, allowed)
        parts_d.append(dist)
        parts_r.append(rows)
        parts_s.append(np.where(rows >= 0, number, -1))
    if not parts_d:
        d, r = _empty(nq, k, spec.descending)
        return Candidates(np.full((nq, k), -1), r, d)
    if len(parts_d) == 1:
        return Candidates(parts_s[0], parts_r[0], parts_d[0])
    dist = np.concatenate(parts_d, axis=1)
    segs = np.concatenate(parts_s, axis=1)
    rows = np.concatenate(parts_r, axis=1)
    key = -dist if spec.descending else dist
    key = np.where(segs >= 0, key, np.inf)
    take = min(k, key.shape[1])
    order = np.argsort(key, axis=1, kind="stable")[:, :take]
    pick = np.take_along_axis
    return Candidates(pick(segs, order, 1), pick(rows, order, 1), pick(dist, order, 1))


def within_range(snapshot: Snapshot, field: str, spec: Any, index_key: str | None, queries: Any,
                 params: dict[str, Any], predicate: Predicate | None, k: int) -> Candidates:
    """Range search: every hit inside (radius, range_filter), best first, at most ``k`` per query."""
    nq = _count(queries)
    per_query: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in range(nq)]
    for number, segment in enumerate(snapshot.segments):
        if segment.num_rows == 0:
            continue
        allowed = allowed_rows(segment, snapshot.ts, predicate)
        if allowed is not None and not allowed.any():
            continue
        for q, (dist, rows) in enumerate(range_segment(segment, field, spec, index_key, queries, params, allowed,
                                                       max(k, 1))):
            per_query[q].append((dist, rows, np.full(len(rows), number)))
    segs = np.full((nq, k), -1, dtype=np.int64)
    rows_out = np.full((nq, k), -1, dtype=np.int64)
    dist_out = np.full((nq, k), -np.inf if spec.descending else np.inf, dtype=np.float32)
    for q, parts in enumerate(per_query):
        if not parts:
            continue
        d = np.concatenate([p[0] for p in parts])
        r = np.concatenate([p[1] for p in parts])
        s = np.concatenate([p[2] for p in parts])
        order = np.argsort(-d if spec.descending else d, kind="stable")[:k]
        segs[q, : len(order)] = s[order]
        rows_out[q, : len(order)] = r[order]
        dist_out[q, : len(order)] = d[order]
    return Candidates(segs, rows_out, dist_out)


def bm25_knn(snapshot: Snapshot, field: str, dtype: Any, queries: list[dict[int, float]], k: int,
             predicate: Predicate | None, k1: float, b: float) -> Candidates:
    """Full-text top-k by BM25 over the term-frequency vectors of ``field``; statistics come from every visible
    row (the filter restricts the hits, not the corpus)."""
    from azimuth.engine.text import TermColumn, bm25_topk

    live = [(number, s) for number, s in enumerate(snapshot.segments) if s.num_rows]
    columns = [TermColumn(s.vectors(field, dtype)) for _, s in live]
    visible = [None if s.all_visible(snapshot.ts) else s.visible(snapshot.ts) for _, s in live]
    allowed = [allowed_rows(s, snapshot.ts, predicate) for _, s in live]
    nq = len(queries)
    segs = np.full((nq, k), -1, dtype=np.int64)
    rows_out = np.full((nq, k), -1, dtype=np.int64)
    dist = np.full((nq, k), -np.inf, dtype=np.float32)
    for q, query in enumerate(queries):
        parts = bm25_topk(columns, visible, allowed, query, k, k1, b)
        if not parts:
            continue
        scores = np.concatenate([p[0] for p in parts])
        rows = np.concatenate([p[1] for p in parts])
        numbers = np.concatenate([np.full(len(p[1]), live[p[2]][0]) for p in parts])
        order = np.argsort(-scores, kind="stable")[:k]
        segs[q, : len(order)] = numbers[order]
        rows_out[q, : len(order)] = rows[order]
        dist[q, : len(order)] = scores[order]
    return Candidates(segs, rows_out, dist)
