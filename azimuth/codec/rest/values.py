"""REST JSON rows ⇄ Arrow tables, with the value encodings of rest-v2 §5.

Input rows (insert/upsert bodies) accept Milvus's lenient forms, normalised column by column and only when a
column holds something other than its canonical JSON type: bools from ``0``/``1``/``"true"``..., integers from
numeric strings and integral floats, VarChar from numbers, binary / float16 / bfloat16 vectors as base64
strings, sparse vectors as ``{"indices": [...], "values": [...]}``. The normalised rows then go through
``types.rows.rows_to_table`` (the one home of the row rules); any failure is code 1804.

Output rows (query/get/search results) are built column-wise from the Arrow table: JSON as its JSON text (a
string), arrays in the protobuf-shaped wrapper ``{"Data": {"LongData": {"data": [...]}}}`` (or plain with
``wrap_arrays=False``), byte vectors base64, sparse vectors ``{"<index>": value}``, Int64 values as decimal
strings when the client does not accept int64 numbers, float32 values with their shortest float32 spelling
(numpy scalars serialised by orjson), dynamic keys flattened. ``rows_to_result_table`` is the client-side
inverse of the output form.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from azimuth.codec.rest.errors import INSERT_DATA, rest_error
from azimuth.errors import MilvusException
from azimuth.types.arrays import filled, to_numpy, valid_mask
from azimuth.types.arrow import META_FIELD
from azimuth.types.enums import DataType
from azimuth.types.rows import ENCODERS, rows_to_table
from azimuth.types.rows_in import FieldSpec, field_specs
from azimuth.types.rows_out import decode_column

ARRAY_KEYS: dict[DataType, str] = {
    DataType.BOOL: "BoolData", DataType.INT8: "IntData", DataType.INT16: "IntData", DataType.INT32: "IntData",
    DataType.INT64: "LongData", DataType.FLOAT: "FloatData", DataType.DOUBLE: "DoubleData",
    DataType.VARCHAR: "StringData", DataType.STRING: "StringData",
}
_INTS = (DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64)
_FLOATS = (DataType.FLOAT, DataType.DOUBLE)
_BYTE_VECTORS = (DataType.BINARY_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR)
_TRUE_WORDS = {"true": True, "t": True, "1": True, "false": False, "f": False, "0": False}
_NUMPY = orjson.OPT_SERIALIZE_NUMPY


# ---------------------------------------------------------------------------------------------- input


class _Bad(ValueError):
    pass


def _bool(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in _TRUE_WORDS:
        return _TRUE_WORDS[v.strip().lower()]
    raise _Bad(f"{v!r} is not a bool")


def _int(v: Any) -> Any:
    if v is None or (isinstance(v, int) and not isinstance(v, bool)):
        return v
    if isinstance(v, str):
        text = v.strip()
        try:
            return int(text)
        except ValueError:
            try:
                v = float(text)
            except ValueError:
                raise _Bad(f"{v!r} is not an integer") from None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    raise _Bad(f"{v!r} is not an integer")


def _float(v: Any) -> Any:
    if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)):
        return v
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            pass
    raise _Bad(f"{v!r} is not a number")


def _text(v: Any) -> Any:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    raise _Bad(f"{v!r} is not a string")


def _bytes(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return base64.b64decode(v, validate=True)
        except (binascii.Error, ValueError):
            raise _Bad("the vector is not valid base64") from None
    return v


def _half(v: Any) -> Any:
    return _bytes(v) if isinstance(v, str) else v


def _sparse(v: Any) -> Any:
    if isinstance(v, dict) and ("indices" in v or "values" in v):
        indices, values = v.get("indices"), v.get("values")
        if len(v) != 2 or not isinstance(indices, list) or not isinstance(values, list) or len(indices) != len(
                values):
            raise _Bad("a sparse vector is either {\"<index>\": value} or {\"indices\": [...], \"values\": [...]}")
        return dict(zip(indices, values))
    if isinstance(v, dict):
        for value in v.values():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                raise _Bad("sparse vector values must be non-negative")
    return v


_NORMALISERS: dict[DataType, tuple[frozenset[type], Any]] = {
    DataType.BOOL: (frozenset({bool}), _bool),
    **{dt: (frozenset({int}), _int) for dt in _INTS},
    **{dt: (frozenset({float, int}), _float) for dt in _FLOATS},
    DataType.VARCHAR: (frozenset({str}), _text),
    DataType.BINARY_VECTOR: (frozenset({bytes, list}), _bytes),
    DataType.FLOAT16_VECTOR: (frozenset({list}), _half),
    DataType.BFLOAT16_VECTOR: (frozenset({list}), _half),
    DataType.SPARSE_FLOAT_VECTOR: (frozenset(), _sparse),
}
_NONE = type(None)


def normalise_rows(rows: list[Any], schema: Any) -> None:
    """Rewrite, in place, the lenient REST value forms of ``rows`` into the forms ``rows_to_table`` takes."""
    if not all(type(r) is dict for r in rows):
        raise rest_error(INSERT_DATA, "every element of data must be a JSON object (one row)")
    specs, _ = field_specs(schema)
    for spec in specs:
        rule = _NORMALISERS.get(spec.dtype)
        if rule is None:
            continue
        canonical, fix = rule
        name = spec.name
        types = {type(r.get(name)) for r in rows}
        types.discard(_NONE)
        if canonical and types <= canonical:
            continue
        for i, row in enumerate(rows):
            if name in row:
                try:
                    row[name] = fix(row[name])
                except _Bad as exc:
                    raise rest_error(INSERT_DATA, f"row {i}: field {name}: {exc}") from None
    for i, row in enumerate(rows):
        if META_FIELD in row:
            raise rest_error(INSERT_DATA, f"row {i}: $meta is a reserved key; put dynamic keys in the row itself")


def rows_to_insert_table(rows: Any, schema: Any, *, partial: bool = False, upsert: bool = False,
                         allow_auto_id_values: bool = False) -> pa.Table:
    """An insert/upsert ``data`` array → the Arrow table of the op; every failure is code 1804."""
    if not isinstance(rows, list) or not rows:
        raise rest_error(INSERT_DATA, "data must be a non-empty array of row objects")
    normalise_rows(rows, schema)
    try:
        return rows_to_table(rows, schema, partial=partial, upsert=upsert,
                             allow_auto_id_values=allow_auto_id_values)
    except MilvusException as exc:
        raise rest_error(INSERT_DATA, exc.message) from None


# ---------------------------------------------------------------------------------------------- output


def _b64(values: list[Any]) -> list[Any]:
    encode = base64.b64encode
    return [None if v is None else encode(v).decode() for v in values]


def _column_values(spec: FieldSpec | None, column: pa.ChunkedArray, *, int64_str: bool, wrap_arrays: bool,
                   json_text: bool = True) -> list[Any]:
    """One result column as JSON-ready values in the REST output form."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    dtype = spec.dtype if spec is not None else None
    if dtype == DataType.JSON:
        texts = arr.to_pylist()
        return texts if json_text else [None if t is None else orjson.loads(t) for t in texts]
    if dtype == DataType.FLOAT_VECTOR or dtype == DataType.INT8_VECTOR:
        dim = arr.type.list_size
        flat = to_numpy(arr.values.slice(arr.offset * dim, len(arr) * dim))
        mat = np.ascontiguousarray(flat.reshape(len(arr), dim))
        out: list[Any] = list(mat) if dtype == DataType.FLOAT_VECTOR else mat.tolist()
        return _nulls(arr, out)
    if dtype in _BYTE_VECTORS:
        return _b64(decode_column(dtype, arr, wrap_byte_vectors=False))
    if dtype == DataType.SPARSE_FLOAT_VECTOR:
        return [None if v is None else {str(k): x for k, x in v.items()} for v in decode_column(dtype, arr)]
    if dtype == DataType.FLOAT:
        return _nulls(arr, list(filled(arr, 0)))
    if dtype == DataType.ARRAY and spec is not None and spec.element is not None:
        values = arr.to_pylist()
        if int64_str and spec.element.dtype == DataType.INT64:
            pass  # int64 elements inside arrays are always numbers (rest-v2 §5.3)
        if not wrap_arrays:
            return values
        key = ARRAY_KEYS.get(spec.element.dtype, "StringData")
        return [None if v is None else {"Data": {key: {"data": v} if v else {}}} for v in values]
    values = decode_column(dtype, arr)
    if int64_str and dtype == DataType.INT64:
        return [None if v is None else str(v) for v in values]
    return values


