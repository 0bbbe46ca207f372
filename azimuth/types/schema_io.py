"""Schema conversions that are not pymilvus dicts: the catalog's lossless JSON storage form and the field /
function dicts of ``describe_collection``.

Storage form (``schema_to_storage``): only JSON types; every field flag, type param, default value (as
``{"kind": "<x>_data", "value": ...}``, bytes as hex), struct field, function and schema kwarg survives the
round trip. It carries ``"format": 1``.

Describe form (``describe_fields``): what pymilvus's ``describe_collection`` returns from a Milvus server for the
same schema. Type params travel to Milvus as strings (JSON-encoded unless already str) and come back as strings,
except ``dim`` (int), ``max_length`` (int on VARCHAR/ARRAY), ``max_capacity`` (int on arrays) and
``mmap_enabled`` (bool). Function ids start at 100.

Field ids (:func:`assign_field_ids`) are assigned once, as Milvus does, and never change. A schema whose fields
carry no ids (a client-built schema, a catalog written before ids were stored) gets Milvus's create-time
assignment: 100, 101, ... over the regular fields in schema order, then one id for the hidden ``$meta`` field when
dynamic fields are enabled (not listed), then each struct field followed by its sub-fields.
:func:`stamp_field_ids` records those ids on the field objects (``_field_id``) and the largest id ever used on the
schema (``_max_field_id``, the ``$meta`` id included); the storage form keeps both (``"field_id"`` per field,
struct and sub-field, ``"max_field_id"`` on the schema). A field added later gets ``_max_field_id + 1``; a dropped
field takes its id with it and the id is never reused. ARRAY<STRUCT> fields are appended in the shape
``MilvusClient.describe_collection`` gives them (``type`` ARRAY, ``element_type`` STRUCT, ``params``
``{"max_capacity": n}``, sub-fields under ``struct_fields``), which ``CollectionSchema.construct_from_dict``
reads back. ``default_value`` is a
:class:`~azimuth.types.value_field.ValueField` holding exactly the kind the client chose (a Python ``int`` is
``long_data`` whatever the integer width), as pymilvus sends it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np

from azimuth.types.enums import DataType, FunctionType
from azimuth.types.function import Function
from azimuth.types.value_field import ValueField

if TYPE_CHECKING:
    from azimuth.types.field_schema import FieldSchema, StructFieldSchema
    from azimuth.types.schema import CollectionSchema

STORAGE_FORMAT = 1
FIRST_FIELD_ID = 100
FIRST_FUNCTION_ID = 100
_VECTOR_TYPES = frozenset(
    {
        DataType.FLOAT_VECTOR,
        DataType.FLOAT16_VECTOR,
        DataType.BFLOAT16_VECTOR,
        DataType.INT8_VECTOR,
        DataType.BINARY_VECTOR,
        DataType.SPARSE_FLOAT_VECTOR,
    }
)
_FLAGS = ("is_primary", "auto_id", "nullable", "is_partition_key", "is_clustering_key", "is_dynamic",
          "is_function_output")


def plain(value: Any) -> Any:
    """``value`` as plain JSON types (numpy scalars and enums unwrapped, tuples as lists, other objects as str)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


# -- storage ------------------------------------------------------------------------------------------------


def _value_to_storage(value: ValueField | None) -> dict[str, Any] | None:
    if value is None or value.kind is None:
        return None
    if value.kind == "bytes_data":
        return {"kind": value.kind, "hex": value.value.hex()}
    return {"kind": value.kind, "value": value.value}


def _value_from_storage(raw: dict[str, Any] | None) -> ValueField | None:
    if not raw:
        return None
    if "hex" in raw:
        return ValueField(bytes_data=bytes.fromhex(raw["hex"]))
    return ValueField(**{raw["kind"]: raw["value"]})


def field_to_storage(field: FieldSchema) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": field.name,
        "type": int(field.dtype),
        "description": field.description,
        "params": plain(field.params),
    }
    for flag in _FLAGS:
        out[flag] = bool(getattr(field, flag))
    out["element_type"] = plain(field.element_type)
    out["external_field"] = field.external_field or ""
    out["default_value"] = _value_to_storage(field.default_value)
    if _field_id(field) is not None:
        out["field_id"] = _field_id(field)
    return out


