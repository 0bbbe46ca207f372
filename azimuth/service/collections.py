"""Collections: create (with indexes and load), describe, list, drop, rename, truncate, stats, properties,
schema evolution, load / release / load state, flush."""

from __future__ import annotations

import copy

from azimuth.engine.catalog import DEFAULT_PARTITION, CollectionMeta, PartitionMeta
from azimuth.errors import Code, server_error
from azimuth.ops import collection as ops
from azimuth.ops.base import CallContext
from azimuth.ops.results import CollectionInfo, LoadStateResult
from azimuth.service import checks
from azimuth.service.context import ServiceContext
from azimuth.service.indexes import create_index_on
from azimuth.service.registry import handles
from azimuth.service.schema_checks import check_new_field, check_schema
from azimuth.types.enums import VECTOR_TYPES, LoadState
from azimuth.types.schema import CollectionSchema
from azimuth.types.schema_io import stamp_field_ids

DEFAULT_PARTITION_KEY_PARTITIONS = 16


def _stringify(properties: dict) -> dict[str, str]:
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in (properties or {}).items()}


def _same_definition(meta: CollectionMeta, op: ops.CreateCollection, schema: CollectionSchema) -> bool:
    return CollectionSchema.from_storage(meta.schema) == schema and meta.num_shards == max(op.num_shards, 1)


@handles(ops.CreateCollection)
def create_collection(svc: ServiceContext, op: ops.CreateCollection, ctx: CallContext) -> None:
    engine = svc.engine
    db_name = checks.db_of(op.db_name, ctx)
    checks.validate_name("collection", op.collection_name)
    if op.schema is None:
        raise server_error(Code.INVALID_PARAMETER, "a schema is required to create a collection")
    schema = copy.deepcopy(op.schema)
    check_schema(schema)
    stamp_field_ids(schema, fresh=True)  # ids sent with the schema are ignored, as Milvus does
    with engine.ddl() as catalog:
        checks.database(engine, db_name)
        existing = catalog.find_by_name(db_name, op.collection_name)
        if existing is not None:
            if _same_definition(existing, op, schema):
                return
            raise server_error(
                Code.INVALID_PARAMETER,
                f"create duplicate collection with different parameters, collection: {op.collection_name}",
            )
        if catalog.alias_owner(db_name, op.collection_name) is not None:
            raise server_error(Code.ALIAS_COLLECTION_CONFLICT,
                               f"collection name [{op.collection_name}] conflicts with an existing alias")
        ts = engine.clock.allocate()
        meta = CollectionMeta(
            id=catalog.new_id(), db_name=db_name, name=op.collection_name, schema=schema.to_storage(),
            properties=_stringify(op.properties), consistency_level=int(op.consistency_level),
            num_shards=max(int(op.num_shards or 1), 1), created_ts=ts, updated_ts=ts,
        )
        if schema.partition_key_field is not None:
            count = int(op.num_partitions or DEFAULT_PARTITION_KEY_PARTITIONS)
            meta.num_partitions = count
            meta.partitions = [PartitionMeta(catalog.new_id(), f"{DEFAULT_PARTITION}_{i}", ts) for i in range(count)]
        else:
            meta.num_partitions = 1
            meta.partitions = [PartitionMeta(catalog.new_id(), DEFAULT_PARTITION, ts)]
        catalog.collections[meta.id] = meta
        engine.attach(meta)
    try:
        for index in op.index_params:
            create_index_on(svc, meta, index)
        if op.load:
            load(svc, meta, None)
    except Exception:
        with engine.ddl() as catalog:
            catalog.collections.pop(meta.id, None)
            engine.detach(meta.id)
        raise


@handles(ops.DescribeCollection)
def describe_collection(svc: ServiceContext, op: ops.DescribeCollection, ctx: CallContext) -> CollectionInfo:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    return CollectionInfo(
        name=meta.name, collection_id=meta.id, db_name=meta.db_name,
        schema=CollectionSchema.from_storage(meta.schema), schema_version=meta.schema_version,
        aliases=tuple(meta.aliases), consistency_level=meta.consistency_level, properties=dict(meta.properties),
        num_shards=meta.num_shards, num_partitions=meta.num_partitions, created_ts=meta.created_ts,
        updated_ts=meta.updated_ts,
    )


