"""Collection schemas and index parameters from the JSON an agent sends to ``milvus_create_collection``.

:class:`FieldSpec` and :class:`IndexSpec` are the typed input models (both ``name``/``field_name`` and
``type``/``datatype`` spellings are accepted); :func:`build_schema` turns the tool arguments into a
``CollectionSchema`` plus ``IndexParams`` (AUTOINDEX on every vector field unless indexes are given), using only
the SDK's public schema API.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from azimuth import AsyncMilvusClient, DataType, Function, FunctionType
from azimuth.mcp.errors import ToolFailure

_SPARSE = {DataType.SPARSE_FLOAT_VECTOR}
_DENSE = {DataType.FLOAT_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR, DataType.INT8_VECTOR}
_TYPE_NAMES = {re.sub(r"[^A-Z0-9]", "", member.name): member for member in DataType
               if member.name not in {"NONE", "UNKNOWN"} and not member.name.startswith("_")}
_TYPE_NAMES.update({"STRING": DataType.VARCHAR, "INT": DataType.INT64, "STR": DataType.VARCHAR,
                    "BOOLEAN": DataType.BOOL, "VECTOR": DataType.FLOAT_VECTOR, "SPARSE": DataType.SPARSE_FLOAT_VECTOR})


class FieldSpec(BaseModel):
    """One field of a custom schema."""

    model_config = ConfigDict(extra="allow")
    name: str | None = Field(default=None, description="Field name (field_name is accepted too)")
    field_name: str | None = None
    type: str | None = Field(default=None, description="INT64, VARCHAR, FLOAT_VECTOR, JSON, ARRAY... "
                                                       "(datatype is accepted too)")
    datatype: str | None = None
    dim: int | None = Field(default=None, description="Dimension, for dense vector fields")
    max_length: int | None = Field(default=None, description="Maximum length, for VARCHAR fields")
    element_type: str | None = Field(default=None, description="Element type, for ARRAY fields")
    max_capacity: int | None = Field(default=None, description="Maximum elements, for ARRAY fields")
    is_primary: bool = False
    auto_id: bool | None = None
    nullable: bool | None = None
    is_partition_key: bool | None = None
    enable_analyzer: bool | None = None
    enable_match: bool | None = None
    default_value: Any = None
    description: str | None = None


class IndexSpec(BaseModel):
    """One index to build."""

    model_config = ConfigDict(extra="allow")
    field_name: str | None = Field(default=None, description="Field to index (field is accepted too)")
    field: str | None = None
    index_type: str = "AUTOINDEX"
    metric_type: str | None = None
    params: dict[str, Any] | None = None
    index_name: str | None = None


def data_type(text: str, *, what: str = "type") -> DataType:
    key = re.sub(r"[^A-Z0-9]", "", str(text).upper())
    if key not in _TYPE_NAMES:
        raise ToolFailure("INVALID_ARGUMENT", f"unknown {what} '{text}'",
                          valid=sorted({m.name for m in _TYPE_NAMES.values()}))
    return _TYPE_NAMES[key]


def _field_kwargs(spec: FieldSpec) -> dict[str, Any]:
    extra = dict(spec.model_extra or {})
    kwargs: dict[str, Any] = {}
    for key in ("dim", "max_length", "max_capacity", "nullable", "is_partition_key", "enable_analyzer",
                "enable_match", "default_value", "description", "auto_id"):
        value = getattr(spec, key)
        if value is not None:
            kwargs[key] = value
    if spec.element_type:
        kwargs["element_type"] = data_type(spec.element_type, what="element_type")
    for key in ("analyzer_params", "mmap_enabled", "is_clustering_key"):
        if key in extra:
            kwargs[key] = extra[key]
    return kwargs


def build_schema(*, auto_id: bool, dimension: int, primary_field_name: str, vector_field_name: str,
                 metric_type: str, id_type: str, enable_dynamic_field: bool, description: str | None,
                 text_field: str | None, field_schema: list[FieldSpec] | None,
                 index_params: list[IndexSpec] | None) -> tuple[Any, Any, list[str]]:
    """``(schema, index_params, notes)`` for ``milvus_create_collection``."""
    notes: list[str] = []
    schema = AsyncMilvusClient.create_schema(auto_id=auto_id, enable_dynamic_field=enable_dynamic_field,
                                             description=description or "")
    if field_schema:
        names = []
        for i, spec in enumerate(field_schema):
            name = spec.name or spec.field_name
            type_name = spec.type or spec.datatype
            if not name or not type_name:
                raise ToolFailure("SCHEMA_VIOLATION", f"field_schema[{i}] needs a name and a type")
            kwargs = _field_kwargs(spec)
            is_primary = spec.is_primary or (name == primary_field_name and not any(
                s.is_primary for s in field_schema))
            schema.add_field(name, data_type(type_name), is_primary=is_primary, **kwargs)
            names.append(name)
        if not any(f.is_primary for f in schema.fields):
            raise ToolFailure("SCHEMA_VIOLATION", "field_schema has no primary key field",
                              hint=f"Mark one field is_primary=true, or name it '{primary_field_name}'.",
                              valid=names)
    else:
        kind = id_type.lower()
        if kind not in ("int64", "int", "varchar", "string", "str"):
            raise ToolFailure("INVALID_ARGUMENT", f"id_type must be int64 or varchar, got '{id_type}'",
                              valid=["int64", "varchar"])
        if kind in ("int64", "int"):
            schema.add_field(primary_field_name, DataType.INT64, is_primary=True)
        else:
            schema.add_field(primary_field_name, DataType.VARCHAR, is_primary=True, max_length=65535)
        schema.add_field(vector_field_name, DataType.FLOAT_VECTOR, dim=dimension)
        if dimension == 768:
            notes.append("dimension is 768 (the default): pass dimension to match your embedding model")
    if text_field:
        sparse = f"{text_field}_sparse"
        if not any(f.name == text_field for f in schema.fields):
            schema.add_field(text_field, DataType.VARCHAR, max_length=65535, enable_analyzer=True, enable_match=True)
        schema.add_field(sparse, DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(Function(name=f"{text_field}_bm25", function_type=FunctionType.BM25,
                                     input_field_names=[text_field], output_field_names=[sparse]))
        notes.append(f"full-text search: BM25 function fills '{sparse}' from '{text_field}'")
    return schema, _indexes(schema, metric_type, index_params, notes), notes


def _indexes(schema: Any, metric_type: str, specs: list[IndexSpec] | None, notes: list[str]) -> Any:
    params = AsyncMilvusClient.prepare_index_params()
    bm25_outputs = {name for fn in schema.functions if fn.type == FunctionType.BM25
                    for name in fn.output_field_names}
    fields = {f.name: f for f in schema.fields}
    if specs:
        for spec in specs:
            field = spec.field_name or spec.field
            if not field or field not in fields:
                raise ToolFailure("FIELD_NOT_FOUND", f"index_params names field '{field}', which is not in the "
                                  "schema", valid=list(fields))
            kwargs: dict[str, Any] = {"index_type": spec.index_type}
            if spec.metric_type:
                kwargs["metric_type"] = spec.metric_type
            elif field in bm25_outputs:
                kwargs["metric_type"] = "BM25"
            if spec.params:
                kwargs["params"] = spec.params
            if spec.index_name:
                kwargs["index_name"] = spec.index_name
            params.add_index(field, **kwargs)
        indexed = {spec.field_name or spec.field for spec in specs}
    else:
        indexed = set()
    for name, field in fields.items():
        if name in indexed:
            continue
        if field.dtype in _DENSE:
            params.add_index(name, index_type="AUTOINDEX", metric_type=metric_type)
        elif field.dtype in _SPARSE:
            params.add_index(name, index_type="SPARSE_INVERTED_INDEX",
                             metric_type="BM25" if name in bm25_outputs else "IP")
        elif field.dtype == DataType.BINARY_VECTOR:
            params.add_index(name, index_type="AUTOINDEX", metric_type="HAMMING")
        else:
            continue
        if specs:
            notes.append(f"vector field '{name}' had no index in index_params: AUTOINDEX added")
    return params


__all__ = ["FieldSpec", "IndexSpec", "build_schema", "data_type"]