def field_from_storage(raw: Mapping[str, Any]) -> FieldSchema:
    from azimuth.types.field_schema import FieldSchema

    field = FieldSchema.__new__(FieldSchema)
    field.name = raw["name"]
    field._dtype = DataType(raw["type"])
    field._description = raw.get("description", "")
    field._type_params = dict(raw.get("params") or {})
    field._kwargs = dict(field._type_params)
    for flag in _FLAGS:
        setattr(field, flag, bool(raw.get(flag, False)))
    element = raw.get("element_type")
    field.element_type = DataType(element) if element is not None else None
    field.external_field = raw.get("external_field", "")
    field.default_value = _value_from_storage(raw.get("default_value"))
    field._field_id = _id_or_none(raw.get("field_id"))
    return field


def struct_to_storage(struct: StructFieldSchema) -> dict[str, Any]:
    return {
        "name": struct.name,
        "description": struct.description,
        "nullable": bool(struct.nullable),
        "max_capacity": plain(struct.max_capacity),
        "params": plain(struct.params),
        "fields": [field_to_storage(f) for f in struct.fields],
        **({"field_id": _field_id(struct)} if _field_id(struct) is not None else {}),
    }


def struct_from_storage(raw: Mapping[str, Any]) -> StructFieldSchema:
    from azimuth.types.field_schema import StructFieldSchema

    struct = StructFieldSchema(nullable=bool(raw.get("nullable", False)), description=raw.get("description", ""))
    struct.name = raw["name"]
    struct.max_capacity = raw.get("max_capacity")
    struct._type_params = dict(raw.get("params") or {})
    struct._fields = [field_from_storage(f) for f in raw.get("fields", [])]
    struct._field_id = _id_or_none(raw.get("field_id"))
    return struct


def function_to_storage(function: Function) -> dict[str, Any]:
    return {
        "name": function.name,
        "type": int(function.type),
        "description": function.description,
        "input_field_names": list(function.input_field_names),
        "output_field_names": list(function.output_field_names),
        "params": plain(function.params),
    }


def function_from_storage(raw: Mapping[str, Any]) -> Function:
    return Function(
        raw["name"],
        FunctionType(raw["type"]),
        list(raw["input_field_names"]),
        list(raw["output_field_names"]),
        raw.get("description", ""),
        dict(raw.get("params") or {}),
    )


def schema_to_storage(schema: CollectionSchema) -> dict[str, Any]:
    """The lossless JSON form of ``schema`` (inverse: :func:`schema_from_storage`)."""
    kwargs = {str(k): plain(v) for k, v in schema._kwargs.items()}
    out: dict[str, Any] = {
        "format": STORAGE_FORMAT,
        "description": schema.description,
        "auto_id": bool(schema.auto_id),
        "enable_dynamic_field": plain(schema._enable_dynamic_field),
        "enable_namespace": plain(schema._enable_namespace),
        "external_source": schema.external_source,
        "external_spec": schema.external_spec,
        "kwargs": kwargs,
        "fields": [field_to_storage(f) for f in schema.fields],
        "struct_fields": [struct_to_storage(s) for s in schema.struct_fields],
        "functions": [function_to_storage(f) for f in schema.functions],
    }
    max_id = getattr(schema, "_max_field_id", None)
    if max_id is not None:
        out["max_field_id"] = int(max_id)
    return out


def schema_from_storage(raw: Mapping[str, Any]) -> CollectionSchema:
    from azimuth.types.schema import CollectionSchema

    schema = CollectionSchema.__new__(CollectionSchema)
    schema._kwargs = dict(raw.get("kwargs") or {})
    schema._description = raw.get("description", "")
    schema._enable_dynamic_field = raw.get("enable_dynamic_field")
    schema._enable_namespace = raw.get("enable_namespace")
    schema._external_source = raw.get("external_source", "")
    schema._external_spec = raw.get("external_spec", "")
    schema._fields = [field_from_storage(f) for f in raw.get("fields", [])]
    schema._struct_fields = [struct_from_storage(s) for s in raw.get("struct_fields", [])]
    schema._functions = [function_from_storage(f) for f in raw.get("functions", [])]
    schema._max_field_id = _id_or_none(raw.get("max_field_id"))
    schema._primary_field = next((f for f in schema._fields if f.is_primary), None)
    schema._partition_key_field = next((f for f in schema._fields if f.is_partition_key), None)
    schema._clustering_key_field = next((f for f in schema._fields if f.is_clustering_key), None)
    if schema._primary_field is None and raw.get("auto_id") and "auto_id" not in schema._kwargs:
        schema._kwargs["auto_id"] = True
    return schema


# -- describe_collection ------------------------------------------------------------------------------------


