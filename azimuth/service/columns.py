"""Server-side validation and completion of incoming row tables: types match the schema, required values are
present, defaults fill nulls, VARCHAR / ARRAY limits hold, vectors are finite; auto ids and partition-key routing.
Works on whole columns (Arrow / numpy), never row by row."""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa

from azimuth.errors import Code, server_error
from azimuth.types.arrays import pc, to_numpy, valid_mask
from azimuth.types.arrow import META_FIELD
from azimuth.types.enums import DENSE_VECTOR_TYPES, STRING_TYPES, DataType
from azimuth.types.schema import CollectionSchema, FieldSchema

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _default_scalar(field: FieldSchema, arrow_type: pa.DataType, length: int) -> pa.Array:
    value = field.default_value.value
    if field.dtype == DataType.JSON:
        import orjson

        value = orjson.dumps(value).decode()
    return pa.array([value] * length, type=arrow_type) if length else pa.array([], type=arrow_type)


def complete_table(
    table: pa.Table,
    schema: CollectionSchema,
    storage: pa.Schema,
) -> pa.Table:
    """Validate ``table`` against the collection and return it in storage layout (all columns, schema order)."""
    n = table.num_rows
    known = set(storage.names)
    for name in table.column_names:
        if name not in known:
            if name == META_FIELD:
                raise server_error(Code.INVALID_PARAMETER, "dynamic field values were sent but the collection "
                                                           "does not enable the dynamic field")
            raise server_error(Code.FIELD_NOT_FOUND, f"field {name} does not exist in the collection schema")
    derived = function_outputs(table, schema)
    columns = []
    for field in schema.fields:
        expected = storage.field(field.name).type
        if field.name in derived:
            columns.append(derived[field.name])
            continue
        if field.name not in table.column_names:
            if field.is_primary and field.auto_id:
                raise server_error(Code.INVALID_PARAMETER, "auto id values were not generated")
            if getattr(field, "is_function_output", False):
                columns.append(pa.nulls(n, type=expected))
                continue
            if field.default_value is not None:
                columns.append(_default_scalar(field, expected, n))
                continue
            if field.nullable:
                columns.append(pa.nulls(n, type=expected))
                continue
            raise server_error(Code.INVALID_PARAMETER, f"field {field.name} is missing in the inserted data; "
                                                       "it is neither nullable nor has a default value")
        column = table.column(field.name)
        if column.type != expected:
            try:
                column = column.cast(expected, safe=True)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise server_error(Code.INVALID_PARAMETER, f"the type of field {field.name} is {field.dtype.name} "
                                                           f"({expected}), but the data has type {column.type}") from None
        if column.null_count:
            if field.default_value is not None:
                column = pc.fill_null(column, _default_scalar(field, expected, 1)[0])
            elif not field.nullable:
                row = int(np.flatnonzero(~valid_mask(column))[0])
                raise server_error(Code.INVALID_PARAMETER, f"the value of field {field.name} at row {row} is null "
                                                           "but the field is not nullable")
        _check_limits(field, column)
        columns.append(column)
    if schema.enable_dynamic_field:
        if META_FIELD in table.column_names:
            meta = pc.fill_null(table.column(META_FIELD), "{}")
        else:
            meta = pa.array(["{}"] * n, type=pa.string())
        columns.append(meta)
    return pa.Table.from_arrays(columns, schema=storage)


def function_outputs(table: pa.Table, schema: CollectionSchema) -> dict[str, pa.Array]:
    """Columns computed by schema functions (BM25: term frequencies of the analysed input text)."""
    from azimuth.engine.text import term_frequencies
    from azimuth.types.enums import FunctionType

    out: dict[str, pa.Array] = {}
    for function in getattr(schema, "functions", None) or []:
        if function.type != FunctionType.BM25:
            continue
        source, target = function.input_field_names[0], function.output_field_names[0]
        if target in table.column_names:
            raise server_error(Code.INVALID_PARAMETER, f"field {target} is the output of function {function.name}; "
                                                       "it is computed from the input text and cannot be inserted")
        if source in table.column_names:
            out[target] = term_frequencies(table.column(source))
        else:
            out[target] = term_frequencies(pa.nulls(table.num_rows, pa.string()))
    return out


