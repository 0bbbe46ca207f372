"""Schema types: pymilvus-compatible behaviour (differential against pymilvus 3.0.2), storage form, describe form."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pymilvus
import pytest
from pymilvus import MilvusClient
from pymilvus import exceptions as pm_exc
from pymilvus.grpc_gen import milvus_pb2, schema_pb2

from azimuth import errors
from azimuth.types import (
    CollectionSchema,
    DataType,
    FieldSchema,
    Function,
    FunctionScore,
    FunctionType,
    StructFieldSchema,
    ValueField,
    create_field_schema,
    create_schema,
    create_struct_field_schema,
    describe_fields,
    describe_functions,
)
from azimuth.types.schema_io import stamp_field_ids, stamp_storage_ids

OURS = SimpleNamespace(
    FieldSchema=FieldSchema,
    CollectionSchema=CollectionSchema,
    Function=Function,
    DataType=DataType,
    FunctionType=FunctionType,
    create_schema=create_schema,
    create_struct=create_struct_field_schema,
)
THEIRS = SimpleNamespace(
    FieldSchema=pymilvus.FieldSchema,
    CollectionSchema=pymilvus.CollectionSchema,
    Function=pymilvus.Function,
    DataType=pymilvus.DataType,
    FunctionType=pymilvus.FunctionType,
    create_schema=MilvusClient.create_schema,
    create_struct=MilvusClient.create_struct_field_schema,
)


def _basic(m: SimpleNamespace) -> Any:
    s = m.create_schema(auto_id=True, enable_dynamic_field=True, description="docs")
    s.add_field("id", m.DataType.INT64, is_primary=True)
    s.add_field("vec", m.DataType.FLOAT_VECTOR, dim=8, mmap_enabled=True)
    s.add_field("title", m.DataType.VARCHAR, max_length=64, nullable=True, default_value="none")
    s.add_field("n", m.DataType.INT32, default_value=np.int32(3))
    s.add_field("f", m.DataType.FLOAT, default_value=0.1)
    s.add_field("d", m.DataType.DOUBLE, default_value=0.25)
    s.add_field("b", m.DataType.BOOL, default_value=True)
    s.add_field("big", m.DataType.INT64, default_value=7, is_partition_key=True)
    s.add_field("tags", m.DataType.ARRAY, element_type=m.DataType.VARCHAR, max_capacity=4, max_length=16)
    s.add_field("meta", m.DataType.JSON, nullable=True)
    return s


def _bm25(m: SimpleNamespace) -> Any:
    s = m.create_schema()
    s.add_field("pk", m.DataType.VARCHAR, is_primary=True, max_length=32)
    s.add_field("text", m.DataType.VARCHAR, max_length=1000, enable_analyzer=True,
                analyzer_params={"tokenizer": "standard", "filter": ["lowercase"]}, enable_match=True)
    s.add_field("sparse", m.DataType.SPARSE_FLOAT_VECTOR)
    s.add_function(m.Function("bm", m.FunctionType.BM25, "text", "sparse", params={}))
    return s


def _orm(m: SimpleNamespace) -> Any:
    fields = [
        m.FieldSchema("pk", m.DataType.INT64, is_primary=True, auto_id=False, description="key"),
        m.FieldSchema("emb", m.DataType.BINARY_VECTOR, dim=64),
        m.FieldSchema("c", m.DataType.INT16, is_clustering_key=True),
    ]
    return m.CollectionSchema(fields, description="orm", auto_id=True)


def _struct(m: SimpleNamespace) -> Any:
    st = m.create_struct()
    st.add_field("clip", m.DataType.FLOAT_VECTOR, dim=4).add_field("label", m.DataType.VARCHAR, max_length=8)
    s = m.create_schema()
    s.add_field("id", m.DataType.INT64, is_primary=True)
    s.add_field("v", m.DataType.FLOAT_VECTOR, dim=4)
    s.add_field("clips", m.DataType.ARRAY, element_type=m.DataType.STRUCT, struct_schema=st, max_capacity=5,
                description="frames", mmap_enabled=False)
    return s


BUILDERS = [_basic, _bm25, _orm, _struct]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_to_dict_matches_pymilvus(build: Callable[[SimpleNamespace], Any]) -> None:
    ours, theirs = build(OURS), build(THEIRS)
    assert ours.to_dict() == theirs.to_dict()
    assert repr(ours) == repr(theirs)
    ours.verify()
    theirs.verify()
    assert ours.to_dict() == theirs.to_dict()


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_construct_from_dict_round_trip(build: Callable[[SimpleNamespace], Any]) -> None:
    ours = build(OURS)
    back = CollectionSchema.construct_from_dict(ours.to_dict())
    theirs_back = pymilvus.CollectionSchema.construct_from_dict(build(THEIRS).to_dict())
    assert back.to_dict() == theirs_back.to_dict()
    assert back == theirs_back


def _invalid(m: SimpleNamespace, case: str) -> Any:
    D, F = m.DataType, m.FunctionType
    s = m.create_schema()
    if case == "no_primary":
        s.add_field("v", D.FLOAT_VECTOR, dim=4)
    elif case == "pk_float":
        s.add_field("id", D.FLOAT, is_primary=True)
    elif case == "two_partition_keys_via_kwarg":
        s = m.create_schema(partition_key_field="a")
        s.add_field("id", D.INT64, is_primary=True)
        s.add_field("a", D.INT64)
        s.fields[0].is_partition_key = True
    elif case == "partition_key_float":
        s.add_field("id", D.INT64, is_primary=True).add_field("p", D.FLOAT, is_partition_key=True)
    elif case == "partition_key_missing":
        s = m.create_schema(partition_key_field="nope")
        s.add_field("id", D.INT64, is_primary=True)
    elif case == "clustering_key_json":
        s.add_field("id", D.INT64, is_primary=True).add_field("j", D.JSON, is_clustering_key=True)
    elif case == "clustering_key_missing":
        s = m.create_schema(clustering_key_field="nope")
        s.add_field("id", D.INT64, is_primary=True)
    elif case == "primary_kwarg_conflict":
        s = m.create_schema(primary_field="a")
        s.add_field("id", D.INT64, is_primary=True).add_field("a", D.INT64)
    elif case == "function_missing_output":
        s.add_field("id", D.INT64, is_primary=True).add_field("t", D.VARCHAR, max_length=9)
        s.add_function(m.Function("f", F.BM25, "t", "sp"))
    elif case == "function_missing_input":
        s.add_field("id", D.INT64, is_primary=True).add_field("sp", D.SPARSE_FLOAT_VECTOR)
        s.add_function(m.Function("f", F.BM25, "t", "sp"))
    elif case == "bm25_bad_input":
        s.add_field("id", D.INT64, is_primary=True).add_field("t", D.INT64).add_field("sp", D.SPARSE_FLOAT_VECTOR)
        s.add_function(m.Function("f", F.BM25, "t", "sp"))
    elif case == "bm25_bad_output":
        s.add_field("id", D.INT64, is_primary=True).add_field("t", D.VARCHAR, max_length=9)
        s.add_field("sp", D.FLOAT_VECTOR, dim=4)
        s.add_function(m.Function("f", F.BM25, "t", "sp"))
    elif case == "bm25_two_outputs":
        s.add_field("id", D.INT64, is_primary=True).add_field("t", D.VARCHAR, max_length=9)
        s.add_field("a", D.SPARSE_FLOAT_VECTOR).add_field("b", D.SPARSE_FLOAT_VECTOR)
        s.add_function(m.Function("f", F.BM25, "t", ["a", "b"]))
    elif case == "embedding_bad_output":
        s.add_field("id", D.INT64, is_primary=True).add_field("t", D.VARCHAR, max_length=9)
        s.add_field("o", D.SPARSE_FLOAT_VECTOR)
        s.add_function(m.Function("f", F.TEXTEMBEDDING, "t", "o"))
    elif case == "function_output_is_partition_key":
        s.add_field("id", D.INT64, is_primary=True).add_field("t", D.VARCHAR, max_length=9)
        s.add_field("o", D.INT64, is_partition_key=True)
        s.add_function(m.Function("f", F.MINHASH, "t", "o"))
    elif case == "auto_id_not_bool":
        s = m.create_schema(auto_id="yes")
        s.add_field("id", D.INT64, is_primary=True)
    elif case == "external_with_auto_id":
        s = m.create_schema(external_source="s3://x", auto_id=True)
        s.add_field("id", D.INT64)
    else:
        raise AssertionError(case)
    return s


INVALID_CASES = [
    "no_primary", "pk_float", "two_partition_keys_via_kwarg", "partition_key_float", "partition_key_missing",
    "clustering_key_json", "clustering_key_missing", "primary_kwarg_conflict", "function_missing_output",
    "function_missing_input", "bm25_bad_input", "bm25_bad_output", "bm25_two_outputs", "embedding_bad_output",
    "function_output_is_partition_key", "auto_id_not_bool", "external_with_auto_id",
]


def _raised(fn: Callable[[], Any]) -> tuple[str, str] | None:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - we compare the class names
        return type(exc).__name__, getattr(exc, "message", str(exc))
    return None


@pytest.mark.parametrize("case", INVALID_CASES)
def test_verify_raises_like_pymilvus(case: str) -> None:
    theirs = _raised(lambda: _invalid(THEIRS, case).verify())
    ours = _raised(lambda: _invalid(OURS, case).verify())
    assert theirs is not None, "the case must be invalid for pymilvus"
    assert ours == theirs


FIELD_KWARG_CASES: list[tuple[str, int, dict[str, Any]]] = [
    ("is_primary_not_bool", 5, {"is_primary": 1}),
    ("auto_id_not_bool", 5, {"is_primary": True, "auto_id": "x"}),
    ("auto_id_non_primary", 5, {"auto_id": True}),
    ("partition_key_not_bool", 5, {"is_partition_key": "y"}),
    ("clustering_key_not_bool", 5, {"is_clustering_key": 0}),
    ("default_none_not_nullable", 5, {"default_value": None}),
    ("default_unsupported", 23, {"default_value": {"a": 1}}),
    ("default_list", 22, {"default_value": [1, 2]}),
    ("default_bytes", 21, {"default_value": b"x"}),
    ("bad_dtype", 12345, {}),
    ("unknown_dtype", 999, {}),
]


@pytest.mark.parametrize(("case", "dtype", "kwargs"), FIELD_KWARG_CASES, ids=[c[0] for c in FIELD_KWARG_CASES])
def test_field_kwarg_errors_like_pymilvus(case: str, dtype: int, kwargs: dict[str, Any]) -> None:
    theirs = _raised(lambda: pymilvus.FieldSchema("f", dtype, **kwargs))
    ours = _raised(lambda: FieldSchema("f", dtype, **kwargs))
    assert theirs is not None
    assert ours == theirs


def test_exception_classes_are_ours() -> None:
    with pytest.raises(errors.PrimaryKeyException):
        FieldSchema("f", DataType.INT64, auto_id=True)
    with pytest.raises(errors.ParamError):
        FieldSchema("f", DataType.INT64, default_value=None)
    FieldSchema("f", DataType.INT64, default_value=None, nullable=True)
    with pytest.raises(errors.FieldsTypeException):
        CollectionSchema(None)  # type: ignore[arg-type]
    with pytest.raises(errors.FieldTypeException):
        CollectionSchema(["x"])  # type: ignore[list-item]
    with pytest.raises(errors.FunctionsTypeException):
        CollectionSchema([], functions=Function("f", FunctionType.BM25, "a", "b"), check_fields=False)  # type: ignore[arg-type]
    with pytest.raises(errors.SchemaNotReadyException):
        CollectionSchema([], functions=["x"], check_fields=False)  # type: ignore[list-item]
    with pytest.raises(errors.PrimaryKeyException):
        CollectionSchema([])
    assert not issubclass(errors.ParamError, pm_exc.MilvusException)


def test_add_second_primary_raises_and_keeps_schema() -> None:
    s = create_schema()
    s.add_field("id", DataType.INT64, is_primary=True)
    with pytest.raises(errors.PrimaryKeyException):
        s.add_field("id2", DataType.VARCHAR, is_primary=True, max_length=4)
    assert [f.name for f in s.fields] == ["id"]
    assert s.primary_field is s.fields[0]


def test_field_attributes_and_type_params() -> None:
    f = FieldSchema("v", DataType.FLOAT_VECTOR, "desc", dim="128", foo=1)
    assert f.dim == 128 and isinstance(f.dim, int)
    assert f.max_length is None and f.foo is None and f.anything_else is None
    assert f.params == {"dim": 128}
    assert (f.name, f.dtype, f.description) == ("v", DataType.FLOAT_VECTOR, "desc")
    assert not f.is_primary and not f.auto_id and not f.nullable and f.default_value is None
    assert not f.is_partition_key and not f.is_clustering_key and f.element_type is None
    assert not f.is_function_output and f.external_field == ""
    s = FieldSchema("s", DataType.VARCHAR, max_length=np.int64(20), enable_analyzer="true")
    assert s.params == {"max_length": 20, "enable_analyzer": True}
    assert type(s.max_length) is int
    a = FieldSchema("a", DataType.ARRAY, element_type=5, max_capacity="7")
    assert a.element_type is DataType.INT64 and a.max_capacity == 7
    scalar = FieldSchema("i", DataType.INT64, max_length=5, dim=3)
    assert scalar.params == {} and scalar.dim is None
    with pytest.raises(AttributeError):
        _ = f.__array_interface__


def test_default_value_kinds_match_pymilvus() -> None:
    cases = [(DataType.INT8, 1), (DataType.INT16, np.int16(2)), (DataType.INT64, 3), (DataType.FLOAT, 0.1),
             (DataType.FLOAT, np.float32(0.5)), (DataType.DOUBLE, 0.1), (DataType.BOOL, False),
             (DataType.VARCHAR, "héllo \"q\""), (DataType.DOUBLE, 2)]
    for dtype, value in cases:
        ours = FieldSchema("f", dtype, default_value=value, max_length=20).default_value
        theirs = pymilvus.FieldSchema("f", dtype, default_value=value, max_length=20).default_value
        assert ours == theirs and theirs == ours
        assert ours.WhichOneof("data") == theirs.WhichOneof("data")
        kind = theirs.WhichOneof("data")
        assert getattr(ours, kind) == getattr(theirs, kind)
        assert str(ours) == str(theirs)
        assert ours.int_data == theirs.int_data and ours.string_data == theirs.string_data


def test_value_field_object() -> None:
    v = ValueField(long_data=5)
    assert v.long_data == 5 and v.int_data == 0 and v.string_data == "" and v.bool_data is False
    assert v.HasField("long_data") and not v.HasField("int_data")
    assert v == schema_pb2.ValueField(long_data=5) and v != schema_pb2.ValueField(int_data=5)
    assert v != ValueField(long_data=6) and hash(v) == hash(ValueField(long_data=5))
    assert str(ValueField(bytes_data=b"\x00ab")) == str(schema_pb2.ValueField(bytes_data=b"\x00ab"))
    assert pickle.loads(pickle.dumps(v)) == v
    with pytest.raises(AttributeError):
        v.long_data = 3  # type: ignore[misc]
    proto = FieldSchema("f", DataType.INT64, default_value=schema_pb2.ValueField(long_data=9)).default_value
    assert isinstance(proto, ValueField) and proto.long_data == 9


def test_schema_level_auto_id_and_properties() -> None:
    s = create_schema(auto_id=True)
    s.add_field("id", DataType.INT64, is_primary=True)
    assert s.fields[0].auto_id is True and s.auto_id is True
    s.auto_id = False
    assert s.primary_field.auto_id is False
    empty = create_schema(auto_id=True)
    assert empty.auto_id is True and empty.enable_dynamic_field is False and empty.primary_field is None
    empty.enable_dynamic_field = 1  # type: ignore[assignment]
    assert empty.enable_dynamic_field is True
    orm = CollectionSchema([FieldSchema("k", DataType.VARCHAR, max_length=3)], primary_field="k", auto_id=True)
    assert orm.primary_field.name == "k" and orm.auto_id and len(orm) == 1


def test_fields_are_copied_and_equality() -> None:
    f = FieldSchema("id", DataType.INT64, is_primary=True)
    s = CollectionSchema([f, FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
    assert s.fields[0] is not f and s.fields[0] == f
    assert s.primary_field is s.fields[0]
    t = copy.deepcopy(s)
    assert t == s and t.primary_field is t.fields[0] and t.fields[0] is not s.fields[0]
    assert s != "x" and f != "id"
    assert s == pymilvus.CollectionSchema(
        [pymilvus.FieldSchema("id", pymilvus.DataType.INT64, is_primary=True),
         pymilvus.FieldSchema("v", pymilvus.DataType.FLOAT_VECTOR, dim=2)]
    )


def test_function_validation_like_pymilvus() -> None:
    cases: list[tuple[Any, ...]] = [
        (1, FunctionType.BM25, "a", "b"),
        ("f", FunctionType.BM25, 3, "b"),
        ("f", FunctionType.BM25, "a", 3),
        ("f", 77, "a", "b"),
        ("f", FunctionType.BM25, ["a", "a"], "b"),
        ("f", FunctionType.BM25, "a", ["b", "b"]),
        ("f", FunctionType.BM25, "a", "a"),
        ("f", FunctionType.BM25, ["a", 1], "b"),
    ]
    for args in cases:
        theirs = _raised(lambda args=args: pymilvus.Function(*args))
        ours = _raised(lambda args=args: Function(*args))
        assert theirs is not None and ours == theirs, args
    assert _raised(lambda: Function("f", 1, "a", "b", params=[])) == _raised(
        lambda: pymilvus.Function("f", 1, "a", "b", params=[]))
    fn = Function("f", FunctionType.RERANK, [], description="d", params={"reranker": "decay"})
    theirs_fn = pymilvus.Function("f", pymilvus.FunctionType.RERANK, [], description="d", params={"reranker": "decay"})
    assert fn.to_dict() == theirs_fn.to_dict() and repr(fn) == repr(theirs_fn)
    assert fn == Function.construct_from_dict(fn.to_dict()) and fn != "f"
    assert fn.input_field_names == [] and fn.output_field_names == [] and fn.type is FunctionType.RERANK
    score = FunctionScore(fn, params={"boost_mode": "sum"})
    assert score.functions == [fn] and score.params == {"boost_mode": "sum"}


def test_add_function_marks_output_and_rejects_non_function() -> None:
    s = _bm25(OURS)
    assert s.fields[2].is_function_output is True
    with pytest.raises(errors.ParamError):
        s.add_function("bm25")  # type: ignore[arg-type]


def test_struct_field_schema() -> None:
    st = create_struct_field_schema(nullable=False, description="d")
    with pytest.raises(errors.ParamError):
        st.add_field("x", DataType.ARRAY)
    with pytest.raises(errors.ParamError):
        StructFieldSchema(nullable="no")  # type: ignore[arg-type]
    s = create_schema()
    s.add_field("id", DataType.INT64, is_primary=True)
    with pytest.raises(errors.ParamError):
        s.add_field("st", DataType.ARRAY, element_type=DataType.STRUCT, max_capacity=3)
    with pytest.raises(errors.ParamError):
        s.add_field("st", DataType.ARRAY, element_type=DataType.STRUCT, struct_schema=st)
    s.add_field("st", DataType.ARRAY, element_type=DataType.STRUCT, struct_schema=st, max_capacity=3)
    with pytest.raises(errors.ParamError, match="at least one field"):
        s.verify()
    s.struct_fields[0].add_field("a", DataType.INT32, nullable=True)
    with pytest.raises(errors.ParamError, match="cannot be nullable"):
        s.verify()
    assert st.fields == []  # the schema holds a copy
    good = _struct(OURS)
    good.verify()
    struct = good.struct_fields[0]
    assert (struct.name, struct.max_capacity, struct.description, struct.dtype) == ("clips", 5, "frames", DataType.STRUCT)
    assert struct.params == {"mmap_enabled": False}
    assert StructFieldSchema.construct_from_dict(struct.to_dict()) == struct


def test_client_helpers() -> None:
    f = create_field_schema("t", DataType.VARCHAR, "d", max_length=5)
    assert f.to_dict() == MilvusClient.create_field_schema("t", pymilvus.DataType.VARCHAR, "d", max_length=5).to_dict()
    s = create_schema(enable_dynamic_field=True, description="x")
    assert s.to_dict() == MilvusClient.create_schema(enable_dynamic_field=True, description="x").to_dict()


def _everything(m: SimpleNamespace = OURS) -> Any:
    D = m.DataType
    s = _basic(m)
    s.add_field("txt", D.VARCHAR, max_length=500, enable_analyzer=True,
                multi_analyzer_params={"by_field": "lang", "analyzers": {"default": {"type": "standard"}}})
    s.add_field("sp", D.SPARSE_FLOAT_VECTOR)
    s.add_field("raw", D.INT8, nullable=True, default_value=np.int8(1), is_clustering_key=True,
                warmup="sync", external_field="col_raw")
    s.add_function(m.Function("bm", m.FunctionType.BM25, "txt", "sp", description="b", params={"k": [1, 2]}))
    st = m.create_struct(nullable=True, description="s")
    st.add_field("e", D.FLOAT_VECTOR, dim=4).add_field("lbl", D.VARCHAR, max_length=7, mmap_enabled=True)
    # like pymilvus, add_field's own ``nullable`` (default False) decides the struct's nullability
    s.add_field("st", D.ARRAY, element_type=D.STRUCT, struct_schema=st, max_capacity=3,
                warmup="async", nullable=True)
    return s


def test_storage_round_trip_is_lossless() -> None:
    s = _everything()
    stored = s.to_storage()
    text = json.dumps(stored)  # only JSON types
    back = CollectionSchema.from_storage(json.loads(text))
    assert back.to_storage() == stored
    assert back.to_dict() == s.to_dict()
    assert describe_fields(back) == describe_fields(s)
    assert back.primary_field is back.fields[0] and back.partition_key_field.name == "big"
    assert back.clustering_key_field.name == "raw"
    assert back.fields[1].mmap_enabled is True and back.fields[4].default_value.float_data == s.fields[4].default_value.float_data
    assert back.enable_dynamic_field and back.description == "docs" and back.auto_id
    assert back.struct_fields[0].nullable and back.struct_fields[0].params == {"warmup": "async"}
    assert back.functions[0].params == {"k": [1, 2]}
    back.verify()
    bytes_default = FieldSchema("b", DataType.VARCHAR, max_length=4)
    bytes_default.default_value = ValueField(bytes_data=b"\x01\xff")
    assert FieldSchema.from_storage(json.loads(json.dumps(bytes_default.to_storage()))).default_value == ValueField(
        bytes_data=b"\x01\xff")


def test_storage_keeps_unset_dynamic_flag_and_schema_kwargs() -> None:
    s = create_schema(auto_id=True, partition_key_field="p")
    back = CollectionSchema.from_storage(json.loads(json.dumps(s.to_storage())))
    assert back._enable_dynamic_field is None and back.auto_id is True
    back.add_field("id", DataType.INT64, is_primary=True).add_field("p", DataType.VARCHAR, max_length=3)
    assert back.fields[0].auto_id and back.partition_key_field.name == "p"


def _server_echo_describe(schema: Any) -> dict[str, Any]:
    """What pymilvus's ``MilvusClient.describe_collection`` returns for ``schema``, simulating the server: the
    request pymilvus would send is echoed back with Milvus's field/function ids and parsed by pymilvus itself."""
    from pymilvus.client.abstract import CollectionSchema as Described
    from pymilvus.client.prepare import Prepare
    from pymilvus.client.utils import convert_struct_fields_to_user_format

    proto = Prepare.get_schema_from_collection_schema("c", schema)
    ids: dict[str, int] = {}
    next_id = 100
    for field in proto.fields:
        field.fieldID = ids[field.name] = next_id
        next_id += 1
    next_id += 1 if proto.enable_dynamic_field else 0
    for struct in proto.struct_array_fields:
        struct.fieldID = ids[struct.name] = next_id
        next_id += 1
        for sub in struct.fields:
            sub.name = f"{struct.name}[{sub.name}]"
            sub.fieldID = ids[sub.name] = next_id
            next_id += 1
    for index, function in enumerate(proto.functions):
        function.id = 100 + index
        function.input_field_ids.extend(ids[n] for n in function.input_field_names)
        function.output_field_ids.extend(ids[n] for n in function.output_field_names)
    result = Described(milvus_pb2.DescribeCollectionResponse(schema=proto, collection_name="c")).dict()
    result["fields"].extend(convert_struct_fields_to_user_format(result.pop("struct_array_fields")))
    return result


