"""Arrow columns ⇄ Milvus ``schema.FieldData``, whole columns at a time.

Encoding needs the Milvus data type of each column (Arrow ``string`` may be VARCHAR, JSON, GEOMETRY...), taken
from the collection schema; ``$meta`` is the dynamic JSON field (``is_dynamic``). Decoding is self-describing
(``FieldData.type``, ``dim``, ``ArrayArray.element_type``). The Arrow layout is the one of ``types/arrow.py``.

Nulls: ``valid_data`` marks them. Vectors only carry the valid rows ("compact"), as Milvus does. Scalars carry
only the valid rows in write requests (as pymilvus sends them) and a placeholder for every row in results (as
Milvus returns them); the decoder accepts both forms. Numeric payloads go through :mod:`.packing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from azimuth.codec.grpc import packing
from azimuth.codec.grpc.proto import schema_pb2 as spb
from azimuth.errors import Code, server_error
from azimuth.types.arrays import filled, to_numpy, valid_mask
from azimuth.types.arrow import META_FIELD, arrow_type
from azimuth.types.enums import DataType


@dataclass(frozen=True)
class ColumnType:
    """What the wire needs to know about a column beyond its Arrow type."""

    dtype: DataType
    element_type: DataType | None = None
    dim: int = 0
    field_id: int = 0


_INT32_TYPES = (DataType.INT8, DataType.INT16, DataType.INT32)
_TEXT_TYPES = (DataType.VARCHAR, DataType.STRING, DataType.TEXT)
_BYTE_VECTORS = {
    DataType.FLOAT16_VECTOR: ("float16_vector", 2),
    DataType.BFLOAT16_VECTOR: ("bfloat16_vector", 2),
    DataType.INT8_VECTOR: ("int8_vector", 1),
}
_ARRAY_ATTRS = {
    DataType.BOOL: "bool_data", DataType.INT8: "int_data", DataType.INT16: "int_data", DataType.INT32: "int_data",
    DataType.INT64: "long_data", DataType.FLOAT: "float_data", DataType.DOUBLE: "double_data",
    DataType.VARCHAR: "string_data", DataType.STRING: "string_data",
}
_INFERRED = {
    pa.bool_(): DataType.BOOL, pa.int8(): DataType.INT8, pa.int16(): DataType.INT16, pa.int32(): DataType.INT32,
    pa.int64(): DataType.INT64, pa.float32(): DataType.FLOAT, pa.float64(): DataType.DOUBLE,
    pa.string(): DataType.VARCHAR,
}


def bad_data(message: str) -> Exception:
    return server_error(Code.INVALID_PARAMETER, message)


# ---- encoding ----------------------------------------------------------------------------------------------


def _scalar_field(dtype: DataType, array: pa.Array) -> Any:
    """A ``ScalarField`` holding the non-null-filled values of ``array``."""
    if dtype == DataType.BOOL:
        bits = np.asarray(filled(array, False), dtype=np.uint8)
        return spb.ScalarField(bool_data=packing.packed_message(spb.BoolArray, bits.tobytes()))
    if dtype in _INT32_TYPES:
        ints = filled(array, 0)
        return spb.ScalarField(int_data=packing.varint_message(spb.IntArray, ints))
    if dtype == DataType.INT64:
        longs = filled(array, 0)
        return spb.ScalarField(long_data=packing.varint_message(spb.LongArray, longs))
    if dtype == DataType.TIMESTAMPTZ:
        micros = filled(array.cast(pa.int64()), 0)
        return spb.ScalarField(timestamptz_data=packing.varint_message(spb.TimestamptzArray, micros))
    if dtype == DataType.FLOAT:
        floats = filled(array, 0)
        return spb.ScalarField(float_data=packing.fixed_message(spb.FloatArray, floats, "<f4"))
    if dtype == DataType.DOUBLE:
        doubles = filled(array, 0)
        return spb.ScalarField(double_data=packing.fixed_message(spb.DoubleArray, doubles, "<f8"))
    if dtype in _TEXT_TYPES:
        return spb.ScalarField(string_data=spb.StringArray(data=array.fill_null("").to_pylist()))
    if dtype == DataType.GEOMETRY:
        return spb.ScalarField(geometry_wkt_data=spb.GeometryWktArray(data=array.fill_null("").to_pylist()))
    if dtype == DataType.JSON:
        raw = array.fill_null("null").cast(pa.binary()).to_pylist()
        return spb.ScalarField(json_data=spb.JSONArray(data=raw))
    raise bad_data(f"data type {dtype.name} cannot be sent as a scalar column")


def _array_field(column: ColumnType, array: pa.Array) -> Any:
    element = DataType(column.element_type or DataType.NONE)
    attr = _ARRAY_ATTRS.get(element)
    if attr is None:
        raise bad_data(f"ARRAY of {element.name} is not supported")
    offsets = to_numpy(array.offsets)
    flat = array.values
    rows = []
    for start, end in zip(offsets[:-1].tolist(), offsets[1:].tolist()):
        rows.append(_scalar_field(element, flat.slice(start, end - start)))
    return spb.ScalarField(array_data=spb.ArrayArray(data=rows, element_type=int(element)))


def _sparse_field(array: pa.Array) -> Any:
    offsets = to_numpy(array.offsets)
    pairs = np.empty(len(array.keys), dtype=[("index", "<u4"), ("value", "<f4")])
    pairs["index"] = to_numpy(array.keys)
    pairs["value"] = to_numpy(array.items)
    raw = pairs.tobytes()
    contents = [raw[8 * a:8 * b] for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    dim = int(pairs["index"].max()) + 1 if len(pairs) else 0
    return spb.SparseFloatArray(contents=contents, dim=dim)


def _vector_field(column: ColumnType, array: pa.Array) -> Any:
    dtype = column.dtype
    if dtype == DataType.SPARSE_FLOAT_VECTOR:
        return spb.VectorField(sparse_float_vector=_sparse_field(array))
    if dtype == DataType.BINARY_VECTOR:
        width = array.type.byte_width
        data = array.buffers()[1]
        raw = data[array.offset * width:(array.offset + len(array)) * width].to_pybytes()
        return spb.VectorField(dim=width * 8, binary_vector=raw)
    dim = array.type.list_size
    flat = array.flatten()
    values = to_numpy(flat)
    if dtype == DataType.FLOAT_VECTOR:
        return spb.VectorField(dim=dim, float_vector=packing.fixed_message(spb.FloatArray, values, "<f4"))
    attr, _ = _BYTE_VECTORS[dtype]
    return spb.VectorField(dim=dim, **{attr: np.ascontiguousarray(values).tobytes()})


def encode_column(name: str, column: ColumnType, array: pa.Array | pa.ChunkedArray, *, compact: bool,
                  is_dynamic: bool = False) -> Any:
    """One ``FieldData``. ``compact``: scalars carry only valid rows (write requests)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    dtype = column.dtype
    out = spb.FieldData(type=int(dtype), field_name=name, field_id=column.field_id, is_dynamic=is_dynamic)
    valid: np.ndarray | None = None
    if array.null_count:
        valid = valid_mask(array)
        out.valid_data.extend(valid.tolist())
    vector = int(dtype) >= 100
    if valid is not None and (vector or compact):
        array = array.filter(pa.array(valid))
    if vector:
        out.vectors.CopyFrom(_vector_field(column, array))
    elif dtype == DataType.ARRAY:
        out.scalars.CopyFrom(_array_field(column, array))
    else:
        out.scalars.CopyFrom(_scalar_field(dtype, array))
    return out


