"""Entities: insert, upsert (override and partial), delete by ids or filter, query / get."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.engine import query as scans
from azimuth.engine.catalog import DEFAULT_PARTITION, CollectionMeta
from azimuth.engine.collection import CollectionData
from azimuth.errors import Code, server_error
from azimuth.ops import data as ops
from azimuth.ops.base import CallContext
from azimuth.ops.results import MutationResult, QueryResult
from azimuth.service import checks
from azimuth.service.columns import complete_table, partition_slots, primary_keys, unique_check
from azimuth.service.context import ServiceContext
from azimuth.service.filters import compile_for, resolve_output_fields
from azimuth.service.registry import handles
from azimuth.types.arrow import META_FIELD
from azimuth.types.enums import DataType

MAX_QUERY_WINDOW = 16384


def _check_version(meta: CollectionMeta, version: int, collection_id: int = 0) -> None:
    if collection_id and collection_id != meta.id:
        raise server_error(Code.SCHEMA_MISMATCH, f"collection {meta.name} was re-created (id {meta.id}, request "
                                                 f"used {collection_id}); refresh its schema and retry")
    if version >= 0 and version != meta.schema_version:
        raise server_error(Code.SCHEMA_MISMATCH, f"collection {meta.name} schema changed (version "
                                                 f"{meta.schema_version}, request used {version}); refresh and retry")


def _target_partition(meta: CollectionMeta, data: CollectionData, name: str) -> int | None:
    """The partition to write to, or None when rows are routed by partition key."""
    if data.schema.partition_key_field is not None:
        if name:
            raise server_error(Code.INVALID_PARAMETER, "not support manually specifying the partition names if "
                                                       "partition key mode is used")
        return None
    return checks.partition(meta, name or DEFAULT_PARTITION).id


def _with_auto_ids(svc: ServiceContext, data: CollectionData, table: pa.Table) -> pa.Table:
    pk = data.schema.primary_field
    if not pk.auto_id or pk.name in table.column_names:
        return table
    first = svc.engine.allocate_ids(table.num_rows)
    ids = pa.array(np.arange(first, first + table.num_rows, dtype=np.int64))
    return table.add_column(0, pk.name, ids)


def _route(meta: CollectionMeta, data: CollectionData, table: pa.Table, partition: int | None):
    if partition is not None:
        yield partition, table
        return
    key = data.schema.partition_key_field
    slots = partition_slots(table.column(key.name), len(meta.partitions))
    for slot in np.unique(slots):
        yield meta.partitions[int(slot)].id, table.filter(pa.array(slots == slot))


def _prepare(svc: ServiceContext, op: ops.Insert | ops.Upsert, ctx: CallContext):
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    _check_version(meta, op.schema_version, op.collection_id)
    if op.data is None:
        raise server_error(Code.INVALID_PARAMETER, "no data to write")
    data = svc.engine.data(meta.id)
    partition = _target_partition(meta, data, op.partition_name)
    return meta, data, partition


def _ids(table: pa.Table, pk_name: str) -> list[Any]:
    return table.column(pk_name).to_pylist()


@handles(ops.Insert)
def insert(svc: ServiceContext, op: ops.Insert, ctx: CallContext) -> MutationResult:
    meta, data, partition = _prepare(svc, op, ctx)
    pk = data.schema.primary_field
    allow = meta.properties.get("allow_insert_auto_id", "false").lower() == "true"
    if pk.auto_id and pk.name in op.data.column_names and not allow:
        raise server_error(Code.INVALID_PARAMETER, f"the primary key {pk.name} is auto generated: do not pass it, "
                                                   "or set the collection property allow_insert_auto_id=true")
    table = complete_table(_with_auto_ids(svc, data, op.data), data.schema, data.arrow_schema)
    ts = 0
    for partition_id, part in _route(meta, data, table, partition):
        _, ts = svc.engine.insert(meta.id, partition_id, part)
    return MutationResult(insert_count=table.num_rows, ids=_ids(table, data.pk_name), timestamp=ts)


@handles(ops.Upsert)
def upsert(svc: ServiceContext, op: ops.Upsert, ctx: CallContext) -> MutationResult:
    meta, data, partition = _prepare(svc, op, ctx)
    pk = data.schema.primary_field
    incoming = op.data
    if pk.name not in incoming.column_names:
        raise server_error(Code.INVALID_PARAMETER, f"upsert needs the primary key {pk.name} in every row")
    old_keys = incoming.column(pk.name).combine_chunks()
    unique_check(old_keys, pk.name)
    if op.partial_update:
        incoming = _merge_partial(svc, meta, data, incoming)
    if pk.auto_id:
        incoming = _with_auto_ids(svc, data, incoming.drop_columns([pk.name]))
    table = complete_table(incoming, data.schema, data.arrow_schema)
    ts = 0
    for number, (partition_id, part) in enumerate(_route(meta, data, table, partition)):
        deletes = old_keys if number == 0 else pa.array([], type=old_keys.type)
        _, ts = svc.engine.upsert(meta.id, partition_id, deletes, part)
    return MutationResult(upsert_count=table.num_rows, ids=_ids(table, data.pk_name), timestamp=ts)


def _merge_partial(svc: ServiceContext, meta: CollectionMeta, data: CollectionData, incoming: pa.Table) -> pa.Table:
    """Fill columns the caller left out (or sent as null) from the stored rows with the same keys."""
    pk = data.pk_name
    storage = data.arrow_schema
    columns = [n for n in storage.names]
    existing = scans.lookup(svc.engine.snapshot(meta.id), incoming.column(pk).combine_chunks(), storage, columns, pk)
    if existing.num_rows == 0:
        return incoming
    keys = incoming.column(pk).to_pylist()
    position = {k: i for i, k in enumerate(existing.column(pk).to_pylist())}
    source = np.array([position.get(k, -1) for k in keys], dtype=np.int64)
    found = source >= 0
    merged = {}
    for name in columns:
        old = existing.column(name).take(pa.array(np.where(found, source, 0))) if existing.num_rows else None
        if name not in incoming.column_names:
            merged[name] = pa.array(
                [v if f else None for v, f in zip(old.to_pylist(), found)], type=storage.field(name).type
            )
            continue
        new = incoming.column(name).combine_chunks()
        if name == META_FIELD:
            merged[name] = _merge_meta(new, old, found)
        elif new.null_count and old is not None:
            import pyarrow.compute as pc

            merged[name] = pc.if_else(pc.and_(new.is_null(), pa.array(found)), old, new)
        else:
            merged[name] = new
    return pa.table(merged)


def _merge_meta(new: pa.Array, old: pa.ChunkedArray, found: np.ndarray) -> pa.Array:
    import orjson

    out = []
    for value, previous, hit in zip(new.to_pylist(), old.to_pylist(), found):
        merged = orjson.loads(previous) if (hit and previous) else {}
        merged.update(orjson.loads(value) if value else {})
        out.append(orjson.dumps(merged).decode())
    return pa.array(out, type=pa.string())


@handles(ops.Delete)
def delete(svc: ServiceContext, op: ops.Delete, ctx: CallContext) -> MutationResult:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    data = svc.engine.data(meta.id)
    partition_id = checks.partition(meta, op.partition_name).id if op.partition_name else 0
    pk_type = data.arrow_schema.field(data.pk_name).type
    if op.ids is not None:
        if op.filter:
            raise server_error(Code.INVALID_PARAMETER, "Ambiguous filter parameter, only one deletion condition can "
                                                       "be specified.")
        pks = primary_keys(op.ids, pk_type, data.schema.primary_field.dtype)
        _, ts = svc.engine.delete(meta.id, partition_id, pks)
        return MutationResult(delete_count=len(pks), timestamp=ts)
    compiled = compile_for(data, op.filter, op.filter_params)
    keys = compiled.pk_values()
    if keys is not None:  # `pk in [...]`: like Milvus (and delete by ids), count the keys named
        _, ts = svc.engine.delete(meta.id, partition_id, pa.array(keys, type=pk_type))
        return MutationResult(delete_count=len(keys), timestamp=ts)
    parts = [partition_id] if partition_id else None
    snapshot = svc.engine.snapshot(meta.id, parts)
    predicate = None if compiled.is_empty else compiled.evaluate
    matched = scans.scan(snapshot, predicate, data.arrow_schema, [data.pk_name], data.pk_name)
    pks = matched.column(data.pk_name).combine_chunks()
    if len(pks) == 0:
        return MutationResult(delete_count=0)
    _, ts = svc.engine.delete(meta.id, partition_id, pks)
    return MutationResult(delete_count=len(pks), timestamp=ts)


def _check_window(limit: int, offset: int) -> None:
    if offset < 0:
        raise server_error(Code.INVALID_PARAMETER, f"offset [{offset}] is invalid, it should be >= 0")
    if limit >= 0 and not 1 <= offset + limit <= MAX_QUERY_WINDOW:
        raise server_error(Code.INVALID_PARAMETER, f"invalid max query result window, (offset+limit) should be in "
                                                   f"range [1, {MAX_QUERY_WINDOW}], but got {offset + limit}")


@handles(ops.Query)
def query(svc: ServiceContext, op: ops.Query, ctx: CallContext) -> QueryResult:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    data = svc.engine.data(meta.id)
    partitions = checks.partitions_for_read(meta, op.partition_names)
    plan = resolve_output_fields(data, op.output_fields)
    _check_window(op.limit, op.offset)
    snapshot = svc.engine.snapshot(meta.id, partitions, op.snapshot_ts, pin=op.iterator)
    if op.ids is not None:
        if op.filter:
            raise server_error(Code.INVALID_PARAMETER, "Ambiguous parameter: filter and ids cannot be used together")
        pks = primary_keys(op.ids, data.arrow_schema.field(data.pk_name).type, data.schema.primary_field.dtype)
        table = scans.lookup(snapshot, pks, data.arrow_schema, plan.columns, data.pk_name)
        return QueryResult(_page(table, op.limit, op.offset), plan.fields, plan.dynamic_keys,
                           snapshot_ts=snapshot.ts)
    compiled = compile_for(data, op.filter, op.filter_params)
    predicate = None if compiled.is_empty else compiled.evaluate
    if op.pk_after is not None:
        predicate = scans.after_key(predicate, data.pk_name, op.pk_after)
    if plan.count:
        return QueryResult(None, ("count(*)",), (), count=scans.count(snapshot, predicate))
    if compiled.is_empty and op.limit < 0 and op.pk_after is None:
        raise server_error(Code.INVALID_PARAMETER, "empty expression should be used with limit")
    pk_values = compiled.pk_values() if op.pk_after is None else None
    if pk_values is not None:
        pks = pa.array(pk_values, type=data.arrow_schema.field(data.pk_name).type)
        table = scans.lookup(snapshot, pks, data.arrow_schema, plan.columns, data.pk_name)
        return QueryResult(_page(table, op.limit, op.offset), plan.fields, plan.dynamic_keys,
                           snapshot_ts=snapshot.ts)
    table = scans.scan(snapshot, predicate, data.arrow_schema, plan.columns, data.pk_name, limit=op.limit,
                       offset=op.offset)
    return QueryResult(table, plan.fields, plan.dynamic_keys, snapshot_ts=snapshot.ts)


def _page(table: pa.Table, limit: int, offset: int) -> pa.Table:
    if offset or limit >= 0:
        end = table.num_rows if limit < 0 else offset + limit
        return table.slice(offset, max(end - offset, 0))
    return table


def vector_fields(data: CollectionData) -> list[str]:
    return [f.name for f in data.schema.fields if int(f.dtype) >= 100 and f.dtype != DataType.UNKNOWN]
