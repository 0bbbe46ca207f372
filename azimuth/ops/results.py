"""Results of ops: structured values every transport can carry; clients shape them for users at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from azimuth.types.schema import CollectionSchema


@dataclass(frozen=True)
class CollectionInfo:
    """What ``DescribeCollection`` returns."""

    name: str
    collection_id: int
    db_name: str
    schema: CollectionSchema
    schema_version: int
    aliases: tuple[str, ...]
    consistency_level: int
    properties: dict[str, str]
    num_shards: int
    num_partitions: int
    created_ts: int
    updated_ts: int


@dataclass(frozen=True)
class MutationResult:
    insert_count: int = 0
    delete_count: int = 0
    upsert_count: int = 0
    ids: list[Any] = field(default_factory=list)
    timestamp: int = 0


@dataclass(frozen=True)
class QueryResult:
    """Rows as an Arrow table. ``fields`` are the user-visible columns to output in order; ``dynamic_keys`` are
    the ``$meta`` keys to flatten into rows (``None`` = all keys); ``count`` is set for ``count(*)`` queries."""

    table: pa.Table | None
    fields: tuple[str, ...] = ()
    dynamic_keys: tuple[str, ...] | None = ()
    count: int | None = None
    snapshot_ts: int = 0


@dataclass(frozen=True)
class LoadStateResult:
    state: int
    progress: int = 100


@dataclass(frozen=True)
class IndexInfo:
    index_name: str
    field_name: str
    params: dict[str, Any]
    total_rows: int = 0
    indexed_rows: int = 0
    pending_index_rows: int = 0
    state: str = "Finished"
    index_id: int = 0


@dataclass(frozen=True)
class AliasInfo:
    alias: str
    collection_name: str
    db_name: str


@dataclass(frozen=True)
class AliasList:
    db_name: str
    collection_name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class DatabaseInfo:
    name: str
    properties: dict[str, str]
    db_id: int = 0
    created_ts: int = 0


@dataclass(frozen=True)
class VersionInfo:
    version: str
    build_time: str = ""
    git_commit: str = ""
    go_version: str = ""
    deploy_mode: str = "EMBEDDED"
