"""User rows ⇄ Arrow tables: the insert/upsert entry point and the vector column encoders.

``rows_to_table`` applies pymilvus's client-side row checks (same exception classes and messages) and converts
each field with one vectorised pass per column (encoders in :mod:`azimuth.types.rows_in` for scalars, here for
vectors); ``table_to_rows`` (in :mod:`azimuth.types.rows_out`) shapes query results. Either a complete table
is returned or an exception is raised — never a partial result.

Nulls: a missing or ``None`` value of a nullable / default-valued field becomes an Arrow null (the service fills
defaults). Partial upsert (``partial=True``): the table holds only the fields the rows supply, and every row must
supply the same fields (pymilvus's ``InsertFieldsLenInconsistent`` rule), so a null in a partial table always
means "set this field to null" and no separate validity map is needed.
"""

from __future__ import annotations

from itertools import chain
from typing import Any, Iterable

import numpy as np
import orjson
import pyarrow as pa

from azimuth.errors import DataNotMatchException, DataTypeNotSupportException, ParamError
from azimuth.types.arrays import to_numpy
from azimuth.types.arrow import META_FIELD
from azimuth.types.enums import DataType
from azimuth.types.rows_in import (
    SCALAR_ENCODERS,
    Encoder,
    FieldSpec,
    field_specs,
    inconsistent,
    json_default,
    server_reject,
)
from azimuth.types.rows_out import table_to_rows

try:
    from ml_dtypes import bfloat16 as _BF16
except ImportError:  # pragma: no cover - ml_dtypes is a runtime dependency
    _BF16 = None

DATA_TYPE_INCONSISTENT = "The Input data type is inconsistent with defined schema, please check it."
UNEXPECTED_FIELD = "Attempt to insert an unexpected field `%s` to collection without enabling dynamic field"
UNEXPECTED_FUNCTION_OUTPUT = "Attempt to insert an unexpected function output field `%s` to collection"
MISSED_FIELD = "Insert missed an field `%s` to collection without set nullable==true or set default_value"
FIELDS_LEN_INCONSISTENT = "The data fields length is inconsistent. previous length is %d, current length is %d"
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_NONE = type(None)
_JSON_OPTS = orjson.OPT_SERIALIZE_NUMPY


# ---------------------------------------------------------------------------------------------- dense vectors


def _dim_error(spec: FieldSpec, row: int, got: int) -> Exception:
    return server_reject(
        f"the dim ({got}) of field data({spec.name}) is not equal to schema dim ({spec.dim}) at row {row}"
    )


def _row(index_map: list[int] | None, i: int) -> int:
    return index_map[i] if index_map is not None else i


def _locate_float_row(spec: FieldSpec, values: list[Any], index_map: list[int] | None) -> Exception:
    """The precise error for the first float-vector row that does not convert or has the wrong length."""
    for i, v in enumerate(values):
        if isinstance(v, np.ndarray) and v.dtype not in _FLOATS:
            return ParamError(message="invalid input for float32 vector. Expected an np.ndarray with dtype=float32")
        if not isinstance(v, (list, tuple, np.ndarray)):
            not_iterable = f"'{type(v).__name__}' object is not iterable"
            return inconsistent(spec, v, "must be real number, not str" if isinstance(v, str) else not_iterable)
        try:
            row = pa.array(list(v) if not isinstance(v, np.ndarray) else v, type=pa.float64())
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError) as exc:
            return inconsistent(spec, v, exc)
        if row.null_count:
            return inconsistent(spec, v, "must be real number, not NoneType")
        if len(row) != spec.dim:
            return _dim_error(spec, _row(index_map, i), len(row))
    return inconsistent(spec, values[0], "could not convert the rows to a float matrix")


def stack_rows(values: list[np.ndarray]) -> np.ndarray:
    """Equal-length 1-D arrays → an (n, dim) matrix; one C-level concatenate instead of ``np.stack``'s
    per-array reshaping. Raises ValueError when shapes differ."""
    if len({v.shape for v in values}) != 1 or values[0].ndim != 1:
        return np.stack(values)
    return np.concatenate(values).reshape(len(values), -1)