@handles(ops.HasCollection)
def has_collection(svc: ServiceContext, op: ops.HasCollection, ctx: CallContext) -> bool:
    db_name = checks.db_of(op.db_name, ctx)
    checks.database(svc.engine, db_name)
    return svc.engine.catalog.find(db_name, op.collection_name) is not None


@handles(ops.ListCollections)
def list_collections(svc: ServiceContext, op: ops.ListCollections, ctx: CallContext) -> list[str]:
    db_name = checks.db_of(op.db_name, ctx)
    checks.database(svc.engine, db_name)
    return [c.name for c in sorted(svc.engine.catalog.collections_in(db_name), key=lambda c: c.id)]


@handles(ops.DropCollection)
def drop_collection(svc: ServiceContext, op: ops.DropCollection, ctx: CallContext) -> None:
    engine = svc.engine
    db_name = checks.db_of(op.db_name, ctx)
    with engine.ddl() as catalog:
        checks.database(engine, db_name)
        meta = catalog.find_by_name(db_name, op.collection_name)
        if meta is None:
            if catalog.alias_owner(db_name, op.collection_name) is not None:
                raise server_error(Code.INVALID_PARAMETER,
                                   f"cannot drop the collection via alias = {op.collection_name}")
            return
        if meta.aliases:
            raise server_error(
                Code.INVALID_PARAMETER,
                f"unable to drop the collection [{meta.name}] because it has associated aliases "
                f"{list(meta.aliases)}, please remove all aliases before dropping the collection",
            )
        del catalog.collections[meta.id]
    engine.detach(meta.id)


@handles(ops.RenameCollection)
def rename_collection(svc: ServiceContext, op: ops.RenameCollection, ctx: CallContext) -> None:
    engine = svc.engine
    db_name = checks.db_of(op.db_name, ctx)
    new_db = op.new_db_name or db_name
    checks.validate_name("collection", op.new_name)
    with engine.ddl() as catalog:
        checks.database(engine, new_db)
        meta = catalog.find_by_name(db_name, op.collection_name)
        if meta is None:
            checks.database(engine, db_name)
            raise server_error(Code.COLLECTION_NOT_FOUND, f"collection not found[collection={op.collection_name}]")
        if catalog.find(new_db, op.new_name) is not None:
            raise server_error(Code.INVALID_PARAMETER, f"duplicated new collection name {op.new_name} in database "
                                                       f"{new_db} with other collection name or alias")
        if new_db != db_name and meta.aliases:
            raise server_error(Code.INVALID_PARAMETER, "fail to rename collection to different database, "
                                                       "must drop all aliases of the collection before rename")
        meta.name = op.new_name
        meta.db_name = new_db
        meta.updated_ts = engine.clock.allocate()


@handles(ops.TruncateCollection)
def truncate_collection(svc: ServiceContext, op: ops.TruncateCollection, ctx: CallContext) -> None:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    svc.engine.truncate(meta.id)


@handles(ops.GetCollectionStats)
def get_collection_stats(svc: ServiceContext, op: ops.GetCollectionStats, ctx: CallContext) -> dict[str, int]:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    return {"row_count": svc.engine.data(meta.id).row_count()}


@handles(ops.AlterCollectionProperties)
def alter_collection_properties(svc: ServiceContext, op: ops.AlterCollectionProperties, ctx: CallContext) -> None:
    engine = svc.engine
    with engine.ddl():
        meta = checks.collection(engine, checks.db_of(op.db_name, ctx), op.collection_name)
        meta.properties.update(_stringify(op.properties))
        for key in op.delete_keys:
            meta.properties.pop(key, None)
        meta.updated_ts = engine.clock.allocate()


@handles(ops.AddCollectionField)
def add_collection_field(svc: ServiceContext, op: ops.AddCollectionField, ctx: CallContext) -> None:
    engine = svc.engine
    with engine.ddl():
        meta = checks.collection(engine, checks.db_of(op.db_name, ctx), op.collection_name)
        schema = CollectionSchema.from_storage(meta.schema)
        check_new_field(schema, op.field_schema)
        schema.add_field(op.field_schema.name, op.field_schema.dtype, **_field_kwargs(op.field_schema))
        stamp_field_ids(schema)  # the new field gets the largest id ever used + 1
        meta.schema = schema.to_storage()
        meta.schema_version += 1
        meta.updated_ts = engine.clock.allocate()
        engine.data(meta.id).refresh_schema()