@pytest.mark.parametrize("build", [*BUILDERS, lambda m: _everything(m)], ids=[b.__name__ for b in BUILDERS] + ["all"])
def test_describe_matches_pymilvus_server_echo(build: Callable[[SimpleNamespace], Any]) -> None:
    ours, theirs = build(OURS), build(THEIRS)
    ours.verify()
    theirs.verify()
    expected = _server_echo_describe(theirs)
    assert describe_fields(ours) == expected["fields"]
    assert [list(f) for f in describe_fields(ours)] == [list(f) for f in expected["fields"]]
    assert describe_functions(ours) == [
        {**f, "input_field_names": list(f["input_field_names"]), "input_field_ids": list(f["input_field_ids"]),
         "output_field_names": list(f["output_field_names"]), "output_field_ids": list(f["output_field_ids"])}
        for f in expected["functions"]
    ]
    assert expected["auto_id"] == ours.auto_id
    # describe output reads back into an equal schema (pymilvus's own round trip)
    back = CollectionSchema.construct_from_dict({**expected, "fields": describe_fields(ours)})
    theirs_back = pymilvus.CollectionSchema.construct_from_dict(expected)
    assert back.to_dict() == theirs_back.to_dict()


def test_describe_fields_shape() -> None:
    fields = describe_fields(_everything())
    by_name = {f["name"]: f for f in fields}
    assert [f["field_id"] for f in fields[:-1]] == list(range(100, 100 + len(fields) - 1))
    assert by_name["id"] == {"field_id": 100, "name": "id", "description": "", "type": DataType.INT64, "params": {},
                             "auto_id": True, "is_primary": True}
    assert by_name["vec"]["params"] == {"mmap_enabled": True, "dim": 8}
    assert by_name["title"]["params"] == {"max_length": 64} and by_name["title"]["nullable"] is True
    assert by_name["title"]["default_value"].string_data == "none"
    assert by_name["big"]["is_partition_key"] is True and by_name["big"]["default_value"].long_data == 7
    assert by_name["n"]["default_value"].int_data == 3
    assert by_name["tags"]["element_type"] is DataType.ARRAY.__class__.VARCHAR
    assert by_name["tags"]["params"] == {"max_length": 16, "max_capacity": 4}
    assert "element_type" not in by_name["meta"] and by_name["meta"]["type"] is DataType.JSON
    assert by_name["txt"]["params"]["enable_analyzer"] == "true"
    assert json.loads(by_name["txt"]["params"]["multi_analyzer_params"])["by_field"] == "lang"
    assert by_name["sp"] == {"field_id": by_name["sp"]["field_id"], "name": "sp", "description": "",
                             "type": DataType.SPARSE_FLOAT_VECTOR, "params": {}, "is_function_output": True}
    raw = by_name["raw"]
    assert raw["params"] == {"warmup": "sync"} and raw["is_clustering_key"] and raw["external_field"] == "col_raw"
    assert list(raw) == ["field_id", "name", "description", "type", "params", "default_value", "nullable",
                         "is_clustering_key", "external_field"]
    st = by_name["st"]
    # $meta takes the id after the regular fields, then the struct and its sub-fields.
    assert st["field_id"] == 100 + len(fields) - 1 + 1
    # pymilvus's MilvusClient reports struct arrays in its "user format" (not _ARRAY_OF_STRUCT)
    assert st == {"field_id": st["field_id"], "name": "st", "description": "s", "type": DataType.ARRAY,
                  "element_type": DataType.STRUCT, "params": {"max_capacity": 3}, "nullable": True,
                  "struct_fields": [
                      {"field_id": st["field_id"] + 1, "name": "e", "type": DataType.FLOAT_VECTOR, "description": "",
                       "params": {"dim": 4}},
                      {"field_id": st["field_id"] + 2, "name": "lbl", "type": DataType.VARCHAR, "description": "",
                       "params": {"mmap_enabled": True, "max_length": 7}},
                  ]}
    for f in fields:
        assert {"field_id", "name", "description", "type", "params"} <= set(f)
        assert all(type(v) is int for k, v in f["params"].items() if k in ("dim", "max_length", "max_capacity"))
        for flag in ("is_primary", "auto_id", "nullable", "is_partition_key", "is_clustering_key"):
            assert f.get(flag, True) is True