def float_matrix(
    spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type] | None = None
) -> np.ndarray:
    """Rows of floats (lists, tuples, float32/float64 arrays) → an (n, dim) float32 matrix, validated."""
    if types is None:
        types = set(map(type, values))
    if types == {np.ndarray}:
        if not {v.dtype for v in values} <= set(_FLOATS):
            raise _locate_float_row(spec, values, index_map)
        try:
            mat = stack_rows(values)
        except ValueError:
            raise _locate_float_row(spec, values, index_map) from None
        if mat.ndim != 2 or mat.shape[1] != spec.dim:
            raise _locate_float_row(spec, values, index_map)
        mat = mat.astype(np.float32, copy=False)
    elif types <= {list, tuple, np.ndarray}:
        if np.ndarray in types and not {v.dtype for v in values if type(v) is np.ndarray} <= set(_FLOATS):
            raise _locate_float_row(spec, values, index_map)
        try:  # pyarrow rejects str/None elements and wrong lengths, like protobuf + the server would
            arr = pa.array(values, type=pa.list_(pa.float64(), spec.dim))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            raise _locate_float_row(spec, values, index_map) from None
        if arr.values.null_count:
            raise _locate_float_row(spec, values, index_map)
        with np.errstate(over="ignore"):
            mat = to_numpy(arr.values).astype(np.float32).reshape(len(values), spec.dim)
    else:
        raise _locate_float_row(spec, values, index_map)
    _check_finite(spec, mat, index_map)
    return mat


def _check_finite(spec: FieldSpec, mat: np.ndarray, index_map: list[int] | None) -> None:
    with np.errstate(invalid="ignore", over="ignore"):
        if np.isfinite(mat.sum(dtype=np.float64)):  # one reduction instead of an elementwise mask
            return
        finite = np.isfinite(mat)
    if finite.all():
        return
    row = int(np.flatnonzero(~finite.all(axis=1))[0])
    raise server_reject(
        f"the vector of field `{spec.name}` at row {_row(index_map, row)} contains NaN or Inf, which is not allowed"
    )


def _fixed_list(spec: FieldSpec, mat: np.ndarray) -> pa.Array:
    flat = pa.array(np.ascontiguousarray(mat).reshape(-1), type=spec.arrow.value_type)
    return pa.FixedSizeListArray.from_arrays(flat, spec.dim)


def encode_float_vector(
    spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]
) -> pa.Array:
    return _fixed_list(spec, float_matrix(spec, values, index_map, types))


def _half_dtype(spec: FieldSpec) -> tuple[np.dtype, str]:
    if spec.dtype == DataType.FLOAT16_VECTOR:
        return np.dtype(np.float16), "float16"
    if _BF16 is None:  # pragma: no cover
        raise ParamError(message="bfloat16 vectors need the ml_dtypes package")
    return np.dtype(_BF16), "bfloat16"


