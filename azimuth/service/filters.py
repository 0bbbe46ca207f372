"""Filters and output fields for reads: compile a filter against a collection, and resolve ``output_fields``
into the columns to read and the keys to show (fields, dynamic keys, ``count(*)``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from azimuth.engine.collection import CollectionData
from azimuth.engine.expr import CompiledFilter, FilterField, FilterSchema, compile_filter
from azimuth.errors import Code, server_error
from azimuth.types.arrow import META_FIELD
from azimuth.types.schema import CollectionSchema


def filter_schema(schema: CollectionSchema) -> FilterSchema:
    fields = tuple(
        FilterField(
            name=f.name, dtype=f.dtype, element_type=getattr(f, "element_type", None), nullable=bool(f.nullable),
            is_primary=bool(f.is_primary),
        )
        for f in schema.fields
    )
    return FilterSchema(fields=fields, dynamic=bool(schema.enable_dynamic_field))


_CACHE_SIZE = 256


def compile_for(data: CollectionData, text: str, params: dict[str, Any] | None) -> CompiledFilter:
    """The compiled filter, cached per collection (schema changes replace the cache with the schema)."""
    if not isinstance(text, str):
        raise server_error(Code.INVALID_PARAMETER, f"filter must be a string, got {type(text).__name__}")
    cache = data.filter_cache
    if cache.get("$schema") is not data.schema:
        cache.clear()
        cache["$schema"] = data.schema
    if "random_sample" in text.lower():  # sampling draws anew on every call: never cached
        return compile_filter(text, filter_schema(data.schema), params or None)
    key = (text, repr(sorted(params.items())) if params else "")
    compiled = cache.get(key)
    if compiled is None:
        compiled = compile_filter(text, filter_schema(data.schema), params or None)
        if len(cache) > _CACHE_SIZE:
            cache.clear()
            cache["$schema"] = data.schema
        cache[key] = compiled
    return compiled


@dataclass(frozen=True)
class OutputPlan:
    columns: list[str]
    fields: tuple[str, ...]
    dynamic_keys: tuple[str, ...] | None
    count: bool = False


def resolve_output_fields(data: CollectionData, requested: tuple[str, ...] | list[str] | None,
                          *, include_vectors: bool = True) -> OutputPlan:
    schema = data.schema
    names = [f.name for f in schema.fields if not getattr(f, "is_function_output", False)]
    pk = data.pk_name
    dynamic = bool(schema.enable_dynamic_field)
    requested = [r.strip() if isinstance(r, str) else r for r in (requested or [])]
    if requested == ["count(*)"] or (requested and "count(*)" in [str(r).lower() for r in requested]):
        if len(requested) > 1:
            raise server_error(Code.INVALID_PARAMETER, "count(*) cannot be combined with other output fields")
        return OutputPlan([], ("count(*)",), (), count=True)
    if not requested or "*" in requested:
        fields = list(names)
        keys: list[str] | None = None if dynamic else []
        extras = [r for r in requested if r != "*"]
    else:
        fields, keys, extras = [pk], [], requested
    for name in extras:
        if not isinstance(name, str):
            raise server_error(Code.INVALID_PARAMETER, f"output field names must be strings, got {name!r}")
        if name in names:
            if name not in fields:
                fields.append(name)
        elif name == META_FIELD and dynamic:
            keys = None
        elif any(f.name == name for f in schema.fields):
            raise server_error(Code.INVALID_PARAMETER, f"not allowed to retrieve raw data of field {name}")
        elif dynamic:
            if keys is not None and name not in keys:
                keys.append(name)
        else:
            raise server_error(Code.FIELD_NOT_FOUND, f"field {name} not exist; fields of the collection are: "
                                                     f"{', '.join(names)}")
    if pk in fields:
        fields.remove(pk)
    fields.insert(0, pk)
    columns = list(fields)
    if dynamic and (keys is None or keys):
        columns.append(META_FIELD)
    return OutputPlan(columns, tuple(fields), None if keys is None else tuple(keys))
