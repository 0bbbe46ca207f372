"""Public data types: enums, schema classes, index parameters and result containers."""

from __future__ import annotations

from azimuth.types.enums import ConsistencyLevel, DataType, FunctionType, IndexType, LoadState
from azimuth.types.index_params import IndexParam, IndexParams, prepare_index_params
from azimuth.types.results import ExtraList, Hit, Hits, OmitZeroDict, SearchResult
from azimuth.types.schema import (
    CollectionSchema,
    FieldSchema,
    Function,
    FunctionScore,
    StructFieldSchema,
    create_field_schema,
    create_schema,
    create_struct_field_schema,
    describe_fields,
    describe_functions,
)
from azimuth.types.value_field import ValueField

__all__ = [
    "CollectionSchema",
    "ConsistencyLevel",
    "DataType",
    "ExtraList",
    "FieldSchema",
    "Function",
    "FunctionScore",
    "FunctionType",
    "Hit",
    "Hits",
    "IndexParam",
    "IndexParams",
    "IndexType",
    "LoadState",
    "OmitZeroDict",
    "SearchResult",
    "StructFieldSchema",
    "ValueField",
    "create_field_schema",
    "create_schema",
    "create_struct_field_schema",
    "describe_fields",
    "describe_functions",
    "prepare_index_params",
]