def _half_row(spec: FieldSpec, v: Any, target: np.dtype, kind: str, row: int) -> np.ndarray:
    if isinstance(v, list) or (isinstance(v, np.ndarray) and v.dtype in _FLOATS):
        with np.errstate(over="ignore"):
            return float_matrix(spec, [v], [row])[0].astype(target)
    if isinstance(v, bytes):
        if len(v) != spec.dim * 2:
            raise _dim_error(spec, row, len(v) // 2)
        return np.frombuffer(v, dtype=target)
    if isinstance(v, np.ndarray):
        if v.dtype != target:
            raise ParamError(message=f"invalid input for {kind} vector. Expected an np.ndarray with dtype={kind}")
        if v.shape != (spec.dim,):
            raise _dim_error(spec, row, v.size)
        return v
    raise ParamError(message=f"invalid input type for {kind} vector. Expected bytes or np.ndarray(dtype={kind})")


def encode_half_vector(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    """FLOAT16 / BFLOAT16: arrays of that dtype, raw little-endian bytes, or float rows (converted)."""
    target, kind = _half_dtype(spec)
    mat: np.ndarray | None = None
    if types == {np.ndarray} and {v.dtype for v in values} == {target}:
        try:
            mat = stack_rows(values)
        except ValueError:
            mat = None
        if mat is not None and (mat.ndim != 2 or mat.shape[1] != spec.dim):
            mat = None
    elif types <= {list, tuple} and list in types and tuple not in types:
        with np.errstate(over="ignore"):
            mat = float_matrix(spec, values, index_map, types).astype(target)
    if mat is None:
        rows = [_half_row(spec, v, target, kind, _row(index_map, i)) for i, v in enumerate(values)]
        mat = np.stack(rows) if rows else np.zeros((0, spec.dim), dtype=target)
    with np.errstate(over="ignore"):
        _check_finite(spec, mat.astype(np.float32), index_map)
    if spec.dtype == DataType.BFLOAT16_VECTOR:
        mat = mat.view(np.uint16)
    return _fixed_list(spec, mat)


def _int8_row(spec: FieldSpec, v: Any, row: int) -> np.ndarray:
    if isinstance(v, bytes):
        out = np.frombuffer(v, dtype=np.int8)
    elif isinstance(v, np.ndarray):
        if v.dtype != np.int8:
            raise ParamError(message="invalid input for int8 vector. Expected an np.ndarray with dtype=int8")
        out = v
    elif isinstance(v, (list, tuple)):  # accepted beyond pymilvus: JSON/REST clients send int8 vectors as lists
        if not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in v):
            raise inconsistent(spec, v, "int8 vector elements must be integers")
        wide = np.asarray(v, dtype=object).astype(np.int64) if v else np.zeros(0, np.int64)
        if len(wide) and (wide.min() < -128 or wide.max() > 127):
            raise server_reject(f"the int8 vector of field `{spec.name}` at row {row} has values outside [-128, 127]")
        out = wide.astype(np.int8)
    else:
        raise ParamError(message="invalid input type for INT8_VECTOR vector. Expected bytes or np.ndarray")
    if out.shape != (spec.dim,):
        raise _dim_error(spec, row, out.size)
    return out


def encode_int8_vector(spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]) -> pa.Array:
    mat: np.ndarray | None = None
    if types == {np.ndarray} and {v.dtype for v in values} == {np.dtype(np.int8)}:
        try:
            mat = stack_rows(values)
        except ValueError:
            mat = None
        if mat is not None and (mat.ndim != 2 or mat.shape[1] != spec.dim):
            mat = None
    if mat is None:
        rows = [_int8_row(spec, v, _row(index_map, i)) for i, v in enumerate(values)]
        mat = np.stack(rows) if rows else np.zeros((0, spec.dim), dtype=np.int8)
    return _fixed_list(spec, mat)


def encode_binary_vector(
    spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]
) -> pa.Array:
    """``bytes`` (or anything ``bytes()`` accepts that has a length, e.g. a list of byte values) of dim/8 bytes."""
    width = spec.dim // 8
    if types <= {bytes}:
        try:
            return pa.array(values, type=spec.arrow)
        except (pa.ArrowInvalid, ValueError):
            pass
    out: list[bytes] = []
    for i, v in enumerate(values):
        if not hasattr(v, "__len__"):
            raise inconsistent(spec, v, f"object of type '{type(v).__name__}' has no len()")
        try:
            b = bytes(v)
        except (TypeError, ValueError) as exc:
            raise inconsistent(spec, v, exc) from None
        if len(b) != width:
            raise _dim_error(spec, _row(index_map, i), len(b) * 8)
        out.append(b)
    return pa.array(out, type=spec.arrow)


# ---------------------------------------------------------------------------------------------- sparse vectors


