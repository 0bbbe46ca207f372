"""rows → Arrow table → rows for every data type, with the output shapes pymilvus's query returns."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pyarrow as pa
import pytest

from azimuth.types.arrow import arrow_type
from azimuth.types.enums import DataType
from azimuth.types.rows import rows_to_table, table_to_rows
from azimuth.types.schema import FieldSchema

from tests.unit.rows.rows_testlib import make_schema

F16 = np.array([0.5, -1.0, 2.0, 0.25], dtype=np.float16)
BF16 = np.array([0.5, -1.0, 2.0, 0.25], dtype=ml_dtypes.bfloat16)


def _row(i: int) -> dict:
    return {
        "id": i,
        "b": i % 2 == 0,
        "i8": -128 + i,
        "i16": 32767 - i,
        "i32": -(2**31) + i,
        "f": 0.5 + i,
        "d": 1e300,
        "s": "héllo"[: 1 + i % 5],
        "t": "long text " * 10,
        "j": {"a": [1, 2, {"b": None}], "n": i},
        "arr": [i, i + 1],
        "sarr": ["x", "yz"],
        "g": "POINT (1 2)",
        "ts": "2025-01-01T08:00:00+08:00",
        "fv": [0.1, 0.2, 0.3, float(i)],
        "hv": F16,
        "bv": BF16,
        "iv": np.array([-128, 0, 1, 127], dtype=np.int8),
        "bin": b"\x01\xff",
        "sp": {3: 0.5, 1: 1.5},
    }


def test_table_types_follow_arrow_layout(all_types_schema) -> None:
    table = rows_to_table([_row(0), _row(1)], all_types_schema)
    expected = [f.name for f in all_types_schema.fields]
    assert table.column_names == expected
    for field in all_types_schema.fields:
        assert table.schema.field(field.name).type == arrow_type(
            field.dtype, dim=field.params.get("dim"), element_type=field.element_type
        ), field.name


def test_every_type_round_trips(all_types_schema) -> None:
    rows = [_row(i) for i in range(3)]
    table = rows_to_table(rows, all_types_schema)
    names = [f.name for f in all_types_schema.fields]
    out = table_to_rows(table, all_types_schema, names, None)
    assert len(out) == 3
    for src, got in zip(rows, out):
        assert list(got) == names
        for key in ("id", "b", "i8", "i16", "i32", "d", "s", "t", "j", "arr", "sarr", "g"):
            assert got[key] == src[key], key
        assert got["f"] == pytest.approx(src["f"])
        assert got["fv"] == pytest.approx(src["fv"], rel=1e-6)
        assert all(type(x) is float for x in got["fv"])
        assert got["ts"] == "2025-01-01T00:00:00Z"
        assert got["hv"] == [F16.tobytes()]
        assert got["bv"] == [BF16.tobytes()]
        assert got["iv"] == [np.array([-128, 0, 1, 127], dtype=np.int8).tobytes()]
        assert got["bin"] == [b"\x01\xff"]
        assert got["sp"] == {1: 1.5, 3: 0.5}
        assert list(got["sp"]) == [1, 3]  # sorted by index, like pymilvus sends them


def test_search_hit_shape_has_bare_bytes(all_types_schema) -> None:
    table = rows_to_table([_row(0)], all_types_schema)
    out = table_to_rows(table, all_types_schema, ["hv", "bin"], None, wrap_byte_vectors=False)
    assert out == [{"hv": F16.tobytes(), "bin": b"\x01\xff"}]


def test_output_field_order_and_subset(all_types_schema) -> None:
    table = rows_to_table([_row(0)], all_types_schema)
    out = table_to_rows(table, all_types_schema, ["s", "id", "missing_column"], None)
    assert out == [{"s": "h", "id": 0}]
    assert list(out[0]) == ["s", "id"]


def test_float_vector_inputs_all_convert_to_float32() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=3))
    rows = [
        {"id": 1, "v": [1, 2, 3]},
        {"id": 2, "v": (0.1, 0.2, 0.3)},
        {"id": 3, "v": np.array([1.5, 2.5, 3.5], dtype=np.float64)},
        {"id": 4, "v": np.array([1.5, 2.5, 3.5], dtype=np.float32)},
        {"id": 5, "v": [True, 1.0, np.float32(2.0)]},
    ]
    table = rows_to_table(rows, schema)
    mat = table.column("v").combine_chunks().values.to_numpy().reshape(-1, 3)
    assert mat.dtype == np.float32
    np.testing.assert_allclose(mat[1], np.float32([0.1, 0.2, 0.3]))
    np.testing.assert_array_equal(mat[4], [1.0, 1.0, 2.0])


def test_numpy_fast_path_equals_list_path() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=8))
    mat = np.random.default_rng(1).random((50, 8), dtype=np.float32)
    from_np = rows_to_table([{"id": i, "v": mat[i]} for i in range(50)], schema)
    from_list = rows_to_table([{"id": i, "v": mat[i].tolist()} for i in range(50)], schema)
    assert from_np.equals(from_list)


@pytest.mark.parametrize("dtype", [DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR])
def test_half_vectors_accept_arrays_bytes_and_floats(dtype: DataType) -> None:
    schema = make_schema(FieldSchema("v", dtype, dim=4))
    np_dtype = np.float16 if dtype == DataType.FLOAT16_VECTOR else ml_dtypes.bfloat16
    native = np.array([1.0, -2.0, 0.5, 3.0], dtype=np_dtype)
    rows = [
        {"id": 1, "v": native},
        {"id": 2, "v": native.tobytes()},
        {"id": 3, "v": [1.0, -2.0, 0.5, 3.0]},
        {"id": 4, "v": np.array([1.0, -2.0, 0.5, 3.0], dtype=np.float32)},
    ]
    table = rows_to_table(rows, schema)
    out = table_to_rows(table, schema, ["v"], None)
    assert all(r["v"] == [native.tobytes()] for r in out)
    assert table.schema.field("v").type == arrow_type(dtype, dim=4)


def test_int8_vector_from_array_bytes_and_list() -> None:
    schema = make_schema(FieldSchema("v", DataType.INT8_VECTOR, dim=3))
    raw = np.array([-1, 2, -3], dtype=np.int8)
    rows = [{"id": 1, "v": raw}, {"id": 2, "v": raw.tobytes()}, {"id": 3, "v": [-1, 2, -3]}]
    out = table_to_rows(rows_to_table(rows, schema), schema, ["v"], None)
    assert [r["v"] for r in out] == [[raw.tobytes()]] * 3


def test_binary_vector_from_bytes_bytearray_and_byte_list() -> None:
    schema = make_schema(FieldSchema("v", DataType.BINARY_VECTOR, dim=16))
    rows = [{"id": 1, "v": b"\x00\x10"}, {"id": 2, "v": bytearray(b"\x00\x10")}, {"id": 3, "v": [0, 16]}]
    out = table_to_rows(rows_to_table(rows, schema), schema, ["v"], None)
    assert [r["v"] for r in out] == [[b"\x00\x10"]] * 3


def test_sparse_forms() -> None:
    scipy_sparse = pytest.importorskip("scipy.sparse")
    schema = make_schema(FieldSchema("v", DataType.SPARSE_FLOAT_VECTOR))
    csr = scipy_sparse.csr_matrix(([0.5, 0.25], ([0, 0], [7, 2])), shape=(1, 10))
    rows = [
        {"id": 1, "v": {7: 0.5, 2: 0.25}},
        {"id": 2, "v": [(7, 0.5), (2, 0.25)]},
        {"id": 3, "v": csr},
        {"id": 4, "v": scipy_sparse.coo_array(csr)},
        {"id": 5, "v": {"7": "0.5", np.int64(2): np.float32(0.25)}},
        {"id": 6, "v": {}},
    ]
    out = table_to_rows(rows_to_table(rows, schema), schema, ["v"], None)
    assert [r["v"] for r in out[:5]] == [{2: 0.25, 7: 0.5}] * 5
    assert out[5]["v"] == {}
    assert rows_to_table(rows, schema).schema.field("v").type == pa.map_(pa.uint32(), pa.float32())


def test_json_values_of_every_kind() -> None:
    schema = make_schema(FieldSchema("j", DataType.JSON, nullable=True))
    values = [{"k": 1}, [1, "a"], 3, 2.5, True, '{"as": "text"}', np.array([1, 2]), {"n": np.float32(0.5)}, None]
    table = rows_to_table([{"id": i, "j": v} for i, v in enumerate(values)], schema)
    assert table.column("j").to_pylist()[:3] == ['{"k":1}', '[1,"a"]', "3"]
    out = [r["j"] for r in table_to_rows(table, schema, ["j"], None)]
    assert out == [{"k": 1}, [1, "a"], 3, 2.5, True, {"as": "text"}, [1, 2], {"n": 0.5}, None]


def test_timestamptz_forms_normalise_to_utc() -> None:
    schema = make_schema(FieldSchema("ts", DataType.TIMESTAMPTZ))
    values = ["2025-01-01T00:00:00Z", "2025-01-01 09:30:00.250+09:30", "2024-12-31T16:00:00-08:00",
              "2025-06-01T12:00:00"]
    out = table_to_rows(rows_to_table([{"id": i, "ts": v} for i, v in enumerate(values)], schema),
                        schema, ["ts"], None)
    assert [r["ts"] for r in out] == ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00.25Z",
                                      "2025-01-01T00:00:00Z", "2025-06-01T12:00:00Z"]


def test_varchar_primary_key_and_numpy_scalars() -> None:
    schema = make_schema(FieldSchema("n", DataType.INT32), FieldSchema("x", DataType.DOUBLE),
                         FieldSchema("b", DataType.BOOL), pk_type=DataType.VARCHAR)
    rows = [{"id": "a", "n": np.int16(3), "x": np.float32(0.5), "b": np.bool_(True)},
            {"id": "b", "n": 4, "x": 7, "b": 1}]
    out = table_to_rows(rows_to_table(rows, schema), schema, ["id", "n", "x", "b"], None)
    assert out == [{"id": "a", "n": 3, "x": 0.5, "b": True}, {"id": "b", "n": 4, "x": 7.0, "b": True}]


def test_empty_rows_give_empty_table(all_types_schema) -> None:
    table = rows_to_table([], all_types_schema)
    assert table.num_rows == 0
    assert table_to_rows(table, all_types_schema, ["id", "fv"], None) == []


def test_chunked_and_sliced_tables_decode() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
                         FieldSchema("sp", DataType.SPARSE_FLOAT_VECTOR), dynamic=True)
    rows = [{"id": i, "v": [i, -i], "sp": {i: 1.0}, "extra": i} for i in range(6)]
    table = rows_to_table(rows, schema)
    mixed = pa.concat_tables([table.slice(0, 2), table.slice(2, 4)]).slice(1, 4)
    out = table_to_rows(mixed, schema, ["id", "v", "sp"], None)
    assert out == [{"id": i, "v": [float(i), float(-i)], "sp": {i: 1.0}, "extra": i} for i in range(1, 5)]
