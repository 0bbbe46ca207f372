"""Partitions: create, drop, has, list, load, release, stats."""

from __future__ import annotations

from azimuth.engine.catalog import DEFAULT_PARTITION, PartitionMeta
from azimuth.errors import Code, server_error
from azimuth.ops import collection as ops
from azimuth.ops.base import CallContext
from azimuth.service import checks
from azimuth.service.collections import load
from azimuth.service.context import ServiceContext
from azimuth.service.registry import handles
from azimuth.types.schema import CollectionSchema

MAX_PARTITIONS = 1024


@handles(ops.CreatePartition)
def create_partition(svc: ServiceContext, op: ops.CreatePartition, ctx: CallContext) -> None:
    engine = svc.engine
    checks.validate_name("partition", op.partition_name)
    with engine.ddl() as catalog:
        meta = checks.collection(engine, checks.db_of(op.db_name, ctx), op.collection_name)
        if CollectionSchema.from_storage(meta.schema).partition_key_field is not None:
            raise server_error(Code.INVALID_PARAMETER, "disable create partition if partition key mode is used")
        if meta.partition(op.partition_name) is not None:
            raise server_error(Code.INVALID_PARAMETER, f"partition already exists: {op.partition_name}")
        if len(meta.partitions) >= MAX_PARTITIONS:
            raise server_error(Code.INVALID_PARAMETER, f"partition number ({len(meta.partitions)}) exceeds max "
                                                       f"configuration ({MAX_PARTITIONS})")
        part = PartitionMeta(catalog.new_id(), op.partition_name, engine.clock.allocate(), loaded=meta.loaded)
        meta.partitions.append(part)
        meta.num_partitions = len(meta.partitions)
        engine.data(meta.id).add_partition(part.id)


@handles(ops.DropPartition)
def drop_partition(svc: ServiceContext, op: ops.DropPartition, ctx: CallContext) -> None:
    engine = svc.engine
    with engine.ddl():
        meta = checks.collection(engine, checks.db_of(op.db_name, ctx), op.collection_name)
        if op.partition_name == DEFAULT_PARTITION:
            raise server_error(Code.INVALID_PARAMETER, "default partition cannot be deleted")
        if CollectionSchema.from_storage(meta.schema).partition_key_field is not None:
            raise server_error(Code.INVALID_PARAMETER, "disable drop partition if partition key mode is used")
        part = meta.partition(op.partition_name)
        if part is None:
            return
        if part.loaded:
            raise server_error(Code.INVALID_PARAMETER, f"partition cannot be dropped, partition is loaded, please "
                                                       f"release it first: partition={op.partition_name}")
        meta.partitions.remove(part)
        meta.segments = [s for s in meta.segments if s.partition_id != part.id]
        meta.num_partitions = len(meta.partitions)
        directories = engine.data(meta.id).drop_partition(part.id)
    for directory in directories:
        import shutil

        shutil.rmtree(directory, ignore_errors=True)


@handles(ops.HasPartition)
def has_partition(svc: ServiceContext, op: ops.HasPartition, ctx: CallContext) -> bool:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    return meta.partition(op.partition_name) is not None


@handles(ops.ListPartitions)
def list_partitions(svc: ServiceContext, op: ops.ListPartitions, ctx: CallContext) -> list[str]:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    return [p.name for p in meta.partitions]


@handles(ops.LoadPartitions)
def load_partitions(svc: ServiceContext, op: ops.LoadPartitions, ctx: CallContext) -> None:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    if not op.partition_names:
        raise server_error(Code.INVALID_PARAMETER, "partition_names must not be empty")
    load(svc, meta, list(op.partition_names))


@handles(ops.ReleasePartitions)
def release_partitions(svc: ServiceContext, op: ops.ReleasePartitions, ctx: CallContext) -> None:
    with svc.engine.ddl():
        meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
        for name in op.partition_names:
            checks.partition(meta, name).loaded = False


@handles(ops.GetPartitionStats)
def get_partition_stats(svc: ServiceContext, op: ops.GetPartitionStats, ctx: CallContext) -> dict[str, int]:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    part = checks.partition(meta, op.partition_name)
    return {"row_count": svc.engine.data(meta.id).row_count([part.id])}
