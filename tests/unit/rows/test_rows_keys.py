"""Row-level checks: unexpected / missing / function-output keys, dynamic fields, nulls, defaults, auto_id, upsert."""

from __future__ import annotations

import orjson
import pytest
from tests.unit.rows.rows_testlib import make_schema

from azimuth.errors import DataNotMatchException, MilvusException
from azimuth.types.arrow import META_FIELD
from azimuth.types.enums import DataType, FunctionType
from azimuth.types.function import Function
from azimuth.types.rows import rows_to_table, table_to_rows
from azimuth.types.schema import FieldSchema


def test_non_dict_row_is_rejected(vec_schema) -> None:
    with pytest.raises(DataNotMatchException, match="inconsistent with defined schema, please check it"):
        rows_to_table([{"id": 1, "vector": [0.0] * 4}, [1, 2]], vec_schema)


def test_unexpected_key_without_dynamic_field(vec_schema) -> None:
    with pytest.raises(DataNotMatchException) as info:
        rows_to_table([{"id": 1, "vector": [0.0] * 4, "x": 1}], vec_schema)
    assert info.value.message == (
        "Attempt to insert an unexpected field `x` to collection without enabling dynamic field"
    )


def test_unexpected_key_in_a_later_row(vec_schema) -> None:
    rows = [{"id": 1, "vector": [0.0] * 4}, {"id": 2, "x": 3}]  # same width as row 0, other keys
    with pytest.raises(DataNotMatchException, match="unexpected field `x`"):
        rows_to_table(rows, vec_schema)


def test_missing_required_field(vec_schema) -> None:
    with pytest.raises(DataNotMatchException) as info:
        rows_to_table([{"id": 1, "vector": [0.0] * 4}, {"id": 2}], vec_schema)
    assert info.value.message == (
        "Insert missed an field `vector` to collection without set nullable==true or set default_value"
    )


def test_function_output_field_cannot_be_supplied() -> None:
    schema = make_schema(
        FieldSchema("text", DataType.VARCHAR, max_length=100, enable_analyzer=True),
        FieldSchema("sparse", DataType.SPARSE_FLOAT_VECTOR),
        dynamic=True,
    )
    schema.add_function(Function("bm25", FunctionType.BM25, input_field_names=["text"],
                                 output_field_names=["sparse"]))
    table = rows_to_table([{"id": 1, "text": "hello"}], schema)
    assert table.column_names == ["id", "text", META_FIELD]
    with pytest.raises(DataNotMatchException) as info:
        rows_to_table([{"id": 1, "text": "hello", "sparse": {1: 0.5}}], schema)
    assert info.value.message == "Attempt to insert an unexpected function output field `sparse` to collection"


def test_dynamic_keys_go_to_meta_and_come_back() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2), dynamic=True)
    rows = [{"id": 1, "v": [1, 2], "color": "red", "tags": ["a"]}, {"id": 2, "v": [3, 4]},
            {"id": 3, "v": [5, 6], "n": 1.5}]
    table = rows_to_table(rows, schema)
    assert table.column(META_FIELD).to_pylist() == ['{"color":"red","tags":["a"]}', "{}", '{"n":1.5}']
    out = table_to_rows(table, schema, ["id"], None)
    assert out == [{"id": 1, "color": "red", "tags": ["a"]}, {"id": 2}, {"id": 3, "n": 1.5}]
    assert table_to_rows(table, schema, ["id"], ["color", "absent"]) == [{"id": 1, "color": "red"}, {"id": 2},
                                                                       {"id": 3}]
    assert table_to_rows(table, schema, ["id"], []) == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert all(META_FIELD not in r for r in table_to_rows(table, schema, ["id", META_FIELD], None))


def test_dynamic_meta_is_all_empty_objects_without_extras() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2), dynamic=True)
    table = rows_to_table([{"id": 1, "v": [1, 2]}], schema)
    assert table.column(META_FIELD).to_pylist() == ["{}"]


def test_dynamic_keys_never_overwrite_fields() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2), dynamic=True)
    table = rows_to_table([{"id": 1, "v": [1, 2], "x": 1}], schema)
    forged = table.set_column(2, META_FIELD, [[orjson.dumps({"id": 99, "x": 1}).decode()]])
    assert table_to_rows(forged, schema, ["id"], None) == [{"id": 1, "x": 1}]


def test_meta_key_itself_is_not_a_dynamic_key() -> None:
    schema = make_schema(dynamic=True)
    with pytest.raises(DataNotMatchException, match="unexpected field `\\$meta`"):
        rows_to_table([{"id": 1, META_FIELD: {"a": 1}}], schema)


def test_unserialisable_dynamic_value() -> None:
    schema = make_schema(dynamic=True)
    with pytest.raises(DataNotMatchException, match="please check it"):
        rows_to_table([{"id": 1, "x": object()}], schema)