def _wire(value: Any, sub_field: bool) -> str:
    """A type-param value as pymilvus puts it on the wire (sub-fields of structs are always JSON-encoded)."""
    if isinstance(value, str) and not sub_field:
        return value
    return json.dumps(plain(value), ensure_ascii=sub_field, separators=(", ", ": ") if sub_field else (",", ":"))


def _int_or_text(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text


def _described_params(params: Mapping[str, Any], wire_type: DataType, sub_field: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        text = _wire(value, sub_field)
        if key == "mmap_enabled":
            out[key] = text.lower() != "false" and bool(text)
        elif key == "dim":
            out[key] = _int_or_text(text)
        elif key == "max_length" and wire_type in (DataType.VARCHAR, DataType.ARRAY):
            out[key] = _int_or_text(text)
        elif key == "max_capacity" and wire_type in (DataType.ARRAY, DataType._ARRAY_OF_VECTOR):
            out[key] = _int_or_text(text)
        else:
            out[key] = text
    return out


def _field_dict(
    field: FieldSchema, field_id: int, name: str, wire_type: DataType, element: Any, params: dict[str, Any],
    nullable: bool,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "field_id": field_id,
        "name": name,
        "description": field.description,
        "type": wire_type,
        "params": params,
    }
    if field.default_value is not None and field.default_value.kind is not None:
        out["default_value"] = field.default_value
    if element:
        out["element_type"] = element
    if field.is_partition_key:
        out["is_partition_key"] = True
    if field.is_dynamic:
        out["is_dynamic"] = True
    if field.auto_id:
        out["auto_id"] = True
    if nullable:
        out["nullable"] = True
    if field.is_primary:
        out["is_primary"] = True
    if field.is_clustering_key:
        out["is_clustering_key"] = True
    if field.is_function_output:
        out["is_function_output"] = True
    if field.external_field:
        out["external_field"] = field.external_field
    return out


def _field_id(field: Any) -> int | None:
    """The id stored on a field, struct or sub-field object (None when it has none yet)."""
    value = field.__dict__.get("_field_id")
    return int(value) if value else None


def _id_or_none(value: Any) -> int | None:
    return int(value) if value else None


def _id_holders(schema: CollectionSchema) -> list[tuple[str, Any]]:
    """Every object that owns a field id, keyed as in :func:`assign_field_ids`, in Milvus's creation order."""
    out: list[tuple[str, Any]] = [(field.name, field) for field in schema.fields]
    for struct in schema.struct_fields:
        out.append((struct.name, struct))
        out.extend((f"{struct.name}[{sub.name}]", sub) for sub in struct.fields)
    return out


def _resolve_field_ids(schema: CollectionSchema) -> tuple[dict[str, int], int]:
    """``(ids by key, largest id used)``: stored ids where present, Milvus's create-time assignment when no field
    has one, and ``max + 1, max + 2, ...`` (in schema order) for fields added since the ids were stamped."""
    holders = _id_holders(schema)
    stored = {key: _field_id(obj) for key, obj in holders}
    high = getattr(schema, "_max_field_id", None) or 0
    ids: dict[str, int] = {}
    if not any(stored.values()) and not high:
        next_id = FIRST_FIELD_ID
        for field in schema.fields:
            ids[field.name] = next_id
            next_id += 1
        if schema.enable_dynamic_field:
            next_id += 1  # the hidden $meta field
        for struct in schema.struct_fields:
            ids[struct.name] = next_id
            next_id += 1
            for sub in struct.fields:
                ids[f"{struct.name}[{sub.name}]"] = next_id
                next_id += 1
        return ids, next_id - 1
    high = max([high, FIRST_FIELD_ID - 1, *(v for v in stored.values() if v)])
    for key, _ in holders:
        value = stored[key]
        if value is None:
            high += 1
            value = high
        ids[key] = value
    return ids, high


def assign_field_ids(schema: CollectionSchema, field_ids: Mapping[str, int] | None = None) -> dict[str, int]:
    """Field ids by name (struct sub-fields as ``"struct[sub]"``): the ids stored on the schema's fields, Milvus's
    create-time assignment for a schema without ids (see the module docstring); ``field_ids`` entries win."""
    ids, _ = _resolve_field_ids(schema)
    if field_ids:
        ids.update(field_ids)
    return ids


def stamp_field_ids(schema: CollectionSchema, *, fresh: bool = False) -> None:
    """Record :func:`assign_field_ids` on every field, struct and sub-field of ``schema`` and raise its high-water
    mark (``_max_field_id``), so fields without an id get the next unused ones. ``fresh`` first forgets every id
    (a schema about to become a new collection: Milvus ignores ids sent with it)."""
    if fresh:
        for _, obj in _id_holders(schema):
            obj._field_id = None
        schema._max_field_id = None
    ids, high = _resolve_field_ids(schema)
    for key, obj in _id_holders(schema):
        obj._field_id = ids[key]
    schema._max_field_id = high


def stamp_storage_ids(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A stored schema with field ids: ``raw`` itself when it has them, else a copy given the ids that
    :func:`assign_field_ids` has always computed for it (catalogs written before ids were stored)."""
    if raw.get("max_field_id"):
        return dict(raw)
    schema = schema_from_storage(raw)
    stamp_field_ids(schema)
    stamped = dict(raw)
    stamped["fields"] = [{**f, "field_id": schema.fields[i]._field_id} for i, f in enumerate(raw.get("fields", []))]
    stamped["struct_fields"] = [
        {**s, "field_id": struct._field_id,
         "fields": [{**f, "field_id": struct.fields[j]._field_id} for j, f in enumerate(s.get("fields", []))]}
        for s, struct in zip(raw.get("struct_fields", []), schema.struct_fields, strict=True)
    ]
    stamped["max_field_id"] = schema._max_field_id
    return stamped


def describe_fields(schema: CollectionSchema, field_ids: Mapping[str, int] | None = None) -> list[dict[str, Any]]:
    """The ``fields`` list of ``describe_collection`` for ``schema`` (ARRAY<STRUCT> fields appended last)."""
    ids = assign_field_ids(schema, field_ids)
    out: list[dict[str, Any]] = []
    for field in schema.fields:
        element = field.element_type if field.dtype in (DataType.ARRAY, DataType._ARRAY_OF_VECTOR) else None
        params = _described_params(field.params, field.dtype, sub_field=False)
        out.append(_field_dict(field, ids[field.name], field.name, field.dtype, element, params, field.nullable))
    for struct in schema.struct_fields:
        out.append(_struct_dict(struct, ids))
    return out


def _struct_dict(struct: StructFieldSchema, ids: Mapping[str, int]) -> dict[str, Any]:
    """An ARRAY<STRUCT> field as ``MilvusClient.describe_collection`` reports it (pymilvus's user format)."""
    out: dict[str, Any] = {
        "field_id": ids[struct.name],
        "name": struct.name,
        "description": struct.description,
        "type": DataType.ARRAY,
        "element_type": DataType.STRUCT,
        "params": {},
    }
    if struct.nullable:
        out["nullable"] = True
    capacity = _int_or_text(_wire(struct.max_capacity, sub_field=True)) if struct.max_capacity is not None else None
    if capacity:
        out["params"]["max_capacity"] = capacity
    subs: list[dict[str, Any]] = []
    for sub in struct.fields:
        wire_type = DataType._ARRAY_OF_VECTOR if sub.dtype in _VECTOR_TYPES else DataType.ARRAY
        entry: dict[str, Any] = {
            "field_id": ids[f"{struct.name}[{sub.name}]"],
            "name": sub.name,
            "type": sub.dtype,
            "description": sub.description,
        }
        params = _described_params(sub.params, wire_type, sub_field=True)
        if params:
            entry["params"] = params
        subs.append(entry)
    out["struct_fields"] = subs
    return out


def describe_functions(
    schema: CollectionSchema, field_ids: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """The ``functions`` list of ``describe_collection`` (params as ``str(value)``, like pymilvus sends them)."""
    ids = assign_field_ids(schema, field_ids)
    return [
        {
            "name": function.name,
            "id": FIRST_FUNCTION_ID + index,
            "description": function.description,
            "type": function.type,
            "params": {str(k): str(v) for k, v in function.params.items()},
            "input_field_names": list(function.input_field_names),
            "input_field_ids": [ids.get(n, 0) for n in function.input_field_names],
            "output_field_names": list(function.output_field_names),
            "output_field_ids": [ids.get(n, 0) for n in function.output_field_names],
        }
        for index, function in enumerate(schema.functions)
    ]


__all__ = [
    "assign_field_ids",
    "describe_fields",
    "describe_functions",
    "field_from_storage",
    "field_to_storage",
    "plain",
    "schema_from_storage",
    "schema_to_storage",
    "stamp_field_ids",
    "stamp_storage_ids",
]