def test_describe_field_ids_override_and_functions() -> None:
    s = _bm25(OURS)
    funcs = describe_functions(s)
    assert funcs == [{"name": "bm", "id": 100, "description": "", "type": FunctionType.BM25, "params": {},
                      "input_field_names": ["text"], "input_field_ids": [101],
                      "output_field_names": ["sparse"], "output_field_ids": [102]}]
    assert describe_fields(s, {"sparse": 140})[2]["field_id"] == 140
    assert describe_functions(s, {"sparse": 140})[0]["output_field_ids"] == [140]
    emb = create_schema()
    emb.add_field("id", DataType.INT64, is_primary=True).add_field("t", DataType.VARCHAR, max_length=9)
    emb.add_field("o", DataType.FLOAT_VECTOR, dim=4)
    emb.add_function(Function("e", FunctionType.TEXTEMBEDDING, "t", "o", params={"provider": "openai", "dim": 4}))
    assert describe_functions(emb)[0]["params"] == {"provider": "openai", "dim": "4"}


def test_pickle_and_deepcopy_keep_everything() -> None:
    s = _everything()
    for clone in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
        assert clone == s and clone.to_storage() == s.to_storage()
        assert clone.primary_field is clone.fields[0] and clone.fields[0] is not s.fields[0]
        assert [f.is_function_output for f in clone.fields] == [f.is_function_output for f in s.fields]


