"""Turns the data shapes v1 code passes to ``insert``/``upsert`` into the row dicts ``MilvusClient`` takes.

Accepted: a list of row dicts; one row dict; a dict of columns; a list of columns in schema order (the primary
key omitted on insert when it is auto_id, function outputs always omitted); a pandas DataFrame. Column checks
and their messages follow pymilvus. A dict counts as columns when its primary key value (or, with auto_id, a
vector field's value) is a sequence of values rather than one value. Also infers a schema from a DataFrame
(``Collection.construct_from_dataframe``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from azimuth.errors import (
    CannotInferSchemaException,
    DataNotMatchException,
    DataTypeNotSupportException,
)
from azimuth.types.enums import DataType
from azimuth.types.field_schema import FieldSchema
from azimuth.types.schema import CollectionSchema

VECTOR_TYPES = frozenset({DataType.FLOAT_VECTOR, DataType.BINARY_VECTOR, DataType.FLOAT16_VECTOR,
                          DataType.BFLOAT16_VECTOR, DataType.SPARSE_FLOAT_VECTOR, DataType.INT8_VECTOR})
MAX_VARCHAR_LENGTH = 65535


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pandas is optional
        return None
    return pandas


def is_dataframe(data: Any) -> bool:
    pd = _pandas()
    return pd is not None and isinstance(data, pd.DataFrame)


def is_valid_insert_data(data: Any) -> bool:
    return isinstance(data, (list, dict)) or is_dataframe(data)


def _list_like(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray)) or hasattr(value, "tocsr")


def _column_fields(schema: CollectionSchema, insert: bool) -> list[FieldSchema]:
    return [f for f in schema.fields
            if not (insert and f.is_primary and f.auto_id) and not f.is_function_output]


def _column_values(column: Any) -> list[Any]:
    if hasattr(column, "tocsr"):  # a scipy sparse matrix: one {index: value} dict per row
        csr = column.tocsr()
        return [dict(zip(csr.indices[csr.indptr[i]:csr.indptr[i + 1]].tolist(),
                         csr.data[csr.indptr[i]:csr.indptr[i + 1]].tolist())) for i in range(csr.shape[0])]
    if isinstance(column, np.ndarray):
        return list(column) if column.ndim > 1 else column.tolist()
    return list(column)


def _zip_columns(names: list[str], columns: list[Any]) -> list[dict[str, Any]]:
    values = [_column_values(c) for c in columns]
    lengths = {len(v) for v in values}
    if len(lengths) > 1:
        raise DataNotMatchException(message="Arrays must all be same length.")
    return [dict(zip(names, row)) for row in zip(*values)]


def _is_column_dict(data: dict[str, Any], schema: CollectionSchema) -> bool:
    pk = schema.primary_field
    if pk is not None and pk.name in data:
        return _list_like(data[pk.name])
    for field in schema.fields:
        if field.dtype in VECTOR_TYPES and field.name in data:
            value = data[field.name]
            if isinstance(value, np.ndarray):
                return value.ndim > 1
            if field.dtype == DataType.SPARSE_FLOAT_VECTOR:
                return isinstance(value, list) or hasattr(value, "tocsr")
            return isinstance(value, (list, tuple)) and len(value) > 0 and (
                _list_like(value[0]) or isinstance(value[0], bytes))
    return False


def to_rows(data: Any, schema: CollectionSchema, insert: bool = True) -> list[dict[str, Any]]:
    """The row dicts for ``data`` (see the module docstring); raises pymilvus's exceptions on mismatches."""
    if not is_valid_insert_data(data):
        raise DataTypeNotSupportException(message="The type of data should be List, pd.DataFrame or Dict")
    if isinstance(data, dict):
        if _is_column_dict(data, schema):
            names = list(data)
            return _zip_columns(names, [data[n] for n in names])
        return [data]
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data
    if is_dataframe(data):
        return _dataframe_rows(data, schema, insert)
    fields = _column_fields(schema, insert)
    if len(fields) != len(data):
        raise DataNotMatchException(
            message=f"The data doesn't match with schema fields, expect {len(fields)} list, got {len(data)}")
    for column in data:
        if not _list_like(column):
            raise DataTypeNotSupportException(message="The data should be a list of list")
    return _zip_columns([f.name for f in fields], list(data))


