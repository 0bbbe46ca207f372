"""Build a scalar index from one column of a segment: check the index type against the field type, extract the
typed entries (scalars, ARRAY elements, or values at a JSON path cast to ``json_cast_type``) and sort them.

Index types: ``INVERTED``, ``STL_SORT``, ``BITMAP``, ``TRIE`` (``Trie``) and scalar ``AUTOINDEX``. They share one
physical layout (:mod:`.parts`), so they differ only in the field types they accept (api-surface §5.3); AUTOINDEX
accepts every type the others do. JSON fields need ``json_path`` and ``json_cast_type``; JSON extraction reuses
:mod:`azimuth.engine.expr.jsoncol`, so index entries and scanned values come from the same parser.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.engine.scalar_index.index import FieldIndex
from azimuth.engine.scalar_index.parts import NumericPart, Part, StringPart
from azimuth.engine.scalar_index.paths import json_path_key, parse_json_path
from azimuth.errors import Code, MilvusException, server_error
from azimuth.types.arrays import pc, to_numpy, valid_mask
from azimuth.types.enums import FLOAT_TYPES, INTEGER_TYPES, STRING_TYPES, DataType

INDEX_TYPES = ("INVERTED", "STL_SORT", "BITMAP", "TRIE", "AUTOINDEX")
JSON_CAST_TYPES = ("bool", "double", "varchar", "array_bool", "array_double", "array_varchar")
JSON_CAST_FUNCTIONS = ("STRING_TO_DOUBLE",)

# field kinds each index type accepts ("array:<kind>" = ARRAY of that element kind)
_ACCEPTS: dict[str, frozenset[str]] = {
    "INVERTED": frozenset({"bool", "int", "float", "str", "json",
                           "array:bool", "array:int", "array:float", "array:str"}),
    "BITMAP": frozenset({"bool", "int", "str", "array:bool", "array:int", "array:str"}),
    "STL_SORT": frozenset({"bool", "int", "float", "str", "ts"}),
    "TRIE": frozenset({"str"}),
}  # fmt: skip
_ACCEPTS["AUTOINDEX"] = _ACCEPTS["INVERTED"] | _ACCEPTS["STL_SORT"]
_CAST_PARTS = {"bool": ("bool",), "double": ("int", "float"), "varchar": ("str",)}


def _error(message: str) -> MilvusException:
    return server_error(Code.INVALID_PARAMETER, message)


def canonical_index_type(index_type: str) -> str:
    """Upper-cased scalar index type (``Trie`` → ``TRIE``); raises for unknown types."""
    name = str(index_type or "AUTOINDEX").strip().upper()
    if name not in INDEX_TYPES:
        raise _error(f"invalid scalar index type: {index_type}; supported: {', '.join(INDEX_TYPES)}")
    return name


def _kind(dtype: DataType) -> str:
    if dtype in INTEGER_TYPES:
        return "int"
    if dtype in FLOAT_TYPES:
        return "float"
    if dtype in STRING_TYPES:
        return "str"
    return {DataType.BOOL: "bool", DataType.TIMESTAMPTZ: "ts", DataType.JSON: "json"}.get(dtype, "other")


def _arrow_kind(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "str"
    return "other"


def _combined(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 0:
            return pa.array([], column.type)
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def _valid(arr: pa.Array) -> np.ndarray:
    if arr.null_count == 0:
        return np.ones(len(arr), dtype=bool)
    return valid_mask(arr)


def _typed_part(kind: str, arr: pa.Array, rows: np.ndarray) -> Part:
    """Part over the non-null entries of a primitive array whose entry ``i`` belongs to row ``rows[i]``."""
    keep = _valid(arr)
    if not keep.all():
        arr, rows = arr.filter(pa.array(keep)), rows[keep]
    if kind == "str":
        return StringPart.build(arr, rows)
    if kind == "ts":
        arr, kind = arr.cast(pa.int64()), "int"
    values = to_numpy(arr)
    return NumericPart.build(kind, values, rows)


def _parts_from_vals(vals_list: list[tuple[Any, np.ndarray]], kinds: tuple[str, ...]) -> dict[str, Part]:
    """Parts of the given kinds from evaluator ``Vals`` of several chunks: ``[(vals, rows of its entries)]``."""
    attr = {"int": "ints", "float": "floats", "str": "strs", "bool": "bools"}
    out: dict[str, Part] = {}
    for kind in kinds:
        datas, rows = [], []
        for vals, entry_rows in vals_list:
            comp = getattr(vals, attr[kind])
            if comp is None:
                continue
            m = vals.mask_of(comp)
            if kind == "str":
                datas.append(comp.data.filter(pa.array(m)))
            else:
                datas.append(np.asarray(comp.data)[m])
            rows.append(entry_rows[m])
        target = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        if kind == "str":
            data = pa.concat_arrays([d.cast(pa.string()) for d in datas]) if datas else pa.array([], pa.string())
            out[kind] = StringPart.build(data, target)
        else:
            empty = np.zeros(0, {"int": np.int64, "float": np.float64, "bool": bool}[kind])
            out[kind] = NumericPart.build(kind, np.concatenate(datas) if datas else empty, target)
    return out


def _json_index(index_type: str, column: pa.ChunkedArray | pa.Array, params: dict[str, Any]) -> FieldIndex:
    from azimuth.engine.expr import jsoncol  # lazy: the evaluator package imports this package's paths module

    path_text, cast = params.get("json_path"), params.get("json_cast_type")
    if not path_text or not cast:
        raise _error("JSON index needs the params json_path (e.g. 'meta[\"a\"]') and json_cast_type")
    cast = str(cast).lower()
    if cast not in JSON_CAST_TYPES:
        raise _error(f"invalid json_cast_type {params['json_cast_type']!r}; supported: {', '.join(JSON_CAST_TYPES)}")
    fn = params.get("json_cast_function")
    if fn is not None and str(fn).upper() not in JSON_CAST_FUNCTIONS:
        raise _error(f"invalid json_cast_function {fn!r}; supported: {', '.join(JSON_CAST_FUNCTIONS)}")
    try:
        field, parts = parse_json_path(str(path_text))
    except ValueError as exc:
        raise _error(str(exc)) from None
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    is_array = cast.startswith("array_")
    kinds = _CAST_PARTS[cast.removeprefix("array_")]
    collected: list[tuple[Any, np.ndarray]] = []
    list_rows, start = [], 0
    for chunk in chunks:
        if is_array:
            elems, parents, is_list, _ = jsoncol.json_elements(chunk, parts)
            collected.append((elems, np.asarray(parents, dtype=np.int64) + start))
            list_rows.append(is_list)
        else:
            collected.append((jsoncol.json_vals(chunk, parts), np.arange(start, start + len(chunk), dtype=np.int64)))
        start += len(chunk)
    lists = (np.concatenate(list_rows) if list_rows else np.zeros(0, bool)) if is_array else None
    return FieldIndex(index_type, DataType.JSON, start, _parts_from_vals(collected, kinds),
                      json_path=json_path_key(field, parts), json_cast_type=cast, is_array=is_array,
                      list_rows=lists, params=params)  # fmt: skip


def build_scalar_index(
    index_type: str, dtype: DataType, column: pa.ChunkedArray | pa.Array, params: dict[str, Any] | None = None
) -> FieldIndex:
    """Build an index of ``index_type`` over ``column`` (a field of type ``dtype``, all rows of one segment)."""
    name = canonical_index_type(index_type)
    params = {k: v for k, v in (params or {}).items() if v is not None}
    dtype = DataType(dtype)
    kind = _kind(dtype)
    if dtype == DataType.ARRAY:
        kind = "array:" + _arrow_kind(column.type.value_type)
    if kind not in _ACCEPTS[name]:
        what = dtype.name if dtype != DataType.ARRAY else f"ARRAY of {column.type.value_type}"
        raise _error(f"index type {name} does not support fields of type {what}")
    if kind == "json":
        return _json_index(name, column, params)
    arr = _combined(column)
    n = len(arr)
    if dtype == DataType.ARRAY:
        flat = pc.list_flatten(arr)
        parents = to_numpy(pc.list_parent_indices(arr)).astype(np.int64)
        part = _typed_part(kind.removeprefix("array:"), flat, parents)
        return FieldIndex(name, dtype, n, {part.kind: part}, is_array=True, list_rows=_valid(arr), params=params)
    part = _typed_part(kind, arr, np.arange(n, dtype=np.int64))
    return FieldIndex(name, dtype, n, {part.kind: part}, params=params)
