"""Field specs and the scalar column encoders of the insert path (vector encoders live in ``rows.py``).

:class:`FieldSpec` is what the converters read from a schema (ours, pymilvus's or a describe dict). An encoder
turns one list of user values into one Arrow array of the field's storage type. Each encoder receives the
*non-null* values of one field (nulls are scattered back by the caller) and either returns an array of exactly
``arrow_type()`` of the field or raises the exception pymilvus would raise client-side
(``DataNotMatchException`` / ``ParamError``), or, for checks pymilvus leaves to the server, a ``MilvusException``
with code 1100 naming the field, the row, the bad value and the expectation. Validation is vectorised: one type
scan per column (``set(map(type, values))``), one Arrow/numpy conversion, shape checks on the result; per-row
inspection happens only to locate a failure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain
from typing import Any, Callable

import numpy as np
import orjson
import pyarrow as pa

from azimuth.errors import DataNotMatchException, MilvusException, ParamError, invalid_parameter
from azimuth.types.arrays import pc
from azimuth.types.arrow import arrow_type
from azimuth.types.enums import DataType


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What the row converters need to know about one schema field (read once per call from the schema)."""

    name: str
    dtype: DataType
    arrow: pa.DataType
    dim: int = 0
    max_length: int | None = None
    max_capacity: int | None = None
    element: FieldSpec | None = None
    nullable: bool = False
    has_default: bool = False
    is_primary: bool = False
    auto_id: bool = False
    is_function_output: bool = False
    is_dynamic: bool = False

    @property
    def accepts_null(self) -> bool:
        return self.nullable or self.has_default


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    value = getattr(obj, key, default)
    return default if value is None else value


def _int_param(params: dict[str, Any], key: str) -> int | None:
    value = params.get(key)
    return None if value is None else int(value)


def field_spec(
    field: Any, *, schema_auto_id: bool = False, function_outputs: frozenset[str] = frozenset()
) -> FieldSpec:
    """A :class:`FieldSpec` from a FieldSchema (ours or pymilvus's) or a describe_collection field dict."""
    name = _get(field, "name")
    dtype = DataType(int(_get(field, "type") if isinstance(field, dict) else field.dtype))
    params = dict(_get(field, "params", {}) or {})
    dim = _int_param(params, "dim") or 0
    element = None
    if dtype == DataType.ARRAY:
        element_type = DataType(int(_get(field, "element_type")))
        element = FieldSpec(
            name=name, dtype=element_type, arrow=arrow_type(element_type),
            max_length=_int_param(params, "max_length"),
        )
        arrow = arrow_type(dtype, element_type=element_type)
    else:
        arrow = arrow_type(dtype, dim=dim)
    is_primary = bool(_get(field, "is_primary", False))
    return FieldSpec(
        name=name,
        dtype=dtype,
        arrow=arrow,
        dim=dim,
        max_length=_int_param(params, "max_length"),
        max_capacity=_int_param(params, "max_capacity"),
        element=element,
        nullable=bool(_get(field, "nullable", False)),
        has_default=_get(field, "default_value") is not None,
        is_primary=is_primary,
        auto_id=bool(_get(field, "auto_id", False)) or (is_primary and schema_auto_id),
        is_function_output=bool(_get(field, "is_function_output", False)) or name in function_outputs,
        is_dynamic=bool(_get(field, "is_dynamic", False)),
    )


def field_specs(schema: Any) -> tuple[list[FieldSpec], bool]:
    """The specs of every stored field of ``schema`` (in schema order) and whether dynamic fields are enabled."""
    outputs: set[str] = set()
    for function in _get(schema, "functions", []) or []:
        names = _get(function, "output_field_names", []) or []
        outputs.update([names] if isinstance(names, str) else names)
    schema_auto_id = bool(_get(schema, "auto_id", False))
    specs: list[FieldSpec] = []
    for f in _get(schema, "fields", []) or []:
        try:
            specs.append(field_spec(f, schema_auto_id=schema_auto_id, function_outputs=frozenset(outputs)))
        except ValueError:  # no storage layout (array of structs): listed so rows naming it get a clear error
            specs.append(unsupported_spec(_get(f, "name")))
    specs.extend(unsupported_spec(_get(f, "name")) for f in _get(schema, "struct_fields", []) or [])
    return [s for s in specs if not s.is_dynamic], bool(_get(schema, "enable_dynamic_field", False))


def unsupported_spec(name: str) -> FieldSpec:
    """A field the row converters cannot store (array of structs); ``arrow`` is ``pa.null()``."""
    return FieldSpec(name=name, dtype=DataType._ARRAY_OF_STRUCT, arrow=pa.null(), nullable=True)