def _is_int_like(v: Any) -> bool:
    if isinstance(v, (int, np.integer)):
        return True
    if isinstance(v, str):
        try:
            int(v)
        except ValueError:
            return False
        return True
    return False


def _is_float_like(v: Any) -> bool:
    if isinstance(v, (float, np.floating)):
        return True
    if isinstance(v, str):
        try:
            float(v)
        except ValueError:
            return False
        return True
    return False


_SPARSE_INVALID = "invalid input for sparse float vector"


def _sparse_parts(v: Any) -> tuple[Iterable[Any], Iterable[Any], int]:
    """(indices, values, count) of one sparse row in any accepted form."""
    if type(v) is dict:
        return v.keys(), v.values(), len(v)
    if hasattr(v, "tocsr") and hasattr(v, "shape"):  # scipy.sparse matrix / array
        if len(v.shape) != 2 or v.shape[0] != 1:
            raise ParamError(message=f"{_SPARSE_INVALID}: expect 1 row")
        csr = v.tocsr()
        return csr.indices.tolist(), csr.data.astype(np.float64).tolist(), int(csr.nnz)
    if isinstance(v, dict):
        return list(v.keys()), list(v.values()), len(v)
    if isinstance(v, list):
        if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in v):
            raise ParamError(message=_SPARSE_INVALID)
        return [p[0] for p in v], [p[1] for p in v], len(v)
    raise ParamError(message=_SPARSE_INVALID)


def encode_sparse_vector(
    spec: FieldSpec, values: list[Any], index_map: list[int] | None, types: set[type]
) -> pa.Array:
    parts = [_sparse_parts(v) for v in values]
    lengths = np.fromiter((p[2] for p in parts), dtype=np.int64, count=len(parts))
    keys = list(chain.from_iterable(p[0] for p in parts))
    vals = list(chain.from_iterable(p[1] for p in parts))
    if not set(map(type, keys)) <= {int, np.int32, np.int64}:
        if not all(map(_is_int_like, keys)):
            raise ParamError(message=_SPARSE_INVALID)
        keys = [int(k) for k in keys]
    if not set(map(type, vals)) <= {float, np.float32, np.float64}:
        if not all(map(_is_float_like, vals)):
            raise ParamError(message=_SPARSE_INVALID)
        vals = [float(x) for x in vals]
    try:
        idx = np.asarray(keys, dtype=np.int64)
    except OverflowError:
        idx = None
    if idx is None or (len(idx) and (idx.min() < 0 or idx.max() >= 2**32 - 1)):
        bad = next(k for k in keys if not 0 <= int(k) < 2**32 - 1)
        raise ParamError(message=f"sparse vector index must be positive and less than 2^32-1: {bad}")
    data = np.asarray(vals, dtype=np.float64)
    if np.isnan(data).any():
        raise ParamError(message="sparse vector value must not be NaN")
    row_ids = np.repeat(np.arange(len(values)), lengths)
    with np.errstate(over="ignore"):
        data32 = data.astype(np.float32)
    if not np.isfinite(data32).all():
        row = int(row_ids[np.flatnonzero(~np.isfinite(data32))[0]])
        raise server_reject(
            f"the sparse vector of field `{spec.name}` at row {_row(index_map, row)} has an infinite value"
        )
    order = np.lexsort((idx, row_ids))
    idx, data32, row_ids = idx[order], data32[order], row_ids[order]
    dup = (np.diff(idx) == 0) & (np.diff(row_ids) == 0)
    if dup.any():
        at = int(np.flatnonzero(dup)[0])
        raise server_reject(
            f"the sparse vector of field `{spec.name}` at row {_row(index_map, int(row_ids[at]))} "
            f"has the index {int(idx[at])} more than once"
        )
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.MapArray.from_arrays(
        pa.array(offsets), pa.array(idx.astype(np.uint32)), pa.array(data32), type=spec.arrow
    )


