"""Ops for collections, partitions, aliases, loading and schema evolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from azimuth.ops.base import CollectionOp, Op
from azimuth.types.index_params import IndexParam
from azimuth.types.schema import CollectionSchema, FieldSchema


@dataclass(frozen=True)
class CreateCollection(CollectionOp):
    """Create a collection; with ``index_params`` the indexes are built and, if ``load``, the collection loaded."""

    name = "CreateCollection"
    mutates_schema = True
    schema: CollectionSchema | None = None
    consistency_level: int = 2
    properties: dict[str, str] = field(default_factory=dict)
    num_shards: int = 1
    num_partitions: int = 0
    index_params: tuple[IndexParam, ...] = ()
    load: bool = False


@dataclass(frozen=True)
class DescribeCollection(CollectionOp):
    name = "DescribeCollection"


@dataclass(frozen=True)
class HasCollection(CollectionOp):
    name = "HasCollection"


@dataclass(frozen=True)
class DropCollection(CollectionOp):
    name = "DropCollection"
    mutates_schema = True


@dataclass(frozen=True)
class ListCollections(Op):
    name = "ShowCollections"
    db_name: str = ""


@dataclass(frozen=True)
class RenameCollection(CollectionOp):
    name = "RenameCollection"
    mutates_schema = True
    new_name: str = ""
    new_db_name: str = ""


@dataclass(frozen=True)
class TruncateCollection(CollectionOp):
    name = "TruncateCollection"
    writes_data = True


@dataclass(frozen=True)
class GetCollectionStats(CollectionOp):
    name = "GetCollectionStatistics"


@dataclass(frozen=True)
class AlterCollectionProperties(CollectionOp):
    name = "AlterCollection"
    mutates_schema = True
    properties: dict[str, str] = field(default_factory=dict)
    delete_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddCollectionField(CollectionOp):
    name = "AddCollectionField"
    mutates_schema = True
    field_schema: FieldSchema | None = None


@dataclass(frozen=True)
class AlterCollectionField(CollectionOp):
    name = "AlterCollectionField"
    mutates_schema = True
    field_name: str = ""
    field_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadCollection(CollectionOp):
    name = "LoadCollection"
    load_fields: tuple[str, ...] = ()
    refresh: bool = False


@dataclass(frozen=True)
class ReleaseCollection(CollectionOp):
    name = "ReleaseCollection"


@dataclass(frozen=True)
class GetLoadState(CollectionOp):
    name = "GetLoadState"
    partition_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flush(CollectionOp):
    name = "Flush"


@dataclass(frozen=True)
class FlushAll(Op):
    name = "FlushAll"
    db_name: str = ""


@dataclass(frozen=True)
class Compact(CollectionOp):
    """Compact a collection now; returns the job id."""

    name = "ManualCompaction"
    is_clustering: bool = False
    target_size_mb: int = 0


@dataclass(frozen=True)
class GetCompactionState(Op):
    """State of a compaction job: ``"Completed"`` or, for an unknown id, ``"UndefiedState"`` (sic, as Milvus)."""

    name = "GetCompactionState"
    job_id: int = 0


@dataclass(frozen=True)
class CreatePartition(CollectionOp):
    name = "CreatePartition"
    mutates_schema = True
    partition_name: str = ""


@dataclass(frozen=True)
class DropPartition(CollectionOp):
    name = "DropPartition"
    mutates_schema = True
    partition_name: str = ""


@dataclass(frozen=True)
class HasPartition(CollectionOp):
    name = "HasPartition"
    partition_name: str = ""


@dataclass(frozen=True)
class ListPartitions(CollectionOp):
    name = "ShowPartitions"


@dataclass(frozen=True)
class LoadPartitions(CollectionOp):
    name = "LoadPartitions"
    partition_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReleasePartitions(CollectionOp):
    name = "ReleasePartitions"
    partition_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class GetPartitionStats(CollectionOp):
    name = "GetPartitionStatistics"
    partition_name: str = ""


@dataclass(frozen=True)
class CreateAlias(CollectionOp):
    name = "CreateAlias"
    mutates_schema = True
    alias: str = ""


@dataclass(frozen=True)
class AlterAlias(CollectionOp):
    name = "AlterAlias"
    mutates_schema = True
    alias: str = ""


@dataclass(frozen=True)
class DropAlias(Op):
    name = "DropAlias"
    mutates_schema = True
    alias: str = ""
    db_name: str = ""


@dataclass(frozen=True)
class DescribeAlias(Op):
    name = "DescribeAlias"
    alias: str = ""
    db_name: str = ""


@dataclass(frozen=True)
class ListAliases(CollectionOp):
    name = "ListAliases"
