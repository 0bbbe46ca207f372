"""Index definitions: create (validated against the field's type), describe, list, drop, alter properties.

Vector index build params are validated by ``engine.index.normalize_build``; scalar index types are checked
against the field type here. Index builds themselves happen in the engine per sealed segment.
"""

from __future__ import annotations

from typing import Any

from azimuth.engine.catalog import CollectionMeta, IndexMeta
from azimuth.engine.indexing import drop_index_files
from azimuth.errors import Code, server_error
from azimuth.ops import index as ops
from azimuth.ops.base import CallContext
from azimuth.ops.results import IndexInfo
from azimuth.service import checks
from azimuth.service.context import ServiceContext
from azimuth.service.registry import handles
from azimuth.types.enums import NUMERIC_TYPES, STRING_TYPES, VECTOR_TYPES, DataType
from azimuth.types.index_params import IndexParam
from azimuth.types.schema import CollectionSchema

SCALAR_INDEX_TYPES: dict[str, frozenset[DataType]] = {
    "INVERTED": NUMERIC_TYPES | STRING_TYPES | {DataType.BOOL, DataType.ARRAY, DataType.JSON},
    "BITMAP": frozenset({DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
                         DataType.VARCHAR, DataType.ARRAY}),
    "STL_SORT": NUMERIC_TYPES | {DataType.BOOL, DataType.VARCHAR, DataType.TIMESTAMPTZ},
    "TRIE": STRING_TYPES,
    "NGRAM": STRING_TYPES | {DataType.JSON},
    "RTREE": frozenset({DataType.GEOMETRY}),
    "AUTOINDEX": NUMERIC_TYPES | STRING_TYPES | {DataType.BOOL, DataType.ARRAY, DataType.JSON,
                                                  DataType.TIMESTAMPTZ, DataType.GEOMETRY},
}


def _normalize_vector(index_type: str, metric: str, field, configs: dict[str, Any]) -> tuple[str, str, dict]:
    from azimuth.engine.index import normalize_build

    spec = normalize_build(index_type, metric or None, field.dtype, int(field.params.get("dim", 0) or 0), configs)
    return spec.index_type, spec.metric_type, configs


def create_index_on(svc: ServiceContext, meta: CollectionMeta, index: IndexParam, wait: bool = True) -> None:
    _define_index(svc, meta, index)
    svc.engine.builder.schedule(meta)
    if wait:
        svc.engine.builder.wait(meta.id)


def _define_index(svc: ServiceContext, meta: CollectionMeta, index: IndexParam) -> None:
    schema = CollectionSchema.from_storage(meta.schema)
    field = next((f for f in schema.fields if f.name == index.field_name), None)
    if field is None:
        raise server_error(Code.FIELD_NOT_FOUND, f"cannot create index on non-exist field: {index.field_name}")
    configs = dict(index.get_index_configs())
    index_type = str(configs.pop("index_type", "") or index.index_type or "AUTOINDEX").upper()
    metric = str(configs.pop("metric_type", "") or configs.pop("metrics_type", "") or "").upper()
    nested = configs.pop("params", None)
    if isinstance(nested, dict):
        configs = {**nested, **configs}
    if field.dtype in VECTOR_TYPES:
        index_type, metric, configs = _normalize_vector(index_type, metric, field, configs)
    else:
        if index_type == "TRIE" or index_type == "Trie".upper():
            index_type = "TRIE"
        allowed = SCALAR_INDEX_TYPES.get(index_type)
        if allowed is None:
            raise server_error(Code.INDEX_NOT_SUPPORTED, f"invalid index type: {index_type} for scalar field "
                                                         f"{field.name}; use one of {sorted(SCALAR_INDEX_TYPES)}")
        if field.dtype not in allowed:
            raise server_error(Code.INDEX_NOT_SUPPORTED, f"{index_type} index is not supported on field "
                                                         f"{field.name} of type {field.dtype.name}")
        if field.dtype == DataType.JSON and index_type != "NGRAM":
            from azimuth.engine.scalar_index import JSON_CAST_TYPES

            cast = str(configs.get("json_cast_type", "")).lower()
            if "json_path" not in configs or cast not in {c.lower() for c in JSON_CAST_TYPES}:
                raise server_error(Code.INVALID_PARAMETER, f"json index on field {field.name} needs json_path and "
                                                           f"json_cast_type (one of {sorted(JSON_CAST_TYPES)})")
    name = index.index_name or field.name
    with svc.engine.ddl():
        existing = meta.index_named(name)
        same_field = [i for i in meta.indexes if i.field_name == field.name]
        candidate = IndexMeta(name=name, field_name=field.name, index_type=index_type, metric_type=metric,
                              params=configs, id=0)
        for other in same_field:
            if (other.index_type, other.metric_type, other.params, other.name) == (
                index_type, metric, configs, name
            ):
                return
            if field.dtype != DataType.JSON:
                raise server_error(Code.INDEX_DUPLICATE, f"at most one distinct index is allowed per field: field "
                                                         f"{field.name} already has index {other.name}; drop it "
                                                         "first to create a different one")
        if existing is not None:
            raise server_error(Code.INDEX_DUPLICATE, f"index name {name} is already used by field "
                                                     f"{existing.field_name}; choose another index_name")
        candidate.id = svc.engine.new_id()
        meta.indexes.append(candidate)


