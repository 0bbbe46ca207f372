"""Output models of the MCP tools: each becomes a tool's ``output_schema`` and validates its structured content.

Models allow extra keys so that a newer server may add information without breaking older clients; the keys
listed here are the contract.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class DatabasesOut(_Out):
    databases: list[str]
    current: str


class UseDatabaseOut(_Out):
    current: str
    scope: str


class CollectionBrief(_Out):
    name: str
    row_count: int
    load_state: str


class CollectionsOut(_Out):
    db_name: str
    collections: list[str] | list[CollectionBrief]


class CollectionInfoOut(_Out):
    name: str
    description: str
    fields: list[dict[str, Any]]
    functions: list[dict[str, Any]]
    indexes: list[dict[str, Any]]
    row_count: int
    load_state: str
    enable_dynamic_field: bool
    consistency_level: str
    search_capabilities: dict[str, Any]


class CreateCollectionOut(_Out):
    created: bool
    collection_name: str
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    notes: list[str] = []


class LoadStateOut(_Out):
    collection_name: str
    load_state: str


class InsertOut(_Out):
    insert_count: int
    ids: list[int | str]
    ids_truncated: bool


class UpsertOut(_Out):
    upsert_count: int
    ids: list[int | str] = []
    ids_truncated: bool = False


class DeleteOut(_Out):
    dry_run: bool
    delete_count: int | None = None
    would_delete: int | None = None


class QueryOut(_Out):
    rows: list[dict[str, Any]]
    returned: int
    truncated: bool
    next_offset: int | None = None


class Hit(_Out):
    id: int | str
    distance: float | str
    entity: dict[str, Any]


class SearchOut(_Out):
    hits: list[Hit]
    returned: int
    metric: str | None = None
    anns_field: str | None = None
    truncated: bool
    next_offset: int | None = None
    mode_used: str | None = None
    why: str | None = None


class EntitiesOut(_Out):
    rows: list[dict[str, Any]]
    missing_ids: list[int | str]
    truncated: bool = False


class CountOut(_Out):
    collection_name: str
    count: int
    filter_expr: str = ""


class StatsOut(_Out):
    collection_name: str
    row_count: int


class IndexesOut(_Out):
    collection_name: str
    indexes: list[dict[str, Any]]


class IndexOut(_Out):
    collection_name: str
    index: dict[str, Any]


class PartitionsOut(_Out):
    collection_name: str
    partitions: list[str]


class DoneOut(_Out):
    """Confirmation of an administrative action (drop, create partition, rename...)."""

    done: bool
    action: str
    target: str


class ServerInfoOut(_Out):
    server_version: str
    engine: str
    uri: str
    db_name: str
    read_only: bool
    toolsets: list[str]
    limits: dict[str, int]
    default_collection: str | None = None


__all__ = [name for name in dir() if name.endswith("Out") or name in {"Hit", "CollectionBrief"}]