def test_struct_without_capacity_fails_verify() -> None:
    st = create_struct_field_schema()
    st.add_field("a", DataType.INT32)
    s = create_schema()
    s.add_field("id", DataType.INT64, is_primary=True).add_struct_field(st)
    with pytest.raises(errors.ParamError, match="max_capacity not set"):
        s.verify()
    st.max_capacity = 2
    s.verify()


def test_stamped_field_ids_match_create_time_assignment_and_survive_storage() -> None:
    s = _everything()
    before = describe_fields(s)
    stamp_field_ids(s)
    assert describe_fields(s) == before  # stamping records exactly the ids a fresh schema describes with
    stored = json.loads(json.dumps(s.to_storage()))
    assert [f["field_id"] for f in stored["fields"]] == [f["field_id"] for f in before[:-1]]
    assert stored["struct_fields"][0]["field_id"] == before[-1]["field_id"]
    assert [f["field_id"] for f in stored["struct_fields"][0]["fields"]] == [
        f["field_id"] for f in before[-1]["struct_fields"]]
    assert stored["max_field_id"] == before[-1]["struct_fields"][-1]["field_id"]
    back = CollectionSchema.from_storage(stored)
    assert describe_fields(back) == before and back.to_storage() == stored
    assert back == s and copy.deepcopy(back).to_storage() == stored  # ids do not take part in equality