@handles(ops.CreateIndex)
def create_index(svc: ServiceContext, op: ops.CreateIndex, ctx: CallContext) -> None:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    if op.index is None:
        raise server_error(Code.INVALID_PARAMETER, "index params are empty")
    create_index_on(svc, meta, op.index, op.wait)


def _stringify(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def index_info(svc: ServiceContext, meta: CollectionMeta, index: IndexMeta) -> IndexInfo:
    params: dict[str, Any] = {"index_type": index.index_type}
    if index.metric_type:
        params["metric_type"] = index.metric_type
    params.update({k: _stringify(v) for k, v in index.params.items()})
    params.update(index.properties)
    data = svc.engine.data(meta.id)
    total = indexed = pending = 0
    for part in data.partitions.values():
        for segment in part.sealed:
            total += segment.num_rows
            if str(index.id) in segment.indexes or index.field_name not in segment.table.column_names:
                indexed += segment.num_rows
            else:
                pending += segment.num_rows
        if part.growing is not None:
            total += part.growing.num_rows
            indexed += part.growing.num_rows
    state = "InProgress" if pending else "Finished"
    return IndexInfo(index_name=index.name, field_name=index.field_name, params=params, total_rows=total,
                     indexed_rows=indexed, pending_index_rows=pending, state=state, index_id=index.id)


@handles(ops.DescribeIndex)
def describe_index(svc: ServiceContext, op: ops.DescribeIndex, ctx: CallContext) -> list[IndexInfo]:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    found = [
        i for i in meta.indexes
        if (not op.index_name or i.name == op.index_name) and (not op.field_name or i.field_name == op.field_name)
    ]
    if not found:
        raise server_error(Code.INDEX_NOT_FOUND, f"index not found[collection={meta.name}]"
                                                 + (f"[index={op.index_name}]" if op.index_name else ""))
    return [index_info(svc, meta, i) for i in found]


@handles(ops.DropIndex)
def drop_index(svc: ServiceContext, op: ops.DropIndex, ctx: CallContext) -> None:
    with svc.engine.ddl():
        meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
        index = meta.index_named(op.index_name) if op.index_name else next(
            (i for i in meta.indexes if i.field_name == op.field_name), None)
        if index is None:
            return
        if meta.loaded:
            raise server_error(Code.INVALID_PARAMETER, f"index cannot be dropped, collection is loaded, please "
                                                       f"release it first: collection={meta.name}")
        meta.indexes.remove(index)
        drop_index_files(meta, svc.engine.data(meta.id), index)


@handles(ops.AlterIndexProperties)
def alter_index_properties(svc: ServiceContext, op: ops.AlterIndexProperties, ctx: CallContext) -> None:
    with svc.engine.ddl():
        meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
        index = meta.index_named(op.index_name)
        if index is None:
            raise server_error(Code.INDEX_NOT_FOUND, f"index not found[index={op.index_name}]")
        for key, value in op.properties.items():
            index.properties[key] = _stringify(value)
        for key in op.delete_keys:
            index.properties.pop(key, None)