def _check_limits(field: FieldSchema, column: pa.ChunkedArray) -> None:
    dtype = field.dtype
    params = field.params or {}
    if dtype in STRING_TYPES and dtype != DataType.TEXT:
        limit = int(params.get("max_length", 65535))
        too_long = pc.greater(pc.binary_length(column), limit)
        if pc.any(too_long).as_py():
            row = int(np.flatnonzero(to_numpy(too_long))[0])
            length = to_numpy(pc.binary_length(column))[row]
            raise server_error(Code.INVALID_PARAMETER, f"the length ({length}) of varchar field {field.name} at row "
                                                       f"{row} exceeds max length ({limit})")
    elif dtype == DataType.ARRAY:
        capacity = int(params.get("max_capacity", 4096))
        lengths = pc.list_value_length(column)
        if pc.any(pc.greater(lengths, capacity)).as_py():
            raise server_error(Code.INVALID_PARAMETER, f"the number of elements in array field {field.name} exceeds "
                                                       f"its max_capacity ({capacity})")
        element = getattr(field, "element_type", None)
        if element is not None and DataType(element) in STRING_TYPES:
            limit = int(params.get("max_length", 65535))
            flat = pc.list_flatten(column)
            if len(flat) and pc.any(pc.greater(pc.binary_length(flat), limit)).as_py():
                raise server_error(Code.INVALID_PARAMETER, f"an element of array field {field.name} exceeds max "
                                                           f"length ({limit})")
    elif dtype in DENSE_VECTOR_TYPES and dtype != DataType.INT8_VECTOR:
        chunks = column.chunks
        for chunk in chunks:
            values = to_numpy(chunk.values)
            if values.dtype == np.uint16:  # bfloat16 bits: exponent all ones = inf/nan
                bad = (values & 0x7F80) == 0x7F80
            else:
                bad = ~np.isfinite(values)
            if bad.any():
                raise server_error(Code.INVALID_PARAMETER, f"vector field {field.name} contains NaN or Inf values")
    elif dtype == DataType.SPARSE_FLOAT_VECTOR:
        for chunk in column.chunks:
            values = to_numpy(chunk.items)
            if len(values) and not np.isfinite(values).all():
                raise server_error(Code.INVALID_PARAMETER, f"sparse vector field {field.name} has non-finite values")


def partition_slots(column: pa.ChunkedArray | pa.Array, count: int) -> np.ndarray:
    """For each row, the index of its partition among ``count`` hashed partitions."""
    if pa.types.is_integer(column.type):
        values = np.asarray(to_numpy(column), dtype=np.int64).view(np.uint64)
        with np.errstate(over="ignore"):
            mixed = values * _GOLDEN
        return ((mixed >> np.uint64(32)) % np.uint64(count)).astype(np.int64)
    return np.array([zlib.crc32(v.encode()) % count for v in column.to_pylist()], dtype=np.int64)


def unique_check(pks: pa.ChunkedArray | pa.Array, field_name: str) -> None:
    if len(pc.unique(pks)) != len(pks):
        counts = pc.value_counts(pks)
        dup = next(item["values"] for item in counts.to_pylist() if item["counts"] > 1)
        raise server_error(Code.INVALID_PARAMETER, f"duplicate primary keys are not allowed in the same batch: "
                                                   f"{field_name}={dup!r}")


def primary_keys(values: tuple | list, pk_type: pa.DataType, pk_dtype: DataType) -> pa.Array:
    """Primary-key values as an Arrow array of the key type; wrong types → code 1100 naming the key type."""
    from azimuth.types.arrays import from_numpy

    values = list(values)
    try:
        if pa.types.is_int64(pk_type):
            if any(type(v) is not int for v in values):
                raise TypeError("not an int")
            return from_numpy(np.array(values, dtype=np.int64))
        return pa.array(values, type=pk_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError):
        raise server_error(Code.INVALID_PARAMETER, f"primary keys {values[:5]} do not match the primary key type "
                                                   f"{pk_dtype.name}") from None
