"""Fixtures shared by the row conversion tests."""

from __future__ import annotations

import pytest
from tests.unit.rows.rows_testlib import make_schema

from azimuth.types.enums import DataType
from azimuth.types.schema import CollectionSchema, FieldSchema


@pytest.fixture
def vec_schema() -> CollectionSchema:
    return make_schema(FieldSchema("vector", DataType.FLOAT_VECTOR, dim=4))


@pytest.fixture
def all_types_schema() -> CollectionSchema:
    return make_schema(
        FieldSchema("b", DataType.BOOL),
        FieldSchema("i8", DataType.INT8),
        FieldSchema("i16", DataType.INT16),
        FieldSchema("i32", DataType.INT32),
        FieldSchema("f", DataType.FLOAT),
        FieldSchema("d", DataType.DOUBLE),
        FieldSchema("s", DataType.VARCHAR, max_length=16),
        FieldSchema("t", DataType.TEXT),
        FieldSchema("j", DataType.JSON),
        FieldSchema("arr", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4),
        FieldSchema("sarr", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=3, max_length=8),
        FieldSchema("g", DataType.GEOMETRY),
        FieldSchema("ts", DataType.TIMESTAMPTZ),
        FieldSchema("fv", DataType.FLOAT_VECTOR, dim=4),
        FieldSchema("hv", DataType.FLOAT16_VECTOR, dim=4),
        FieldSchema("bv", DataType.BFLOAT16_VECTOR, dim=4),
        FieldSchema("iv", DataType.INT8_VECTOR, dim=4),
        FieldSchema("bin", DataType.BINARY_VECTOR, dim=16),
        FieldSchema("sp", DataType.SPARSE_FLOAT_VECTOR),
    )