def _nulls(arr: pa.Array, values: list[Any]) -> list[Any]:
    if arr.null_count:
        mask = ~valid_mask(arr)
        for i in np.flatnonzero(mask).tolist():
            values[i] = None
    return values


def specs_by_name(schema: Any) -> dict[str, FieldSpec]:
    specs, _ = field_specs(schema)
    return {s.name: s for s in specs}


def table_to_json_rows(table: pa.Table | None, schema: Any, fields: list[str] | tuple[str, ...],
                       dynamic_keys: list[str] | tuple[str, ...] | None, *, int64_str: bool = False,
                       wrap_arrays: bool = True, json_text: bool = True) -> list[dict[str, Any]]:
    """Rows of ``table`` in the REST output form: ``fields`` in order, then the dynamic keys (``None`` = all)."""
    if table is None:
        return []
    by_name = specs_by_name(schema)
    present = set(table.column_names)
    names = [n for n in dict.fromkeys(fields) if n in present and n != META_FIELD]
    if names:
        columns = [_column_values(by_name.get(n), table.column(n), int64_str=int64_str, wrap_arrays=wrap_arrays,
                                  json_text=json_text) for n in names]
        rows = [dict(zip(names, values)) for values in zip(*columns)]
    else:
        rows = [{} for _ in range(table.num_rows)]
    if META_FIELD in present and dynamic_keys != []:
        _flatten_meta(rows, table.column(META_FIELD).to_pylist(), dynamic_keys)
    return rows