def column_types(table_names: Iterable[str], types: Mapping[str, ColumnType], table: pa.Table) -> list[ColumnType]:
    out = []
    for name in table_names:
        known = types.get(name)
        if known is None:
            if name == META_FIELD:
                known = ColumnType(DataType.JSON)
            else:
                inferred = _INFERRED.get(table.schema.field(name).type)
                if inferred is None:
                    raise bad_data(f"column {name!r} is not a field of the collection")
                known = ColumnType(inferred)
        out.append(known)
    return out


def encode_table(table: pa.Table, types: Mapping[str, ColumnType], *, compact: bool) -> list[Any]:
    """``FieldData`` for every column of ``table``."""
    kinds = column_types(table.column_names, types, table)
    return [encode_column(name, kind, table.column(name), compact=compact, is_dynamic=name == META_FIELD)
            for name, kind in zip(table.column_names, kinds)]


# ---- decoding ----------------------------------------------------------------------------------------------


def _scalar_values(dtype: DataType, scalars: Any) -> pa.Array:
    if dtype == DataType.BOOL:
        return pa.array(packing.values(scalars.bool_data, np.bool_))
    if dtype in _INT32_TYPES:
        ints = packing.values(scalars.int_data, np.int32)
        target = np.dtype({DataType.INT8: np.int8, DataType.INT16: np.int16}.get(dtype, np.int32))
        if target != np.int32 and len(ints) and (ints.min() < np.iinfo(target).min or ints.max() > np.iinfo(target).max):
            raise bad_data(f"a value is out of range for {dtype.name}")
        return pa.array(ints.astype(target, copy=False))
    if dtype == DataType.INT64:
        return pa.array(packing.values(scalars.long_data, np.int64))
    if dtype == DataType.TIMESTAMPTZ:
        micros = packing.values(scalars.timestamptz_data, np.int64)
        return pa.array(micros).cast(pa.timestamp("us", tz="UTC"))
    if dtype == DataType.FLOAT:
        return pa.array(packing.values(scalars.float_data, np.float32))
    if dtype == DataType.DOUBLE:
        return pa.array(packing.values(scalars.double_data, np.float64))
    if dtype in _TEXT_TYPES:
        return pa.array(list(scalars.string_data.data), type=pa.string())
    if dtype == DataType.GEOMETRY:
        return pa.array(list(scalars.geometry_wkt_data.data), type=pa.string())
    if dtype == DataType.JSON:
        raw = list(scalars.json_data.data)
        try:  # validate every value with one parse of "[v1,v2,...]"; find the culprit only on failure
            parsed = orjson.loads(b"[" + b",".join(raw) + b"]") if raw else []
            if len(parsed) != len(raw):
                raise orjson.JSONDecodeError("a value holds several JSON values", "", 0)
        except orjson.JSONDecodeError:
            for item in raw:
                try:
                    orjson.loads(item)
                except orjson.JSONDecodeError as exc:
                    raise bad_data(f"invalid JSON value: {exc}") from None
            raise bad_data("invalid JSON value: a value holds several JSON values") from None
        return pa.array(raw, type=pa.binary()).cast(pa.string())
    raise bad_data(f"data type {dtype.name} is not a scalar type")


