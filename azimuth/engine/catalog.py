"""The catalog: databases, collections (schema, properties, partitions, aliases, index definitions, load state)
and the manifest of sealed segments, persisted as one JSON document replaced atomically.

Invariants: ids (databases, collections, partitions, segments, a collection's field ids) are never reused; a
stored schema carries its field ids (``schema_io.stamp_field_ids``), and a schema stored without them is given,
on load, the ids it has always been described with. A collection's ``flushed_ts`` says that every WAL record of
that collection with a timestamp at or below it is already in its sealed segments (and their delete files), so
recovery replays only newer records.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from azimuth.engine.storage.files import read_json, write_json_atomic
from azimuth.types.schema_io import stamp_storage_ids

CATALOG_FILE = "catalog.json"
DEFAULT_PARTITION = "_default"


@dataclass
class PartitionMeta:
    id: int
    name: str
    created_ts: int = 0
    loaded: bool = False


@dataclass
class IndexMeta:
    name: str
    field_name: str
    index_type: str
    metric_type: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    id: int = 0


@dataclass
class SegmentMeta:
    id: int
    partition_id: int
    num_rows: int
    directory: str
    deletes_file: str = ""
    deleted_rows: int = 0
    indexes: dict[str, str] = field(default_factory=dict)


@dataclass
class CollectionMeta:
    id: int
    db_name: str
    name: str
    schema: dict[str, Any]
    schema_version: int = 0
    properties: dict[str, str] = field(default_factory=dict)
    consistency_level: int = 2
    num_shards: int = 1
    num_partitions: int = 0
    partitions: list[PartitionMeta] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    indexes: list[IndexMeta] = field(default_factory=list)
    segments: list[SegmentMeta] = field(default_factory=list)
    flushed_ts: int = 0
    created_ts: int = 0
    updated_ts: int = 0

    def partition(self, name: str) -> PartitionMeta | None:
        for partition in self.partitions:
            if partition.name == name:
                return partition
        return None

    def index_named(self, name: str) -> IndexMeta | None:
        for index in self.indexes:
            if index.name == name:
                return index
        return None

    @property
    def loaded(self) -> bool:
        return any(p.loaded for p in self.partitions)


@dataclass
class DatabaseMeta:
    id: int
    name: str
    properties: dict[str, str] = field(default_factory=dict)
    created_ts: int = 0


@dataclass
class UserMeta:
    """A user: salted password hash (the service hashes; the catalog only stores), description, granted roles."""

    name: str
    salt: str
    hash: str
    description: str = ""
    roles: list[str] = field(default_factory=list)
    created_ts: int = 0


@dataclass
class RoleMeta:
    """A role and its grants (``{"object_type", "object_name", "db_name", "privilege", "grantor"}`` each)."""

    name: str
    description: str = ""
    grants: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ResourceGroupMeta:
    """A resource group: its config and the collections whose replica was transferred to it."""

    name: str
    config: dict[str, Any] = field(default_factory=dict)
    collections: list[int] = field(default_factory=list)


@dataclass
class SecurityMeta:
    """Users, roles, privilege groups and resource groups (bookkeeping of a single node)."""

    users: dict[str, UserMeta] = field(default_factory=dict)
    roles: dict[str, RoleMeta] = field(default_factory=dict)
    privilege_groups: dict[str, list[str]] = field(default_factory=dict)
    resource_groups: dict[str, ResourceGroupMeta] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"users": [asdict(u) for u in self.users.values()],
                "roles": [asdict(r) for r in self.roles.values()],
                "privilege_groups": dict(self.privilege_groups),
                "resource_groups": [asdict(g) for g in self.resource_groups.values()]}

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> SecurityMeta:
        raw = raw or {}
        return cls(users={u["name"]: UserMeta(**u) for u in raw.get("users", [])},
                   roles={r["name"]: RoleMeta(**r) for r in raw.get("roles", [])},
                   privilege_groups={k: list(v) for k, v in raw.get("privilege_groups", {}).items()},
                   resource_groups={g["name"]: ResourceGroupMeta(**g) for g in raw.get("resource_groups", [])})


class Catalog:
    """In-memory catalog with name lookups; ``save()`` persists it atomically."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / CATALOG_FILE
        self.next_id = 1
        self.databases: dict[str, DatabaseMeta] = {}
        self.collections: dict[int, CollectionMeta] = {}
        self.security = SecurityMeta()

    # ---- persistence -------------------------------------------------------------------------------------
    @classmethod
    def load_or_create(cls, directory: Path, created_ts: int) -> Catalog:
        catalog = cls(directory)
        if os.path.exists(catalog.path):
            catalog._from_json(read_json(catalog.path))
        else:
            catalog.databases["default"] = DatabaseMeta(catalog.new_id(), "default", {}, created_ts)
            catalog.save()
        return catalog

    def save(self) -> None:
        document = {
            "next_id": self.next_id,
            "databases": [asdict(db) for db in self.databases.values()],
            "collections": [asdict(c) for c in self.collections.values()],
            "security": self.security.to_json(),
        }
        write_json_atomic(self.path, document)

    def _from_json(self, document: dict[str, Any]) -> None:
        self.next_id = int(document["next_id"])
        self.security = SecurityMeta.from_json(document.get("security"))
        for db in document["databases"]:
            self.databases[db["name"]] = DatabaseMeta(**db)
        for raw in document["collections"]:
            raw = dict(raw)
            raw["schema"] = stamp_storage_ids(raw["schema"])  # catalogs written before field ids were stored
            raw["partitions"] = [PartitionMeta(**p) for p in raw["partitions"]]
            raw["indexes"] = [IndexMeta(**i) for i in raw["indexes"]]
            raw["segments"] = [SegmentMeta(**s) for s in raw["segments"]]
            meta = CollectionMeta(**raw)
            self.collections[meta.id] = meta

    # ---- lookups -----------------------------------------------------------------------------------------
    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def collections_in(self, db_name: str) -> list[CollectionMeta]:
        return [c for c in self.collections.values() if c.db_name == db_name]

    def find(self, db_name: str, name: str) -> CollectionMeta | None:
        """A collection by name or alias in a database."""
        for meta in self.collections.values():
            if meta.db_name == db_name and meta.name == name:
                return meta
        for meta in self.collections.values():
            if meta.db_name == db_name and name in meta.aliases:
                return meta
        return None

    def find_by_name(self, db_name: str, name: str) -> CollectionMeta | None:
        for meta in self.collections.values():
            if meta.db_name == db_name and meta.name == name:
                return meta
        return None

    def alias_owner(self, db_name: str, alias: str) -> CollectionMeta | None:
        for meta in self.collections.values():
            if meta.db_name == db_name and alias in meta.aliases:
                return meta
        return None