def test_field_ids_are_never_shifted_or_reused() -> None:
    s = create_schema(enable_dynamic_field=True)
    for name in ("a", "b", "c", "d"):
        s.add_field(name, DataType.INT64, is_primary=name == "a")
    st = create_struct_field_schema()
    st.add_field("x", DataType.INT32)
    s.add_field("st", DataType.ARRAY, element_type=DataType.STRUCT, struct_schema=st, max_capacity=2)
    s.add_function(Function("f", FunctionType.BM25, ["c"], ["d"]))
    stamp_field_ids(s)
    ids = lambda: {f["name"]: f["field_id"] for f in describe_fields(s)}  # noqa: E731
    # $meta holds 104; the struct and its sub-field follow it
    assert ids() == {"a": 100, "b": 101, "c": 102, "d": 103, "st": 105}
    assert describe_fields(s)[-1]["struct_fields"][0]["field_id"] == 106
    s._fields = [f for f in s.fields if f.name != "b"]
    stamp_field_ids(s)
    assert ids() == {"a": 100, "c": 102, "d": 103, "st": 105}
    assert describe_functions(s)[0]["input_field_ids"] == [102]
    assert describe_functions(s)[0]["output_field_ids"] == [103]
    s.add_field("e", DataType.INT64, nullable=True)
    stamp_field_ids(s)
    assert ids()["e"] == 107 and s._max_field_id == 107
    s._fields = [f for f in s.fields if f.name != "e"]  # dropping the largest id does not free it
    s.add_field("f", DataType.INT64, nullable=True)
    stamp_field_ids(s)
    assert ids()["f"] == 108
    back = CollectionSchema.from_storage(json.loads(json.dumps(s.to_storage())))
    assert {f["name"]: f["field_id"] for f in describe_fields(back)} == ids()
    back.add_field("g", DataType.INT64, nullable=True)  # not stamped yet: described with the next free id
    assert describe_fields(back)[-2]["field_id"] == 109
    stamp_field_ids(back, fresh=True)  # a schema sent to create a collection: ids start over
    assert [f["field_id"] for f in describe_fields(back)] == [100, 101, 102, 103, 104, 106]


def test_stamp_storage_ids_migrates_stored_schemas_without_ids() -> None:
    s = _everything()
    legacy = json.loads(json.dumps(s.to_storage()))
    assert "max_field_id" not in legacy and all("field_id" not in f for f in legacy["fields"])
    migrated = stamp_storage_ids(legacy)
    assert describe_fields(CollectionSchema.from_storage(migrated)) == describe_fields(s)
    assert {k: v for k, v in migrated.items() if k != "max_field_id"} == {
        **legacy,
        "fields": [{**f, "field_id": 100 + i} for i, f in enumerate(legacy["fields"])],
        "struct_fields": migrated["struct_fields"],
    }
    assert stamp_storage_ids(migrated) == migrated