_ATTR_TYPES = {"bool_data": DataType.BOOL, "int_data": DataType.INT32, "long_data": DataType.INT64,
               "float_data": DataType.FLOAT, "double_data": DataType.DOUBLE, "string_data": DataType.VARCHAR}


def _array_values(scalars: Any) -> pa.Array:
    element = DataType(scalars.array_data.element_type)
    if element == DataType.NONE:  # pymilvus leaves it unset: read it off the rows
        kinds = {row.WhichOneof("data") for row in scalars.array_data.data} - {None}
        element = _ATTR_TYPES.get(kinds.pop(), DataType.NONE) if len(kinds) == 1 else (
            DataType.INT64 if not kinds else DataType.NONE)
    if element not in _ARRAY_ATTRS:
        raise bad_data(f"ARRAY of {element.name} is not supported")
    parts = [_scalar_values(element, row) for row in scalars.array_data.data]
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int32, count=len(parts))
    offsets = np.zeros(len(parts) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    flat = pa.concat_arrays(parts) if parts else pa.array([], type=arrow_type(element))
    return pa.ListArray.from_arrays(pa.array(offsets), flat.cast(arrow_type(element)))


def _sparse_values(sparse: Any) -> pa.Array:
    contents = list(sparse.contents)
    sizes = np.fromiter((len(c) for c in contents), dtype=np.int64, count=len(contents))
    if (sizes % 8).any():
        raise bad_data("a sparse vector row is not a sequence of (uint32 index, float32 value) pairs")
    pairs = np.frombuffer(b"".join(contents), dtype=[("index", "<u4"), ("value", "<f4")])
    offsets = np.zeros(len(contents) + 1, dtype=np.int32)
    np.cumsum(sizes // 8, out=offsets[1:])
    return pa.MapArray.from_arrays(pa.array(offsets), pa.array(pairs["index"].copy()),
                                   pa.array(pairs["value"].copy()))


def _vector_values(dtype: DataType, vectors: Any) -> pa.Array:
    dim = int(vectors.dim)
    if dtype == DataType.SPARSE_FLOAT_VECTOR:
        return _sparse_values(vectors.sparse_float_vector)
    if dim <= 0:
        raise bad_data(f"vector data of type {dtype.name} has no dimension")
    if dtype == DataType.BINARY_VECTOR:
        width = dim // 8
        raw = vectors.binary_vector
        if width == 0 or len(raw) % width:
            raise bad_data(f"binary vector data length {len(raw)} is not a multiple of dim/8 = {width}")
        return pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), len(raw) // width, [None, pa.py_buffer(raw)])
    if dtype == DataType.FLOAT_VECTOR:
        flat = packing.values(vectors.float_vector, np.float32)
    elif dtype in _BYTE_VECTORS:
        attr, width = _BYTE_VECTORS[dtype]
        element = {DataType.FLOAT16_VECTOR: np.float16, DataType.BFLOAT16_VECTOR: np.uint16}.get(dtype, np.int8)
        raw = getattr(vectors, attr)
        if len(raw) % (width * dim):
            raise bad_data(f"{dtype.name} data length {len(raw)} is not a multiple of dim ({dim}) × {width}")
        flat = np.frombuffer(raw, dtype=element)
    else:
        raise bad_data(f"data type {dtype.name} is not a vector type")
    if len(flat) % dim:
        raise bad_data(f"vector data of {len(flat)} values is not a multiple of dim {dim}")
    return pa.FixedSizeListArray.from_arrays(pa.array(flat), dim)


def _with_nulls(values: pa.Array, valid: np.ndarray, name: str) -> pa.Array:
    count = int(valid.sum())
    if len(values) == len(valid):
        positions = np.arange(len(valid))
    elif len(values) == count:
        positions = np.cumsum(valid) - 1
    else:
        raise bad_data(f"field {name} has {len(values)} values for {len(valid)} rows ({count} valid)")
    return values.take(pa.array(positions, mask=~valid))


def decode_column(field: Any) -> tuple[str, pa.Array]:
    """``(name, array)`` of one ``FieldData``; malformed data raises an INVALID_PARAMETER ``MilvusException``."""
    try:
        dtype = DataType(field.type)
    except ValueError:
        raise bad_data(f"unknown data type {field.type} for field {field.field_name}") from None
    name = META_FIELD if field.is_dynamic else field.field_name
    if dtype in (DataType.STRUCT, DataType._ARRAY_OF_STRUCT, DataType._ARRAY_OF_VECTOR) or field.HasField(
            "struct_arrays"):
        raise server_error(Code.UNSUPPORTED, f"struct array field {name} is not supported by Azimuth yet")
    if int(dtype) >= 100:
        values = _vector_values(dtype, field.vectors)
    elif dtype == DataType.ARRAY:
        values = _array_values(field.scalars)
    else:
        values = _scalar_values(dtype, field.scalars)
    if len(field.valid_data):
        valid = np.asarray(field.valid_data, dtype=bool)
        if not valid.all() or len(values) != len(valid):
            values = _with_nulls(values, valid, name)
    return name, values


def decode_table(fields: Iterable[Any], num_rows: int | None = None) -> pa.Table:
    """A table of the decoded columns; all columns must have the same length."""
    names: list[str] = []
    arrays: list[pa.Array] = []
    for field in fields:
        name, array = decode_column(field)
        if name in names:
            raise bad_data(f"field {name} appears twice in the data")
        names.append(name)
        arrays.append(array)
    lengths = {len(a) for a in arrays}
    if num_rows:
        lengths.add(int(num_rows))
    if len(lengths) > 1:
        counts = ", ".join(f"{n}={len(a)}" for n, a in zip(names, arrays))
        raise bad_data(f"the fields have different numbers of rows ({counts}; num_rows={num_rows})")
    return pa.Table.from_arrays(arrays, names=names)


def count_column(count: int) -> Any:
    """The ``count(*)`` result column."""
    return spb.FieldData(type=int(DataType.INT64), field_name="count(*)",
                         scalars=spb.ScalarField(long_data=spb.LongArray(data=[int(count)])))


__all__ = ["ColumnType", "count_column", "decode_column", "decode_table", "encode_column", "encode_table"]
