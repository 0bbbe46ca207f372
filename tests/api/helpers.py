"""Shared data builders for the behaviour suite."""

from __future__ import annotations

import numpy as np

from azimuth import DataType, MilvusClient


def vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, dim), dtype=np.float32)


def rows(n: int, dim: int = 8, start: int = 0, seed: int = 0) -> list[dict]:
    vecs = vectors(n, dim, seed)
    return [
        {"id": start + i, "vector": vecs[i].tolist(), "title": f"t{start + i}", "year": 2000 + (start + i) % 30}
        for i in range(n)
    ]


def all_types_schema():
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=32)
    schema.add_field("b", DataType.BOOL)
    schema.add_field("i8", DataType.INT8)
    schema.add_field("i16", DataType.INT16)
    schema.add_field("i32", DataType.INT32)
    schema.add_field("i64", DataType.INT64)
    schema.add_field("f", DataType.FLOAT)
    schema.add_field("d", DataType.DOUBLE)
    schema.add_field("s", DataType.VARCHAR, max_length=16)
    schema.add_field("j", DataType.JSON)
    schema.add_field("arr", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4)
    schema.add_field("sarr", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=3, max_length=8)
    schema.add_field("fv", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("f16", DataType.FLOAT16_VECTOR, dim=4)
    schema.add_field("bf16", DataType.BFLOAT16_VECTOR, dim=4)
    schema.add_field("i8v", DataType.INT8_VECTOR, dim=4)
    schema.add_field("bv", DataType.BINARY_VECTOR, dim=16)
    schema.add_field("sv", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("opt", DataType.INT32, nullable=True)
    schema.add_field("dflt", DataType.VARCHAR, max_length=10, default_value="none")
    return schema


def all_types_index_params():
    params = MilvusClient.prepare_index_params()
    params.add_index("fv", index_type="FLAT", metric_type="L2")
    params.add_index("f16", index_type="FLAT", metric_type="IP")
    params.add_index("bf16", index_type="FLAT", metric_type="COSINE")
    params.add_index("i8v", index_type="HNSW", metric_type="L2", params={"M": 8, "efConstruction": 32})
    params.add_index("bv", index_type="BIN_FLAT", metric_type="HAMMING")
    params.add_index("sv", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    return params