ENCODERS: dict[DataType, Encoder] = {
    **SCALAR_ENCODERS,
    DataType.FLOAT_VECTOR: encode_float_vector,
    DataType.FLOAT16_VECTOR: encode_half_vector,
    DataType.BFLOAT16_VECTOR: encode_half_vector,
    DataType.INT8_VECTOR: encode_int8_vector,
    DataType.BINARY_VECTOR: encode_binary_vector,
    DataType.SPARSE_FLOAT_VECTOR: encode_sparse_vector,
}


# ---------------------------------------------------------------------------------------------- rows → table


def _keysets(rows: list[dict]) -> list[tuple[Any, int]]:
    """The distinct key sets of ``rows`` with the index of the first row having each (usually just one)."""
    first = rows[0].keys()
    if all(r.keys() == first for r in rows):
        return [(first, 0)]
    seen: dict[frozenset[str], int] = {}
    for i, r in enumerate(rows):
        seen.setdefault(frozenset(r), i)
    return [(rows[i].keys(), i) for i in sorted(seen.values())]


def _encode_column(spec: FieldSpec, values: list[Any]) -> pa.Array:
    encoder = ENCODERS.get(spec.dtype)
    if encoder is None:
        raise ParamError(message=f"Unsupported data type: {spec.dtype}")
    if not values:
        return pa.array([], type=spec.arrow)
    types = set(map(type, values))
    if _NONE not in types:
        return encoder(spec, values, None, types)
    if not spec.accepts_null:
        row = next(i for i, v in enumerate(values) if v is None)
        raise server_reject(
            f"the value of field `{spec.name}` at row {row} is None, but the field is not nullable and has no "
            "default value"
        )
    types.discard(_NONE)
    present = [i for i, v in enumerate(values) if v is not None]
    arr = encoder(spec, [values[i] for i in present], present, types) if present else pa.array([], type=spec.arrow)
    positions: list[int | None] = [None] * len(values)
    for j, i in enumerate(present):
        positions[i] = j
    return arr.take(pa.array(positions, type=pa.int32()))


def _meta_column(rows: list[dict], known: set[str], extras: bool) -> pa.Array:
    if not extras:
        return pa.array(["{}"] * len(rows), type=pa.string())
    try:
        texts = [
            orjson.dumps(
                {k: v for k, v in r.items() if k not in known}, default=json_default, option=_JSON_OPTS
            )
            for r in rows
        ]
    except (TypeError, ValueError) as exc:
        raise DataNotMatchException(message=DATA_TYPE_INCONSISTENT) from exc
    return pa.array(texts, type=pa.string())


def rows_to_table(
    rows: list[dict],
    schema: Any,
    *,
    partial: bool = False,
    allow_auto_id_values: bool = False,
    upsert: bool = False,
) -> pa.Table:
    """Validate insert/upsert rows against ``schema`` and convert them to one Arrow table.

    ``schema`` is a CollectionSchema (ours or pymilvus's) or a describe_collection dict. Columns appear in schema
    order with the types of :func:`azimuth.types.arrow.arrow_type`, plus ``$meta`` (compact JSON of the keys that
    are not fields, ``"{}"`` when none) if dynamic fields are enabled. Function-output fields never appear. An
    auto_id primary key is omitted unless the rows supply it, which raises unless ``allow_auto_id_values``.
    ``upsert=True`` treats the primary key as an ordinary required field (pymilvus's upsert rule, auto_id or
    not); ``partial=True`` (partial upsert, implies ``upsert``) keeps only the fields the rows supply, requires
    every row to supply the same fields and does not require the others.
    """
    if not isinstance(rows, list):
        rows = list(rows)
    if not all(type(r) is dict for r in rows) and not all(isinstance(r, dict) for r in rows):
        raise DataNotMatchException(message=DATA_TYPE_INCONSISTENT)
    plan = _Plan(schema, partial=partial, upsert=upsert or partial, allow_auto_id_values=allow_auto_id_values)
    if rows:
        # Fast proof of uniform keys: row 0 holds only fields and every row has as many keys; a row with other
        # keys then lacks one of row 0's fields, which the column extraction notices (KeyError → slow path).
        first, width = rows[0], len(rows[0])
        if first.keys() <= plan.by_name.keys() and all(len(r) == width for r in rows):
            try:
                return plan.build(rows, [(first.keys(), 0)])
            except _NotUniform:
                pass
    return plan.build(rows, _keysets(rows) if rows else [])