def test_nullable_and_default_fields_missing_or_none_become_null() -> None:
    schema = make_schema(
        FieldSchema("a", DataType.INT64, nullable=True),
        FieldSchema("b", DataType.VARCHAR, max_length=8, default_value="dflt"),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2, nullable=True),
        FieldSchema("j", DataType.JSON, nullable=True),
    )
    rows = [{"id": 1, "a": 5, "b": "x", "v": [1, 2], "j": {"k": 1}}, {"id": 2, "a": None, "b": None, "v": None},
            {"id": 3}]
    table = rows_to_table(rows, schema)
    assert table.column("a").to_pylist() == [5, None, None]
    assert table.column("b").to_pylist() == ["x", None, None]
    assert table.column("v").null_count == 2
    out = table_to_rows(table, schema, ["id", "a", "b", "v", "j"], None)
    assert out[0] == {"id": 1, "a": 5, "b": "x", "v": [1.0, 2.0], "j": {"k": 1}}
    assert out[1] == out[2] | {"id": 2} and out[2] == {"id": 3, "a": None, "b": None, "v": None, "j": None}


def test_none_for_a_required_field_is_a_server_error() -> None:
    schema = make_schema(FieldSchema("a", DataType.INT64))
    with pytest.raises(MilvusException) as info:
        rows_to_table([{"id": 1, "a": 1}, {"id": 2, "a": None}], schema)
    assert type(info.value) is MilvusException and info.value.code == 1100
    assert "`a`" in info.value.message and "row 1" in info.value.message


def test_auto_id_pk_is_omitted_when_not_supplied() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2), pk_auto=True)
    assert rows_to_table([{"v": [1, 2]}], schema).column_names == ["v"]


def test_auto_id_pk_supplied_needs_permission() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2), pk_auto=True)
    with pytest.raises(MilvusException) as info:
        rows_to_table([{"id": 1, "v": [1, 2]}], schema)
    assert info.value.code == 1100 and "auto id" in info.value.message
    table = rows_to_table([{"id": 1, "v": [1, 2]}], schema, allow_auto_id_values=True)
    assert table.column_names == ["id", "v"]
    with pytest.raises(DataNotMatchException, match="missed an field `id`"):
        rows_to_table([{"id": 1, "v": [1, 2]}, {"v": [1, 2], "x": None}], schema.__class__(
            schema.fields, enable_dynamic_field=True), allow_auto_id_values=True)


def test_upsert_requires_the_pk_even_with_auto_id() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2), pk_auto=True)
    assert rows_to_table([{"id": 7, "v": [1, 2]}], schema, upsert=True).column_names == ["id", "v"]
    with pytest.raises(DataNotMatchException, match="missed an field `id`"):
        rows_to_table([{"v": [1, 2]}], schema, upsert=True)


def test_partial_upsert_keeps_only_supplied_fields() -> None:
    schema = make_schema(FieldSchema("a", DataType.INT64), FieldSchema("b", DataType.VARCHAR, max_length=4,
                                                                       nullable=True),
                         FieldSchema("v", DataType.FLOAT_VECTOR, dim=2), dynamic=True)
    table = rows_to_table([{"id": 1, "b": None}, {"id": 2, "b": "x"}], schema, partial=True)
    assert table.column_names == ["id", "b", META_FIELD]
    assert table.column("b").to_pylist() == [None, "x"]
    with pytest.raises(DataNotMatchException, match="fields length is inconsistent"):
        rows_to_table([{"id": 1, "a": 1}, {"id": 2, "b": "x"}], schema, partial=True)
    with pytest.raises(DataNotMatchException, match="missed an field `id`"):
        rows_to_table([{"a": 1}], schema, partial=True)


def test_array_of_struct_fields_are_refused_clearly() -> None:
    from azimuth.errors import DataTypeNotSupportException

    schema = {"fields": [{"name": "id", "type": DataType.INT64, "is_primary": True},
                         {"name": "st", "type": DataType._ARRAY_OF_STRUCT, "fields": []}],
              "enable_dynamic_field": True}
    assert rows_to_table([{"id": 1}], schema).column_names == ["id", META_FIELD]
    with pytest.raises(DataTypeNotSupportException, match="array of structs"):
        rows_to_table([{"id": 1, "st": [{"a": 1}]}], schema)


def test_describe_collection_dict_schema_works() -> None:
    schema = {"fields": [{"name": "id", "type": DataType.INT64, "is_primary": True, "auto_id": True},
                         {"name": "v", "type": DataType.FLOAT_VECTOR, "params": {"dim": 2}},
                         {"name": "n", "type": DataType.INT32, "nullable": True}],
              "enable_dynamic_field": False}
    table = rows_to_table([{"v": [1, 2]}, {"v": [3, 4], "n": 7}], schema)
    assert table_to_rows(table, schema, ["v", "n"], None) == [{"v": [1.0, 2.0], "n": None},
                                                             {"v": [3.0, 4.0], "n": 7}]
