"""JSON column access for the vectorised evaluator: parse once, extract typed columns per path, cache both.

JSON text must be parsed row by row (orjson); this module is the only per-row work of the evaluator. It is done
once per (Arrow chunk, path): results are kept in a bounded LRU keyed by the chunk's buffer addresses, offset and
length plus the path. Each cache entry holds a reference to its chunk, so the buffers cannot be freed and their
addresses reused while the entry lives — a key can never name different data. Repeated filters on the same
sealed data therefore reuse numpy/Arrow columns and run fully vectorised.

Path resolution: string keys index objects, integer keys index arrays (no negative indexes); anything else, a
missing key or invalid JSON text resolves to *absent*. A JSON ``null`` value is *present but null*.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from azimuth.engine.expr.vals import Part, Vals, canonical, validity

ABSENT, NULL, BOOL, INT, FLOAT, STR, LIST, OBJ = range(8)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_MISSING = object()
_lock = threading.Lock()
_docs_cache: OrderedDict[tuple, tuple[pa.Array, list[Any]]] = OrderedDict()
_path_cache: OrderedDict[tuple, tuple[pa.Array, Any]] = OrderedDict()
DOCS_CACHE_SIZE = 8
PATH_CACHE_SIZE = 256


def _chunk_key(arr: pa.Array) -> tuple:
    addrs = tuple(b.address if b is not None else 0 for b in arr.buffers())
    return (addrs, arr.offset, len(arr))


def _cached(cache: OrderedDict, key: tuple, arr: pa.Array, size: int, build: Any) -> Any:
    with _lock:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit[1]
    value = build()
    with _lock:
        cache[key] = (arr, value)
        while len(cache) > size:
            cache.popitem(last=False)
    return value


def clear_cache() -> None:
    with _lock:
        _docs_cache.clear()
        _path_cache.clear()


def _loads(text: str | None) -> Any:
    if text is None:
        return _MISSING
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return _MISSING


def _docs(arr: pa.Array) -> list[Any]:
    return _cached(_docs_cache, _chunk_key(arr), arr, DOCS_CACHE_SIZE,
                   lambda: [_loads(t) for t in arr.to_pylist()])  # fmt: skip


def resolve(doc: Any, path: tuple[str | int, ...]) -> Any:
    """The value at ``path`` in a parsed document, or the ``_MISSING`` sentinel."""
    cur = doc
    for key in path:
        if isinstance(key, str):
            if type(cur) is not dict:
                return _MISSING
            cur = cur.get(key, _MISSING)
        else:
            if type(cur) is not list or not 0 <= key < len(cur):
                return _MISSING
            cur = cur[key]
        if cur is _MISSING:
            return _MISSING
    return cur


def _kind(v: Any) -> int:
    t = type(v)
    if t is str:
        return STR
    if t is int:
        return INT if _INT64_MIN <= v <= _INT64_MAX else OBJ
    if t is float:
        return FLOAT
    if t is bool:
        return BOOL
    if v is None:
        return NULL
    if t is list:
        return LIST
    if t is dict:
        return OBJ
    return ABSENT


def typed_vals(values: list[Any], valid: np.ndarray | None) -> tuple[Vals, np.ndarray]:
    """Typed components of a list of JSON values (``_MISSING`` = absent) and their kind codes."""
    n = len(values)
    kinds = np.fromiter((_kind(v) for v in values), dtype=np.int8, count=n)
    out = Vals(n, valid)
    m = kinds == INT
    if m.any():
        out.ints = Part(np.fromiter((v if k == INT else 0 for v, k in zip(values, kinds)), np.int64, n), m)
    m = kinds == FLOAT
    if m.any():
        out.floats = Part(np.fromiter((v if k == FLOAT else 0.0 for v, k in zip(values, kinds)), np.float64, n), m)
    m = kinds == STR
    if m.any():
        out.strs = Part(pa.array([v if k == STR else None for v, k in zip(values, kinds)], pa.string()), m)
    m = kinds == BOOL
    if m.any():
        out.bools = Part(np.fromiter((v is True for v in values), bool, n), m)
    m = (kinds == LIST) | (kinds == OBJ)
    if m.any():
        out.others = Part(
            pa.array([canonical(v) if k in (LIST, OBJ) else None for v, k in zip(values, kinds)], pa.string()), m
        )
    if valid is not None:
        for p in out.parts():
            p.mask = p.mask & valid
    out.exists = kinds != ABSENT if valid is None else (kinds != ABSENT) & valid
    return out, kinds


def _extract_chunk(arr: pa.Array, path: tuple[str | int, ...]) -> tuple[Vals, list[Any], np.ndarray]:
    def build() -> tuple[Vals, list[Any], np.ndarray]:
        values = [resolve(d, path) for d in _docs(arr)]
        vals, kinds = typed_vals(values, validity(arr))
        return vals, values, kinds

    return _cached(_path_cache, (_chunk_key(arr), "v", path), arr, PATH_CACHE_SIZE, build)


def json_vals(arr: pa.Array, path: tuple[str | int, ...]) -> Vals:
    return _extract_chunk(arr, path)[0]


def json_lengths(arr: pa.Array, path: tuple[str | int, ...]) -> Vals:
    """``array_length`` of the value at ``path``: an int component on rows holding a JSON array."""

    def build() -> Vals:
        vals, values, kinds = _extract_chunk(arr, path)
        m = kinds == LIST
        lens = np.fromiter((len(v) if k == LIST else 0 for v, k in zip(values, kinds)), np.int64, len(values))
        if vals.valid is not None:
            m = m & vals.valid
        return Vals(len(values), vals.valid, ints=Part(lens, m))

    return _cached(_path_cache, (_chunk_key(arr), "len", path), arr, PATH_CACHE_SIZE, build)


def json_elements(arr: pa.Array, path: tuple[str | int, ...]) -> tuple[Vals, np.ndarray, np.ndarray, np.ndarray | None]:
    """Elements of the JSON arrays at ``path``: (element values, parent row of each, is-array rows, validity)."""

    def build() -> tuple[Vals, np.ndarray, np.ndarray, np.ndarray | None]:
        vals, values, kinds = _extract_chunk(arr, path)
        lists = [v for v, k in zip(values, kinds) if k == LIST]
        rows = np.flatnonzero(kinds == LIST)
        lens = np.fromiter((len(v) for v in lists), np.int64, len(lists))
        parents = np.repeat(rows, lens)
        flat = [x for v in lists for x in v]
        elems, _ = typed_vals(flat, None)
        return elems, parents, kinds == LIST, vals.valid

    return _cached(_path_cache, (_chunk_key(arr), "elems", path), arr, PATH_CACHE_SIZE, build)
