"""Schemas, functions and index params ⇄ their REST JSON forms (rest-v2 §6, §8.3, §8.6).

Request side: ``FieldSchema`` objects (``fieldName``, ``dataType``, ``elementTypeParams``, ...), function
objects and ``indexParams`` entries become ``types`` objects; data type names are case-sensitive
(``Int64``, ``FloatVector``...). Describe side: a ``CollectionInfo`` becomes Milvus's describe object (type params
as ``[{"key","value"}]`` strings, default values protobuf-style ``{"Data": {"LongData": 10}}``, function types as
numbers) and back, so a schema survives a create → describe round trip through REST as it does through gRPC;
field ``id``s are the collection's stored ids and are kept on the decoded fields.
Azimuth adds ``schemaVersion``, ``dbName``, ``createdTimestamp`` and ``updatedTimestamp`` to describe data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from azimuth.codec.rest.body import RestRequest
from azimuth.errors import Code, MilvusException, server_error
from azimuth.ops.results import CollectionInfo, IndexInfo
from azimuth.types import schema_io
from azimuth.types.enums import DataType, FunctionType
from azimuth.types.field_schema import COMMON_TYPE_PARAMS, INT_TYPE_PARAMS, FieldSchema
from azimuth.types.function import Function
from azimuth.types.index_params import IndexParam
from azimuth.types.schema import CollectionSchema, create_schema
from azimuth.types.value_field import ValueField

TYPE_NAMES: dict[DataType, str] = {
    DataType.BOOL: "Bool", DataType.INT8: "Int8", DataType.INT16: "Int16", DataType.INT32: "Int32",
    DataType.INT64: "Int64", DataType.FLOAT: "Float", DataType.DOUBLE: "Double", DataType.STRING: "String",
    DataType.VARCHAR: "VarChar", DataType.ARRAY: "Array", DataType.JSON: "JSON", DataType.GEOMETRY: "Geometry",
    DataType.TIMESTAMPTZ: "Timestamptz", DataType.TEXT: "Text", DataType.BINARY_VECTOR: "BinaryVector",
    DataType.FLOAT_VECTOR: "FloatVector", DataType.FLOAT16_VECTOR: "Float16Vector",
    DataType.BFLOAT16_VECTOR: "BFloat16Vector", DataType.SPARSE_FLOAT_VECTOR: "SparseFloatVector",
    DataType.INT8_VECTOR: "Int8Vector",
}
TYPES_BY_NAME: dict[str, DataType] = {v: k for k, v in TYPE_NAMES.items()}
FUNCTION_TYPES: dict[str, FunctionType] = {"BM25": FunctionType.BM25, "TextEmbedding": FunctionType.TEXTEMBEDDING,
                                           "Rerank": FunctionType.RERANK, "MinHash": FunctionType.MINHASH}
FUNCTION_NAMES = {v: k for k, v in FUNCTION_TYPES.items()}
_VALUE_KINDS = {"bool_data": "BoolData", "int_data": "IntData", "long_data": "LongData", "float_data": "FloatData",
                "double_data": "DoubleData", "string_data": "StringData", "bytes_data": "BytesData",
                "timestamptz_data": "TimestamptzData"}
_KINDS_BY_NAME = {v: k for k, v in _VALUE_KINDS.items()}
_BOOL_WORDS = {"true": True, "false": False}
CONSISTENCY = ("Strong", "Session", "Bounded", "Eventually", "Customized")
LOAD_STATES = ("LoadStateNotExist", "LoadStateNotLoad", "LoadStateLoading", "LoadStateLoaded")


def data_type(name: Any) -> DataType:
    dtype = TYPES_BY_NAME.get(name) if isinstance(name, str) else None
    if dtype is None:
        raise server_error(Code.INVALID_PARAMETER, f"invalid parameter, data type {name} is invalid(case sensitive).")
    return dtype


def consistency(name: Any) -> int | None:
    """A ``consistencyLevel`` name → its number; absent/empty → None (the collection's own level)."""
    if name is None or name == "":
        return None
    if name not in CONSISTENCY:
        raise server_error(Code.INVALID_PARAMETER, "consistencyLevel can only be [Strong, Session, Bounded, "
                                                   f"Eventually, Customized], default: Bounded, err:{name!r}")
    return CONSISTENCY.index(name)


def text(value: Any) -> str:
    """A property / type-param value as text (JSON text for non-strings, ``true``/``false`` for bools)."""
    if isinstance(value, str):
        return value
    return orjson.dumps(schema_io.plain(value)).decode()


def kv(mapping: Mapping[str, Any] | None) -> list[dict[str, str]]:
    return [{"key": str(k), "value": text(v)} for k, v in (mapping or {}).items()]


def from_kv(pairs: Any) -> dict[str, str]:
    return {str(p.get("key")): str(p.get("value", "")) for p in pairs or () if isinstance(p, dict)}


# ---- request side ------------------------------------------------------------------------------------------


def _default_value(value: Any, dtype: DataType, name: str) -> Any:
    ints = (DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64)
    ok = {DataType.BOOL: isinstance(value, bool),
          DataType.VARCHAR: isinstance(value, str), DataType.TIMESTAMPTZ: isinstance(value, str),
          DataType.GEOMETRY: isinstance(value, str), DataType.STRING: isinstance(value, str)}
    if dtype in ints or dtype in (DataType.FLOAT, DataType.DOUBLE):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "long" if dtype in ints else "double"
            raise server_error(Code.INVALID_PARAMETER, f"convert defaultValue fail, err:cannot use {value!r}(type: "
                                                       f"{type(value).__name__}) as {kind} default value")
        return int(value) if dtype in ints else float(value)
    if dtype not in ok:
        raise server_error(Code.INVALID_PARAMETER, f"convert defaultValue fail, err: field {name}: Unexpected "
                                                   "default value type")
    if not ok[dtype]:
        raise server_error(Code.INVALID_PARAMETER, f"convert defaultValue fail, err:cannot use {value!r}(type: "
                                                   f"{type(value).__name__}) as default value of {name}")
    return value


def field_from_json(raw: Any, struct: str = "FieldSchema", auto_id: bool = False) -> FieldSchema:
    if not isinstance(raw, dict):
        raise server_error(Code.INVALID_PARAMETER, "every field of schema.fields must be an object")
    req = RestRequest(raw, struct=struct)
    name = req.str("fieldName", required=True)
    dtype = data_type(req.get("dataType", "str", required=True))
    kwargs: dict[str, Any] = {}
    for key, flag in (("isPrimary", "is_primary"), ("isPartitionKey", "is_partition_key"),
                      ("isClusteringKey", "is_clustering_key"), ("nullable", "nullable")):
        if req.bool(key):
            kwargs[flag] = True
    if kwargs.get("is_primary") and auto_id:
        kwargs["auto_id"] = True
    if dtype == DataType.ARRAY:
        kwargs["element_type"] = data_type(req.get("elementDataType", "str", required=True))
    for key, value in req.object("elementTypeParams").items():
        kwargs["mmap_enabled" if key == "mmap.enabled" else key] = value
    if req.has("defaultValue") and req.get("defaultValue") is not None:
        kwargs["default_value"] = _default_value(req.get("defaultValue"), dtype, name)
    try:
        return FieldSchema(name, dtype, req.str("description"), **kwargs)
    except MilvusException as exc:
        raise server_error(Code.INVALID_PARAMETER, exc.message) from None


def function_from_json(raw: Any, *, schema_function: bool = True) -> Function:
    if not isinstance(raw, dict):
        raise server_error(Code.INVALID_PARAMETER, "a function must be an object")
    req = RestRequest(raw, struct="FunctionSchema")
    name = req.str("name", required=True)
    kind = req.get("type", "str", "")
    if kind not in FUNCTION_TYPES:
        raise server_error(Code.INVALID_PARAMETER, f"Unsupported function type: {kind}")
    params = {k: v if isinstance(v, str) else text(v) for k, v in req.object("params").items()}
    try:
        return Function(name, FUNCTION_TYPES[kind], list(req.names("inputFieldNames", required=schema_function)),
                        list(req.names("outputFieldNames", required=schema_function)), req.str("description"),
                        params or None)
    except MilvusException as exc:
        raise server_error(Code.INVALID_PARAMETER, exc.message) from None


def schema_from_json(raw: Any) -> CollectionSchema:
    if not isinstance(raw, dict):
        raise server_error(Code.INVALID_PARAMETER, "schema must be an object")
    req = RestRequest(raw, struct="CollectionSchema")
    auto_id = req.bool("autoID")
    schema = create_schema(enable_dynamic_field=req.bool("enableDynamicField"), description=req.str("description"))
    fields = req.get("fields", "list", required=True)
    try:
        for item in fields:
            field = field_from_json(item, auto_id=auto_id)
            schema._update_key_field_metadata(field)
            schema._fields.append(field)
        for item in req.get("functions", "list", []):
            schema.add_function(function_from_json(item))
        schema.verify()
    except MilvusException as exc:
        raise server_error(Code.INVALID_PARAMETER, exc.message) from None
    return schema


def index_from_json(raw: Any) -> IndexParam:
    if not isinstance(raw, dict):
        raise server_error(Code.INVALID_PARAMETER, "every entry of indexParams must be an object")
    req = RestRequest(raw, struct="IndexParam")
    params = dict(req.object("params"))
    index_type = req.str("indexType") or str(params.pop("index_type", "") or "")
    params.pop("index_type", None)
    metric = req.str("metricType")
    configs: dict[str, Any] = dict(params)
    if metric:
        configs["metric_type"] = metric
    return IndexParam(req.str("fieldName", required=True), index_type, req.str("indexName"), **configs)


# ---- client side: types → request JSON ---------------------------------------------------------------------


def field_to_json(field: FieldSchema) -> dict[str, Any]:
    out: dict[str, Any] = {"fieldName": field.name, "dataType": TYPE_NAMES[DataType(field.dtype)]}
    if field.description:
        out["description"] = field.description
    if field.element_type is not None:
        out["elementDataType"] = TYPE_NAMES[DataType(field.element_type)]
    for key, flag in (("isPrimary", "is_primary"), ("isPartitionKey", "is_partition_key"),
                      ("isClusteringKey", "is_clustering_key"), ("nullable", "nullable")):
        if getattr(field, flag, False):
            out[key] = True
    params = {("mmap.enabled" if k == "mmap_enabled" else k): schema_io.plain(v) for k, v in field.params.items()}
    if params:
        out["elementTypeParams"] = params
    if field.default_value is not None and field.default_value.kind is not None:
        out["defaultValue"] = field.default_value.value
    return out


def function_to_json(function: Function) -> dict[str, Any]:
    return {"name": function.name, "type": FUNCTION_NAMES.get(FunctionType(function.type), "BM25"),
            "inputFieldNames": list(function.input_field_names),
            "outputFieldNames": list(function.output_field_names), "description": function.description,
            "params": dict(function.params or {})}


def schema_to_json(schema: CollectionSchema) -> dict[str, Any]:
    pk = schema.primary_field
    return {"autoID": bool(pk.auto_id) if pk is not None else False,
            "enableDynamicField": bool(schema.enable_dynamic_field), "description": schema.description,
            "fields": [field_to_json(f) for f in schema.fields],
            "functions": [function_to_json(f) for f in schema.functions]}


def index_to_json(index: IndexParam) -> dict[str, Any]:
    params = dict(index.params)
    out: dict[str, Any] = {"fieldName": index.field_name}
    if index.index_name:
        out["indexName"] = index.index_name
    if index.index_type:
        out["indexType"] = index.index_type
    metric = params.pop("metric_type", None)
    if metric:
        out["metricType"] = metric
    if params:
        out["params"] = {k: schema_io.plain(v) for k, v in params.items()}
    return out


# ---- describe ----------------------------------------------------------------------------------------------


def _field_describe(field: FieldSchema, field_id: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": field.name, "id": field_id, "type": TYPE_NAMES.get(DataType(field.dtype), str(field.dtype)),
        "primaryKey": bool(field.is_primary), "partitionKey": bool(field.is_partition_key),
        "clusteringKey": bool(field.is_clustering_key), "autoId": bool(field.auto_id),
        "nullable": bool(field.nullable), "description": field.description,
    }
    if field.params:
        out["params"] = [{"key": "mmap.enabled" if k == "mmap_enabled" else str(k), "value": text(v)}
                         for k, v in field.params.items()]
    if field.element_type is not None:
        out["elementType"] = TYPE_NAMES.get(DataType(field.element_type), str(field.element_type))
    value = field.default_value
    if value is not None and value.kind is not None:
        out["defaultValue"] = {"Data": {_VALUE_KINDS.get(value.kind, value.kind): value.value}}
    if getattr(field, "is_function_output", False):
        out["isFunctionOutput"] = True
    return out


def describe_json(info: CollectionInfo, load: str, indexes: list[IndexInfo]) -> dict[str, Any]:
    schema = info.schema
    ids = schema_io.assign_field_ids(schema)
    pk = schema.primary_field
    vectors = [f.name for f in schema.fields if int(f.dtype) >= 100]
    first_vector = vectors[0] if vectors else None
    return {
        "collectionName": info.name, "collectionID": info.collection_id, "description": schema.description,
        "autoId": bool(pk.auto_id) if pk is not None else False,
        "enableDynamicField": bool(schema.enable_dynamic_field),
        "consistencyLevel": CONSISTENCY[info.consistency_level] if 0 <= info.consistency_level < 5 else "Bounded",
        "shardsNum": info.num_shards, "partitionsNum": info.num_partitions, "load": load,
        "aliases": list(info.aliases), "properties": kv(info.properties),
        "fields": [_field_describe(f, ids[f.name]) for f in schema.fields],
        "functions": [{"name": f.name, "id": schema_io.FIRST_FUNCTION_ID + i, "description": f.description,
                       "type": int(f.type), "inputFieldNames": list(f.input_field_names),
                       "outputFieldNames": list(f.output_field_names), "params": kv(f.params)}
                      for i, f in enumerate(schema.functions)],
        "indexes": [{"indexName": x.index_name, "fieldName": x.field_name,
                     "metricType": str(x.params.get("metric_type") or "COSINE")}
                    for x in indexes if x.field_name == first_vector],
        "schemaVersion": info.schema_version, "dbName": info.db_name,
        "createdTimestamp": info.created_ts, "updatedTimestamp": info.updated_ts,
    }


def _params_from_kv(pairs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in from_kv(pairs).items():
        if key == "mmap.enabled":
            out["mmap_enabled"] = value.lower() == "true"
        elif key in INT_TYPE_PARAMS:
            try:
                out[key] = int(value)
            except ValueError:
                out[key] = value
        elif key in COMMON_TYPE_PARAMS and value.lower() in _BOOL_WORDS:
            out[key] = _BOOL_WORDS[value.lower()]
        else:
            out[key] = value
    return out


def _field_from_describe(raw: dict[str, Any]) -> FieldSchema:
    element = raw.get("elementType")
    field = schema_io.field_from_storage({
        "name": raw["name"], "type": int(data_type(raw["type"])), "description": raw.get("description", ""),
        "params": _params_from_kv(raw.get("params")), "is_primary": raw.get("primaryKey", False),
        "auto_id": raw.get("autoId", False), "nullable": raw.get("nullable", False),
        "is_partition_key": raw.get("partitionKey", False), "is_clustering_key": raw.get("clusteringKey", False),
        "is_function_output": raw.get("isFunctionOutput", False),
        "element_type": int(data_type(element)) if element else None,
        "field_id": int(raw.get("id") or 0),
    })
    default = raw.get("defaultValue")
    if isinstance(default, dict) and isinstance(default.get("Data"), dict) and default["Data"]:
        name, value = next(iter(default["Data"].items()))
        kind = _KINDS_BY_NAME.get(name)
        if kind is not None:
            field.default_value = ValueField(**{kind: value})
    return field


def info_from_describe(data: dict[str, Any], db_name: str) -> CollectionInfo:
    """Client side: describe data → ``CollectionInfo``."""
    raw_schema: dict[str, Any] = {
        "description": data.get("description", ""), "auto_id": bool(data.get("autoId", False)),
        "enable_dynamic_field": bool(data.get("enableDynamicField", False)), "kwargs": {}, "fields": [],
        "struct_fields": [], "functions": [],
    }
    if data.get("enableDynamicField"):
        raw_schema["kwargs"]["enable_dynamic_field"] = True
    schema = schema_io.schema_from_storage(raw_schema)
    schema._fields = [_field_from_describe(f) for f in data.get("fields") or []]
    schema._functions = [Function(f["name"], FunctionType(int(f.get("type", 0))), list(f.get("inputFieldNames", [])),
                                  list(f.get("outputFieldNames", [])), f.get("description", ""),
                                  from_kv(f.get("params")))
                         for f in data.get("functions") or []]
    schema._primary_field = next((f for f in schema._fields if f.is_primary), None)
    schema._partition_key_field = next((f for f in schema._fields if f.is_partition_key), None)
    schema._clustering_key_field = next((f for f in schema._fields if f.is_clustering_key), None)
    level = data.get("consistencyLevel", "Bounded")
    return CollectionInfo(
        name=data.get("collectionName", ""), collection_id=int(data.get("collectionID", 0)),
        db_name=data.get("dbName", db_name), schema=schema, schema_version=int(data.get("schemaVersion", -1)),
        aliases=tuple(data.get("aliases") or ()),
        consistency_level=CONSISTENCY.index(level) if level in CONSISTENCY else 2,
        properties=from_kv(data.get("properties")), num_shards=int(data.get("shardsNum", 1)),
        num_partitions=int(data.get("partitionsNum", 1)), created_ts=int(data.get("createdTimestamp", 0)),
        updated_ts=int(data.get("updatedTimestamp", 0)))


__all__ = ["CONSISTENCY", "LOAD_STATES", "TYPE_NAMES", "consistency", "data_type", "describe_json",
           "field_from_json", "field_to_json", "function_from_json", "index_from_json", "index_to_json",
           "info_from_describe", "kv", "schema_from_json", "schema_to_json", "text"]