_FIELD_INCONSISTENT = (
    "The Input data type is inconsistent with defined schema, {%s} field should be a %s, but got a {%s} instead."
)
JSON_KEY_MUST_BE_STR = "JSON key must be str."
_JSON_OPTS = orjson.OPT_SERIALIZE_NUMPY
_SPARSE_MAX_INDEX = 2**32 - 1
_INT_BOUNDS = {
    DataType.INT8: (-(2**7), 2**7 - 1),
    DataType.INT16: (-(2**15), 2**15 - 1),
    DataType.INT32: (-(2**31), 2**31 - 1),
    DataType.INT64: (-(2**63), 2**63 - 1),
}
_WKT = re.compile(
    r"^\s*(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|GEOMETRYCOLLECTION)"
    r"(\s+(Z|M|ZM))?\s*(\(.*\)|EMPTY)\s*$",
    re.IGNORECASE | re.DOTALL,
)

def _row(index_map: list[int] | None, i: int) -> int:
    return index_map[i] if index_map is not None else i


def _label(dtype: DataType) -> str:
    if dtype in (DataType.INT8, DataType.INT16, DataType.INT32):
        return "int"
    if dtype == DataType.TIMESTAMPTZ:
        return "string"
    return dtype.name.lower()


def inconsistent(spec: FieldSpec, value: Any, detail: object = None) -> DataNotMatchException:
    """pymilvus's per-value type error: ``FieldDataInconsistent`` plus an optional detail."""
    message = _FIELD_INCONSISTENT % (spec.name, _label(spec.dtype), type(value))
    if detail is not None and spec.dtype not in (DataType.TIMESTAMPTZ, DataType.GEOMETRY):
        message += f" Detail: {detail}"
    return DataNotMatchException(message=message)


def server_reject(message: str) -> MilvusException:
    """An error pymilvus leaves to the server (code 1100, invalid parameter)."""
    return invalid_parameter(message)


# ---------------------------------------------------------------------------------------------- type scans


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_real(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating, np.bool_))


def _is_boolish(v: Any) -> bool:
    return isinstance(v, (int, np.integer, np.bool_))


_SCALAR_RULES: dict[DataType, tuple[frozenset[type], Callable[[Any], bool], Callable[[Any], str]]] = {}
for _dt in (DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64):
    _SCALAR_RULES[_dt] = (
        frozenset({int}),
        _is_int,
        lambda v: "Expected an int, got a boolean."
        if isinstance(v, bool)
        else f"'{type(v).__name__}' object cannot be interpreted as an integer",
    )
for _dt in (DataType.FLOAT, DataType.DOUBLE):
    _SCALAR_RULES[_dt] = (frozenset({float, int}), _is_real, lambda v: f"must be real number, not {type(v).__name__}")
_SCALAR_RULES[DataType.BOOL] = (
    frozenset({bool}),
    _is_boolish,
    lambda v: f"'{type(v).__name__}' object cannot be interpreted as an integer",
)


def first_bad_scalar(dtype: DataType, values: list[Any], types: set[type] | None = None) -> tuple[int, str] | None:
    """Index and protobuf-like detail of the first value the type of ``dtype`` rejects, or None."""
    fast, ok, detail = _SCALAR_RULES[dtype]
    if (types if types is not None else set(map(type, values))) <= fast:
        return None
    for i, v in enumerate(values):
        if not ok(v):
            return i, detail(v)
    return None


# ---------------------------------------------------------------------------------------------- scalars