def _flatten_meta(rows: list[dict[str, Any]], metas: list[Any], dynamic_keys: Any) -> None:
    loads = orjson.loads
    wanted = None if dynamic_keys is None else list(dict.fromkeys(dynamic_keys))
    for row, text in zip(rows, metas):
        if not text or text == "{}":
            continue
        meta = loads(text)
        if not isinstance(meta, dict):
            continue
        for key in meta if wanted is None else wanted:
            if key in meta and key not in row:
                row[key] = meta[key]


def dumps(payload: Any) -> bytes:
    """The JSON bytes of a response payload (numpy arrays and scalars included)."""
    return orjson.dumps(payload, option=_NUMPY)


# ---------------------------------------------------------------------------------------------- client side


def _unwrap_array(v: Any) -> Any:
    if isinstance(v, dict) and "Data" in v:
        inner = v["Data"]
        if isinstance(inner, dict) and inner:
            return next(iter(inner.values())).get("data", [])
        return []
    return v


_RESULT_FIXES: dict[DataType, Any] = {
    DataType.ARRAY: _unwrap_array,
    DataType.BINARY_VECTOR: _bytes,
    DataType.FLOAT16_VECTOR: _bytes,
    DataType.BFLOAT16_VECTOR: _bytes,
    DataType.INT64: _int,
}


def _result_column(spec: FieldSpec, values: list[Any]) -> pa.Array:
    fix = _RESULT_FIXES.get(spec.dtype)
    if fix is not None:
        values = [None if v is None else fix(v) for v in values]
    present = [i for i, v in enumerate(values) if v is not None]
    encoder = ENCODERS[spec.dtype]
    if len(present) == len(values):
        return encoder(spec, values, None, set(map(type, values))) if values else pa.array([], type=spec.arrow)
    kept = [values[i] for i in present]
    arr = encoder(spec, kept, present, set(map(type, kept))) if kept else pa.array([], type=spec.arrow)
    positions: list[int | None] = [None] * len(values)
    for j, i in enumerate(present):
        positions[i] = j
    return arr.take(pa.array(positions, type=pa.int32()))


def rows_to_result_table(rows: list[dict[str, Any]], schema: Any, skip: tuple[str, ...] = ()
                         ) -> tuple[pa.Table, tuple[str, ...]]:
    """Client side: REST output rows → (Arrow table, field names in row order). Keys that are not schema fields
    (nor in ``skip``) become the ``$meta`` column when the schema has dynamic fields."""
    specs, dynamic = field_specs(schema)
    by_name = {s.name: s for s in specs}
    first = rows[0] if rows else {}
    names = [k for k in first if k in by_name and k not in skip]
    arrays = [_result_column(by_name[n], [r.get(n) for r in rows]) for n in names]
    columns = list(names)
    if dynamic:
        known = set(by_name) | set(skip)
        texts = [orjson.dumps({k: v for k, v in r.items() if k not in known}) for r in rows]
        arrays.append(pa.array(texts, type=pa.string()))
        columns.append(META_FIELD)
    if not arrays:
        return pa.table({}), ()
    return pa.Table.from_arrays(arrays, names=columns), tuple(names)


def table_to_input_rows(table: pa.Table, schema: Any) -> list[dict[str, Any]]:
    """Client side: an insert/upsert op table → REST input rows (plain arrays, JSON text, base64 vectors)."""
    fields = [n for n in table.column_names if n != META_FIELD]
    rows = table_to_json_rows(table, schema, fields, [], wrap_arrays=False)
    if META_FIELD in table.column_names:
        loads = orjson.loads
        for row, text in zip(rows, table.column(META_FIELD).to_pylist()):
            if text and text != "{}":
                meta = loads(text)
                for key, value in meta.items():
                    row.setdefault(key, value)
    return rows


__all__ = ["ARRAY_KEYS", "dumps", "normalise_rows", "rows_to_insert_table", "rows_to_result_table",
           "table_to_input_rows", "table_to_json_rows"]