def _field_kwargs(field) -> dict:
    raw = field.to_dict()
    kwargs = dict(raw.get("params") or {})
    for key in ("is_primary", "auto_id", "nullable", "default_value", "is_partition_key", "is_clustering_key",
                "element_type", "description"):
        if key in raw:
            kwargs[key] = raw[key]
    return kwargs


@handles(ops.AlterCollectionField)
def alter_collection_field(svc: ServiceContext, op: ops.AlterCollectionField, ctx: CallContext) -> None:
    engine = svc.engine
    with engine.ddl():
        meta = checks.collection(engine, checks.db_of(op.db_name, ctx), op.collection_name)
        storage = copy.deepcopy(meta.schema)
        schema = CollectionSchema.from_storage(storage)
        target = next((f for f in schema.fields if f.name == op.field_name), None)
        if target is None:
            raise server_error(Code.FIELD_NOT_FOUND, f"field {op.field_name} not exist in collection {meta.name}")
        for key, value in op.field_params.items():
            if key in ("max_length", "max_capacity"):
                current = int(target.params.get(key, 0))
                if int(value) < current:
                    raise server_error(Code.INVALID_PARAMETER, f"{key} of field {op.field_name} can only grow "
                                                               f"(current {current}, asked {value})")
                target.params[key] = int(value)
            else:
                target.params[key] = value
        meta.schema = schema.to_storage()
        meta.schema_version += 1
        engine.data(meta.id).refresh_schema()


# ---- load state -----------------------------------------------------------------------------------------------
def _check_indexed(meta: CollectionMeta) -> None:
    schema = CollectionSchema.from_storage(meta.schema)
    indexed = {i.field_name for i in meta.indexes}
    for field in schema.fields:
        if field.dtype in VECTOR_TYPES and field.name not in indexed:
            raise server_error(
                Code.INDEX_NOT_FOUND,
                f"there is no vector index on field: [{field.name}], please create index firstly: "
                f"collection={meta.name}: index not found",
            )


def load(svc: ServiceContext, meta: CollectionMeta, partition_names: list[str] | None) -> None:
    with svc.engine.ddl():
        _check_indexed(meta)
        targets = meta.partitions if not partition_names else [checks.partition(meta, n) for n in partition_names]
        for part in targets:
            part.loaded = True


@handles(ops.LoadCollection)
def load_collection(svc: ServiceContext, op: ops.LoadCollection, ctx: CallContext) -> None:
    load(svc, checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name), None)


@handles(ops.ReleaseCollection)
def release_collection(svc: ServiceContext, op: ops.ReleaseCollection, ctx: CallContext) -> None:
    with svc.engine.ddl():
        meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
        for part in meta.partitions:
            part.loaded = False


@handles(ops.GetLoadState)
def get_load_state(svc: ServiceContext, op: ops.GetLoadState, ctx: CallContext) -> LoadStateResult:
    db_name = checks.db_of(op.db_name, ctx)
    meta = svc.engine.catalog.find(db_name, op.collection_name)
    if meta is None:
        return LoadStateResult(int(LoadState.NotExist))
    if op.partition_names:
        parts = [meta.partition(name) for name in op.partition_names]
        if any(p is None for p in parts):
            return LoadStateResult(int(LoadState.NotExist))
        loaded = all(p.loaded for p in parts)  # type: ignore[union-attr]
    else:
        loaded = meta.loaded
    return LoadStateResult(int(LoadState.Loaded if loaded else LoadState.NotLoad))


@handles(ops.Flush)
def flush(svc: ServiceContext, op: ops.Flush, ctx: CallContext) -> None:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    svc.engine.flush(meta.id)


@handles(ops.FlushAll)
def flush_all(svc: ServiceContext, op: ops.FlushAll, ctx: CallContext) -> None:
    svc.engine.flush_all()


@handles(ops.Compact)
def compact(svc: ServiceContext, op: ops.Compact, ctx: CallContext) -> int:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    return svc.engine.compact(meta.id)


@handles(ops.GetCompactionState)
def get_compaction_state(svc: ServiceContext, op: ops.GetCompactionState, ctx: CallContext) -> str:
    return "Completed" if op.job_id in svc.engine.compactions else "UndefiedState"