def _dataframe_rows(df: Any, schema: CollectionSchema, insert: bool) -> list[dict[str, Any]]:
    pk = schema.primary_field
    if insert and pk is not None and pk.auto_id and pk.name in df.columns:
        if not df[pk.name].isnull().all():
            raise DataNotMatchException(message=f"Expect no data for auto_id primary field: {pk.name}")
        df = df.drop(columns=[pk.name])
    if not insert and (pk is None or pk.name not in df.columns or df[pk.name].isnull().all()):
        raise DataNotMatchException(message="Upsert don't support empty primary key")
    fields = _column_fields(schema, insert)
    names = [f.name for f in fields]
    columns = list(df.columns)
    if len(columns) != len(fields):
        raise DataNotMatchException(
            message=f"The fields don't match with schema fields, expected: {names}, got {columns}")
    for got, field in zip(columns, fields):
        if got != field.name:
            raise DataNotMatchException(
                message=f"The name of field doesn't match, expected: {field.name}, got {got}")
    pd = _pandas()
    cols = []
    for name in names:
        values = df[name].tolist()
        cols.append([None if _is_missing(pd, v) else v for v in values])
    return _zip_columns(names, cols)


def _is_missing(pd: Any, value: Any) -> bool:
    return value is None or (not _list_like(value) and not isinstance(value, dict) and bool(pd.isna(value)))


# ---- schema inference for construct_from_dataframe -------------------------------------------------------------
_NUMPY_TYPES = {
    "bool": DataType.BOOL, "int8": DataType.INT8, "int16": DataType.INT16, "int32": DataType.INT32,
    "int64": DataType.INT64, "uint8": DataType.INT8, "uint16": DataType.INT16, "uint32": DataType.INT32,
    "uint64": DataType.INT64, "float16": DataType.FLOAT, "float32": DataType.FLOAT, "float64": DataType.DOUBLE,
    "string": DataType.VARCHAR, "str": DataType.VARCHAR,
}


def _infer_value(value: Any) -> tuple[DataType, dict[str, Any]]:
    if isinstance(value, (bool, np.bool_)):
        return DataType.BOOL, {}
    if isinstance(value, (int, np.integer)):
        return DataType.INT64, {}
    if isinstance(value, (float, np.floating)):
        return DataType.DOUBLE, {}
    if isinstance(value, str):
        return DataType.VARCHAR, {"max_length": MAX_VARCHAR_LENGTH}
    if isinstance(value, bytes):
        return DataType.BINARY_VECTOR, {"dim": len(value) * 8}
    if isinstance(value, dict):
        return DataType.JSON, {}
    if _list_like(value) and len(value) > 0:
        first = value[0]
        if isinstance(first, (int, float, np.integer, np.floating)) and not isinstance(first, bool):
            return DataType.FLOAT_VECTOR, {"dim": len(value)}
        if isinstance(first, str):
            return DataType.ARRAY, {"element_type": DataType.VARCHAR, "max_capacity": 4096,
                                    "max_length": MAX_VARCHAR_LENGTH}
    return DataType.UNKNOWN, {}


def fields_from_dataframe(df: Any) -> list[FieldSchema]:
    """One ``FieldSchema`` per DataFrame column, typed from the column dtype or (object columns) the first value."""
    fields = []
    for name, dtype in zip(df.columns, df.dtypes):
        dtype_name = str(dtype)
        data_type, params = _NUMPY_TYPES.get(dtype_name, DataType.UNKNOWN), {}
        if data_type == DataType.VARCHAR:
            params = {"max_length": MAX_VARCHAR_LENGTH}
        if data_type == DataType.UNKNOWN:
            if len(df) == 0:
                raise CannotInferSchemaException(message="Cannot infer schema from empty dataframe.")
            data_type, params = _infer_value(df[name].iloc[0])
        if data_type == DataType.UNKNOWN:
            raise CannotInferSchemaException(message="Cannot infer schema from empty dataframe.")
        fields.append(FieldSchema(str(name), data_type, **params))
    return fields


__all__ = ["fields_from_dataframe", "is_dataframe", "is_valid_insert_data", "to_rows"]
