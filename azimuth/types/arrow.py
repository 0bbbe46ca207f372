"""How each Milvus data type is laid out as an Arrow column: the one columnar representation used by ops,
the WAL, segments and results.

Layout: scalars map to the matching Arrow primitive; VARCHAR/TEXT/GEOMETRY (WKT) and JSON (compact JSON text)
are ``string``; TIMESTAMPTZ is ``timestamp[us, UTC]``; ARRAY is ``list<element>``; FLOAT/FLOAT16/INT8 vectors are
``fixed_size_list<float32|float16|int8>[dim]``; BFLOAT16 vectors are ``fixed_size_list<uint16>[dim]`` holding
the raw bfloat16 bits; BINARY vectors are ``fixed_size_binary[dim/8]``; SPARSE_FLOAT vectors are
``map<uint32, float32>``. The hidden dynamic field ``$meta`` is a JSON ``string`` column.
"""

from __future__ import annotations

import pyarrow as pa

from azimuth.types.enums import DataType

META_FIELD = "$meta"

_PRIMITIVES: dict[DataType, pa.DataType] = {
    DataType.BOOL: pa.bool_(),
    DataType.INT8: pa.int8(),
    DataType.INT16: pa.int16(),
    DataType.INT32: pa.int32(),
    DataType.INT64: pa.int64(),
    DataType.FLOAT: pa.float32(),
    DataType.DOUBLE: pa.float64(),
    DataType.VARCHAR: pa.string(),
    DataType.STRING: pa.string(),
    DataType.TEXT: pa.string(),
    DataType.JSON: pa.string(),
    DataType.GEOMETRY: pa.string(),
    DataType.TIMESTAMPTZ: pa.timestamp("us", tz="UTC"),
    DataType.SPARSE_FLOAT_VECTOR: pa.map_(pa.uint32(), pa.float32()),
}

_VECTOR_ELEMENTS: dict[DataType, pa.DataType] = {
    DataType.FLOAT_VECTOR: pa.float32(),
    DataType.FLOAT16_VECTOR: pa.float16(),
    DataType.BFLOAT16_VECTOR: pa.uint16(),
    DataType.INT8_VECTOR: pa.int8(),
}


def arrow_type(dtype: DataType, dim: int | None = None, element_type: DataType | None = None) -> pa.DataType:
    """The Arrow type that stores a field of ``dtype``."""
    dtype = DataType(dtype)
    if dtype in _PRIMITIVES:
        return _PRIMITIVES[dtype]
    if dtype in _VECTOR_ELEMENTS:
        return pa.list_(_VECTOR_ELEMENTS[dtype], int(dim or 0))
    if dtype == DataType.BINARY_VECTOR:
        return pa.binary(int(dim or 0) // 8)
    if dtype == DataType.ARRAY:
        if element_type is None:
            raise ValueError("ARRAY needs an element type")
        return pa.list_(arrow_type(DataType(element_type)))
    raise ValueError(f"data type {dtype.name} has no storage layout")