class _NotUniform(Exception):
    """Rows assumed to share one key set do not."""


class _Plan:
    """The per-call view of the schema used to check keys and build the columns."""

    def __init__(self, schema: Any, *, partial: bool, upsert: bool, allow_auto_id_values: bool) -> None:
        specs, self.dynamic = field_specs(schema)
        self.partial = partial
        self.allow_auto_id_values = allow_auto_id_values
        self.pk = next((s for s in specs if s.is_primary), None)
        pk = self.pk
        self.auto_pk = pk if pk is not None and pk.auto_id and not upsert else None
        self.unsupported = {s.name for s in specs if s.arrow == pa.null()}
        self.by_name = {s.name: s for s in specs if not s.is_function_output and s.name not in self.unsupported}
        self.outputs = {s.name for s in specs if s.is_function_output}
        if partial:
            self.required = [pk.name] if pk is not None else []
        else:
            self.required = [s.name for s in self.by_name.values() if not s.accepts_null and s is not self.auto_pk]

    def check_keys(self, rows: list[dict], keysets: list[tuple[Any, int]]) -> tuple[set[str], bool]:
        """pymilvus's key checks; returns the fields any row supplies and whether any row has dynamic keys."""
        extras = False
        supplied: set[str] = set()
        for keys, _ in keysets:
            for k in keys:
                if k in self.by_name:
                    supplied.add(k)
                    continue
                if k in self.outputs:
                    raise DataNotMatchException(message=UNEXPECTED_FUNCTION_OUTPUT % k)
                if k in self.unsupported:
                    raise DataTypeNotSupportException(
                        message=f"field `{k}` is an array of structs, which Azimuth cannot store yet"
                    )
                if not self.dynamic or k == META_FIELD:
                    raise DataNotMatchException(message=UNEXPECTED_FIELD % k)
                extras = True
            for name in self.required:
                if name not in keys:
                    raise DataNotMatchException(message=MISSED_FIELD % name)
        auto_pk = self.auto_pk
        if auto_pk is not None and auto_pk.name in supplied:
            if not self.allow_auto_id_values:
                raise server_reject(f"can not assign primary field data when auto id enabled {auto_pk.name}")
            for keys, _ in keysets:
                if auto_pk.name not in keys:
                    raise DataNotMatchException(message=MISSED_FIELD % auto_pk.name)
        if self.partial and len(keysets) > 1:
            for name in (s for s in self.by_name if s in supplied):
                count = sum(1 for r in rows if name in r)
                if count != len(rows):
                    raise DataNotMatchException(message=FIELDS_LEN_INCONSISTENT % (len(rows), count))
        return supplied, extras

    def build(self, rows: list[dict], keysets: list[tuple[Any, int]]) -> pa.Table:
        supplied, extras = self.check_keys(rows, keysets)
        uniform = len(keysets) <= 1
        names: list[str] = []
        columns: list[pa.Array] = []
        for spec in self.by_name.values():
            name = spec.name
            if (spec is self.auto_pk or self.partial) and name not in supplied:
                continue
            if uniform and name in supplied:
                try:
                    values = [r[name] for r in rows]
                except KeyError:
                    raise _NotUniform from None
            else:
                values = [r.get(name) for r in rows]
            names.append(name)
            columns.append(_encode_column(spec, values))
        if self.dynamic:
            names.append(META_FIELD)
            columns.append(_meta_column(rows, set(self.by_name), extras))
        return pa.Table.from_arrays(columns, names=names)


__all__ = ["FieldSpec", "field_specs", "rows_to_table", "table_to_rows"]
