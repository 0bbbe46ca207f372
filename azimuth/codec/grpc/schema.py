"""``CollectionSchema`` / ``FieldSchema`` / ``Function`` ⇄ ``schema_pb2`` messages, and key-value pair helpers.

Type params travel as strings, as pymilvus sends them (JSON for non-strings, ``mmap_enabled`` as
``mmap.enabled``); decoding turns ``dim``/``max_length``/``max_capacity`` back into ints and boolean words into
bools, so a schema that made the round trip describes exactly as the original. Field ids are
``schema_io.assign_field_ids`` (the collection's stored ids) on encode and are kept on the decoded field objects
(``fieldID`` 0 means none); the hidden ``$meta`` field of real Milvus servers is dropped on decode. The
schema version (Azimuth's counter of schema changes) travels in ``CollectionSchema.version``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from azimuth.codec.grpc.columns import ColumnType
from azimuth.codec.grpc.proto import common_pb2, schema_pb2
from azimuth.errors import Code, server_error
from azimuth.types import schema_io
from azimuth.types.arrow import META_FIELD
from azimuth.types.enums import DataType, FunctionType
from azimuth.types.field_schema import COMMON_TYPE_PARAMS, INT_TYPE_PARAMS, FieldSchema, StructFieldSchema
from azimuth.types.function import Function
from azimuth.types.schema import CollectionSchema
from azimuth.types.value_field import ValueField

_BOOL_WORDS = {"true": True, "false": False}


# ---- key-value pairs ---------------------------------------------------------------------------------------


def wire_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(schema_io.plain(value)).decode()


def to_kv(mapping: Mapping[str, Any] | None) -> list[Any]:
    return [common_pb2.KeyValuePair(key=str(k), value=wire_value(v)) for k, v in (mapping or {}).items()]


def from_kv(pairs: Iterable[Any]) -> dict[str, str]:
    return {pair.key: pair.value for pair in pairs}


# ---- fields ------------------------------------------------------------------------------------------------


def _value_to_proto(value: ValueField | None) -> Any:
    if value is None or value.kind is None:
        return None
    return schema_pb2.ValueField(**{value.kind: value.value})


def _params_to_proto(params: Mapping[str, Any]) -> list[Any]:
    return [common_pb2.KeyValuePair(key="mmap.enabled" if k == "mmap_enabled" else str(k), value=wire_value(v))
            for k, v in params.items()]


def _params_from_proto(pairs: Iterable[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, text = pair.key, pair.value
        if key == "mmap.enabled":
            out["mmap_enabled"] = text.lower() == "true"
        elif key in INT_TYPE_PARAMS:
            try:
                out[key] = int(text)
            except ValueError:
                out[key] = text
        elif key in COMMON_TYPE_PARAMS and text.lower() in _BOOL_WORDS:
            out[key] = _BOOL_WORDS[text.lower()]
        else:
            out[key] = text
    return out


def field_to_proto(field: FieldSchema, field_id: int = 0) -> Any:
    message = schema_pb2.FieldSchema(
        fieldID=field_id, name=field.name, description=field.description, data_type=int(field.dtype),
        is_primary_key=bool(field.is_primary), autoID=bool(field.auto_id), nullable=bool(field.nullable),
        is_partition_key=bool(field.is_partition_key), is_clustering_key=bool(field.is_clustering_key),
        is_dynamic=bool(field.is_dynamic), is_function_output=bool(getattr(field, "is_function_output", False)),
        external_field=field.external_field or "",
    )
    if field.element_type is not None:
        message.element_type = int(field.element_type)
    default = _value_to_proto(field.default_value)
    if default is not None:
        message.default_value.CopyFrom(default)
    message.type_params.extend(_params_to_proto(field.params))
    return message


def field_from_proto(message: Any) -> FieldSchema:
    try:
        dtype = DataType(message.data_type)
    except ValueError:
        raise server_error(Code.INVALID_PARAMETER, f"field {message.name} has an unknown data type "
                                                   f"{message.data_type}") from None
    raw = {
        "name": message.name, "type": int(dtype), "description": message.description,
        "params": _params_from_proto(message.type_params), "is_primary": message.is_primary_key,
        "auto_id": message.autoID, "nullable": message.nullable, "is_partition_key": message.is_partition_key,
        "is_clustering_key": message.is_clustering_key, "is_dynamic": message.is_dynamic,
        "is_function_output": message.is_function_output, "external_field": message.external_field,
        "element_type": int(message.element_type) if message.element_type else None,
        "field_id": int(message.fieldID),
    }
    field = schema_io.field_from_storage(raw)
    if message.HasField("default_value") and message.default_value.WhichOneof("data"):
        field.default_value = ValueField.from_message(message.default_value)
    return field


def _struct_to_proto(struct: StructFieldSchema, ids: Mapping[str, int]) -> Any:
    message = schema_pb2.StructArrayFieldSchema(fieldID=ids.get(struct.name, 0), name=struct.name,
                                                description=struct.description, nullable=bool(struct.nullable))
    message.type_params.extend(_params_to_proto(struct.params))
    for sub in struct.fields:
        wire_type = DataType._ARRAY_OF_VECTOR if int(sub.dtype) >= 100 else DataType.ARRAY
        sub_message = field_to_proto(sub, ids.get(f"{struct.name}[{sub.name}]", 0))
        sub_message.data_type = int(wire_type)
        sub_message.element_type = int(sub.dtype)
        sub_message.nullable = bool(struct.nullable)
        sub_message.type_params.append(common_pb2.KeyValuePair(key="max_capacity", value=str(struct.max_capacity)))
        message.fields.append(sub_message)
    return message


def _struct_from_proto(message: Any) -> StructFieldSchema:
    struct = StructFieldSchema(nullable=bool(message.nullable), description=message.description)
    struct.name = message.name
    struct._field_id = int(message.fieldID) or None
    params = _params_from_proto(message.type_params)
    for sub_message in message.fields:
        sub = field_from_proto(sub_message)
        sub._dtype = DataType(sub_message.element_type)
        sub.element_type = None
        sub.nullable = False
        capacity = sub._type_params.pop("max_capacity", None)
        if capacity is not None:
            struct.max_capacity = capacity
        struct._fields.append(sub)
    struct._type_params = params
    return struct


# ---- functions ---------------------------------------------------------------------------------------------


def function_to_proto(function: Function, function_id: int, ids: Mapping[str, int]) -> Any:
    return schema_pb2.FunctionSchema(
        name=function.name, id=function_id, description=function.description, type=int(function.type),
        input_field_names=list(function.input_field_names),
        input_field_ids=[ids.get(n, 0) for n in function.input_field_names],
        output_field_names=list(function.output_field_names),
        output_field_ids=[ids.get(n, 0) for n in function.output_field_names],
        params=[common_pb2.KeyValuePair(key=str(k), value=str(v)) for k, v in function.params.items()],
    )


def function_from_proto(message: Any) -> Function:
    return Function(message.name, FunctionType(message.type), list(message.input_field_names),
                    list(message.output_field_names), message.description, from_kv(message.params))


# ---- schemas -----------------------------------------------------------------------------------------------


def schema_to_proto(schema: CollectionSchema, name: str = "", version: int = 0, db_name: str = "") -> Any:
    ids = schema_io.assign_field_ids(schema)
    pk = schema.primary_field
    message = schema_pb2.CollectionSchema(
        name=name, description=schema.description, autoID=bool(pk.auto_id) if pk is not None else False,
        enable_dynamic_field=bool(schema.enable_dynamic_field), enable_namespace=bool(schema.enable_namespace),
        external_source=schema.external_source, external_spec=schema.external_spec, version=int(version),
        dbName=db_name,
    )
    message.fields.extend(field_to_proto(f, ids[f.name]) for f in schema.fields)
    message.struct_array_fields.extend(_struct_to_proto(s, ids) for s in schema.struct_fields)
    message.functions.extend(function_to_proto(f, schema_io.FIRST_FUNCTION_ID + i, ids)
                             for i, f in enumerate(schema.functions))
    return message


def schema_from_proto(message: Any) -> CollectionSchema:
    raw: dict[str, Any] = {
        "description": message.description, "auto_id": message.autoID,
        "enable_dynamic_field": bool(message.enable_dynamic_field),
        "enable_namespace": bool(message.enable_namespace), "external_source": message.external_source,
        "external_spec": message.external_spec, "kwargs": {}, "fields": [], "struct_fields": [], "functions": [],
    }
    if message.enable_dynamic_field:
        raw["kwargs"]["enable_dynamic_field"] = True
    schema = schema_io.schema_from_storage(raw)
    schema._fields = [field_from_proto(f) for f in message.fields
                      if not (f.is_dynamic and f.name == META_FIELD)]
    schema._struct_fields = [_struct_from_proto(s) for s in message.struct_array_fields]
    schema._functions = [function_from_proto(f) for f in message.functions]
    schema._primary_field = next((f for f in schema._fields if f.is_primary), None)
    schema._partition_key_field = next((f for f in schema._fields if f.is_partition_key), None)
    schema._clustering_key_field = next((f for f in schema._fields if f.is_clustering_key), None)
    return schema


def schema_from_bytes(raw: bytes) -> CollectionSchema:
    try:
        message = schema_pb2.CollectionSchema.FromString(raw)
    except Exception:  # protobuf DecodeError
        raise server_error(Code.INVALID_PARAMETER, "the schema is not a valid serialized CollectionSchema") from None
    return schema_from_proto(message)


def column_types(schema: CollectionSchema | None) -> dict[str, ColumnType]:
    """Wire types of a collection's columns, for encoding row tables."""
    if schema is None:
        return {}
    ids = schema_io.assign_field_ids(schema)
    out = {}
    for field in schema.fields:
        element = DataType(field.element_type) if field.element_type is not None else None
        out[field.name] = ColumnType(field.dtype, element, int(field.params.get("dim") or 0), ids[field.name])
    return out


__all__ = ["column_types", "field_from_proto", "field_to_proto", "from_kv", "schema_from_bytes",
           "schema_from_proto", "schema_to_proto", "to_kv", "wire_value"]