def encode_int(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    bad = first_bad_scalar(spec.dtype, values, types)
    if bad is not None:
        raise inconsistent(spec, values[bad[0]], bad[1])
    try:
        return pa.array(values, type=spec.arrow)
    except (pa.ArrowInvalid, OverflowError, TypeError):
        pass
    lo, hi = _INT_BOUNDS[spec.dtype]
    proto_lo, proto_hi = _INT_BOUNDS[DataType.INT64 if spec.dtype == DataType.INT64 else DataType.INT32]
    for i, v in enumerate(values):
        iv = int(v)
        if not proto_lo <= iv <= proto_hi:
            raise inconsistent(spec, v, f"Value out of range: {iv}")
        if not lo <= iv <= hi:
            raise server_reject(
                f"integer overflow, field: {spec.name}, row: {_row(index_map, i)}, value {iv} "
                f"is out of range [{lo}, {hi}] of {spec.dtype.name}"
            )
    return pa.array([int(v) for v in values], type=spec.arrow)


def _check_finite(spec: FieldSpec, arr: np.ndarray, index_map: list[int] | None) -> None:
    """Milvus rejects NaN and ±Inf in FLOAT/DOUBLE fields."""
    finite = np.isfinite(arr)
    if finite.all():
        return
    i = int(np.flatnonzero(~finite)[0])
    raise server_reject(
        f"the value of field `{spec.name}` at row {_row(index_map, i)} is {arr[i]}: NaN and Inf are not allowed"
    )


def encode_float(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    bad = first_bad_scalar(spec.dtype, values, types)
    if bad is not None:
        raise inconsistent(spec, values[bad[0]], bad[1])
    try:
        arr = np.asarray(values, dtype=np.float64)
    except OverflowError:
        arr = np.asarray([float(v) if abs(v) < 2**1023 else math.copysign(math.inf, v) for v in values])
    if spec.dtype == DataType.FLOAT:
        with np.errstate(over="ignore"):
            arr = arr.astype(np.float32)
    _check_finite(spec, arr, index_map)
    return pa.array(arr, type=spec.arrow)


def encode_bool(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    bad = first_bad_scalar(DataType.BOOL, values, types)
    if bad is not None:
        raise inconsistent(spec, values[bad[0]], bad[1])
    if types <= {bool, np.bool_}:
        return pa.array(values, type=pa.bool_())
    return pa.array([bool(v) for v in values], type=pa.bool_())


def _require_str(spec: FieldSpec, values: list[Any], types: set[type]) -> None:
    """pymilvus iterates a non-str value as if it were a list of strings, hence its odd but stable errors."""
    if types <= {str}:
        return
    for v in values:
        if isinstance(v, str):
            continue
        if not hasattr(v, "__iter__"):
            raise inconsistent(spec, v, f"'{type(v).__name__}' object is not iterable")
        for item in v:
            if not isinstance(item, str):
                raise ParamError(message=f"field ({spec.name}) expects string input, got: {type(item)}")
        raise inconsistent(spec, v, "bad argument type for built-in operation")


def _check_lengths(spec: FieldSpec, arr: pa.Array, index_map: list[int] | None) -> None:
    """Milvus counts the UTF-8 bytes of each string against ``max_length`` (pymilvus checks nothing per row)."""
    max_len = spec.max_length if spec.max_length is not None else 65535
    if len(arr) == 0:
        return
    byte_len = pc.binary_length(arr)
    if pc.max(byte_len).as_py() <= max_len:
        return
    i = pc.index(pc.greater(byte_len, max_len), True).as_py()
    raise server_reject(
        f"length of {spec.dtype.name.lower()} field {spec.name} exceeds max length, row number: "
        f"{_row(index_map, i)}, length: {byte_len[i].as_py()} bytes (UTF-8), max length: {max_len}"
    )


def encode_varchar(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    _require_str(spec, values, types)
    arr = pa.array(values, type=pa.string())
    _check_lengths(spec, arr, index_map)
    return arr


def encode_text(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    if not types <= {str}:
        for v in values:
            if not isinstance(v, (str, bytes)):
                raise inconsistent(spec, v, "bad argument type for built-in operation")
    try:
        return pa.array(values, type=pa.string())
    except pa.ArrowInvalid as exc:
        raise inconsistent(spec, b"", exc) from None


def encode_geometry(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    _require_str(spec, values, types)
    arr = pa.array(values, type=pa.string())
    _check_lengths(spec, arr, index_map)
    for i, v in enumerate(values):
        if _WKT.match(v) is None or v.count("(") != v.count(")"):
            raise server_reject(
                f"invalid WKT for geometry field `{spec.name}` at row {_row(index_map, i)}: {v[:100]!r}; "
                "expected e.g. 'POINT (1 2)'"
            )
    return arr


def _parse_ts(v: str) -> datetime:
    dt = datetime.fromisoformat(v.strip())
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt


def encode_timestamptz(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    for v in values:
        if not isinstance(v, str):
            raise inconsistent(spec, v)
    try:
        parsed = [_parse_ts(v) for v in values]
    except ValueError:
        for i, v in enumerate(values):
            try:
                _parse_ts(v)
            except ValueError:
                raise server_reject(
                    f"invalid timestamptz value for field `{spec.name}` at row {_row(index_map, i)}: {v!r}; "
                    "expected an ISO-8601 / RFC 3339 string such as '2025-01-01T00:00:00Z'"
                ) from None
        raise
    return pa.array(parsed, type=spec.arrow)


# ---------------------------------------------------------------------------------------------- JSON


def json_default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"Type is not JSON serializable: {type(obj).__name__}")


def dump_json(value: Any) -> bytes:
    """Compact JSON text of one value as pymilvus serialises it (str input must already be JSON text)."""
    if isinstance(value, str):
        try:
            parsed = orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            shown = value if len(value) <= 200 else value[:200] + "..."
            raise DataNotMatchException(message=f"Invalid JSON string: {exc!s}. Input string: {shown!r}") from exc
        if isinstance(parsed, dict) and not all(isinstance(k, str) for k in parsed):
            raise DataNotMatchException(message=JSON_KEY_MUST_BE_STR)
        return orjson.dumps(parsed)
    if isinstance(value, dict) and not all(isinstance(k, str) for k in value):
        raise DataNotMatchException(message=JSON_KEY_MUST_BE_STR)
    return orjson.dumps(value, default=json_default, option=_JSON_OPTS)


def encode_json(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    out: list[bytes] = []
    append = out.append
    for v in values:
        try:
            append(dump_json(v))
        except (TypeError, ValueError) as exc:
            raise inconsistent(spec, v, exc) from exc
    return pa.array(out, type=pa.string())


# ---------------------------------------------------------------------------------------------- ARRAY


def encode_array(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    assert spec.element is not None
    rows: list[Any] = []
    for v in values:
        if isinstance(v, np.ndarray):
            v = v.tolist()
        elif not isinstance(v, (list, tuple)):
            detail = f"'{type(v).__name__}' object is not iterable" if not isinstance(v, (str, bytes, dict)) else (
                f"an array value must be a list, not {type(v).__name__}"
            )
            raise inconsistent(spec, v, detail)
        rows.append(v)
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    if spec.max_capacity is not None and len(rows) and int(lengths.max()) > spec.max_capacity:
        i = int(np.flatnonzero(lengths > spec.max_capacity)[0])
        raise server_reject(
            f"the length ({int(lengths[i])}) of the array field `{spec.name}` at row {_row(index_map, i)} "
            f"exceeds max capacity ({spec.max_capacity})"
        )
    flat = list(chain.from_iterable(rows))
    element = spec.element
    if element.dtype in (DataType.VARCHAR, DataType.STRING):
        return _string_array(spec, rows, values, flat, lengths, index_map)
    try:
        if None in map(type, flat) or any(v is None for v in flat):
            raise TypeError("array elements must not be None")
        items = SCALAR_ENCODERS[element.dtype](element, flat, None, set(map(type, flat)))
    except (DataNotMatchException, ParamError, TypeError) as exc:
        detail = exc.message if isinstance(exc, MilvusException) else str(exc)
        row = _containing_row(lengths, _bad_element_index(element, flat))
        raise inconsistent(spec, values[row], detail) from None
    except MilvusException as exc:  # element length / range checks are server-side: name the array row
        raise server_reject(f"array field `{spec.name}`: {exc.message}") from None
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), items, type=spec.arrow)


def _string_array(
    spec: FieldSpec, rows: list[Any], values: list[Any], flat: list[Any], lengths: np.ndarray,
    index_map: list[int] | None,
) -> pa.Array:
    """ARRAY<VARCHAR>: pymilvus only type-checks the elements; Milvus checks their UTF-8 byte length."""
    assert spec.element is not None
    if not set(map(type, flat)) <= {str}:
        i = next(i for i, v in enumerate(flat) if not isinstance(v, str))
        raise inconsistent(spec, values[_containing_row(lengths, i)], "bad argument type for built-in operation")
    items = pa.array(flat, type=pa.string())
    max_len = spec.element.max_length
    if max_len is not None and len(items):
        byte_len = pc.binary_length(items)
        if pc.max(byte_len).as_py() > max_len:
            i = pc.index(pc.greater(byte_len, max_len), True).as_py()
            raise server_reject(
                f"length of varchar element of array field {spec.name} exceeds max length, row number: "
                f"{_row(index_map, _containing_row(lengths, i))}, length: {byte_len[i].as_py()}, "
                f"max length: {max_len}"
            )
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), items, type=spec.arrow)


def _bad_element_index(element: FieldSpec, flat: list[Any]) -> int:
    for i, v in enumerate(flat):
        if v is None:
            return i
        if element.dtype in _SCALAR_RULES and not _SCALAR_RULES[element.dtype][1](v):
            return i
        if element.dtype in (DataType.VARCHAR, DataType.STRING) and not isinstance(v, str):
            return i
    return 0


def _containing_row(lengths: np.ndarray, flat_index: int) -> int:
    return int(np.searchsorted(np.cumsum(lengths), flat_index, side="right"))


# ---------------------------------------------------------------------------------------------- registry

Encoder = Callable[[FieldSpec, list[Any], "list[int] | None", "set[type]"], pa.Array]

SCALAR_ENCODERS: dict[DataType, Encoder] = {
    DataType.BOOL: encode_bool,
    DataType.INT8: encode_int,
    DataType.INT16: encode_int,
    DataType.INT32: encode_int,
    DataType.INT64: encode_int,
    DataType.FLOAT: encode_float,
    DataType.DOUBLE: encode_float,
    DataType.VARCHAR: encode_varchar,
    DataType.STRING: encode_varchar,
    DataType.TEXT: encode_text,
    DataType.GEOMETRY: encode_geometry,
    DataType.TIMESTAMPTZ: encode_timestamptz,
    DataType.JSON: encode_json,
    DataType.ARRAY: encode_array,
}
